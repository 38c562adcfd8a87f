// @ts-check
// Entry point of the agent console (/console): logged in (cookie still valid) -> workspace,
// otherwise the login form.

import { byId } from "../shared/dom.js";
import * as api from "./api.js";
import { setAnnouncer } from "./announce.js";
import { CONSOLE_ROLES, showLogin } from "./login.js";
import { unlockAudioOnGesture } from "./notify.js";
import { applyTexts } from "./texts.js";
import { startWorkspace } from "./workspace.js";

const NOTICE_KEY = "citychat.console.notice";

// Back to the login form with a message, from a clean page. The first reason given wins (a
// login ended by the server also closes the socket, which then reports an expired login).
let restarting = false;
function restart(noticeKey) {
  if (restarting) return;
  restarting = true;
  if (noticeKey) sessionStorage.setItem(NOTICE_KEY, noticeKey);
  window.location.reload();
}

async function boot() {
  applyTexts();
  setAnnouncer(byId("announcer"));
  unlockAudioOnGesture();
  api.whenUnauthorized(() => restart("login.expired"));

  let user = null;
  let notice = sessionStorage.getItem(NOTICE_KEY);
  sessionStorage.removeItem(NOTICE_KEY);
  try {
    user = await api.me();
  } catch {
    notice = "login.network";
  }
  byId("loading").hidden = true;
  const start = (loggedIn) => startWorkspace(loggedIn, { restart });
  if (user && CONSOLE_ROLES.has(user.role)) {
    start(user);
    return;
  }
  if (user) {
    // an editor's login: not for the console
    await api.logout().catch(() => {});
    notice = "login.no_console";
  }
  showLogin(notice, start);
}

boot();
