// @ts-check
// The facts of a knowledge-base answer (bot-contract.md, kb_article): documents to bring, fees
// (formatted for the interface language, e.g. "46,00 €"), processing time, online service.

import { safeUrl } from "../shared/render.js";
import { el } from "../shared/dom.js";

function strings(value) {
  return Array.isArray(value) ? value.filter((item) => typeof item === "string" && item.trim()) : [];
}

function fees(value, i18n) {
  if (!Array.isArray(value)) return [];
  return value
    .filter((fee) => fee && typeof fee.label === "string")
    .map((fee) =>
      el(
        "div",
        { class: "fee" },
        el("dt", { text: fee.label }),
        el("dd", { text: typeof fee.amount === "number" ? i18n.money(fee.amount) : "" }),
      ),
    );
}

export function kbExtras(metadata, i18n) {
  const { t } = i18n;
  const parts = [];
  const documents = strings(metadata.documents);
  if (documents.length) {
    parts.push(el("p", { class: "kb-heading", text: t("documents") }));
    parts.push(el("ul", {}, documents.map((text) => el("li", { text }))));
  }
  const feeRows = fees(metadata.fees, i18n);
  if (feeRows.length) {
    parts.push(el("p", { class: "kb-heading", text: t("fees") }));
    parts.push(el("dl", { class: "fees" }, feeRows));
  }
  if (typeof metadata.processing_time === "string" && metadata.processing_time.trim()) {
    parts.push(
      el("p", {}, el("span", { class: "kb-heading", text: t("processingTime") + ": " }), metadata.processing_time),
    );
  }
  const service = typeof metadata.online_service === "string" ? safeUrl(metadata.online_service) : null;
  if (service) {
    const link = el("a", { class: "service-link", href: service, text: t("onlineService") });
    if (/^https?:/.test(service)) {
      link.target = "_blank";
      link.rel = "noopener noreferrer";
    }
    parts.push(el("p", {}, link));
  }
  return parts.length ? el("div", { class: "kb-extras" }, parts) : null;
}
