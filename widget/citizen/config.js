// @ts-check
// The embedding page's configuration: the data-* attributes of the script tag.
//
//   <script type="module" src="https://GATEWAY/widget/citychat.js" data-citychat
//           data-language="de" data-title="Bürgerservice" data-color="#0b5394"
//           data-position="right" data-gateway="https://GATEWAY/"></script>
//
// A module has no document.currentScript, so the tag is found by its data-citychat attribute;
// the gateway is where this file was loaded from unless data-gateway says otherwise.

import { LANGUAGES } from "./i18n.js";

function pageLanguage(doc) {
  const lang = (doc.documentElement.lang || "").toLowerCase().split("-")[0];
  return LANGUAGES.includes(lang) ? lang : "de";
}

/**
 * @typedef {object} Config
 * @property {string} socketUrl  the gateway's origin
 * @property {string} socketPath  its Socket.IO path
 * @property {string} stylesheet  citychat.css next to this module
 * @property {string} language  "de" or "en"
 * @property {string | null} title
 * @property {string | null} color  the city's primary colour (colors.js makes it accessible)
 * @property {"left" | "right"} position
 */

/**
 * @param {Document} doc  the embedding page
 * @param {string} moduleUrl  import.meta.url of citychat.js
 * @returns {Config}
 */
export function readConfig(doc, moduleUrl) {
  const script = /** @type {HTMLScriptElement | null} */ (doc.querySelector("script[data-citychat]"));
  /** @type {DOMStringMap} */
  const data = script?.dataset ?? {};
  // the gateway's root: widget/citychat.js lives one level below it
  let gateway = new URL("../", moduleUrl);
  if (data.gateway) {
    try {
      gateway = new URL(data.gateway.endsWith("/") ? data.gateway : data.gateway + "/", doc.baseURI);
    } catch {
      // a malformed data-gateway: keep the script's own origin
    }
  }
  const language = LANGUAGES.includes(data.language ?? "") ? data.language : pageLanguage(doc);
  return {
    socketUrl: gateway.origin,
    socketPath: gateway.pathname + "socket.io/",
    stylesheet: new URL("citychat.css", moduleUrl).href,
    language,
    title: (data.title || "").trim().slice(0, 80) || null,
    color: data.color || null,
    position: data.position === "left" ? "left" : "right",
  };
}
