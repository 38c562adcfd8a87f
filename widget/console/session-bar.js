// @ts-check
// The top bar of the logged-in console: who is signed in, logging out, the connection state and
// the alerts for new requests (the sound and desktop notifications).

import { byId } from "../shared/dom.js";
import {
  askNotificationPermission,
  notificationPermission,
  notificationsSupported,
  setSoundEnabled,
  soundEnabled,
} from "./notify.js";
import { t } from "./texts.js";

function setupAlerts() {
  const sound = /** @type {HTMLInputElement} */ (byId("sound-toggle"));
  sound.checked = soundEnabled();
  sound.addEventListener("change", () => setSoundEnabled(sound.checked));

  const button = byId("notify-enable");
  const state = byId("notify-state");
  const show = () => {
    const permission = notificationPermission();
    button.hidden = !notificationsSupported() || permission !== "default";
    state.hidden = !notificationsSupported() || permission === "default";
    state.textContent = permission === "granted" ? t("notify.on") : t("notify.denied");
  };
  button.addEventListener("click", async () => {
    await askNotificationPermission();
    show();
    if (button.hidden) state.focus(); // the button is gone: say what the browser decided
  });
  show();
}

/**
 * Shows the bar; returns how to show the connection state ("connecting", "online", "lost").
 * @param {{ display_name: string }} user
 * @param {() => void} onLogout
 * @returns {(state: string) => void}
 */
export function setupSessionBar(user, onLogout) {
  byId("session-bar").hidden = false;
  byId("workspace-view").hidden = false;
  byId("user-name").textContent = t("user.signed_in", { name: user.display_name });
  byId("logout").addEventListener("click", onLogout);
  setupAlerts();

  const connection = byId("connection");
  /** @param {string} key */
  const showConnection = (key) => {
    connection.dataset.state = key;
    connection.textContent = t(`connection.${key}`);
  };
  showConnection("connecting");
  return showConnection;
}
