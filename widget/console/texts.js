// @ts-check
// Every text of the agent console, per interface language. The service centre works in German;
// another language is added as a second object with the same keys (missing keys fall back to
// German). Placeholders: {name}.

const TEXTS = {
  de: {
    "page.title": "Chat-Konsole – Bürgerservice Musterstadt",
    "brand": "Musterstadt · Bürgerservice",
    "skip": "Zum Inhalt springen",
    "noscript": "Die Chat-Konsole braucht JavaScript.",
    "loading": "Wird geladen …",

    "login.heading": "Anmeldung zur Chat-Konsole",
    "login.intro": "Für Mitarbeiterinnen und Mitarbeiter des Bürgerservice.",
    "login.username": "Benutzername",
    "login.password": "Passwort",
    "login.submit": "Anmelden",
    "login.busy": "Anmeldung läuft …",
    "login.missing": "Bitte geben Sie Benutzername und Passwort ein.",
    "login.wrong": "Benutzername oder Passwort ist falsch.",
    "login.rate_limited": "Zu viele fehlgeschlagene Anmeldeversuche für dieses Konto. Bitte warten Sie einen Moment (noch {seconds} s) und versuchen Sie es dann erneut.",
    "login.forbidden_origin": "Die Anmeldung von dieser Adresse ist nicht erlaubt.",
    "login.no_console": "Dieses Konto hat keinen Zugang zur Chat-Konsole.",
    "login.expired": "Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.",
    "login.ended": "Ihre Anmeldung wurde beendet (abgemeldet, neues Passwort oder geänderte Rechte). Bitte melden Sie sich erneut an.",
    "login.network": "Der Server ist nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
    "login.failed": "Die Anmeldung hat nicht geklappt.",

    "nav.label": "Ansicht",
    "nav.workspace": "Arbeitsplatz",
    "nav.supervisor": "Leitstand",
    "user.signed_in": "Angemeldet: {name}",
    "logout": "Abmelden",
    "presence.legend": "Mein Status",
    "presence.online": "Online",
    "presence.away": "Abwesend",
    "presence.away_hint": "Sie sind abwesend und erhalten keine Hinweise auf neue Anfragen.",
    "presence.failed": "Der Status konnte nicht geändert werden.",
    "connection.online": "Verbunden",
    "connection.connecting": "Verbindung wird aufgebaut …",
    "connection.lost": "Verbindung unterbrochen – wird wiederhergestellt …",
    "notify.enable": "Desktop-Hinweise einschalten",
    "notify.on": "Desktop-Hinweise: an",
    "notify.denied": "Desktop-Hinweise: vom Browser blockiert",
    "notify.sound": "Ton bei neuen Anfragen",
    "notify.title": "Neue Chat-Anfrage: {department}",

    "workspace.heading": "Chat-Konsole",
    "queue.heading": "Warteschlange",
    "queue.count": "({count})",
    "queue.empty": "Zurzeit wartet niemand.",
    "queue.waiting": "wartet seit {time}",
    "queue.age.normal": "",
    "queue.age.warn": "lange Wartezeit",
    "queue.age.urgent": "sehr lange Wartezeit",
    "queue.priority": "Vorrang (zurückgegeben oder weitergeleitet)",
    "queue.last_message": "Letzte Nachricht:",
    "queue.accept": "Annehmen",
    "queue.accepted": "Chat angenommen: {label}",
    "queue.alert": "Neue Anfrage in der Warteschlange: {department} – {reason}",

    "chats.heading": "Meine Chats",
    "chats.tablist": "Offene Chats",
    "chats.empty": "Kein Chat geöffnet. Nehmen Sie eine Anfrage aus der Warteschlange an.",
    "chat.label": "Chat {number} – {department}",
    "chat.unread": "{count} neu",
    "chat.typing_badge": "schreibt",
    "chat.transcript": "Verlauf von Chat {number}",
    "chat.older": "Ältere Nachrichten laden",
    "chat.older_loading": "Ältere Nachrichten werden geladen …",
    "chat.older_loaded": "{count} ältere Nachrichten geladen.",
    "chat.older_failed": "Die älteren Nachrichten konnten nicht geladen werden.",
    "chat.citizen_typing": "Die Bürgerin oder der Bürger schreibt …",
    "chat.new_message": "Neue Nachricht in {label}",
    "chat.ended.closed": "{label} beendet: {outcome}.",
    "chat.ended.bot": "{label} an den digitalen Assistenten zurückgegeben.",
    "chat.ended.transferred": "{label} weitergeleitet.",
    "chat.ended.deleted": "{label}: Die Person hat das Gespräch gelöscht.",
    "chat.ended.lost": "{label} ist Ihnen nicht mehr zugeordnet.",
    "chat.assigned": "Neuer Chat für Sie: {label}",

    "sender.citizen": "Bürger/in",
    "sender.bot": "Digitaler Assistent",
    "sender.agent": "Mitarbeiter/in",
    "sender.system": "Systemhinweis",
    "sender.note": "Interne Notiz",
    "note.badge": "intern",
    "message.sending": "wird gesendet …",
    "message.delivered": "zugestellt",
    "message.failed": "nicht gesendet",
    "message.retry": "Erneut senden",
    "message.buttons": "Angebotene Schaltflächen: {titles}",
    "message.article": "Wissensartikel: {title}",

    "composer.label": "Antwort",
    "composer.hint": "Strg+Enter sendet. Die Bürgerin oder der Bürger sieht, wenn Sie schreiben.",
    "composer.counter": "{count} von {max} Zeichen",
    "composer.send": "Senden",
    "composer.note": "Als interne Notiz speichern",
    "composer.canned": "Textbaustein",
    "composer.canned_choose": "– auswählen –",
    "composer.canned_general": "Alle Fachbereiche",
    "composer.canned_insert": "Einfügen",
    "composer.empty": "Bitte geben Sie zuerst einen Text ein.",
    "composer.too_long": "Der Text ist zu lang: höchstens {max} Zeichen (jetzt {count}).",
    "composer.inserted": "Text in das Antwortfeld eingefügt.",

    "actions.legend": "Chat weitergeben oder beenden",
    "actions.transfer": "Weiterleiten an",
    "actions.transfer_departments": "Fachbereiche",
    "actions.transfer_agents": "Mitarbeitende (online)",
    "actions.transfer_submit": "Weiterleiten",
    "actions.hand_back": "An Assistenten zurückgeben",
    "actions.outcome": "Ergebnis",
    "actions.close": "Chat beenden",

    "outcome.resolved": "gelöst",
    "outcome.not_resolved": "nicht gelöst",
    "outcome.case_created": "Vorgang angelegt",

    "context.heading": "Kontext",
    "context.none": "Öffnen Sie einen Chat, um seinen Kontext zu sehen.",
    "context.of": "Kontext zu {label}",
    "context.reason": "Grund",
    "context.department": "Fachbereich",
    "context.summary": "Zusammenfassung",
    "context.intents": "Erkannte Anliegen",
    "context.also": "daneben: {list}",
    "context.form": "Formulardaten",
    "context.complaint_text": "Beschwerde",
    "context.complaint_contact": "Kontakt",
    "context.slots": "Gesprächsdaten",
    "context.page": "Seite",
    "context.language": "Sprache",
    "context.waited": "Wartezeit",
    "context.none_value": "keine Angabe",

    "reason.explicit_request": "Wunsch nach persönlicher Beratung",
    "reason.repeated_fallback": "Der Assistent hat die Frage wiederholt nicht verstanden",
    "reason.complaint": "Beschwerde",
    "reason.negative_feedback": "Eine Antwort hat nicht geholfen",
    "reason.bot_unavailable": "Der Assistent war nicht erreichbar",
    "reason.unknown": "Übergabe an einen Menschen",

    "language.de": "Deutsch",
    "language.en": "Englisch",

    "kb.heading": "Wissensdatenbank",
    "kb.query": "Suchbegriffe",
    "kb.submit": "Suchen",
    "kb.results": "{count} Artikel gefunden.",
    "kb.no_results": "Kein passender Artikel gefunden.",
    "kb.insert": "Antwort einfügen",
    "kb.no_chat": "Öffnen Sie einen Chat, um Antworten einzufügen.",
    "kb.failed": "Die Suche hat nicht geklappt.",

    "supervisor.heading": "Leitstand",
    "supervisor.updated": "Stand: {time}",
    "supervisor.queues": "Warteschlangen",
    "supervisor.department": "Fachbereich",
    "supervisor.waiting": "Wartend",
    "supervisor.agents": "Mitarbeitende",
    "supervisor.name": "Name",
    "supervisor.role": "Rolle",
    "supervisor.departments": "Fachbereiche",
    "supervisor.status": "Status",
    "supervisor.live": "Laufende Gespräche mit dem Assistenten",
    "supervisor.live_hint":
      "Gespräche der letzten 30 Minuten, neueste zuerst; ohne Nachrichten werden sie nicht gezeigt.",
    "supervisor.live_empty": "Zurzeit spricht niemand mit dem Assistenten.",
    "supervisor.conversation": "Gespräch: {first}",
    "supervisor.no_question": "ohne Frage",
    "supervisor.take_over": "Übernehmen",
    "supervisor.taken": "Gespräch übernommen: {label}",
    "supervisor.failed": "Der Leitstand konnte nicht aktualisiert werden.",

    "role.agent": "Mitarbeiter/in",
    "role.supervisor": "Leitung",
    "role.admin": "Administration",
    "status.online": "online",
    "status.away": "abwesend",
    "status.offline": "nicht angemeldet",

    "error.invalid": "Die Eingabe ist ungültig.",
    "error.empty": "Bitte geben Sie zuerst einen Text ein.",
    "error.too_long": "Der Text ist zu lang (höchstens 2.000 Zeichen).",
    "error.rate_limited": "Zu viele Aktionen in kurzer Zeit. Bitte einen Moment warten.",
    "error.not_found": "Das Gespräch gibt es nicht mehr.",
    "error.not_yours": "Dieser Chat ist Ihnen nicht (mehr) zugeordnet.",
    "error.taken": "Eine Kollegin oder ein Kollege hat diesen Chat bereits angenommen.",
    "error.not_queued": "Dieser Chat wartet nicht mehr in der Warteschlange.",
    "error.forbidden": "Dafür fehlt Ihnen die Berechtigung.",
    "error.max_chats": "Sie haben bereits die Höchstzahl an gleichzeitigen Chats.",
    "error.conflict": "Der Chat hat sich inzwischen geändert.",
    "error.unavailable": "Diese Person ist nicht online.",
    "error.unauthorized": "Ihre Anmeldung ist abgelaufen.",
    "error.timeout": "Keine Antwort vom Server. Bitte versuchen Sie es erneut.",
    "error.internal": "Auf dem Server ist ein Fehler aufgetreten.",
    "error.generic": "Das hat nicht geklappt.",
  },
};

export const LANGUAGE = TEXTS[document.documentElement.lang] ? document.documentElement.lang : "de";

export function t(key, values = {}) {
  const template = TEXTS[LANGUAGE][key] ?? TEXTS.de[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// The message of an {ok: false, error} answer of the gateway, in the interface language.
export function errorText(code) {
  const key = `error.${code}`;
  return TEXTS.de[key] ? t(key) : t("error.generic");
}

export function reasonText(reason) {
  return TEXTS.de[`reason.${reason}`] ? t(`reason.${reason}`) : t("reason.unknown");
}

// The lang attribute for text written in a conversation's language (citizens write de or en).
export function contentLanguage(code) {
  return code === "en" ? "en" : "de";
}

export function languageName(code) {
  return TEXTS.de[`language.${code}`] ? t(`language.${code}`) : String(code || t("context.none_value"));
}

// Static texts of console.html: data-t="key" sets the text, data-t-label="key" the aria-label.
export function applyTexts(root = document) {
  for (const node of root.querySelectorAll("[data-t]")) node.textContent = t(node.getAttribute("data-t"));
  for (const node of root.querySelectorAll("[data-t-label]")) {
    node.setAttribute("aria-label", t(node.getAttribute("data-t-label")));
  }
}
