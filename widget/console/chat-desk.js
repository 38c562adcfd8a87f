// @ts-check
// The agent's open chats: one tab each in the chats' tablist, the selected chat's context in the
// side column, the empty states, and what happens when a chat opens or leaves this console.

import { byId } from "../shared/dom.js";
import { announce } from "./announce.js";
import { createChat } from "./chat.js";
import { createTabs } from "./tabs.js";
import { t } from "./texts.js";

/** @typedef {import("./chat.js").Chat} Chat */
/** @typedef {import("./workspace.js").Workspace} Workspace */
/** @typedef {ReturnType<typeof createChatDesk>} ChatDesk */

/** @param {Workspace} ws */
export function createChatDesk(ws) {
  /** @type {Map<string, Chat>} */
  const chats = new Map();
  let chatNumber = 0;
  /** @param {HTMLElement | null} tab */
  const chatOfTab = (tab) => [...chats.values()].find((chat) => chat.tab === tab) ?? null;

  const contextBody = byId("context-body");
  const tabs = createTabs(byId("chat-tabs"), (tab) => {
    const chat = chatOfTab(tab);
    contextBody.replaceChildren(...(chat ? [chat.context] : []));
    byId("context-empty").hidden = Boolean(chat);
    chat?.shown();
  });

  function updateEmpty() {
    byId("chats-empty").hidden = chats.size > 0;
    byId("chat-tabs").hidden = chats.size === 0; // a tablist without tabs confuses screen readers
  }

  /**
   * @param {Chat} chat
   * @param {string} kind  why: closed, bot, transferred, deleted, lost
   * @param {{ outcome?: string }} [extra]
   */
  function chatEnded(chat, kind, extra = {}) {
    if (!chats.has(chat.id)) return;
    chats.delete(chat.id);
    const focusWasInside = chat.panel.contains(document.activeElement) || chat.tab === document.activeElement;
    tabs.remove(chat.tab);
    updateEmpty();
    if (focusWasInside && !tabs.selected()) byId("chats-heading").focus();
    const outcome = extra.outcome ? t(`outcome.${extra.outcome}`) : "";
    announce(t(`chat.ended.${kind}`, { label: chat.label, outcome }));
  }

  /**
   * A chat of this agent: opened in a new tab, or the open one updated.
   * @param {any} conversation
   */
  function open(conversation) {
    const known = chats.get(conversation.conversation_id);
    if (known) {
      known.update(conversation);
      return known;
    }
    chatNumber += 1;
    const chat = createChat({
      conversation,
      number: chatNumber,
      me: ws.me,
      departments: () => ws.departments,
      onlineAgents: () => ws.supervisor?.onlineAgents() ?? [],
      socket: ws.socket,
      onEnded: chatEnded,
      onActivity: (active) => announce(t("chat.new_message", { label: active.label })),
    });
    chats.set(chat.id, chat);
    byId("chat-panels").append(chat.panel);
    tabs.add(chat.tab, chat.panel);
    ws.queue.remove(chat.id);
    updateEmpty();
    return chat;
  }

  /**
   * After hello: chats no longer assigned to this agent end as lost, the assigned ones open
   * (or are updated), and one of them is selected.
   * @param {any[]} assigned
   */
  function merge(assigned) {
    const ids = new Set(assigned.map((conversation) => conversation.conversation_id));
    for (const chat of [...chats.values()]) if (!ids.has(chat.id)) chat.end("lost");
    for (const conversation of assigned) open(conversation);
    if (!tabs.selected() && chats.size) tabs.select([...chats.values()][0].tab);
  }

  return {
    open,
    merge,
    updateEmpty,
    /** @param {Chat} chat */
    show(chat) {
      tabs.select(chat.tab);
      chat.composer.focus();
    },
    /** @param {string} id */
    get: (id) => chats.get(id),
    has: (id) => chats.has(id),
    all: () => [...chats.values()],
    /** The chat shown (its tab is selected), or null. */
    active: () => chatOfTab(tabs.selected()),
  };
}
