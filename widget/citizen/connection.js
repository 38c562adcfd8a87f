// The citizen's Socket.IO connection (docs/protocol.md, namespace "/"). Socket.IO reconnects by
// itself; after every (re)connect this asks for the stored session and then for every message
// newer than the last one shown, so nothing sent while the connection was down is missed.

import { io } from "../vendor/socket.io.esm.min.js";
import { CITIZEN } from "../shared/events.js";
import { storage } from "./storage.js";

const ACK_TIMEOUT_MS = 15000;
const RETRY_SESSION_MS = 3000;
const MAX_HISTORY_PAGES = 20;

export class Connection {
  // handlers: {lastId(), onHistory(messages), onReady(status), onSessionReset(), onDisconnect(),
  //            onBotUttered(event), onEcho(entry), onDelivered(event), onTyping(event),
  //            onStatus(status), onDeleted()}
  // A deletion asked for while offline (storage.pendingDelete) is sent first after a (re)connect;
  // onDeleted() runs once the gateway confirmed it.
  constructor(config, handlers) {
    this.config = config;
    this.handlers = handlers;
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
    socket.on("connect", () => this.setUp());
    socket.on("disconnect", (reason) => {
      this.ready = false;
      this.generation += 1;
      h.onDisconnect();
      if (reason === "io server disconnect") socket.connect(); // the server dropped us: not automatic
    });
    socket.on("connect_error", () => h.onDisconnect());
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

  // Resolves with the ack; rejects when none comes in time (e.g. the connection broke).
  call(event, payload) {
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
  }

  async setUp() {
    const generation = this.generation;
    const current = () => generation === this.generation && this.socket.connected;
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
    if (this.ready) this.socket.emit(CITIZEN.TYPING, { typing });
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
