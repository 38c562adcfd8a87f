// @ts-check
// The agent's presence, online or away: the radio buttons of the top bar and the hint shown while
// away. The choice is kept across reconnects (a new connection starts "online").

import { byId } from "../shared/dom.js";
import { AGENT } from "../shared/events.js";
import { announce } from "./announce.js";
import { t } from "./texts.js";

/** @typedef {import("./socket.js").AgentSocket} AgentSocket */
/** @typedef {ReturnType<typeof createPresence>} Presence */

/**
 * @param {() => AgentSocket} socket
 * @param {() => string | undefined} serverStatus  the status the gateway last told (hello)
 */
export function createPresence(socket, serverStatus) {
  const inputs = [.../** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="presence"]'))];
  /** @type {string | null} */
  let choice = null;

  /** @param {string} status */
  function show(status) {
    for (const input of inputs) input.checked = input.value === status;
    byId("away-hint").hidden = status !== "away";
  }

  for (const input of inputs) {
    input.addEventListener("change", async () => {
      if (!input.checked) return;
      const ack = await socket().call(AGENT.PRESENCE, { status: input.value });
      if (ack.ok) {
        choice = ack.status;
        show(ack.status);
      } else {
        show(choice ?? serverStatus() ?? "online");
        announce(t("presence.failed"));
      }
    });
  }

  return {
    /** Away: new requests come without sound, notification or announcement. */
    get away() {
      return (choice ?? serverStatus()) === "away";
    },
    /**
     * After hello: the agent's own choice wins over the new connection's status.
     * @param {string} status  the status the gateway has now
     */
    async restore(status) {
      if (choice && status !== choice) await socket().call(AGENT.PRESENCE, { status: choice });
      show(choice ?? status);
    },
  };
}
