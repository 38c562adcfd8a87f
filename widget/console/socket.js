// The console's Socket.IO connection to the namespace "/agent" (authenticated by the login
// cookie). Socket.IO reconnects by itself after network failures; a refused connection (login
// expired, server restart) is reported so the caller can check the login and try again.

import { io } from "../vendor/socket.io.esm.min.js";
import { AGENT } from "../shared/events.js";

const ACK_TIMEOUT_MS = 15000;

export function openAgentSocket(handlers, { connected, disconnected, refused }) {
  const socket = io(AGENT.NAMESPACE, { withCredentials: true, transports: ["websocket", "polling"] });
  socket.on("connect", connected);
  socket.on("disconnect", (reason) => {
    disconnected();
    // the server ended the connection itself: Socket.IO will not retry on its own
    if (reason === "io server disconnect") refused(reason);
  });
  socket.on("connect_error", (error) => {
    disconnected();
    if (!socket.active) refused(error.message);
  });
  for (const [event, handler] of Object.entries(handlers)) socket.on(event, handler);

  return {
    // Every call answers {ok, ...}; a missing answer becomes {ok: false, error: "timeout"}.
    async call(event, data) {
      try {
        return data === undefined
          ? await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event)
          : await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, data);
      } catch {
        return { ok: false, error: "timeout" };
      }
    },
    // Fire and forget (typing indicators): never buffered while offline.
    send(event, data) {
      if (socket.connected) socket.volatile.emit(event, data);
    },
    reconnect() {
      if (!socket.connected) socket.connect();
    },
    close() {
      socket.disconnect();
    },
  };
}
