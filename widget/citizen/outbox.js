// @ts-check
// The citizen's messages on their way: each keeps its client_id through every retry, so the
// gateway stores and relays it once. A message waits here until the gateway acknowledged it
// (or another tab's "delivered" or the history shows it); sent when the connection is ready,
// again after a reconnect, by hand ("Erneut senden") after a refusal.

import { MAX_CHARS } from "./composer.js";
import { newClientId } from "./messages.js";

/** @typedef {import("./connection.js").Connection} Connection */
/** @typedef {import("./transcript.js").Transcript} Transcript */
/** @typedef {ReturnType<typeof import("./i18n.js").createI18n>} I18n */
/**
 * @typedef {object} Entry
 * @property {string} text  what is sent (a button's payload, or what the citizen wrote)
 * @property {string} displayText  what the transcript shows
 * @property {number} attempt
 * @property {boolean} inFlight
 * @property {boolean} failed
 */

// gateway error codes with a text of their own
const ERROR_TEXTS = { too_long: "tooLong", rate_limited: "rateLimited", empty: "empty" };

export class Outbox {
  /**
   * @param {I18n} i18n
   * @param {Connection} connection
   * @param {Transcript} transcript
   * @param {(text: string, kind?: string) => void} notify  the panel's notice
   */
  constructor(i18n, connection, transcript, notify) {
    this.i18n = i18n;
    this.connection = connection;
    this.transcript = transcript;
    this.notify = notify;
    /** @type {Map<string, Entry>} client_id -> entry */
    this.entries = new Map();
  }

  /**
   * A new message; returns its client_id.
   * @param {string} text
   * @param {string} displayText
   */
  add(text, displayText) {
    const clientId = newClientId();
    this.entries.set(clientId, { text, displayText, attempt: 0, inFlight: false, failed: false });
    return clientId;
  }

  /**
   * Shows a waiting message as "sending …" in the transcript; returns its node.
   * @param {string} clientId
   */
  showPending(clientId) {
    const entry = this.entries.get(clientId);
    if (!entry) return null;
    return this.transcript.addPending(
      clientId,
      entry.text,
      entry.displayText === entry.text ? undefined : entry.displayText,
    );
  }

  /** Every waiting message again, in a transcript started afresh. */
  showAllPending() {
    for (const clientId of this.entries.keys()) this.showPending(clientId);
  }

  /** @param {string} clientId */
  has(clientId) {
    return this.entries.has(clientId);
  }

  /**
   * Stored by the gateway (seen in the history): nothing more to send.
   * @param {string} clientId
   */
  forget(clientId) {
    this.entries.delete(clientId);
  }

  /**
   * Stored by the gateway with this id (reported to another tab of the session).
   * @param {string} clientId
   * @param {number} id
   */
  delivered(clientId, id) {
    this.entries.delete(clientId);
    this.transcript.confirm(clientId, id);
  }

  clear() {
    this.entries.clear();
  }

  /** The connection broke: what was on its way goes again once it is back. */
  connectionLost() {
    for (const entry of this.entries.values()) entry.inFlight = false;
  }

  /** The session is ready: everything waiting goes out. */
  deliverAll() {
    for (const clientId of this.entries.keys()) this.deliver(clientId);
  }

  /**
   * "Erneut senden" on a failed message; false when it is no longer waiting.
   * @param {string} clientId
   */
  retry(clientId) {
    const entry = this.entries.get(clientId);
    if (!entry) return false;
    entry.failed = false;
    this.transcript.sending(clientId);
    this.deliver(clientId);
    return true;
  }

  /**
   * Sends one message now if the connection is ready (otherwise once it is).
   * @param {string} clientId
   */
  deliver(clientId) {
    const entry = this.entries.get(clientId);
    if (!entry || entry.inFlight || entry.failed || !this.connection.ready) return;
    entry.inFlight = true;
    const attempt = ++entry.attempt;
    const current = () => this.entries.get(clientId) === entry && entry.attempt === attempt && entry.inFlight;
    this.connection
      .say(entry.text, clientId, { page: window.location.href, language: this.i18n.lang })
      .then((ack) => {
        if (!current()) return;
        entry.inFlight = false;
        this.acknowledged(clientId, entry, attempt, ack);
      })
      .catch(() => {
        if (!current()) return;
        entry.inFlight = false;
        if (this.connection.ready) this.failed(clientId, entry, "sendFailed");
        // otherwise the connection broke: sent again once it is back
      });
  }

  /**
   * @param {string} clientId
   * @param {Entry} entry
   * @param {number} attempt
   * @param {any} ack  the gateway's answer to user_uttered
   */
  acknowledged(clientId, entry, attempt, ack) {
    if (ack?.ok) {
      this.entries.delete(clientId);
      this.transcript.confirm(clientId, ack.id);
      return;
    }
    if (ack?.error === "no_session" && attempt < 3) {
      this.connection.resync(); // the gateway forgot this socket's session: ask again, then resend
      return;
    }
    this.failed(clientId, entry, ERROR_TEXTS[ack?.error] ?? "sendFailed");
  }

  /**
   * @param {string} clientId
   * @param {Entry} entry
   * @param {string} textKey  what the notice says
   */
  failed(clientId, entry, textKey) {
    entry.failed = true;
    this.transcript.fail(clientId);
    this.notify(this.i18n.t(textKey, { max: this.i18n.number(MAX_CHARS) }), "error");
  }
}
