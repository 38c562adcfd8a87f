// @ts-check
// The logged-in console: header (presence, alerts, logout), queue, chats in tabs with their
// context, knowledge-base search and, for supervisors, the Leitstand. Wires the gateway's
// events (namespace /agent, gateway-events.js) to these parts; after every (re)connect "hello"
// is merged in (sync.js).

import { byId } from "../shared/dom.js";
import { AGENT } from "../shared/events.js";
import * as api from "./api.js";
import { announce } from "./announce.js";
import { createChatDesk } from "./chat-desk.js";
import { gatewayHandlers } from "./gateway-events.js";
import { createKbSearch } from "./kbsearch.js";
import { createPresence } from "./presence.js";
import { createQueue } from "./queue.js";
import { setupSessionBar } from "./session-bar.js";
import { openAgentSocket } from "./socket.js";
import { hello } from "./sync.js";
import { errorText, t } from "./texts.js";
import { setupSupervisorView } from "./views.js";

const SUPERVISOR_ROLES = new Set(["supervisor", "admin"]);
const RETRY_CONNECT_MS = 3000;

/**
 * The logged-in console's parts and what it knows, shared by the modules that wire them.
 * @typedef {object} Workspace
 * @property {boolean} supervisorRole
 * @property {any} me  the account as the gateway last described it (hello)
 * @property {Record<string, string>} departments  id -> name
 * @property {Set<string>} expecting  chats this console asked for (accept, take over): no alert
 * @property {(noticeKey: string | null) => void} restart  back to the login form with a notice
 * @property {import("./socket.js").AgentSocket} socket
 * @property {import("./queue.js").Queue} queue
 * @property {import("./chat-desk.js").ChatDesk} desk
 * @property {import("./presence.js").Presence} presence
 * @property {import("./supervisor.js").Supervisor | null} supervisor
 */

/**
 * The agent pressed "Annehmen" in the queue.
 * @param {Workspace} ws
 * @param {string} conversationId
 */
async function accept(ws, conversationId) {
  const waited = ws.queue.waitedSeconds(conversationId);
  ws.expecting.add(conversationId);
  const ack = await ws.socket.call(AGENT.ACCEPT, { conversation_id: conversationId });
  if (!ack.ok) {
    ws.expecting.delete(conversationId);
    ws.queue.showError(conversationId, errorText(ack.error));
    return;
  }
  const chat = ws.desk.open(ack.conversation);
  if (waited !== null) chat.setWaited(waited);
  ws.desk.show(chat);
  announce(t("queue.accepted", { label: chat.label }));
}

/**
 * The connection to the gateway: its state in the top bar, "hello" after every (re)connect, and
 * after a refusal either the login form (the login ended) or another try.
 * @param {Workspace} ws
 * @param {(state: string) => void} showConnection
 */
function connect(ws, showConnection) {
  return openAgentSocket(gatewayHandlers(ws), {
    connected: () => {
      showConnection("online");
      hello(ws);
    },
    disconnected: () => showConnection("lost"),
    refused: async () => {
      const still = await api.me().catch(() => true);
      if (!still) ws.restart("login.expired");
      else setTimeout(() => ws.socket.reconnect(), RETRY_CONNECT_MS);
    },
  });
}

/**
 * @param {any} user  the logged-in account (GET /api/me)
 * @param {{ restart: (noticeKey: string | null) => void }} options
 */
export function startWorkspace(user, { restart }) {
  // the parts are added below, in the order the page sets them up
  const ws = /** @type {Workspace} */ ({
    supervisorRole: SUPERVISOR_ROLES.has(user.role),
    me: { ...user },
    departments: {},
    expecting: new Set(),
    restart,
    supervisor: null,
  });
  const showConnection = setupSessionBar(user, async () => {
    await api.logout().catch(() => {});
    ws.socket?.close();
    restart(null);
  });

  ws.queue = createQueue({
    list: byId("queue-list"),
    empty: byId("queue-empty"),
    count: byId("queue-count"),
    onAccept: (conversationId) => accept(ws, conversationId),
  });
  setInterval(() => ws.queue.tick(), 1000);
  ws.desk = createChatDesk(ws);
  createKbSearch({
    form: byId("kb-form"),
    input: /** @type {HTMLInputElement} */ (byId("kb-query")),
    results: byId("kb-results"),
    status: byId("kb-status"),
    departments: () => ws.departments,
    activeChat: ws.desk.active,
  });
  ws.presence = createPresence(
    () => ws.socket,
    () => ws.me.status,
  );
  ws.socket = connect(ws, showConnection);
  ws.supervisor = setupSupervisorView(ws);

  ws.desk.updateEmpty();
  byId("workspace-heading").focus();
}
