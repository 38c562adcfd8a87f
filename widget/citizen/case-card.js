// @ts-check
// The confirmation of a case in the chat: a system message's metadata.case (docs/protocol.md,
// create_case) shown as a card with the reference number, the access key and the department,
// which the citizen can copy or print. Text only, through textContent.

import { el } from "../shared/dom.js";

/**
 * @typedef {{ reference: string, accessKey: string, department: string }} CaseFacts
 * @param {any} metadata
 * @returns {CaseFacts | null}
 */
function caseOf(metadata) {
  const found = metadata && metadata.case;
  if (!found || typeof found.reference !== "string" || typeof found.access_key !== "string") return null;
  const department = typeof found.department_name === "string" ? found.department_name : "";
  return { reference: found.reference, accessKey: found.access_key, department };
}

/**
 * @param {CaseFacts} facts
 * @param {(key: string) => string} t
 */
function summary(facts, t) {
  return [
    `${t("caseReference")}: ${facts.reference}`,
    `${t("caseAccessKey")}: ${facts.accessKey}`,
    `${t("caseDepartment")}: ${facts.department}`,
  ].join("\n");
}

/**
 * Prints only the card: a hidden frame of this page gets its text and is printed, so no pop-up
 * is needed and the city's page around the widget stays out of the print.
 * @param {CaseFacts} facts
 * @param {(key: string) => string} t
 * @param {HTMLElement} card
 */
function printCard(facts, t, card) {
  card.querySelector(".print-frame")?.remove();
  const frame = el("iframe", { class: "print-frame", title: t("casePrint"), "aria-hidden": "true", tabindex: "-1" });
  card.append(frame);
  const doc = frame.contentDocument;
  const view = frame.contentWindow;
  if (!doc || !view) return;
  doc.title = `${t("caseTitle")} ${facts.reference}`;
  const heading = doc.createElement("h1");
  heading.textContent = t("caseTitle");
  const text = doc.createElement("pre");
  text.textContent = summary(facts, t);
  doc.body.append(heading, text);
  view.focus();
  view.print();
}

/**
 * @param {any} metadata
 * @param {{ t: (key: string) => string }} i18n
 * @returns {HTMLElement | null}
 */
export function caseCard(metadata, i18n) {
  const facts = caseOf(metadata);
  if (!facts) return null;
  const { t } = i18n;
  const status = el("p", { class: "case-status", role: "status" });
  const copy = el("button", { type: "button", class: "chip chip--small", text: t("caseCopy") });
  const print = el("button", { type: "button", class: "chip chip--small", text: t("casePrint") });
  const card = el(
    "div",
    { class: "case-card", role: "group", "aria-label": t("caseTitle") },
    el("p", { class: "kb-heading", text: t("caseTitle") }),
    el(
      "dl",
      { class: "case-facts" },
      el("dt", { text: t("caseReference") }),
      el("dd", { class: "case-reference", text: facts.reference }),
      el("dt", { text: t("caseAccessKey") }),
      el("dd", { class: "case-key", text: facts.accessKey }),
      facts.department ? el("dt", { text: t("caseDepartment") }) : null,
      facts.department ? el("dd", { text: facts.department }) : null,
    ),
    el("p", { class: "case-actions" }, copy, " ", print),
    status,
  );
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(summary(facts, t));
      status.textContent = t("caseCopied");
    } catch {
      status.textContent = t("caseCopyFailed");
    }
  });
  print.addEventListener("click", () => printCard(facts, t, card));
  return card;
}
