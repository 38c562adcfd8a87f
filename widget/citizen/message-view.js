// @ts-check
// The DOM of one message. Bot texts are light Markdown (renderMarkdown); citizen, agent and
// system texts are plain text (renderPlain). Nothing here turns text into HTML.

import { renderMarkdown, renderPlain, safeUrl } from "../shared/render.js";
import { el } from "../shared/dom.js";
import { srOnly } from "./markup.js";
import { kbExtras } from "./kb-extras.js";
import { caseCard } from "./case-card.js";

function senderName(message, t) {
  if (message.sender === "citizen") return t("you");
  if (message.sender === "agent") return message.agentName || t("someone");
  if (message.sender === "system") return t("system");
  return t("bot");
}

function attachmentLink(url, t) {
  const href = safeUrl(url);
  if (!href) return null;
  const link = el("a", { href, text: t("attachment") });
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  return el("p", {}, link);
}

function body(message, i18n) {
  const { metadata } = message;
  const bubble = el("div", { class: "bubble" });
  if (metadata.language === "de" || metadata.language === "en") bubble.lang = metadata.language;
  if (message.sender === "bot") {
    if (metadata.kb_article && typeof metadata.title === "string") {
      bubble.append(el("p", { class: "kb-title" }, el("strong", { text: metadata.title })));
    }
    bubble.append(renderMarkdown(message.text));
    if (metadata.kb_article) bubble.append(kbExtras(metadata, i18n) ?? "");
  } else {
    bubble.append(renderPlain(message.displayText ?? message.text));
    if (message.sender === "system" && metadata.case) bubble.append(caseCard(metadata, i18n) ?? "");
  }
  if (message.attachment) bubble.append(attachmentLink(message.attachment, i18n.t) ?? "");
  return bubble;
}

// Returns the message's node and the places the transcript updates later.
export function messageView(message, i18n) {
  const { t } = i18n;
  const name = senderName(message, t);
  const time = el("time", { datetime: message.ts.toISOString(), text: i18n.time(message.ts) });
  const delivery = el("span", { class: "delivery", "aria-hidden": "true" });
  const meta = el("p", { class: "msg-meta" }, time, delivery);
  const label =
    message.sender === "bot" || message.sender === "agent"
      ? el("p", { class: "msg-sender" }, name, message.sender === "agent" ? srOnly(` (${t("agentRole")})`) : null)
      : srOnly(name + ": ");
  const extras = el("div", { class: "msg-extras" });
  const node = el("div", { class: `msg msg--${message.sender}` }, label, body(message, i18n), meta, extras);
  if (message.id !== null) node.dataset.id = String(message.id);
  return { node, delivery, meta, extras };
}
