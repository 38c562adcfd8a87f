// @ts-check
// The waiting queue of the agent's departments: context preview, waiting time ticking every
// second, colour and text cue as entries age. Entries are updated in place (never re-rendered),
// so keyboard focus on an "Annehmen" button survives every queue update.

import { el, uid } from "../shared/dom.js";
import { duration, truncate } from "./format.js";
import { pageLink } from "./links.js";
import { contentLanguage, languageName, reasonText, t } from "./texts.js";

/**
 * @typedef {object} QueueEntry
 * @property {HTMLLIElement} item
 * @property {ReturnType<typeof build>["nodes"]} nodes
 * @property {HTMLButtonElement} accept
 * @property {any} conversation  as the gateway last listed it
 * @property {string | null} lastText  the citizen's latest text, seen live
 * @property {number} baseSeconds  seconds waited at `since`
 * @property {number} since  when the entry was last updated (Date.now())
 */
/** @typedef {ReturnType<typeof createQueue>} Queue */

const WARN_AFTER = 120;
const URGENT_AFTER = 300;
const PREVIEW_CHARS = 200;

function ageOf(seconds) {
  if (seconds >= URGENT_AFTER) return "urgent";
  return seconds >= WARN_AFTER ? "warn" : "normal";
}

function lastCitizenText(conversation) {
  const messages = conversation.transcript ?? [];
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    if (messages[index].sender === "citizen") return messages[index].text;
  }
  return null;
}

function fact(term, value) {
  return [el("dt", { text: term }), el("dd", {}, value)];
}

/** @param {QueueEntry} entry  seconds waited until now */
function waited(entry) {
  return entry.baseSeconds + (Date.now() - entry.since) / 1000;
}

/**
 * The DOM of one entry; its texts are filled in by fill().
 * @param {any} conversation
 * @param {(conversationId: string) => void} onAccept
 */
function build(conversation, onAccept) {
  const headingId = uid("queue-title");
  const nodes = {
    heading: el("h3", { id: headingId }),
    priority: el("p", { class: "queue-priority", text: t("queue.priority") }),
    icon: el("span", { class: "age-icon", "aria-hidden": "true" }),
    wait: el("span", { class: "queue-wait-time" }),
    ageLabel: el("span", { class: "age-label" }),
    facts: el("dl", { class: "facts" }),
    summary: el("p", { class: "queue-summary" }),
    lastText: el("q", { class: "user-text" }),
    error: el("p", { class: "form-error", role: "alert" }),
  };
  const last = el("p", { class: "queue-last" }, el("span", { text: t("queue.last_message") }), " ", nodes.lastText);
  const accept = el("button", {
    class: "primary",
    text: t("queue.accept"),
    type: "button",
    "aria-describedby": headingId,
  });
  accept.addEventListener("click", () => onAccept(conversation.conversation_id));
  const item = el(
    "li",
    { class: "queue-item", "data-testid": "queue-item", "data-conversation": conversation.conversation_id },
    el(
      "article",
      { "aria-labelledby": headingId },
      nodes.heading,
      nodes.priority,
      el("p", { class: "queue-wait" }, nodes.icon, nodes.wait, " ", nodes.ageLabel),
      nodes.facts,
      nodes.summary,
      last,
      nodes.error,
      accept,
    ),
  );
  return { item, nodes: { ...nodes, last }, accept };
}

/** @param {QueueEntry} entry */
function fill(entry) {
  const { conversation, nodes } = entry;
  nodes.heading.textContent = conversation.department_name || conversation.department || "";
  nodes.priority.hidden = conversation.priority !== 1;
  nodes.facts.replaceChildren(
    ...fact(t("context.reason"), reasonText(conversation.reason)),
    ...fact(t("context.language"), languageName(conversation.language)),
    ...(conversation.page ? fact(t("context.page"), pageLink(conversation.page)) : []),
  );
  nodes.summary.textContent = conversation.summary ?? "";
  nodes.summary.hidden = !conversation.summary;
  const last = entry.lastText ?? lastCitizenText(conversation);
  nodes.lastText.textContent = truncate(last ?? "", PREVIEW_CHARS);
  nodes.lastText.lang = contentLanguage(conversation.language);
  nodes.last.hidden = !last;
}

/** @param {QueueEntry} entry */
function showTime(entry) {
  const seconds = waited(entry);
  const age = ageOf(seconds);
  entry.nodes.wait.textContent = t("queue.waiting", { time: duration(seconds) });
  if (entry.item.dataset.age !== age) {
    entry.item.dataset.age = age;
    entry.nodes.icon.textContent = age === "normal" ? "" : age === "warn" ? "!" : "!!";
    entry.nodes.ageLabel.textContent = t(`queue.age.${age}`);
  }
}

/**
 * Puts the list's items in this order (moving nodes only when it changed), keeping the focus.
 * @param {HTMLElement} list
 * @param {HTMLElement[]} items
 */
function arrange(list, items) {
  const current = [...list.children];
  if (items.some((item, index) => current[index] !== item)) {
    const focused = /** @type {HTMLElement | null} */ (
      list.contains(document.activeElement) ? document.activeElement : null
    );
    list.append(...items);
    if (focused) focused.focus();
  }
}

/**
 * @param {object} options
 * @param {HTMLElement} options.list
 * @param {HTMLElement} options.empty
 * @param {HTMLElement} options.count
 * @param {(conversationId: string) => void} options.onAccept
 */
export function createQueue({ list, empty, count, onAccept }) {
  /** @type {Map<string, QueueEntry>} */
  const entries = new Map();

  function upsert(conversation) {
    let entry = entries.get(conversation.conversation_id);
    if (!entry) {
      entry = { ...build(conversation, onAccept), lastText: null, conversation: null, baseSeconds: 0, since: 0 };
      entries.set(conversation.conversation_id, entry);
    }
    // Never backwards while the entry is shown: what this console measured counts as much as the
    // server's figure (clocks of browser and server may differ).
    const measured = entry.conversation ? waited(entry) : 0;
    entry.conversation = conversation;
    entry.baseSeconds = Math.max(conversation.waiting_seconds ?? 0, measured);
    entry.since = Date.now();
    fill(entry);
    showTime(entry);
  }

  function remove(id) {
    const entry = entries.get(id);
    if (!entry) return;
    entry.item.remove();
    entries.delete(id);
  }

  // Longest waiting first, returned and transferred chats (priority 1) before all others.
  function order() {
    const sorted = [...entries.values()].sort(
      (a, b) => (b.conversation.priority ?? 0) - (a.conversation.priority ?? 0) || waited(b) - waited(a),
    );
    arrange(
      list,
      sorted.map((entry) => entry.item),
    );
    empty.hidden = entries.size > 0;
    count.textContent = entries.size ? t("queue.count", { count: entries.size }) : "";
  }

  return {
    replaceAll(items) {
      const keep = new Set(items.map((item) => item.conversation_id));
      for (const id of [...entries.keys()]) if (!keep.has(id)) remove(id);
      items.forEach(upsert);
      order();
    },
    replaceDepartment(department, items) {
      const keep = new Set(items.map((item) => item.conversation_id));
      for (const [id, entry] of [...entries]) {
        if (entry.conversation.department === department && !keep.has(id)) remove(id);
      }
      items.forEach(upsert);
      order();
    },
    add(conversation) {
      upsert(conversation);
      order();
    },
    remove(id) {
      remove(id);
      order();
    },
    has(id) {
      return entries.has(id);
    },
    // A citizen writing while waiting: the preview shows it at once.
    message(id, message) {
      const entry = entries.get(id);
      if (!entry || message.sender !== "citizen") return;
      entry.lastText = message.text;
      fill(entry);
    },
    waitedSeconds(id) {
      const entry = entries.get(id);
      return entry ? waited(entry) : null;
    },
    showError(id, text) {
      const entry = entries.get(id);
      if (entry) entry.nodes.error.textContent = text;
    },
    focus(id) {
      entries.get(id)?.accept.focus();
    },
    tick() {
      entries.forEach(showTime);
    },
  };
}
