// @ts-check
// The message list (role="log"): every message is a node appended (or inserted in id order)
// once and never re-rendered, so screen readers announce each message once. Messages are
// de-duplicated by server id: a message can arrive live and again in a history catch-up.

import { el } from "../shared/dom.js";
import { messageView } from "./message-view.js";
import { storage } from "./storage.js";

const FEEDBACK_NEGATIVE = "/feedback_negative";
const REQUEST_HUMAN = "/request_human";

export class Transcript {
  constructor(log, i18n, handlers) {
    this.log = log;
    this.i18n = i18n;
    this.handlers = handlers; // {onQuickReply(reply), onFeedback(messageId, helpful), onRetry(clientId)}
    this.shown = new Set(); // server ids on screen
    this.pending = new Map(); // client_id -> the view of a message not yet confirmed
    this.lastId = 0;
    // what a payload the citizen sent is shown as: the title of its button
    this.payloadTitles = new Map([
      [FEEDBACK_NEGATIVE, i18n.t("feedbackNegativeMessage")],
      [REQUEST_HUMAN, i18n.t("requestHuman")],
    ]);
  }

  get isEmpty() {
    return this.shown.size === 0 && this.pending.size === 0;
  }

  rememberTitles(replies) {
    for (const reply of replies) this.payloadTitles.set(reply.payload, reply.title);
  }

  // A message from the server; returns its node, or null when it is already shown.
  add(message) {
    if (message.id !== null && this.shown.has(message.id)) return null;
    if (message.sender === "citizen" && message.clientId && this.pending.has(message.clientId)) {
      this.confirm(message.clientId, message.id);
      return null;
    }
    this.rememberTitles(message.quickReplies);
    if (message.sender === "citizen") {
      this.removeQuickReplies();
      message.displayText = this.payloadTitles.get(message.text.trim()) ?? message.text;
    }
    const view = messageView(message, this.i18n);
    if (message.sender === "citizen") this.setDelivery(view, "sent");
    if (message.quickReplies.length) view.extras.append(this.quickReplies(message.quickReplies));
    if (message.sender === "bot" && message.metadata.kb_article && message.id !== null) {
      view.extras.append(this.feedback(message.id));
    }
    this.insert(view.node, message.id);
    if (message.id !== null) this.track(message.id);
    return view.node;
  }

  // The citizen's own message, shown at once as "sending …" until the server confirms it.
  addPending(clientId, text, displayText) {
    this.removeQuickReplies();
    const message = { id: null, sender: "citizen", text, displayText, ts: new Date(), metadata: {}, quickReplies: [] };
    const view = messageView(message, this.i18n);
    view.node.classList.add("msg--pending");
    this.setDelivery(view, "sending");
    this.pending.set(clientId, view);
    this.log.append(view.node);
    return view.node;
  }

  confirm(clientId, id) {
    const view = this.pending.get(clientId);
    if (!view) return;
    this.pending.delete(clientId);
    view.node.classList.remove("msg--pending");
    if (Number.isInteger(id)) {
      if (this.shown.has(id)) {
        view.node.remove(); // shown meanwhile from another source
        return;
      }
      view.node.dataset.id = String(id);
      this.track(id);
    }
    this.setDelivery(view, "sent");
  }

  fail(clientId) {
    const view = this.pending.get(clientId);
    if (view) this.setDelivery(view, "failed", clientId);
  }

  sending(clientId) {
    const view = this.pending.get(clientId);
    if (view) this.setDelivery(view, "sending");
  }

  clear() {
    for (const node of this.log.querySelectorAll(".msg")) node.remove();
    this.shown.clear();
    this.pending.clear();
    this.lastId = 0;
  }

  removeQuickReplies() {
    for (const group of this.log.querySelectorAll(".msg .quick-replies")) group.remove();
  }

  // --- internals ---------------------------------------------------------------------------

  track(id) {
    this.shown.add(id);
    this.lastId = Math.max(this.lastId, id);
  }

  // In id order: usually at the end, before the citizen's unconfirmed messages.
  insert(node, id) {
    let before = null;
    for (let other = this.log.lastElementChild; other?.classList.contains("msg"); other = other.previousElementSibling) {
      const otherId = other.dataset.id ? Number(other.dataset.id) : Infinity;
      if (id !== null && otherId < id) break;
      if (id === null && !other.classList.contains("msg--pending")) break;
      before = other;
    }
    this.log.insertBefore(node, before);
  }

  setDelivery(view, state, clientId) {
    const { t } = this.i18n;
    view.delivery.textContent = t(state);
    view.delivery.dataset.state = state;
    view.meta.querySelector(".retry")?.remove();
    if (state === "failed") {
      const retry = el("button", { type: "button", class: "retry link-button", text: t("retry") });
      retry.addEventListener("click", () => this.handlers.onRetry(clientId));
      view.meta.append(retry);
    }
  }

  quickReplies(replies) {
    const group = el("div", { class: "quick-replies", role: "group", "aria-label": this.i18n.t("quickReplies") });
    for (const reply of replies) {
      const button = el("button", { type: "button", class: "chip", text: reply.title });
      button.addEventListener("click", () => this.handlers.onQuickReply(reply));
      group.append(button);
    }
    return group;
  }

  feedback(messageId) {
    const { t } = this.i18n;
    if (storage.rated(messageId)) return el("p", { class: "feedback-done", text: t("feedbackThanks") });
    const question = el("span", { class: "feedback-question", id: `cc-feedback-${messageId}`, text: t("feedbackQuestion") });
    const group = el("div", { class: "feedback", role: "group", "aria-labelledby": question.id }, question);
    for (const [label, helpful] of [[t("yes"), true], [t("no"), false]]) {
      const button = el("button", { type: "button", class: "chip chip--small", text: label });
      button.addEventListener("click", () => {
        storage.markRated(messageId);
        group.replaceWith(el("p", { class: "feedback-done", text: t("feedbackThanks") }));
        this.handlers.onFeedback(messageId, helpful);
      });
      group.append(button);
    }
    return group;
  }
}
