// @ts-check
// One chat's transcript in a role="log" region: who said what (citizen, bot, agent, system,
// internal note). Messages are appended one node each (announced once), de-duplicated by id;
// the agent's own messages show their delivery from the gateway's acknowledgement.

import { renderMarkdown, renderPlain } from "../shared/render.js";
import { el } from "../shared/dom.js";
import { clock } from "./format.js";
import { contentLanguage, t } from "./texts.js";

/** @typedef {{ node: HTMLElement, status: HTMLElement }} PendingEntry  the agent's own message, sent */
/** @typedef {ReturnType<typeof createTranscript>} Transcript */

export function senderLabel(message) {
  if (message.sender === "agent") return message.agent_name || t("sender.agent");
  if (message.sender === "note") return `${t("sender.note")} · ${message.agent_name || t("sender.agent")}`;
  return t(`sender.${message.sender}`);
}

function extras(message) {
  const metadata = message.metadata ?? {};
  const lines = [];
  if (metadata.kb_article && metadata.title) lines.push(t("message.article", { title: metadata.title }));
  const buttons = metadata.quick_replies ?? metadata.buttons;
  if (Array.isArray(buttons) && buttons.length) {
    lines.push(t("message.buttons", { titles: buttons.map((b) => b.title).join(" · ") }));
  }
  return lines.map((line) => el("p", { class: "msg-extra", text: line }));
}

// `language`: the conversation's, for the lang attribute of the text (screen reader voice).
export function messageNode(message, language) {
  const sender = ["citizen", "bot", "agent", "system", "note"].includes(message.sender) ? message.sender : "system";
  const meta = el("p", { class: "msg-meta" }, el("span", { class: "msg-sender", text: senderLabel(message) }));
  if (sender === "note") meta.append(" ", el("span", { class: "badge badge-note", text: t("note.badge") }));
  if (message.ts) meta.append(" ", el("time", { text: clock(message.ts), datetime: message.ts }));
  const body = el("div", { class: "msg-body", lang: contentLanguage(language) });
  body.append(sender === "bot" ? renderMarkdown(message.text) : renderPlain(message.text));
  const node = el("div", { class: `msg msg--${sender}`, "data-testid": "message" }, meta, body, ...extras(message));
  if (message.id !== undefined && message.id !== null) node.dataset.id = String(message.id);
  return node;
}

/**
 * The agent's own message was refused or not answered: why, and a button to send it again.
 * @param {PendingEntry} entry
 * @param {string} reason
 * @param {() => void} retry
 */
function showFailed({ node, status }, reason, retry) {
  node.dataset.delivery = "failed";
  const again = el("button", { class: "link-button", text: t("message.retry"), type: "button" });
  again.addEventListener("click", () => {
    node.dataset.delivery = "sending";
    status.textContent = t("message.sending");
    retry();
  });
  status.replaceChildren(`${t("message.failed")}: ${reason} `, again);
}

// `language()`: the conversation's language now (it may change while the chat goes on).
export function createTranscript(log, language) {
  const shown = new Map();
  const pending = new Map();
  let maxId = 0;
  let minId = Infinity;

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function place(node, id, follow = nearBottom()) {
    if (id === undefined || id > maxId) {
      log.append(node);
    } else {
      const later = [...log.children].find((child) => Number(child.dataset.id) > id);
      log.insertBefore(node, later ?? null);
    }
    if (follow) log.scrollTop = log.scrollHeight;
  }

  function delivered(entry, id) {
    entry.node.dataset.id = String(id);
    entry.node.dataset.delivery = "delivered";
    entry.status.replaceChildren(el("span", { text: "✓ ", "aria-hidden": "true" }), t("message.delivered"));
    shown.set(id, entry.node);
    maxId = Math.max(maxId, id);
    minId = Math.min(minId, id);
  }

  return {
    add(message) {
      if (shown.has(message.id)) return;
      const own = message.client_id ? pending.get(message.client_id) : null;
      if (own) {
        pending.delete(message.client_id);
        delivered(own, message.id);
        return;
      }
      const node = messageNode(message, language());
      place(node, message.id);
      shown.set(message.id, node);
      maxId = Math.max(maxId, message.id);
      minId = Math.min(minId, message.id);
    },

    // The oldest message shown (its id), to ask the gateway for the ones before it.
    get oldestId() {
      return Number.isFinite(minId) ? minId : null;
    },

    // Older messages go above the ones shown; what the agent is reading stays where it is.
    addOlder(messages) {
      const before = log.scrollHeight;
      for (const message of messages) {
        if (shown.has(message.id)) continue;
        const node = messageNode(message, language());
        place(node, message.id, false);
        shown.set(message.id, node);
        minId = Math.min(minId, message.id);
      }
      log.scrollTop += log.scrollHeight - before;
    },

    // The agent's own message before the gateway confirmed it; returns how to report the outcome.
    addPending(message, retry) {
      const node = messageNode(message, language());
      const status = el("p", { class: "msg-status", text: t("message.sending") });
      node.append(status);
      node.dataset.delivery = "sending";
      const entry = { node, status };
      pending.set(message.client_id, entry);
      place(node, undefined, true); // the agent's own message: always scroll to it
      return {
        delivered(id) {
          if (!pending.has(message.client_id)) return; // the live event was faster
          pending.delete(message.client_id);
          delivered(entry, id);
        },
        failed: (reason) => showFailed(entry, reason, retry),
      };
    },
  };
}
