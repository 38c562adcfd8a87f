// @ts-check
// The input: a labelled textarea (Enter sends, Shift+Enter adds a line), a send button and a
// character counter that appears near the limit. Typing is reported as start and stop, not per
// keystroke.

import { el, icon } from "../shared/dom.js";
import { ICONS, srOnly } from "./markup.js";

export const MAX_CHARS = 2000;
const COUNTER_FROM = MAX_CHARS - 200;
const TYPING_IDLE_MS = 3000;
const ANNOUNCE_AT = [200, 50, 0]; // characters left at which screen readers hear about the limit

export class Composer {
  // handlers: {onSend(text) -> boolean (accepted), onTyping(bool), announce(text)}
  constructor(i18n, handlers) {
    const { t } = i18n;
    this.i18n = i18n;
    this.handlers = handlers;
    this.typing = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.idleTimer = undefined;
    this.lastLeft = MAX_CHARS;
    this.input = el("textarea", {
      id: "cc-input",
      rows: "1",
      maxlength: String(MAX_CHARS),
      placeholder: t("placeholder"),
      autocomplete: "off",
      "aria-describedby": "cc-counter",
      enterkeyhint: "send",
    });
    this.counter = el("p", { id: "cc-counter", class: "counter", hidden: true });
    const send = el("button", { type: "submit", class: "send" }, icon(ICONS.send), srOnly(t("send")));
    this.form = el(
      "form",
      { class: "composer", novalidate: true },
      el("label", { for: "cc-input", class: "sr-only", text: t("input") }),
      el("div", { class: "composer-row" }, this.input, send),
      this.counter,
    );
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener("input", () => this.changed());
  }

  focus() {
    this.input.focus();
  }

  submit() {
    const text = this.input.value;
    if (this.handlers.onSend(text)) {
      this.input.value = "";
      this.changed();
      this.stopTyping();
    }
    this.input.focus();
  }

  changed() {
    this.resize();
    const length = this.input.value.length;
    const left = MAX_CHARS - length;
    this.counter.hidden = length < COUNTER_FROM;
    this.counter.textContent = this.i18n.t("counter", { count: this.i18n.number(length), max: this.i18n.number(MAX_CHARS) });
    this.counter.classList.toggle("counter--full", left <= 0);
    const crossed = ANNOUNCE_AT.find((mark) => left <= mark && this.lastLeft > mark);
    if (crossed !== undefined) {
      const max = this.i18n.number(MAX_CHARS);
      this.handlers.announce(left <= 0 ? this.i18n.t("limitReached", { max }) : this.i18n.t("charsLeft", { left: this.i18n.number(left) }));
    }
    this.lastLeft = left;
    if (length > 0) this.startTyping();
    else this.stopTyping();
  }

  // grows with its content up to a few lines (then it scrolls)
  resize() {
    this.input.style.height = "auto";
    const height = this.input.scrollHeight; // 0 while the panel is hidden
    this.input.style.height = height ? Math.min(height, 160) + "px" : "";
  }

  startTyping() {
    if (!this.typing) {
      this.typing = true;
      this.handlers.onTyping(true);
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping() {
    clearTimeout(this.idleTimer);
    if (this.typing) {
      this.typing = false;
      this.handlers.onTyping(false);
    }
  }
}
