// Wires the citizen widget together: connection events go to the transcript and the panel, the
// citizen's input goes out through an outbox that survives dropped connections. A message keeps
// its client_id through every retry, so the gateway stores and relays it once.

import { theme } from "./colors.js";
import { Composer, MAX_CHARS } from "./composer.js";
import { Connection } from "./connection.js";
import { HandoffBanner } from "./handoff-banner.js";
import { createI18n } from "./i18n.js";
import { fromBotUttered, fromStored, newClientId } from "./messages.js";
import { Panel } from "./panel.js";
import { storage } from "./storage.js";
import { Transcript } from "./transcript.js";

const OFFLINE_NOTICE_DELAY_MS = 1500;

const ERROR_TEXTS = { too_long: "tooLong", rate_limited: "rateLimited", empty: "empty" };

export function mountWidget(config) {
  const i18n = createI18n(config.language);
  const { t } = i18n;
  const outbox = new Map(); // client_id -> {text, displayText, attempt, inFlight, failed}
  let rebuilt = false; // the first history after a page load restores; later ones catch up
  let offlineTimer = null;
  let offlineShown = false;

  const composer = new Composer(i18n, {
    onSend: (text) => send(text),
    onTyping: (typing) => banner.withPerson && connection.typing(typing),
    announce: (text) => panel.announce(text),
  });
  const banner = new HandoffBanner(i18n, (text) => panel.announce(text));
  const panel = new Panel(config, i18n, { composer, banner: banner.node }, {
    onOpen: () => connection.start(),
    onDelete: deleteChat,
    onStarter: (reply) => send(reply.payload, reply.title),
  });
  const transcript = new Transcript(panel.log, i18n, {
    onQuickReply: (reply) => {
      send(reply.payload, reply.title);
      composer.focus();
    },
    onFeedback: (messageId, helpful) => {
      connection.feedback(messageId, helpful).catch(() => {});
      if (!helpful) send("/feedback_negative", t("feedbackNegativeMessage"));
      composer.focus();
    },
    onRetry: (clientId) => {
      const entry = outbox.get(clientId);
      if (!entry) return;
      entry.failed = false;
      transcript.sending(clientId);
      deliver(clientId);
      composer.focus();
    },
  });
  transcript.rememberTitles(t("starterList").map(([title, payload]) => ({ title, payload })));

  function refreshStarters() {
    panel.showStarters(transcript.isEmpty);
  }

  // A message from the gateway (live or from the history): shown once, counted while closed.
  function show(message, counts) {
    let added = null;
    panel.appending(() => (added = transcript.add(message)));
    if (!added) return false;
    if (message.metadata.system === "transferred") banner.expectRequeue();
    if (message.sender !== "citizen") {
      if (message.sender === "agent") panel.hideTyping();
      if (counts && !panel.isOpen) {
        panel.setUnread(panel.unread + 1);
        const sender = message.sender === "agent" ? message.agentName || t("someone") : t("bot");
        panel.announce(t("newMessageFrom", { sender }));
      }
    }
    refreshStarters();
    return true;
  }

  function send(text, displayText = text) {
    if (!text.trim()) {
      panel.notify(t("empty"));
      return false;
    }
    if ([...text].length > MAX_CHARS) {
      panel.notify(t("tooLong", { max: i18n.number(MAX_CHARS) }));
      return false;
    }
    const clientId = newClientId();
    outbox.set(clientId, { text, displayText, attempt: 0, inFlight: false, failed: false });
    panel.appending(() => transcript.addPending(clientId, text, displayText === text ? undefined : displayText), true);
    panel.notify("");
    banner.dismissNotes();
    refreshStarters();
    connection.start();
    deliver(clientId);
    return true;
  }

  function deliver(clientId) {
    const entry = outbox.get(clientId);
    if (!entry || entry.inFlight || entry.failed || !connection.ready) return; // sent once ready
    entry.inFlight = true;
    const attempt = ++entry.attempt;
    const current = () => outbox.get(clientId) === entry && entry.attempt === attempt && entry.inFlight;
    connection
      .say(entry.text, clientId, { page: window.location.href, language: i18n.lang })
      .then((ack) => {
        if (!current()) return;
        entry.inFlight = false;
        if (ack?.ok) {
          outbox.delete(clientId);
          transcript.confirm(clientId, ack.id);
          return;
        }
        if (ack?.error === "no_session" && attempt < 3) {
          connection.resync(); // the gateway forgot this socket's session: ask again, then resend
          return;
        }
        entry.failed = true;
        transcript.fail(clientId);
        const key = ERROR_TEXTS[ack?.error] ?? "sendFailed";
        panel.notify(t(key, { max: i18n.number(MAX_CHARS) }), "error");
      })
      .catch(() => {
        if (!current()) return;
        entry.inFlight = false;
        if (connection.ready) {
          entry.failed = true;
          transcript.fail(clientId);
          panel.notify(t("sendFailed"), "error");
        } // otherwise the connection broke: sent again once it is back
      });
  }

  // "Deleted" is said only when the gateway confirmed it (session_deleted). Offline, the request
  // is kept for this tab and sent as soon as the connection is back.
  function deleteChat() {
    if (!storage.sessionId) {
      clearConversation(); // nothing was ever stored
      panel.notify(t("deleted"));
      return;
    }
    const later = () => {
      storage.pendingDelete = storage.sessionId;
      clearConversation();
      panel.notify(t("deletePending"));
      connection.resync(); // sends it now if connected (retrying), otherwise after the reconnect
    };
    if (!connection.ready) {
      later();
      connection.start();
      return;
    }
    connection
      .deleteConversation()
      .then((ack) => {
        if (!ack?.ok) later();
      })
      .catch(later);
  }

  function clearConversation() {
    transcript.clear();
    outbox.clear();
    banner.reset();
    panel.hideTyping();
    panel.setUnread(0);
    refreshStarters();
  }

  const connection = new Connection(config, {
    lastId: () => transcript.lastId,
    onHistory(entries) {
      let added = 0;
      for (const entry of entries) {
        const message = fromStored(entry);
        if (message.clientId && outbox.has(message.clientId)) outbox.delete(message.clientId);
        if (show(message, rebuilt)) added += 1;
      }
      return added;
    },
    onReady(status) {
      rebuilt = true;
      window.clearTimeout(offlineTimer);
      offlineTimer = null;
      if (offlineShown) panel.notify(t("reconnected"));
      offlineShown = false;
      if (status) banner.update(status, false);
      for (const clientId of outbox.keys()) deliver(clientId);
    },
    onSessionReset() {
      // the stored conversation no longer exists: start empty, keep what is still unsent
      transcript.clear();
      for (const [clientId, entry] of outbox) {
        transcript.addPending(clientId, entry.text, entry.displayText === entry.text ? undefined : entry.displayText);
      }
      refreshStarters();
    },
    onDisconnect() {
      for (const entry of outbox.values()) entry.inFlight = false;
      panel.hideTyping();
      if (offlineTimer === null && !offlineShown) {
        offlineTimer = window.setTimeout(() => {
          offlineTimer = null;
          if (!connection.ready) {
            offlineShown = true;
            panel.notify(t("offline"), "error");
          }
        }, OFFLINE_NOTICE_DELAY_MS);
      }
    },
    onBotUttered: (event) => show(fromBotUttered(event), true),
    onEcho: (entry) => show(fromStored(entry), true),
    onDelivered(event) {
      if (typeof event?.client_id !== "string" || !outbox.has(event.client_id)) return;
      outbox.delete(event.client_id);
      transcript.confirm(event.client_id, event.id);
    },
    onTyping(event) {
      if (!event?.typing) {
        panel.hideTyping();
        return;
      }
      if (event.sender === "agent") {
        const name = banner.agentName || t("someone");
        const text = t("typingAgent", { name });
        if (panel.typing.hidden) panel.announce(text);
        panel.showTyping(text);
      } else {
        panel.showTyping(t("typingBot"));
      }
    },
    onStatus: (status) => banner.update(status),
    onDeleted() {
      clearConversation();
      panel.notify(t("deleted"));
      offlineShown = false; // confirmed by the gateway: the connection is back, no second notice
    },
  });

  const host = document.createElement("citychat-widget");
  for (const [name, value] of Object.entries(theme(config.color))) host.style.setProperty(name, value);
  const shadow = host.attachShadow({ mode: "open" });
  const stylesheet = document.createElement("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = config.stylesheet;
  // shown once styled, so the page never sees the unstyled widget
  panel.root.hidden = true;
  const reveal = () => (panel.root.hidden = false);
  stylesheet.addEventListener("load", reveal);
  stylesheet.addEventListener("error", reveal);
  shadow.append(stylesheet, panel.root);
  document.body.append(host);

  // a returning tab reconnects at once: the transcript is ready and new answers are counted
  if (storage.sessionId) connection.start();
  return host;
}
