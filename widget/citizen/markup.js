// @ts-check
// The widget's own small pieces of markup: its icons and text for screen readers only (the
// class sr-only of citychat.css). Everything else is built with shared/dom.js.

import { el } from "../shared/dom.js";

/**
 * Text for screen readers only (the visual layout says it otherwise).
 * @param {string} text
 */
export function srOnly(text) {
  return el("span", { class: "sr-only", text });
}

// path data of the widget's icons (shared/dom.js icon())
export const ICONS = {
  chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6h10M7 13h7",
  close: "M6 6l12 12M18 6L6 18",
  trash: "M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3",
  send: "M4 12l16-8-6 16-3-7-7-1z",
};
