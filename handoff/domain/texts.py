"""What the gateway itself says to citizens (system messages), in German and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "case_created": {
        "de": "Ihr Anliegen ist jetzt der Vorgang {reference} ({department}). Wir melden uns in der Regel bis "
        "{due}. Ihr Zugangsschlüssel: {access_key} - bitte notieren Sie ihn mit der Vorgangsnummer; damit können "
        "Sie hier jederzeit nach dem Stand fragen.",
        "en": "Your request is now case {reference} ({department}). We usually reply by {due}. Your access key: "
        "{access_key} - please note it with the reference; with both you can ask for the status here at any time.",
    },
    "case_status_proof": {
        "de": "Gern sehe ich nach, wie weit der Vorgang {reference} ist. Bitte nennen Sie mir zur Sicherheit den "
        "Zugangsschlüssel aus Ihrer Bestätigung (vier Gruppen aus je vier Zeichen) oder die E-Mail-Adresse, die Sie "
        "bei Ihrem Anliegen angegeben haben.",
        "en": "I will gladly look up {reference}. For your security, please give me the access key from your "
        "confirmation (four groups of four characters) or the e-mail address you gave with your request.",
    },
    "case_status": {
        "de": "Stand des Vorgangs {reference} ({department}): {status}. Eingegangen am {received}.{update}",
        "en": "Status of {reference} ({department}): {status}. Received on {received}.{update}",
    },
    "case_status_update": {
        "de": " Letzte Mitteilung vom {when}: {text}",
        "en": " Latest update of {when}: {text}",
    },
    "case_status_unknown": {
        "de": "Zu dieser Vorgangsnummer und diesem Nachweis habe ich keinen Vorgang gefunden. Bitte prüfen Sie beides: "
        "Vorgangsnummer und Zugangsschlüssel stehen in Ihrer Bestätigung.",
        "en": "I found no request for this reference and this proof. Please check both: the reference and the "
        "access key are in your confirmation.",
    },
    "case_status_wait": {
        "de": "Das waren zu viele Versuche. Bitte versuchen Sie es in einigen Minuten noch einmal.",
        "en": "That were too many attempts. Please try again in a few minutes.",
    },
    "case_new": {"de": "eingegangen, noch nicht in Bearbeitung", "en": "received, not yet being worked on"},
    "case_in_progress": {"de": "in Bearbeitung", "en": "being worked on"},
    "case_waiting": {"de": "wartet auf Ihre Rückmeldung", "en": "waiting for your reply"},
    "case_done": {"de": "erledigt", "en": "done"},
    "queued": {
        "de": "Sie sind in der Warteschlange: {department}. Position {position}, voraussichtliche Wartezeit etwa "
        "{minutes} Minuten. Sie können hier weiterschreiben; Ihre Nachrichten werden übernommen.",
        "en": "You are in the queue: {department}. Position {position}, expected wait about {minutes} minutes. "
        "You can keep writing here; your messages will be passed on.",
    },
    "agent_joined": {
        "de": "{agent} ({department}) ist jetzt für Sie da.",
        "en": "{agent} ({department}) has joined the chat.",
    },
    "agent_left": {
        "de": "Ihre Ansprechperson ist nicht mehr verbunden. Sie sind wieder an erster Stelle der Warteschlange.",
        "en": "The member of staff is no longer connected. You are first in the queue again.",
    },
    "transferred": {
        "de": "Ihr Anliegen wurde weitergeleitet: {department}. Bitte haben Sie einen Moment Geduld.",
        "en": "Your request has been passed on to: {department}. Please wait a moment.",
    },
    "back_to_bot": {
        "de": "Sie sprechen wieder mit dem digitalen Assistenten. Haben Sie noch eine Frage?",
        "en": "You are talking to the digital assistant again. Do you have another question?",
    },
    "closed": {
        "de": "Der Chat wurde beendet. Vielen Dank! Wenn Sie noch eine Frage haben, schreiben Sie einfach.",
        "en": "The chat has ended. Thank you! If you have another question, just write.",
    },
    "no_agents": {
        "de": "Leider ist gerade niemand aus dem Team {department} im Chat erreichbar. Sie erreichen die Stelle "
        "per E-Mail an {email} oder telefonisch unter {phone}.",
        "en": "Unfortunately no one from {department} is available in the chat right now. You can reach them "
        "by e-mail at {email} or by phone on {phone}.",
    },
    "queue_full": {
        "de": "Im Moment sind alle Mitarbeiterinnen und Mitarbeiter aus dem Team {department} im Gespräch, und "
        "die Warteschlange ist voll. Bitte versuchen Sie es später noch einmal, oder schreiben Sie an {email} "
        "beziehungsweise rufen Sie {phone} an.",
        "en": "All members of staff of {department} are busy at the moment and the queue is full. Please try "
        "again later, or write to {email} or call {phone}.",
    },
    "too_many_handoffs": {
        "de": "Von Ihrem Anschluss wurde in kurzer Zeit sehr oft nach einer Mitarbeiterin oder einem Mitarbeiter "
        "gefragt. Bitte versuchen Sie es später noch einmal, oder schreiben Sie an {email} beziehungsweise "
        "rufen Sie {phone} an.",
        "en": "Your connection has asked for a member of staff very often in a short time. Please try again "
        "later, or write to {email} or call {phone}.",
    },
    "closed_hours": {
        "de": "{department} ist gerade nicht besetzt. {when} Sie erreichen die Stelle per E-Mail an {email}.",
        "en": "{department} is not staffed right now. {when} You can reach them by e-mail at {email}.",
    },
    "bot_unavailable": {
        "de": "Der digitale Assistent ist gerade nicht erreichbar. Ihre Nachricht ist gespeichert. Sie können es "
        "gleich noch einmal versuchen oder sich mit einer Mitarbeiterin oder einem Mitarbeiter verbinden lassen.",
        "en": "The digital assistant is not available right now. Your message has been saved. You can try again "
        "in a moment or ask to be connected to a member of staff.",
    },
    "talk_to_person": {"de": "Mit einem Menschen sprechen", "en": "Talk to a person"},
}


def text(key: str, language: str, **values: object) -> str:
    variants = TEXTS[key]
    return variants.get(language, variants["de"]).format(**values)
