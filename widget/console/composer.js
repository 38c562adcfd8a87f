// The reply box of one chat: send (Strg+Enter or the button), save as internal note, insert
// canned responses and knowledge-base answers (as editable plain text, never sent by itself),
// and the typing indicator towards the citizen (true while typing, false after 2 s idle or on
// send; throttled).

import { announce } from "./announce.js";
import { cannedFor } from "./canned.js";
import { el, uid } from "./dom.js";
import { characters } from "./format.js";
import { contentLanguage, t } from "./texts.js";

export const MAX_CHARS = 2000;
const IDLE_MS = 2000;
const REPEAT_TYPING_MS = 5000;

function cannedPicker(conversation, departmentName, insert) {
  const select = el(
    "select",
    { attrs: { id: uid("canned") } },
    el("option", { text: t("composer.canned_choose"), attrs: { value: "" } }),
  );
  const button = el("button", { text: t("composer.canned_insert"), attrs: { type: "button" } });
  const texts = new Map();
  cannedFor(conversation.language, conversation.department)
    .then(({ general, department }) => {
      const group = (label, items) => {
        if (!items.length) return;
        const optgroup = el("optgroup", { attrs: { label } });
        for (const item of items) {
          texts.set(item.id, item.text);
          optgroup.append(el("option", { text: item.title, attrs: { value: item.id } }));
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
  return el(
    "div",
    { className: "canned" },
    el("label", { text: t("composer.canned"), attrs: { for: select.id } }),
    select,
    button,
  );
}

export function createComposer({ conversation, onSend, onTyping }) {
  const ids = { box: uid("reply"), hint: uid("reply-hint"), counter: uid("reply-counter") };
  const box = el("textarea", {
    attrs: {
      id: ids.box,
      rows: 4,
      lang: contentLanguage(conversation.language), // spell checking in the citizen's language
      "aria-describedby": `${ids.hint} ${ids.counter}`,
      spellcheck: "true",
    },
  });
  const counter = el("p", { className: "counter", attrs: { id: ids.counter } });
  const error = el("p", { className: "form-error", attrs: { role: "alert" } });
  const send = el("button", { className: "primary", text: t("composer.send"), attrs: { type: "submit" } });
  const note = el("button", { text: t("composer.note"), attrs: { type: "button" } });

  let typing = false;
  let typingSentAt = 0;
  let idleTimer = null;

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
    { className: "composer", attrs: { novalidate: true } },
    el("label", { text: t("composer.label"), attrs: { for: ids.box } }),
    box,
    el("p", { className: "hint", text: t("composer.hint"), attrs: { id: ids.hint } }),
    counter,
    error,
    el(
      "div",
      { className: "composer-actions" },
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
