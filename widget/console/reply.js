// @ts-check
// Sending the agent's reply or internal note: shown at once as "sending …", then as delivered
// or failed from the gateway's acknowledgement. A retry repeats the message's client_id, so the
// gateway stores and relays it only once.

import { AGENT } from "../shared/events.js";
import { errorText, t } from "./texts.js";

/** @typedef {import("./socket.js").AgentSocket} AgentSocket */
/** @typedef {import("./transcript.js").Transcript} Transcript */

function clientId() {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `console-${Date.now().toString(36)}-${random[0].toString(36)}${random[1].toString(36)}`;
}

/**
 * The send function of one chat's reply box.
 * @param {object} options
 * @param {AgentSocket} options.socket
 * @param {string} options.conversationId
 * @param {{ display_name: string }} options.me
 * @param {Transcript} options.transcript
 * @param {(text: string) => void} options.showError  in the reply box
 * @returns {(text: string, note: boolean) => void}
 */
export function replySender({ socket, conversationId, me, transcript, showError }) {
  return (text, note) => {
    const message = {
      sender: note ? "note" : "agent",
      text,
      client_id: clientId(),
      agent_name: me.display_name,
      ts: new Date().toISOString(),
    };
    const payload = { conversation_id: conversationId, text, client_id: message.client_id };
    const emit = async () => {
      const ack = await socket.call(note ? AGENT.NOTE : AGENT.MESSAGE, payload);
      if (ack.ok) handle.delivered(ack.id);
      else {
        handle.failed(errorText(ack.error));
        showError(`${t("message.failed")}: ${errorText(ack.error)}`);
      }
    };
    const handle = transcript.addPending(message, emit);
    emit();
  };
}
