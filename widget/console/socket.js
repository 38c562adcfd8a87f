// @ts-check
// The console's Socket.IO connection to the namespace "/agent" (authenticated by the login
// cookie). Socket.IO reconnects by itself after network failures; a refused connection (login
// expired, server restart) is reported so the caller can check the login and try again.

import { AGENT, SOCKET_IO } from "../shared/events.js";
import { io } from "../shared/socket-io.js";

const ACK_TIMEOUT_MS = 15000;

/** @typedef {ReturnType<typeof openAgentSocket>} AgentSocket */

/**
 * @param {Record<string, (data: any) => void>} handlers  the gateway's events, by name
 * @param {object} connection
 * @param {() => void} connection.connected
 * @param {() => void} connection.disconnected
 * @param {(reason: string) => void} connection.refused  Socket.IO will not try again by itself
 */
export function openAgentSocket(handlers, { connected, disconnected, refused }) {
  const socket = io(AGENT.NAMESPACE, { withCredentials: true, transports: ["websocket", "polling"] });
  socket.on(SOCKET_IO.CONNECT, connected);
  socket.on(SOCKET_IO.DISCONNECT, (reason) => {
    disconnected();
    // the server ended the connection itself: Socket.IO will not retry on its own
    if (reason === SOCKET_IO.SERVER_DISCONNECT) refused(reason);
  });
  socket.on(SOCKET_IO.CONNECT_ERROR, (error) => {
    disconnected();
    if (!socket.active) refused(error.message);
  });
  for (const [event, handler] of Object.entries(handlers)) socket.on(event, handler);

  return {
    /**
     * Every call answers {ok, ...}; a missing answer becomes {ok: false, error: "timeout"}.
     * @param {string} event
     * @param {object} [data]
     * @returns {Promise<any>}
     */
    async call(event, data) {
      try {
        return data === undefined
          ? await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event)
          : await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, data);
      } catch {
        return { ok: false, error: "timeout" };
      }
    },
    /**
     * Fire and forget (typing indicators): never buffered while offline.
     * @param {string} event
     * @param {object} data
     */
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
