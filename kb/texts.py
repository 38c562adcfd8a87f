"""What the assistant says in its own words (office hours, fallbacks, handoff, errors), per language.

Article answers come from ``data/kb/``, fixed replies from the Rasa domain (``bot/domain/``);
everything the action server and ``kb.hours`` compose themselves is here: one table per
language with the same keys and named placeholders, chosen by ``text(key, language)``. A
placeholder may carry a format, e.g. ``{time:%H:%M}`` for a datetime.
"""

from __future__ import annotations

from typing import Dict

GERMAN: Dict[str, str] = {
    # kb/hours.py: weekdays (keys as in kb.model.WEEKDAYS), moments, hours, open or closed now
    "day_mon": "Montag",
    "day_tue": "Dienstag",
    "day_wed": "Mittwoch",
    "day_thu": "Donnerstag",
    "day_fri": "Freitag",
    "day_sat": "Samstag",
    "day_sun": "Sonntag",
    "and": "und",
    "moment_today": "heute um {time:%H:%M} Uhr",
    "moment_tomorrow": "morgen um {time:%H:%M} Uhr",
    "moment_later": "{day}, {time:%d.%m.}, um {time:%H:%M} Uhr",
    "day_hours": "{day}: {ranges}",
    "open_now": "{department} ist jetzt geöffnet, heute bis {until:%H:%M} Uhr.",
    "closed_now": "{department} ist gerade geschlossen{reason}.{next}",
    "closed_for_holiday": " (heute ist {name})",
    "closed_for_closing_day": " (heute ist {name})",
    "opens_again": " Wieder geöffnet {when}.",
    # the city's own closing days (data/city.yml closed_days) by month-day, and any other one
    "closing_day_12-24": "Heiligabend",
    "closing_day_12-31": "Silvester",
    "closing_day": "Schließtag",
    # actions/office_hours.py
    "office_hours_title": "Öffnungszeiten",
    "office_hours_heading": "**{department}** – Öffnungszeiten:",
    "office_hours_contact": "Kontakt: {phone}, [{email}](mailto:{email})",
    "all_closed_today": "Heute ({day}, {date:%d.%m.}) ist {closure}: Alle Ämter der Stadt sind geschlossen.",
    "open_today": "Heute ({day}) geöffnet:",
    "none_open_today": "heute hat kein Amt geöffnet",
    "ask_for_an_office": "Fragen Sie mich gern nach einem bestimmten Amt, z. B. „Wann hat das Standesamt geöffnet?“",
    # actions/fallback.py
    "unsure": "Ich bin nicht sicher, ob ich Sie richtig verstanden habe. Meinen Sie eines dieser Themen?",
    "not_understood": "Das habe ich leider nicht verstanden. Können Sie Ihre Frage anders formulieren?",
    "out_of_scope": "Dabei kann ich leider nicht helfen: Ich beantworte Fragen zu den Dienstleistungen der "
    "Stadt {city} – zum Beispiel zu Ausweisen, Anmeldung, Abfall oder Steuern.",
    # actions/handoff.py
    "handoff_live": "Ich verbinde Sie mit einer Mitarbeiterin oder einem Mitarbeiter: {department}. "
    "Bitte haben Sie einen Moment Geduld.",
    "handoff_closed": "{office_hours} Deshalb kann gerade niemand den Chat übernehmen. "
    "Sie erreichen {department} per E-Mail an {email} oder telefonisch unter {phone}.",
    # actions/complaint.py
    "complaint_start": "Das tut mir leid. Ich nehme Ihre Beschwerde auf und gebe sie an die zuständige Stelle "
    "weiter. Mit „abbrechen“ können Sie jederzeit aufhören.",
    # actions/safe.py (and the button of actions/fallback.py)
    "error": "Entschuldigung, bei mir ist gerade ein technischer Fehler aufgetreten. Bitte versuchen Sie es "
    "noch einmal – oder lassen Sie sich mit einer Mitarbeiterin oder einem Mitarbeiter verbinden.",
    "talk_to_person": "Mit einem Menschen sprechen",
}

ENGLISH: Dict[str, str] = {
    "day_mon": "Monday",
    "day_tue": "Tuesday",
    "day_wed": "Wednesday",
    "day_thu": "Thursday",
    "day_fri": "Friday",
    "day_sat": "Saturday",
    "day_sun": "Sunday",
    "and": "and",
    "moment_today": "today at {time:%H:%M}",
    "moment_tomorrow": "tomorrow at {time:%H:%M}",
    "moment_later": "{day}, {time:%d/%m}, at {time:%H:%M}",
    "day_hours": "{day}: {ranges}",
    "open_now": "{department} is open now, until {until:%H:%M}.",
    "closed_now": "{department} is closed right now{reason}.{next}",
    "closed_for_holiday": " (today is {name}, a public holiday)",
    "closed_for_closing_day": " (today is {name})",
    "opens_again": " It opens again {when}.",
    "closing_day_12-24": "Christmas Eve",
    "closing_day_12-31": "New Year's Eve",
    "closing_day": "a closing day",
    "office_hours_title": "Opening hours",
    "office_hours_heading": "**{department}** – Opening hours:",
    "office_hours_contact": "Contact: {phone}, [{email}](mailto:{email})",
    "all_closed_today": "Today ({day}, {date:%d/%m}) is {closure}: all city offices are closed.",
    "open_today": "Opening hours today ({day}):",
    "none_open_today": "no office is open today",
    "ask_for_an_office": 'Ask me for a specific office, e.g. "When is the Standesamt open?"',
    "unsure": "I am not sure I understood you. Do you mean one of these topics?",
    "not_understood": "Sorry, I did not understand that. Could you rephrase your question?",
    "out_of_scope": "I am afraid I cannot help with that: I answer questions about the services of the City of "
    "{city} – for example ID cards, registration, waste or local taxes.",
    "handoff_live": "I am connecting you with a member of staff of {department}. Please wait a moment.",
    "handoff_closed": "{office_hours} Unfortunately no one can take over the chat right now. "
    "You can reach {department} by e-mail at {email} or by phone on {phone}.",
    "complaint_start": "I am sorry to hear that. I will take down your complaint and pass it on to the office in "
    'charge. Type "cancel" to stop at any time.',
    "error": "Sorry, a technical error occurred on my side. Please try again, or ask to be connected "
    "to a member of staff.",
    "talk_to_person": "Talk to a person",
}

TABLES: Dict[str, Dict[str, str]] = {"de": GERMAN, "en": ENGLISH}

# The handoff summary for agents (actions/handoff.py): always German, the staff's language.
FOR_AGENTS: Dict[str, str] = {
    "reason_explicit_request": "Wunsch nach persönlicher Beratung",
    "reason_repeated_fallback": "Assistent hat die Anfrage zweimal nicht verstanden",
    "reason_complaint": "Beschwerde",
    "reason_negative_feedback": "Antwort des Assistenten hat nicht geholfen",
    "summary_reason": "Grund: {reason}.",
    "summary_article": "Zuletzt besprochen: {title} ({department}).",
    "summary_complaint": "Beschwerde: „{quote}“",
    "summary_last_message": "Letzte Nachricht: „{quote}“",
}


def text(key: str, language: str, **values: object) -> str:
    """The text ``key`` in ``language`` ("de" or "en"; German for any other), placeholders filled."""
    return TABLES.get(language, GERMAN)[key].format(**values)


def for_agents(key: str, **values: object) -> str:
    return FOR_AGENTS[key].format(**values)
