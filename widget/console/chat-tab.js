// @ts-check
// The tab of one chat in the chats' tablist: its label, the number of unread messages and a
// badge while the citizen is typing. tabs.js gives it its role and keyboard handling.

import { el, uid } from "../shared/dom.js";
import { t } from "./texts.js";

/** @param {string} label */
export function createChatTab(label) {
  let unread = 0;
  const unreadBadge = el("span", { class: "badge badge-unread", hidden: true });
  const typingBadge = el("span", { class: "badge badge-typing", text: t("chat.typing_badge"), hidden: true });
  const node = el(
    "button",
    { class: "tab", id: uid("chat-tab"), type: "button" },
    el("span", { text: label }),
    " ",
    unreadBadge,
    " ",
    typingBadge,
  );

  /** @param {number} count */
  function setUnread(count) {
    unread = count;
    unreadBadge.hidden = unread === 0;
    unreadBadge.textContent = unread ? t("chat.unread", { count: unread }) : "";
  }

  return {
    node,
    addUnread: () => setUnread(unread + 1),
    clearUnread: () => setUnread(0),
    /** @param {boolean} on */
    showTyping(on) {
      typingBadge.hidden = !on;
    },
  };
}
