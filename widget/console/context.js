// @ts-check
// The context package of a chat: why the citizen came, what the bot understood (intents with
// confidences), form data, slots, page, language and waiting time. All values are text nodes.

import { el } from "../shared/dom.js";
import { duration, percent } from "./format.js";
import { pageLink } from "./links.js";
import { languageName, reasonText, t } from "./texts.js";

const FORM_LABELS = { complaint_text: "context.complaint_text", complaint_contact: "context.complaint_contact" };

function show(value) {
  if (value === null || value === undefined || value === "") return t("context.none_value");
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function entries(object) {
  return Object.entries(object ?? {}).filter(([, value]) => value !== null && value !== undefined && value !== "");
}

function pairs(object, labelOf = (key) => key) {
  const list = el("dl", { class: "facts facts-nested" });
  for (const [key, value] of entries(object)) {
    list.append(el("dt", { text: labelOf(key) }), el("dd", { class: "user-text", text: show(value) }));
  }
  return list;
}

function intentList(intents) {
  const list = el("ul", { class: "intents" });
  for (const intent of intents) {
    const item = el(
      "li",
      {},
      el("span", { class: "intent-name", text: intent.name }),
      " ",
      el("span", { class: "intent-confidence", text: percent(intent.confidence) }),
    );
    const others = (intent.ranking ?? []).filter((r) => r.name !== intent.name).slice(0, 2);
    if (others.length) {
      const text = others.map((r) => `${r.name} ${percent(r.confidence)}`).join(", ");
      item.append(el("span", { class: "intent-others", text: ` (${t("context.also", { list: text })})` }));
    }
    list.append(item);
  }
  return list;
}

export function buildContext(conversation, label, waitedSeconds) {
  const facts = el("dl", { class: "facts", "data-testid": "context" });
  const add = (term, ...value) => facts.append(el("dt", { text: term }), el("dd", {}, ...value));
  add(t("context.reason"), reasonText(conversation.reason));
  add(t("context.department"), conversation.department_name || show(conversation.department));
  if (conversation.summary) {
    add(t("context.summary"), el("span", { class: "user-text", text: conversation.summary }));
  }
  if (conversation.intents?.length) add(t("context.intents"), intentList(conversation.intents));
  if (entries(conversation.form).length) {
    add(t("context.form"), pairs(conversation.form, (key) => (FORM_LABELS[key] ? t(FORM_LABELS[key]) : key)));
  }
  if (entries(conversation.slots).length) add(t("context.slots"), pairs(conversation.slots));
  add(t("context.page"), conversation.page ? pageLink(conversation.page) : t("context.none_value"));
  add(t("context.language"), languageName(conversation.language));
  if (waitedSeconds !== null && waitedSeconds !== undefined) add(t("context.waited"), duration(waitedSeconds));
  return el("div", {}, el("p", { class: "context-of", text: t("context.of", { label }) }), facts);
}
