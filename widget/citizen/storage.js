// @ts-check
// What the widget remembers for this browser tab only (sessionStorage): the session id — the
// citizen's key to the conversation —, which answers were rated, and a deletion the citizen
// asked for while offline (sent when the connection is back).
// Storage can be unavailable (privacy settings): then nothing is remembered.

const PREFIX = "citychat:";

function read(key) {
  try {
    return window.sessionStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    if (value === null) window.sessionStorage.removeItem(PREFIX + key);
    else window.sessionStorage.setItem(PREFIX + key, value);
  } catch {
    // not remembered: the chat still works for this page view
  }
}

export const storage = {
  get sessionId() {
    return read("session");
  },
  set sessionId(value) {
    write("session", value);
  },
  get pendingDelete() {
    return read("delete");
  },
  set pendingDelete(value) {
    write("delete", value);
  },
  rated(messageId) {
    return (read("rated") ?? "").split(",").includes(String(messageId));
  },
  markRated(messageId) {
    const ids = (read("rated") ?? "").split(",").filter(Boolean).slice(-200);
    write("rated", [...ids, String(messageId)].join(","));
  },
  clear() {
    for (const key of ["session", "rated", "delete"]) write(key, null);
  },
};
