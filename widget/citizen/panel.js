// @ts-check
// The widget's shell inside the shadow root: the launcher button, the chat panel (a non-modal
// dialog with a heading), the in-widget confirmation for deleting the chat, polite notices and
// the typing indicator. It knows nothing about the connection; widget.js wires it up.

import { el, icon } from "../shared/dom.js";
import { ICONS, srOnly } from "./markup.js";

const TYPING_STALE_MS = 20000;

export class Panel {
  // handlers: {onOpen(), onDelete(), onStarter(reply)}
  constructor(config, i18n, parts, handlers) {
    const { t } = i18n;
    this.i18n = i18n;
    this.handlers = handlers;
    this.composer = parts.composer;
    this.unread = 0;
    this.sayTimers = new Map();
    const title = config.title || t("defaultTitle");

    this.announcer = el("p", { class: "sr-only", role: "status" });
    this.badge = el("span", { class: "badge", "aria-hidden": "true", hidden: true });
    this.unreadText = srOnly("");
    this.launcher = el(
      "button",
      { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "cc-panel" },
      icon(ICONS.chat),
      el("span", { class: "launcher-label", text: t("launcher") }),
      srOnly(` – ${title}`),
      this.unreadText,
      this.badge,
    );
    this.launcher.addEventListener("click", () => (this.isOpen ? this.close() : this.open()));

    this.deleteButton = el("button", { type: "button", class: "icon-button", "aria-label": t("deleteChat"), title: t("deleteChat") }, icon(ICONS.trash));
    this.deleteButton.addEventListener("click", () => this.askDelete());
    const closeButton = el("button", { type: "button", class: "icon-button", "aria-label": t("close"), title: t("close") }, icon(ICONS.close));
    closeButton.addEventListener("click", () => this.close());
    const header = el(
      "div",
      { class: "panel-header" },
      el("div", { class: "titles" }, el("h2", { id: "cc-title", text: title }), el("p", { class: "subtitle", text: t("subtitle") })),
      this.deleteButton,
      closeButton,
    );

    this.starters = this.startersGroup(t("starters"), t("starterList"));
    this.log = el(
      "div",
      { class: "log", role: "log", "aria-live": "polite", "aria-label": t("log"), tabindex: "0" },
      el("div", { class: "intro" }, el("p", { text: t("intro") }), el("p", { class: "privacy", text: t("privacy") }), this.starters),
    );
    this.typingText = el("span", { class: "typing-text" });
    this.typing = el(
      "div",
      { class: "typing", "aria-hidden": "true", hidden: true },
      el("span", { class: "dots" }, el("span"), el("span"), el("span")),
      this.typingText,
    );
    this.notice = el("p", { class: "notice", role: "status" });
    this.cancelButton = el("button", { type: "button", class: "button", text: t("confirmNo") });
    this.confirm = this.confirmGroup();

    this.panel = el(
      "section",
      { id: "cc-panel", class: "panel", role: "dialog", "aria-labelledby": "cc-title", hidden: true },
      header,
      parts.banner,
      this.log,
      this.typing,
      this.notice,
      this.confirm,
      this.composer.form,
    );
    // a landmark of its own, so screen-reader users find the chat from anywhere on the page
    this.root = el(
      "aside",
      { class: "root", lang: i18n.lang, "aria-label": t("region"), "data-position": config.position },
      this.announcer,
      this.launcher,
      this.panel,
    );
    // Escape anywhere in the widget (the panel or the launcher) closes the confirmation, then the panel
    this.root.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !this.isOpen) return;
      event.preventDefault();
      if (!this.confirm.hidden) this.cancelDelete();
      else this.close();
    });
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  open() {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.setUnread(0);
    this.scrollToEnd();
    this.composer.focus();
    this.handlers.onOpen();
  }

  close() {
    this.cancelDelete(false);
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.focus();
  }

  // --- the log ----------------------------------------------------------------------------

  // Keeps the newest message in view unless the citizen scrolled up to read; a message taller
  // than the log is shown from its start. `change` returns the added node (or null).
  appending(change, force = false) {
    const log = this.log;
    const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    const node = change();
    if (!node || !(atEnd || force)) return;
    if (node.offsetHeight > log.clientHeight * 0.8) log.scrollTop = node.offsetTop - 12;
    else this.scrollToEnd();
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  showStarters(visible) {
    this.starters.hidden = !visible;
  }

  startersGroup(label, list) {
    const heading = el("p", { class: "starters-label", id: "cc-starters", text: label });
    const group = el("div", { class: "quick-replies", role: "group", "aria-labelledby": heading.id });
    for (const [title, payload] of list) {
      const button = el("button", { type: "button", class: "chip", text: title });
      button.addEventListener("click", () => this.handlers.onStarter({ title, payload }));
      group.append(button);
    }
    return el("div", { class: "starters" }, heading, group);
  }

  // --- status texts -----------------------------------------------------------------------

  // Polite, and said again even when the same text comes twice (emptied first, then filled).
  say(region, text) {
    window.clearTimeout(this.sayTimers.get(region));
    region.textContent = "";
    if (text) this.sayTimers.set(region, window.setTimeout(() => (region.textContent = text), 60));
  }

  notify(text, kind = "info") {
    this.notice.dataset.kind = kind;
    this.say(this.notice, text);
  }

  announce(text) {
    this.say(this.announcer, text);
  }

  showTyping(text) {
    this.typingText.textContent = text;
    this.typing.hidden = false;
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => this.hideTyping(), TYPING_STALE_MS);
  }

  hideTyping() {
    window.clearTimeout(this.typingTimer);
    this.typing.hidden = true;
  }

  setUnread(count) {
    this.unread = count;
    this.badge.hidden = count === 0;
    this.badge.textContent = String(count);
    const { t } = this.i18n;
    this.unreadText.textContent = count === 0 ? "" : ` (${count === 1 ? t("launcherUnreadOne") : t("launcherUnread", { count })})`;
  }

  // --- deleting the chat: confirmed inside the widget ----------------------------------------

  confirmGroup() {
    const { t } = this.i18n;
    const text = el("p", { id: "cc-confirm-text", text: t("confirmDelete") });
    const yes = el("button", { type: "button", class: "button button--danger", text: t("confirmYes") });
    yes.addEventListener("click", () => {
      this.cancelDelete(false);
      this.composer.focus();
      this.handlers.onDelete();
    });
    this.cancelButton.addEventListener("click", () => this.cancelDelete());
    return el(
      "div",
      { class: "confirm", role: "group", "aria-labelledby": "cc-confirm-text", hidden: true },
      text,
      el("div", { class: "confirm-buttons" }, yes, this.cancelButton),
    );
  }

  askDelete() {
    this.confirm.hidden = false;
    this.composer.form.hidden = true;
    this.cancelButton.focus();
  }

  cancelDelete(refocus = true) {
    if (this.confirm.hidden) return;
    this.confirm.hidden = true;
    this.composer.form.hidden = false;
    if (refocus) this.deleteButton.focus();
  }
}
