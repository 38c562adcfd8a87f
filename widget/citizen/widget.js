// @ts-check
// Wires the citizen widget together: connection events go to the transcript and the panel, the
// citizen's input goes out through an outbox that survives dropped connections (outbox.js).

import { theme } from "./colors.js";
import { Composer, MAX_CHARS } from "./composer.js";
import { Connection } from "./connection.js";
import { deleteChat } from "./deletion.js";
import { HandoffBanner } from "./handoff-banner.js";
import { createI18n } from "./i18n.js";
import { fromBotUttered, fromStored } from "./messages.js";
import { OfflineNotice } from "./offline-notice.js";
import { Outbox } from "./outbox.js";
import { Panel } from "./panel.js";
import { storage } from "./storage.js";
import { Transcript } from "./transcript.js";

/** @typedef {import("./messages.js").Message} Message */
/** @typedef {import("./config.js").Config} Config */

/**
 * The handlers of the citizen's connection (connection.js): what arrives goes to the transcript,
 * the banner and the panel; a (re)connect sends what waits in the outbox.
 * @param {CitizenWidget} w
 * @returns {import("./connection.js").ConnectionHandlers}
 */
function connectionHandlers(w) {
  const { panel, banner, transcript } = w;
  let rebuilt = false; // the first history after a page load restores; later ones catch up
  return {
    lastId: () => transcript.lastId,
    onHistory(entries) {
      let added = 0;
      for (const entry of entries) {
        const message = fromStored(entry);
        if (message.clientId && w.outbox.has(message.clientId)) w.outbox.forget(message.clientId);
        if (w.show(message, rebuilt)) added += 1;
      }
      return added;
    },
    onReady(status) {
      rebuilt = true;
      w.offline.back();
      if (status) banner.update(status, false);
      w.outbox.deliverAll();
    },
    onSessionReset() {
      // the stored conversation no longer exists: start empty, keep what is still unsent
      transcript.clear();
      w.outbox.showAllPending();
      w.refreshStarters();
    },
    onDisconnect() {
      w.outbox.connectionLost();
      panel.hideTyping();
      w.offline.lost();
    },
    onBotUttered: (event) => w.show(fromBotUttered(event), true),
    onEcho: (entry) => w.show(fromStored(entry), true),
    onDelivered(event) {
      if (typeof event?.client_id !== "string" || !w.outbox.has(event.client_id)) return;
      w.outbox.delivered(event.client_id, event.id);
    },
    onTyping: (event) => w.showTyping(event),
    onStatus: (status) => banner.update(status),
    onDeleted() {
      w.clearConversation();
      panel.notify(w.i18n.t("deleted"));
      w.offline.dismiss(); // confirmed by the gateway: the connection is back, no second notice
    },
  };
}

/**
 * The widget's element: an open shadow root with the stylesheet and the panel, shown once styled
 * (so the page never sees the unstyled widget).
 * @param {Config} config
 * @param {Panel} panel
 */
function mountHost(config, panel) {
  const host = document.createElement("citychat-widget");
  for (const [name, value] of Object.entries(theme(config.color))) host.style.setProperty(name, value);
  const shadow = host.attachShadow({ mode: "open" });
  const stylesheet = document.createElement("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = config.stylesheet;
  panel.root.hidden = true;
  const reveal = () => (panel.root.hidden = false);
  stylesheet.addEventListener("load", reveal);
  stylesheet.addEventListener("error", reveal);
  shadow.append(stylesheet, panel.root);
  document.body.append(host);
  return host;
}

class CitizenWidget {
  /** @param {Config} config */
  constructor(config) {
    const i18n = createI18n(config.language);
    const { t } = i18n;
    this.i18n = i18n;
    this.composer = new Composer(i18n, {
      onSend: (text) => this.send(text),
      onTyping: (typing) => this.banner.withPerson && this.connection.typing(typing),
      announce: (text) => this.panel.announce(text),
    });
    this.banner = new HandoffBanner(i18n, (text) => this.panel.announce(text));
    this.panel = new Panel(config, i18n, { composer: this.composer, banner: this.banner.node }, {
      onOpen: () => this.connection.start(),
      onDelete: () => this.delete(),
      onStarter: (reply) => this.send(reply.payload, reply.title),
    });
    this.transcript = new Transcript(this.panel.log, i18n, {
      onQuickReply: (reply) => {
        this.send(reply.payload, reply.title);
        this.composer.focus();
      },
      onFeedback: (messageId, helpful) => this.feedback(messageId, helpful),
      onRetry: (clientId) => {
        if (this.outbox.retry(clientId)) this.composer.focus();
      },
    });
    this.transcript.rememberTitles(t("starterList").map(([title, payload]) => ({ title, payload })));
    this.connection = new Connection(config, connectionHandlers(this));
    this.outbox = new Outbox(i18n, this.connection, this.transcript, (text, kind) => this.panel.notify(text, kind));
    this.offline = new OfflineNotice(
      (text, kind) => this.panel.notify(text, kind),
      t,
      () => this.connection.ready,
    );
  }

  refreshStarters() {
    this.panel.showStarters(this.transcript.isEmpty);
  }

  /**
   * A message from the gateway (live or from the history): shown once, counted while closed.
   * @param {Message} message
   * @param {boolean} counts  a new message (not the history restored after a page load)
   */
  show(message, counts) {
    const { panel, i18n } = this;
    /** @type {HTMLElement | null} */
    let added = null;
    panel.appending(() => (added = this.transcript.add(message)));
    if (!added) return false;
    if (message.metadata.system === "transferred") this.banner.expectRequeue();
    if (message.sender !== "citizen") {
      if (message.sender === "agent") panel.hideTyping();
      if (counts && !panel.isOpen) {
        panel.setUnread(panel.unread + 1);
        const sender = message.sender === "agent" ? message.agentName || i18n.t("someone") : i18n.t("bot");
        panel.announce(i18n.t("newMessageFrom", { sender }));
      }
    }
    this.refreshStarters();
    return true;
  }

  /**
   * The citizen sends a text (or a button's payload, shown as its title); false when refused.
   * @param {string} text
   * @param {string} [displayText]
   */
  send(text, displayText = text) {
    const { panel, i18n } = this;
    if (!text.trim()) {
      panel.notify(i18n.t("empty"));
      return false;
    }
    if ([...text].length > MAX_CHARS) {
      panel.notify(i18n.t("tooLong", { max: i18n.number(MAX_CHARS) }));
      return false;
    }
    const clientId = this.outbox.add(text, displayText);
    panel.appending(() => this.outbox.showPending(clientId), true);
    panel.notify("");
    this.banner.dismissNotes();
    this.refreshStarters();
    this.connection.start();
    this.outbox.deliver(clientId);
    return true;
  }

  /**
   * Was this answer helpful? A "no" also tells the assistant (which offers a person).
   * @param {number} messageId
   * @param {boolean} helpful
   */
  feedback(messageId, helpful) {
    this.connection.feedback(messageId, helpful).catch(() => {});
    if (!helpful) this.send("/feedback_negative", this.i18n.t("feedbackNegativeMessage"));
    this.composer.focus();
  }

  /**
   * Typing of the assistant or of the person (announced once when a person starts).
   * @param {any} event  {sender: "bot" | "agent", typing}
   */
  showTyping(event) {
    const { panel, i18n } = this;
    if (!event?.typing) {
      panel.hideTyping();
      return;
    }
    if (event.sender === "agent") {
      const name = this.banner.agentName || i18n.t("someone");
      const text = i18n.t("typingAgent", { name });
      if (panel.typing.hidden) panel.announce(text);
      panel.showTyping(text);
    } else {
      panel.showTyping(i18n.t("typingBot"));
    }
  }

  delete() {
    deleteChat({
      connection: this.connection,
      notify: (text) => this.panel.notify(text),
      t: this.i18n.t,
      clearConversation: () => this.clearConversation(),
    });
  }

  clearConversation() {
    this.transcript.clear();
    this.outbox.clear();
    this.banner.reset();
    this.panel.hideTyping();
    this.panel.setUnread(0);
    this.refreshStarters();
  }
}

/**
 * Builds the widget into the page (see citychat.js); returns its element.
 * @param {Config} config
 */
export function mountWidget(config) {
  const widget = new CitizenWidget(config);
  const host = mountHost(config, widget.panel);
  // a returning tab reconnects at once: the transcript is ready and new answers are counted
  if (storage.sessionId) widget.connection.start();
  return host;
}
