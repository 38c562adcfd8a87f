// @ts-check
// The citizen chat of the city, embedded with one script tag (see citizen/config.js):
//
//   <script type="module" src="https://GATEWAY/widget/citychat.js" data-citychat
//           data-language="de" data-title="Bürgerservice" data-color="#0b5394"
//           data-position="right"></script>
//
// Everything renders inside an open shadow root, so the page's CSS cannot reach it.

import { readConfig } from "./citizen/config.js";
import { mountWidget } from "./citizen/widget.js";

function start() {
  if (document.querySelector("citychat-widget")) return; // embedded twice: one widget
  mountWidget(readConfig(document, import.meta.url));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
else start();
