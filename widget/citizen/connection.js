// @ts-check
// The citizen's Socket.IO connection (docs/protocol.md, namespace "/"). Socket.IO reconnects by
// itself; after every (re)connect this asks for the stored session and then for every message
// newer than the last one shown, so nothing sent while the connection was down is missed.

import { CITIZEN, SOCKET_IO } from "../shared/events.js";
import { io } from "../shared/socket-io.js";
import { storage } from "./storage.js";

/** @typedef {import("../shared/socket-io.js").Socket} Socket */

const ACK_TIMEOUT_MS = 15000;
const RETRY_SESSION_MS = 3000;
const MAX_HISTORY_PAGES = 20;

/**
 * @typedef {object} ConnectionHandlers
 * @property {() => number} lastId  the newest server id shown
 * @property {(messages: any[]) => number} onHistory  returns how many of them were new
 * @property {(status: any) => void} onReady  the session is set up; its handoff status
 * @property {() => void} onSessionReset  the stored conversation no longer exists
 * @property {() => void} onDisconnect
 * @property {(event: any) => void} onBotUttered
 * @property {(entry: any) => void} onEcho
 * @property {(event: any) => void} onDelivered
 * @property {(event: any) => void} onTyping
 * @property {(status: any) => void} onStatus
 * @property {() => void} onDeleted
 */

export class Connection {
  // A deletion asked for while offline (storage.pendingDelete) is sent first after a (re)connect;
  // onDeleted() runs once the gateway confirmed it.
  /**
   * @param {import("./config.js").Config} config
   * @param {ConnectionHandlers} handlers
   */
  constructor(config, handlers) {
    this.config = config;
    this.handlers = handlers;
    /** @type {Socket | null} */
    this.socket = null;
    this.ready = false;
    this.generation = 0; // which connection a running session setup belongs to
    this.deleting = false; // a deletion asked for while offline is being sent
  }

  start() {
    if (this.socket) return;
    const socket = io(this.config.socketUrl, {
      path: this.config.socketPath,
      // WebSocket first; long-polling where a proxy blocks it
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnectionDelayMax: 5000,
    });
    this.socket = socket;
    const h = this.handlers;
    socket.on(SOCKET_IO.CONNECT, () => this.setUp());
    socket.on(SOCKET_IO.DISCONNECT, (reason) => {
      this.ready = false;
      this.generation += 1;
      h.onDisconnect();
      if (reason === SOCKET_IO.SERVER_DISCONNECT) socket.connect(); // the server dropped us: not automatic
    });
    socket.on(SOCKET_IO.CONNECT_ERROR, () => h.onDisconnect());
    socket.on(CITIZEN.BOT_UTTERED, (event) => h.onBotUttered(event));
    socket.on(CITIZEN.MESSAGE_ECHO, (entry) => h.onEcho(entry));
    socket.on(CITIZEN.DELIVERED, (event) => h.onDelivered(event));
    socket.on(CITIZEN.TYPING, (event) => h.onTyping(event));
    socket.on(CITIZEN.HANDOFF_STATUS, (status) => h.onStatus(status));
    socket.on(CITIZEN.SESSION_DELETED, () => {
      h.onDeleted();
      if (!this.deleting) this.restart(); // deleted here or in another tab: a fresh session
    });
    socket.on(CITIZEN.RESYNC, () => this.resync());
  }

  /**
   * Resolves with the ack; rejects when none comes in time (e.g. the connection broke).
   * @param {string} event
   * @param {object} [payload]
   * @returns {Promise<any>}
   */
  call(event, payload) {
    const socket = /** @type {Socket} */ (this.socket); // started before anything is sent
    return socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
  }

  async setUp() {
    const generation = this.generation;
    const current = () => generation === this.generation && this.socket?.connected === true;
    try {
      if (storage.pendingDelete && !(await this.deletePending(current))) return;
      const known = storage.sessionId;
      const ack = await this.call(CITIZEN.SESSION_REQUEST, { session_id: known });
      if (!current()) return;
      if (!ack?.ok) throw new Error(ack?.error ?? "session_request failed");
      if (ack.session_id !== known) {
        storage.sessionId = ack.session_id;
        if (known) this.handlers.onSessionReset(); // the old conversation is gone
      }
      let status = ack.status;
      for (let page = 0; page < MAX_HISTORY_PAGES; page += 1) {
        const history = await this.call(CITIZEN.HISTORY_REQUEST, { after: this.handlers.lastId() });
        if (!current()) return;
        if (!history?.ok) throw new Error(history?.error ?? "history_request failed");
        status = history.status ?? status;
        const added = this.handlers.onHistory(history.messages ?? []);
        if (!history.messages?.length || !added) break;
      }
      this.ready = true;
      this.handlers.onReady(status);
    } catch {
      // rate-limited or no answer: try again while this connection lasts
      if (current()) setTimeout(() => current() && this.setUp(), RETRY_SESSION_MS);
    }
  }

  // The deletion the citizen asked for while offline. Returns false when this connection is no
  // longer current; throws (so setUp retries) when the gateway did not confirm it.
  async deletePending(current) {
    const pending = storage.pendingDelete;
    this.deleting = true;
    try {
      const ack = await this.call(CITIZEN.SESSION_REQUEST, { session_id: pending });
      if (!current()) return false;
      if (!ack?.ok) throw new Error(ack?.error ?? "session_request failed");
      let announced = false;
      if (ack.session_id === pending) {
        const deleted = await this.call(CITIZEN.DELETE_CONVERSATION);
        if (!current()) return false;
        if (!deleted?.ok) throw new Error(deleted?.error ?? "delete_conversation failed");
        announced = deleted.deleted === true; // session_deleted came before this ack
      }
      storage.clear(); // deleted, or gone already: the next session starts fresh
      if (!announced) this.handlers.onDeleted();
      return true;
    } finally {
      this.deleting = false;
    }
  }

  say(text, clientId, customData) {
    return this.call(CITIZEN.USER_UTTERED, {
      message: text,
      session_id: storage.sessionId,
      client_id: clientId,
      customData,
    });
  }

  feedback(messageId, helpful) {
    return this.call(CITIZEN.FEEDBACK, { message_id: messageId, helpful });
  }

  typing(typing) {
    if (this.ready) this.socket?.emit(CITIZEN.TYPING, { typing });
  }

  deleteConversation() {
    return this.call(CITIZEN.DELETE_CONVERSATION);
  }

  // Session and history again on the same socket; messages waiting go out once it is ready.
  resync() {
    this.ready = false;
    this.generation += 1;
    if (this.socket?.connected) this.setUp();
  }

  // After session_deleted: a fresh session on the same socket.
  restart() {
    storage.clear();
    this.resync();
  }
}
