// @ts-check
// One accepted chat: its tab, its panel (transcript, citizen typing, reply box, actions) and its
// context. Actions (transfer, hand back, close) ask the gateway; when the chat leaves this agent
// the workspace removes it.

import { el, uid } from "../shared/dom.js";
import { AGENT } from "../shared/events.js";
import { announce } from "./announce.js";
import { createChatActions } from "./chat-actions.js";
import { createChatTab } from "./chat-tab.js";
import { createComposer } from "./composer.js";
import { buildContext } from "./context.js";
import { replySender } from "./reply.js";
import { t } from "./texts.js";
import { createTranscript } from "./transcript.js";

/** @typedef {import("./socket.js").AgentSocket} AgentSocket */
/** @typedef {import("./transcript.js").Transcript} Transcript */
/** @typedef {ReturnType<typeof createChat>} Chat */

const CITIZEN_TYPING_TIMEOUT_MS = 15000;

/** @param {any} conversation */
function waitedBeforeAccept(conversation) {
  const queued = Date.parse(conversation.queued_at ?? "");
  const assigned = Date.parse(conversation.assigned_at ?? "");
  return Number.isNaN(queued) || Number.isNaN(assigned) ? null : Math.max(0, (assigned - queued) / 1000);
}

/** @param {number} number  the chat's number in this console */
function transcriptLog(number) {
  return el("div", {
    class: "transcript",
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions", // a delivery tick is not a new message
    "aria-label": t("chat.transcript", { number }),
    tabindex: 0,
  });
}

/**
 * A long conversation arrives with its latest messages; older ones are one click away.
 * @param {object} options
 * @param {AgentSocket} options.socket
 * @param {string} options.conversationId
 * @param {Transcript} options.transcript
 * @param {HTMLElement} options.log
 * @param {boolean} options.hasOlder
 */
function olderMessagesButton({ socket, conversationId, transcript, log, hasOlder }) {
  const button = el("button", {
    class: "link-button older-button",
    text: t("chat.older"),
    type: "button",
    hidden: !hasOlder,
  });
  button.addEventListener("click", async () => {
    const before = transcript.oldestId;
    if (before === null) return;
    button.disabled = true;
    button.textContent = t("chat.older_loading");
    const ack = await socket.call(AGENT.HISTORY, { conversation_id: conversationId, before });
    button.disabled = false;
    button.textContent = t("chat.older");
    if (!ack.ok) {
      announce(t("chat.older_failed"));
      return;
    }
    transcript.addOlder(ack.messages ?? []);
    announce(t("chat.older_loaded", { count: (ack.messages ?? []).length }));
    button.hidden = !ack.older_messages;
    if (button.hidden) log.focus(); // the button is gone: keep the focus in the chat
  });
  return button;
}

/**
 * "The citizen is typing" below the transcript and on the tab; a lost "false" must not leave
 * the indicator on for ever.
 * @param {ReturnType<typeof createChatTab>} tab
 */
function citizenTypingIndicator(tab) {
  const node = el("p", { class: "citizen-typing", role: "status" });
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @param {boolean} on */
  function show(on) {
    clearTimeout(timer);
    node.textContent = on ? t("chat.citizen_typing") : "";
    tab.showTyping(on);
    if (on) timer = setTimeout(() => show(false), CITIZEN_TYPING_TIMEOUT_MS);
  }
  return { node, show, stop: () => clearTimeout(timer) };
}

/**
 * The panel of one chat with its parts: transcript (and older messages), the citizen's typing,
 * the reply box and the actions box.
 * @param {object} options
 * @param {any} options.conversation  the context package as accepted
 * @param {string} options.label
 * @param {number} options.number
 * @param {() => any} options.current  the context package now
 * @param {{ id: number, display_name: string }} options.me
 * @param {() => Record<string, string>} options.departments
 * @param {() => { id: number, display_name: string }[]} options.onlineAgents
 * @param {AgentSocket} options.socket
 * @param {(kind: string, extra: { outcome?: string }) => void} options.onDone  an action ended the chat
 */
function chatPanel({ conversation, label, number, current, me, departments, onlineAgents, socket, onDone }) {
  const conversationId = conversation.conversation_id;
  const panelId = uid("chat-panel");
  const tab = createChatTab(label);
  const log = transcriptLog(number);
  const transcript = createTranscript(log, () => current().language);
  for (const message of conversation.transcript ?? []) transcript.add(message);
  const hasOlder = Boolean(conversation.older_messages);
  const olderButton = olderMessagesButton({ socket, conversationId, transcript, log, hasOlder });
  const citizenTyping = citizenTypingIndicator(tab);
  const composer = createComposer({
    conversation,
    onSend: replySender({ socket, conversationId, me, transcript, showError: (text) => composer.showError(text) }),
    onTyping: (typing) => socket.send(AGENT.TYPING, { conversation_id: conversationId, typing }),
  });
  const department = () => current().department;
  const actions = createChatActions({ socket, conversationId, me, departments, onlineAgents, department, onDone });
  const panel = el(
    "div",
    { class: "chat-panel", id: panelId },
    el("h3", { text: label }),
    olderButton,
    log,
    citizenTyping.node,
    composer.form,
    actions.node,
  );
  return { tab, log, transcript, citizenTyping, composer, actions, panel };
}

/**
 * @param {object} options
 * @param {any} options.conversation  the context package (docs/protocol.md, "Conversation")
 * @param {number} options.number  the chat's number in this console
 * @param {{ id: number, display_name: string }} options.me
 * @param {() => Record<string, string>} options.departments
 * @param {() => { id: number, display_name: string }[]} options.onlineAgents
 * @param {AgentSocket} options.socket
 * @param {(chat: Chat, kind: string, extra?: { outcome?: string }) => void} options.onEnded
 * @param {(chat: Chat) => void} options.onActivity  a new message while the chat is not shown
 */
export function createChat({ conversation, number, me, departments, onlineAgents, socket, onEnded, onActivity }) {
  const id = conversation.conversation_id;
  const label = t("chat.label", { number, department: conversation.department_name || conversation.department });
  let current = conversation;
  /** @type {number | null} */
  let waited = null;
  let ended = false;
  let wasShown = false;
  const { tab, log, transcript, citizenTyping, composer, actions, panel } = chatPanel({
    conversation,
    label,
    number,
    current: () => current,
    me,
    departments,
    onlineAgents,
    socket,
    onDone: (kind, extra) => end(kind, extra),
  });

  // the context, shown in the side column while this chat is selected
  const context = el("div", {});
  const renderContext = () =>
    context.replaceChildren(buildContext(current, label, waited ?? waitedBeforeAccept(current)));
  renderContext();
  actions.refreshTargets();

  /**
   * @param {string} kind
   * @param {{ outcome?: string }} [extra]
   */
  function end(kind, extra) {
    if (ended) return;
    ended = true;
    composer.stop();
    citizenTyping.stop();
    onEnded(chat, kind, extra);
  }

  const chat = {
    id,
    label,
    tab: tab.node,
    panel,
    context,
    composer,
    get language() {
      return current.language === "en" ? "en" : "de";
    },
    /**
     * The waiting time the queue showed when the chat was accepted (more exact than the server's).
     * @param {number} seconds
     */
    setWaited(seconds) {
      waited = seconds;
      renderContext();
    },
    /** @param {any} update  a newer context package of this conversation */
    update(update) {
      current = { ...current, ...update };
      for (const message of update.transcript ?? []) transcript.add(message);
      renderContext();
      actions.refreshTargets();
    },
    /**
     * @param {any} message
     * @param {boolean} visible  the chat is the one shown
     */
    message(message, visible) {
      transcript.add(message);
      if (message.sender === "citizen") this.typing(false);
      if (!visible && message.sender !== "agent" && message.sender !== "note") {
        tab.addUnread();
        onActivity(chat);
      }
    },
    /** @param {boolean} on */
    typing(on) {
      citizenTyping.show(on);
    },
    shown() {
      tab.clearUnread();
      if (!wasShown) log.scrollTop = log.scrollHeight; // built while detached: start at the end
      wasShown = true;
    },
    refreshTargets: actions.refreshTargets,
    end,
  };
  return chat;
}
