// @ts-check
// The Socket.IO client for the widget and the console: widget/vendor/socket.io.esm.min.js, which
// `make widget` copies from the npm package socket.io-client, typed with that package's types
// (the minified copy carries none).

import { io as vendored } from "../vendor/socket.io.esm.min.js";

/** @typedef {import("socket.io-client").Socket} Socket */

export const io = /** @type {typeof import("socket.io-client").io} */ (/** @type {unknown} */ (vendored));
