// @ts-check
// What the gateway sends the console (namespace /agent, docs/protocol.md), handled: new requests
// (chime, desktop notification, announcement), chats assigned by a colleague, messages, typing,
// chats that ended or were deleted, the agents' list, the end of the login, account changes and
// resyncs.

import { AGENT } from "../shared/events.js";
import { announce } from "./announce.js";
import { alertTitle, chime, desktopNotification } from "./notify.js";
import { hello, resync, updateAgents } from "./sync.js";
import { reasonText, t } from "./texts.js";

/** @typedef {import("./workspace.js").Workspace} Workspace */

/** States of conversation_update after which the chat is no longer this agent's. */
const LEFT_STATES = ["closed", "bot", "transferred"];

/**
 * A new request in the queue: heard and seen unless the agent is away.
 * @param {Workspace} ws
 * @param {any} conversation
 */
function handoffAlert(ws, conversation) {
  ws.queue.add(conversation);
  if (ws.presence.away) return;
  const department = conversation.department_name || conversation.department;
  chime();
  desktopNotification(alertTitle(department), reasonText(conversation.reason), conversation.conversation_id, () =>
    ws.queue.focus(conversation.conversation_id),
  );
  announce(t("queue.alert", { department, reason: reasonText(conversation.reason) }));
}

/**
 * A chat is this agent's now; announced when this console did not ask for it (a transfer).
 * @param {Workspace} ws
 * @param {any} conversation
 */
function assigned(ws, conversation) {
  const id = conversation.conversation_id;
  const isNew = !ws.desk.has(id);
  const chat = ws.desk.open(conversation);
  if (isNew && !ws.expecting.has(id)) {
    // transferred to this agent by a colleague
    chime();
    announce(t("chat.assigned", { label: chat.label }));
  }
  ws.expecting.delete(id);
}

/**
 * The handlers of the gateway's events, by event name.
 * @param {Workspace} ws
 * @returns {Record<string, (data: any) => void>}
 */
export function gatewayHandlers(ws) {
  return {
    [AGENT.HANDOFF_ALERT]: (conversation) => handoffAlert(ws, conversation),
    [AGENT.QUEUE]: ({ department, items }) => ws.queue.replaceDepartment(department, items),
    [AGENT.ASSIGNED]: (conversation) => assigned(ws, conversation),
    [AGENT.MESSAGE]: ({ conversation_id: id, message }) => {
      const chat = ws.desk.get(id);
      if (chat) chat.message(message, ws.desk.active() === chat);
      else ws.queue.message(id, message);
    },
    [AGENT.TYPING]: ({ conversation_id: id, typing }) => ws.desk.get(id)?.typing(typing),
    [AGENT.CONVERSATION_UPDATE]: ({ conversation_id: id, state, outcome }) => {
      const chat = ws.desk.get(id);
      if (chat && LEFT_STATES.includes(state)) chat.end(state, { outcome });
    },
    [AGENT.CONVERSATION_DELETED]: ({ conversation_id: id }) => {
      ws.desk.get(id)?.end("deleted");
      ws.queue.remove(id);
    },
    [AGENT.AGENTS]: ({ agents }) => updateAgents(ws, agents),
    // the login ended (logout elsewhere, new password, account changed or deactivated)
    [AGENT.SESSION_ENDED]: () => ws.restart("login.ended"),
    // an administrator changed this account's departments or maximum: take the new queues
    [AGENT.ME]: () => hello(ws),
    // the gateway may have missed relaying something to this console (Redis was down)
    [AGENT.RESYNC]: () => resync(ws),
  };
}
