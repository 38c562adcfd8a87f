// @ts-check
// Knowledge-base search for agents (GET /api/kb/search): a few words find the articles (the
// server handles German word forms and typos); "Antwort einfügen" puts the article's answer
// into the reply box of the open chat as editable plain text. Nothing is ever sent from here.

import * as api from "./api.js";
import { el, uid } from "../shared/dom.js";
import { t } from "./texts.js";

const DEBOUNCE_MS = 350;
const MIN_CHARS = 3;

// Answers are light Markdown for the bot's renderer; in the reply box they are plain text.
export function markdownToPlain(text) {
  return String(text ?? "")
    .replace(/\[([^\]\n]*)\]\(([^)\s]*)\)/g, (whole, label, href) =>
      label && label !== href ? `${label} (${href})` : href,
    )
    .replace(/\*\*([^*\n]+)\*\*/g, "$1");
}

export function createKbSearch({ form, input, results, status, departments, activeChat }) {
  let controller = null;
  let timer = null;
  let lastQuery = "";

  function language() {
    return activeChat()?.language ?? "de";
  }

  async function insert(articleId) {
    const chat = activeChat();
    if (!chat) {
      status.textContent = t("kb.no_chat");
      return;
    }
    try {
      const article = await api.kbArticle(articleId, chat.language);
      chat.composer.insert(markdownToPlain(article.answer));
    } catch {
      status.textContent = t("kb.failed");
    }
  }

  function show(items, lang) {
    results.replaceChildren(
      ...items.map((item) => {
        const titleId = uid("kb-title");
        const button = el("button", { text: t("kb.insert"), type: "button", "aria-describedby": titleId });
        button.addEventListener("click", () => insert(item.id));
        return el(
          "li",
          { class: "kb-hit", "data-testid": "kb-hit", "data-article": item.id },
          el("h3", { text: item.title, id: titleId, lang }),
          el("p", { class: "kb-department", text: departments()[item.department] ?? item.department }),
          el("p", { class: "kb-snippet", text: item.snippet, lang }),
          button,
        );
      }),
    );
    status.textContent = items.length ? t("kb.results", { count: items.length }) : t("kb.no_results");
  }

  async function search(query) {
    const trimmed = query.trim();
    if (!trimmed || trimmed === lastQuery) return;
    lastQuery = trimmed;
    controller?.abort();
    controller = new AbortController();
    try {
      const lang = language();
      show(await api.searchKb(trimmed.slice(0, 200), lang, controller.signal), lang);
    } catch (failure) {
      if (failure.name !== "AbortError") {
        lastQuery = "";
        status.textContent = t("kb.failed");
      }
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    lastQuery = "";
    search(input.value);
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    if (input.value.trim().length >= MIN_CHARS) timer = setTimeout(() => search(input.value), DEBOUNCE_MS);
  });
}
