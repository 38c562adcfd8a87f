// @ts-check
// The reply box of one chat: send (Strg+Enter or the button), save as internal note, insert
// canned responses and knowledge-base answers (as editable plain text, never sent by itself),
// and the typing indicator towards the citizen (true while typing, false after 2 s idle or on
// send; throttled).

import { announce } from "./announce.js";
import { cannedFor } from "./canned.js";
import { el, uid } from "../shared/dom.js";
import { characters } from "./format.js";
import { contentLanguage, t } from "./texts.js";

export const MAX_CHARS = 2000;
const IDLE_MS = 2000;
const REPEAT_TYPING_MS = 5000;

function cannedPicker(conversation, departmentName, insert) {
  const select = el("select", { id: uid("canned") }, el("option", { text: t("composer.canned_choose"), value: "" }));
  const button = el("button", { text: t("composer.canned_insert"), type: "button" });
  const texts = new Map();
  cannedFor(conversation.language, conversation.department)
    .then(({ general, department }) => {
      const group = (label, items) => {
        if (!items.length) return;
        const optgroup = el("optgroup", { label });
        for (const item of items) {
          texts.set(item.id, item.text);
          optgroup.append(el("option", { text: item.title, value: item.id }));
        }
        select.append(optgroup);
      };
      group(t("composer.canned_general"), general);
      group(departmentName || conversation.department || "", department);
    })
    .catch(() => {
      select.disabled = true;
    });
  button.addEventListener("click", () => {
    if (texts.has(select.value)) insert(texts.get(select.value));
  });
  return el("div", { class: "canned" }, el("label", { text: t("composer.canned"), for: select.id }), select, button);
}

/**
 * Typing towards the citizen: true while the agent types (repeated every few seconds, not per
 * keystroke), false after a pause or on sending.
 * @param {(typing: boolean) => void} onTyping
 * @returns {(on: boolean) => void}
 */
function typingReporter(onTyping) {
  let typing = false;
  let typingSentAt = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let idleTimer;

  /** @param {boolean} on */
  function setTyping(on) {
    clearTimeout(idleTimer);
    if (on) {
      if (!typing || Date.now() - typingSentAt > REPEAT_TYPING_MS) {
        typing = true;
        typingSentAt = Date.now();
        onTyping(true);
      }
      idleTimer = setTimeout(() => setTyping(false), IDLE_MS);
    } else if (typing) {
      typing = false;
      onTyping(false);
    }
  }
  return setTyping;
}

/**
 * @param {{ box: string, hint: string, counter: string }} ids
 * @param {string} language  the conversation's
 */
function replyBox(ids, language) {
  return el("textarea", {
    id: ids.box,
    rows: 4,
    lang: contentLanguage(language), // spell checking in the citizen's language
    "aria-describedby": `${ids.hint} ${ids.counter}`,
    spellcheck: "true",
  });
}

export function createComposer({ conversation, onSend, onTyping }) {
  const ids = { box: uid("reply"), hint: uid("reply-hint"), counter: uid("reply-counter") };
  const box = replyBox(ids, conversation.language);
  const counter = el("p", { class: "counter", id: ids.counter });
  const error = el("p", { class: "form-error", role: "alert" });
  const send = el("button", { class: "primary", text: t("composer.send"), type: "submit" });
  const note = el("button", { text: t("composer.note"), type: "button" });

  const setTyping = typingReporter(onTyping);

  function count() {
    const used = characters(box.value);
    counter.textContent = t("composer.counter", { count: used, max: MAX_CHARS });
    counter.classList.toggle("over", used > MAX_CHARS);
  }

  function insert(text) {
    box.value = box.value.trim() ? `${box.value.trimEnd()}\n\n${text}` : text;
    count();
    error.textContent = "";
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
    announce(t("composer.inserted"));
  }

  function submit(asNote) {
    const text = box.value;
    const used = characters(text);
    if (!text.trim()) error.textContent = t("composer.empty");
    else if (used > MAX_CHARS) error.textContent = t("composer.too_long", { max: MAX_CHARS, count: used });
    else {
      error.textContent = "";
      setTyping(false);
      box.value = "";
      count();
      onSend(text, asNote);
    }
    box.focus();
  }

  const form = el(
    "form",
    { class: "composer", novalidate: true },
    el("label", { text: t("composer.label"), for: ids.box }),
    box,
    el("p", { class: "hint", text: t("composer.hint"), id: ids.hint }),
    counter,
    error,
    el(
      "div",
      { class: "composer-actions" },
      cannedPicker(conversation, conversation.department_name, insert),
      note,
      send,
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(false);
  });
  note.addEventListener("click", () => submit(true));
  box.addEventListener("input", () => {
    count();
    setTyping(box.value.length > 0);
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit(false);
    }
  });
  count();

  return {
    form,
    insert,
    focus: () => box.focus(),
    showError(text) {
      error.textContent = text;
    },
    stop: () => setTyping(false),
  };
}
