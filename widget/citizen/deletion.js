// @ts-check
// Deleting the chat. "Deleted" is said only when the gateway confirmed it (session_deleted, see
// connection.js). Offline, or when the gateway did not answer, the request is kept for this tab
// and sent as soon as the connection is back; until then the chat is only hidden here.

import { storage } from "./storage.js";

/**
 * @param {object} parts
 * @param {import("./connection.js").Connection} parts.connection
 * @param {(text: string) => void} parts.notify  the panel's notice
 * @param {(key: string) => string} parts.t
 * @param {() => void} parts.clearConversation  empties the widget
 */
export function deleteChat({ connection, notify, t, clearConversation }) {
  if (!storage.sessionId) {
    clearConversation(); // nothing was ever stored
    notify(t("deleted"));
    return;
  }
  const later = () => {
    storage.pendingDelete = storage.sessionId;
    clearConversation();
    notify(t("deletePending"));
    connection.resync(); // sends it now if connected (retrying), otherwise after the reconnect
  };
  if (!connection.ready) {
    later();
    connection.start();
    return;
  }
  connection
    .deleteConversation()
    .then((ack) => {
      if (!ack?.ok) later();
    })
    .catch(later);
}
