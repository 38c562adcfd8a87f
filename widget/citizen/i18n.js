// @ts-check
// Interface texts of the citizen widget in German and English, and the locale-aware formats
// (money, times, waiting minutes, the next opening of the live chat).

const TEXTS = {
  de: {
    defaultTitle: "Bürgerservice-Chat",
    subtitle: "Digitaler Assistent und Live-Chat",
    region: "Chat der Stadtverwaltung",
    launcher: "Chat",
    launcherUnread: "{count} neue Nachrichten",
    launcherUnreadOne: "1 neue Nachricht",
    close: "Chat schließen",
    deleteChat: "Chat löschen",
    confirmDelete: "Möchten Sie diesen Chat wirklich löschen? Der Verlauf wird auch bei uns gelöscht und lässt sich nicht wiederherstellen.",
    confirmYes: "Ja, Chat löschen",
    confirmNo: "Abbrechen",
    deleted: "Der Chat wurde gelöscht.",
    deletePending: "Der Chat wird gelöscht, sobald die Verbindung wieder steht. Bis dahin ist er nur hier ausgeblendet.",
    log: "Chatverlauf",
    intro: "Willkommen! Stellen Sie Ihre Frage zu Dienstleistungen der Stadt. Der digitale Assistent antwortet sofort; zu den Öffnungszeiten verbindet er Sie auf Wunsch mit einer Mitarbeiterin oder einem Mitarbeiter.",
    privacy: "Bitte geben Sie keine sensiblen Daten wie Steuer-ID, Kontonummer oder Gesundheitsangaben ein.",
    starters: "Häufige Fragen",
    starterList: [
      ["Personalausweis beantragen", "/kb_personalausweis"],
      ["Wohnsitz anmelden", "/kb_wohnsitz_anmelden"],
      ["Sperrmüll anmelden", "/kb_sperrmuell"],
    ],
    input: "Ihre Nachricht",
    placeholder: "Ihre Frage …",
    send: "Senden",
    counter: "{count} von {max} Zeichen",
    charsLeft: "Noch {left} Zeichen möglich.",
    limitReached: "Die Höchstlänge von {max} Zeichen ist erreicht.",
    you: "Sie",
    bot: "Digitaler Assistent",
    system: "Hinweis",
    caseTitle: "Ihr Vorgang",
    caseReference: "Vorgangsnummer",
    caseAccessKey: "Zugangsschlüssel",
    caseDepartment: "Zuständig",
    caseCopy: "Kopieren",
    caseCopied: "Kopiert.",
    caseCopyFailed: "Kopieren ging hier nicht – bitte notieren Sie die Angaben.",
    casePrint: "Drucken",
    agentRole: "Stadtverwaltung",
    sending: "Wird gesendet …",
    sent: "Gesendet",
    failed: "Nicht gesendet",
    retry: "Erneut senden",
    typingBot: "Der Assistent schreibt …",
    typingAgent: "{name} schreibt …",
    someone: "Ihre Ansprechperson",
    queued: "Sie sind in der Warteschlange, Position {position}, etwa {wait}",
    queuedFor: "Live-Chat: {department}",
    positionNow: "Sie sind jetzt an Position {position}.",
    assigned: "{agent} ({department}) ist jetzt für Sie da",
    assignedNoDepartment: "{agent} ist jetzt für Sie da",
    agentLeft: "Ihre Ansprechperson ist nicht mehr verbunden. Sie sind wieder an erster Stelle der Warteschlange.",
    backToBot: "Sie sprechen wieder mit dem digitalen Assistenten.",
    handoffClosed: "Der Live-Chat wurde beendet. Schreiben Sie einfach weiter – der digitale Assistent hilft Ihnen.",
    unavailableClosed: "Der Live-Chat ist gerade nicht besetzt.",
    nextOpening: "Wieder erreichbar: {when}.",
    unavailableNoAgents: "Gerade ist niemand im Live-Chat erreichbar. Der digitale Assistent hilft Ihnen gern weiter.",
    minutesOne: "1 Minute",
    minutes: "{count} Minuten",
    tooLong: "Ihre Nachricht ist zu lang. Bitte kürzen Sie sie auf höchstens {max} Zeichen.",
    rateLimited: "Sie haben sehr schnell hintereinander geschrieben. Bitte warten Sie einen Moment und senden Sie die Nachricht dann erneut.",
    empty: "Bitte schreiben Sie zuerst eine Nachricht.",
    sendFailed: "Die Nachricht konnte nicht gesendet werden. Bitte versuchen Sie es erneut.",
    offline: "Die Verbindung ist unterbrochen. Wir verbinden Sie automatisch neu; Ihre Nachrichten werden dann gesendet.",
    reconnected: "Die Verbindung steht wieder.",
    feedbackQuestion: "War das hilfreich?",
    yes: "Ja",
    no: "Nein",
    feedbackThanks: "Danke für Ihre Rückmeldung!",
    feedbackNegativeMessage: "Nein, das war nicht hilfreich.",
    requestHuman: "Mit einem Menschen sprechen",
    documents: "Das brauchen Sie",
    fees: "Gebühren",
    processingTime: "Bearbeitungszeit",
    onlineService: "Online-Service öffnen",
    attachment: "Anhang öffnen",
    quickReplies: "Antwortvorschläge",
    newMessageFrom: "Neue Nachricht von {sender}",
  },
  en: {
    defaultTitle: "Citizen service chat",
    subtitle: "Digital assistant and live chat",
    region: "City administration chat",
    launcher: "Chat",
    launcherUnread: "{count} new messages",
    launcherUnreadOne: "1 new message",
    close: "Close chat",
    deleteChat: "Delete chat",
    confirmDelete: "Do you really want to delete this chat? The conversation is deleted on our side as well and cannot be restored.",
    confirmYes: "Yes, delete chat",
    confirmNo: "Cancel",
    deleted: "The chat has been deleted.",
    deletePending: "The chat will be deleted as soon as the connection is back. Until then it is only hidden here.",
    log: "Chat history",
    intro: "Welcome! Ask your question about the city's services. The digital assistant answers at once; during opening hours it can connect you with a member of staff.",
    privacy: "Please do not enter sensitive data such as your tax ID, bank details or health information.",
    starters: "Frequent questions",
    starterList: [
      ["Apply for an ID card", "/kb_personalausweis"],
      ["Register your address", "/kb_wohnsitz_anmelden"],
      ["Bulky waste collection", "/kb_sperrmuell"],
    ],
    input: "Your message",
    placeholder: "Your question …",
    send: "Send",
    counter: "{count} of {max} characters",
    charsLeft: "{left} characters left.",
    limitReached: "The maximum length of {max} characters has been reached.",
    you: "You",
    bot: "Digital assistant",
    system: "Note",
    caseTitle: "Your case",
    caseReference: "Reference",
    caseAccessKey: "Access key",
    caseDepartment: "Department",
    caseCopy: "Copy",
    caseCopied: "Copied.",
    caseCopyFailed: "Copying did not work here – please note the details.",
    casePrint: "Print",
    agentRole: "City administration",
    sending: "Sending …",
    sent: "Sent",
    failed: "Not sent",
    retry: "Send again",
    typingBot: "The assistant is typing …",
    typingAgent: "{name} is typing …",
    someone: "The member of staff",
    queued: "You are in the queue, position {position}, about {wait}",
    queuedFor: "Live chat: {department}",
    positionNow: "You are now at position {position}.",
    assigned: "{agent} ({department}) is now here for you",
    assignedNoDepartment: "{agent} is now here for you",
    agentLeft: "The member of staff is no longer connected. You are first in the queue again.",
    backToBot: "You are talking to the digital assistant again.",
    handoffClosed: "The live chat has ended. Just keep writing – the digital assistant will help you.",
    unavailableClosed: "The live chat is not staffed right now.",
    nextOpening: "Available again: {when}.",
    unavailableNoAgents: "No one is available in the live chat right now. The digital assistant is happy to help.",
    minutesOne: "1 minute",
    minutes: "{count} minutes",
    tooLong: "Your message is too long. Please shorten it to at most {max} characters.",
    rateLimited: "You wrote several messages very quickly. Please wait a moment and then send the message again.",
    empty: "Please write a message first.",
    sendFailed: "The message could not be sent. Please try again.",
    offline: "The connection was lost. We reconnect automatically; your messages will be sent then.",
    reconnected: "The connection is back.",
    feedbackQuestion: "Was this helpful?",
    yes: "Yes",
    no: "No",
    feedbackThanks: "Thank you for your feedback!",
    feedbackNegativeMessage: "No, that did not help.",
    requestHuman: "Talk to a person",
    documents: "What you need",
    fees: "Fees",
    processingTime: "Processing time",
    onlineService: "Open the online service",
    attachment: "Open attachment",
    quickReplies: "Suggested replies",
    newMessageFrom: "New message from {sender}",
  },
};

export const LANGUAGES = Object.keys(TEXTS);

const LOCALES = { de: "de-DE", en: "en-GB" };

export function createI18n(language) {
  const lang = TEXTS[language] ? language : "de";
  const texts = TEXTS[lang];
  const locale = LOCALES[lang];
  const money = new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" });
  const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
  const dayAndTime = new Intl.DateTimeFormat(locale, { day: "numeric", month: "numeric", hour: "2-digit", minute: "2-digit" });
  // the city's wall-clock time as the gateway sends it (its office hours), not the browser's zone
  const opening = new Intl.DateTimeFormat(locale, {
    weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: "UTC",
  });
  const number = new Intl.NumberFormat(locale);

  function t(key, values = {}) {
    const text = texts[key] ?? TEXTS.de[key] ?? key;
    if (typeof text !== "string") return text;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  return {
    lang,
    t,
    money: (amount) => money.format(amount),
    number: (value) => number.format(value),
    // today's messages show the time only, older ones the date too
    time(date) {
      const today = new Date();
      const sameDay = date.toDateString() === today.toDateString();
      return (sameDay ? time : dayAndTime).format(date);
    },
    // "2026-11-30T07:30:00+01:00" -> "Montag, 30. November um 07:30 Uhr"; null if unreadable
    opening(iso) {
      const parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(String(iso ?? ""));
      if (!parts) return null;
      const [year, month, day, hour, minute] = parts.slice(1).map(Number);
      return opening.format(new Date(Date.UTC(year, month - 1, day, hour, minute))) + (lang === "de" ? " Uhr" : "");
    },
    minutes(seconds) {
      const count = Math.max(1, Math.round(seconds / 60));
      return count === 1 ? t("minutesOne") : t("minutes", { count });
    },
  };
}
