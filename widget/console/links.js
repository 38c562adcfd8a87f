// @ts-check
// A link to a page the citizen was on: only http(s) addresses become links (render.js decides).

import { safeUrl } from "../shared/render.js";
import { el } from "../shared/dom.js";

export function pageLink(address) {
  const href = safeUrl(address ?? "");
  if (!href || !/^https?:/.test(href)) return el("span", { text: String(address ?? "") });
  return el("a", { text: address, href, target: "_blank", rel: "noopener noreferrer" });
}
