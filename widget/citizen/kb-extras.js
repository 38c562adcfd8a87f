// The facts of a knowledge-base answer (bot-contract.md, kb_article): documents to bring, fees
// (formatted for the interface language, e.g. "46,00 €"), processing time, online service.

import { safeUrl } from "../shared/render.js";
import { h } from "./dom.js";

function strings(value) {
  return Array.isArray(value) ? value.filter((item) => typeof item === "string" && item.trim()) : [];
}

function fees(value, i18n) {
  if (!Array.isArray(value)) return [];
  return value
    .filter((fee) => fee && typeof fee.label === "string")
    .map((fee) =>
      h(
        "div",
        { class: "fee" },
        h("dt", { text: fee.label }),
        h("dd", { text: typeof fee.amount === "number" ? i18n.money(fee.amount) : "" }),
      ),
    );
}

export function kbExtras(metadata, i18n) {
  const { t } = i18n;
  const parts = [];
  const documents = strings(metadata.documents);
  if (documents.length) {
    parts.push(h("p", { class: "kb-heading", text: t("documents") }));
    parts.push(h("ul", {}, documents.map((text) => h("li", { text }))));
  }
  const feeRows = fees(metadata.fees, i18n);
  if (feeRows.length) {
    parts.push(h("p", { class: "kb-heading", text: t("fees") }));
    parts.push(h("dl", { class: "fees" }, feeRows));
  }
  if (typeof metadata.processing_time === "string" && metadata.processing_time.trim()) {
    parts.push(
      h("p", {}, h("span", { class: "kb-heading", text: t("processingTime") + ": " }), metadata.processing_time),
    );
  }
  const service = typeof metadata.online_service === "string" ? safeUrl(metadata.online_service) : null;
  if (service) {
    const link = h("a", { class: "service-link", href: service, text: t("onlineService") });
    if (/^https?:/.test(service)) {
      link.target = "_blank";
      link.rel = "noopener noreferrer";
    }
    parts.push(h("p", {}, link));
  }
  return parts.length ? h("div", { class: "kb-extras" }, parts) : null;
}
