// @ts-check
// Socket.IO event names of the gateway (docs/protocol.md), shared by the widget and the console.
// Neither side writes an event name as a string literal: they come from here.

// Socket.IO's own events on the client, and the disconnect reason after which it does not
// reconnect by itself (the server closed the connection).
export const SOCKET_IO = Object.freeze({
  CONNECT: "connect",
  DISCONNECT: "disconnect",
  CONNECT_ERROR: "connect_error",
  SERVER_DISCONNECT: "io server disconnect",
});

export const CITIZEN = Object.freeze({
  // client -> server
  SESSION_REQUEST: "session_request",
  USER_UTTERED: "user_uttered",
  HISTORY_REQUEST: "history_request",
  TYPING: "typing",
  FEEDBACK: "feedback",
  DELETE_CONVERSATION: "delete_conversation",
  // server -> client
  SESSION_CONFIRM: "session_confirm",
  BOT_UTTERED: "bot_uttered",
  MESSAGE_ECHO: "message_echo",
  DELIVERED: "delivered",
  HANDOFF_STATUS: "handoff_status",
  SESSION_DELETED: "session_deleted",
  RESYNC: "resync", // the gateway may have missed relaying something: fetch the history again
});

export const AGENT = Object.freeze({
  NAMESPACE: "/agent",
  // client -> server
  HELLO: "hello",
  PRESENCE: "presence",
  ACCEPT: "accept",
  MESSAGE: "message",
  NOTE: "note",
  TYPING: "typing",
  TRANSFER: "transfer",
  HAND_BACK: "hand_back",
  CLOSE: "close",
  TAKE_OVER: "take_over",
  OPEN: "open",
  HISTORY: "history",
  LIVE: "live",
  // server -> client
  HANDOFF_ALERT: "handoff_alert",
  QUEUE: "queue",
  ASSIGNED: "assigned",
  CONVERSATION_UPDATE: "conversation_update",
  CONVERSATION_DELETED: "conversation_deleted",
  AGENTS: "agents",
  SESSION_ENDED: "session_ended",
  ME: "me",
  RESYNC: "resync",
});

export const HANDOFF_STATES = Object.freeze({
  QUEUED: "queued",
  ASSIGNED: "assigned",
  AGENT_LEFT: "agent_left",
  BOT: "bot",
  CLOSED: "closed",
  UNAVAILABLE: "unavailable",
});
