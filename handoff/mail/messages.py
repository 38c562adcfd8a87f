"""The e-mails the gateway writes to citizens, in German and English.

Plain text only (no HTML to render wrongly or to hide a link), one line per fact; the reference
number is in the subject so the citizen finds the mail again, and replies keep it there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Optional
from zoneinfo import ZoneInfo

from kb.hours import due_day
from kb.model import CityProfile, Department


@dataclass(frozen=True)
class Mail:
    to_address: str
    subject: str
    body: str
    message_id: str
    reply_to: Optional[str] = None  # the case's reply address: the citizen's answer finds its case
    in_reply_to: Optional[str] = None  # the Message-ID of the citizen's mail this one answers


def reply_address(reply_to: str, token: str) -> Optional[str]:
    """``antwort@musterstadt.de`` and a case's token: ``antwort+<token>@musterstadt.de``."""
    if "@" not in reply_to:
        return None
    local, domain = reply_to.rsplit("@", 1)
    return f"{local}+{token}@{domain}"


CONFIRMATION = {
    "de": (
        "Ihr Anliegen {reference} ist eingegangen",
        "Guten Tag,\n\n"
        "vielen Dank für Ihr Anliegen an die Stadt {city}. Es ist unter der Vorgangsnummer {reference} "
        "eingegangen und an {department} weitergeleitet worden.\n\n"
        "Thema: {topic}\n"
        "Eingegangen: {received}\n"
        "Wir melden uns in der Regel bis {due}.\n\n"
        "Den Stand können Sie jederzeit im Chat auf {website} erfragen: nennen Sie die Vorgangsnummer und "
        "diese E-Mail-Adresse oder Ihren Zugangsschlüssel.\n\n"
        "Mit freundlichen Grüßen\n{department}\n{department_email} · {department_phone}\n",
    ),
    "en": (
        "Your request {reference} has been received",
        "Hello,\n\n"
        "thank you for contacting the city of {city}. Your request has been received under the reference "
        "{reference} and passed on to: {department}.\n\n"
        "Topic: {topic}\n"
        "Received: {received}\n"
        "We usually reply by {due}.\n\n"
        "You can ask for its status at any time in the chat on {website}: give the reference and this "
        "e-mail address or your access key.\n\n"
        "Kind regards\n{department}\n{department_email} · {department_phone}\n",
    ),
}


def confirmation(
    city: CityProfile,
    department: Department,
    to_address: str,
    reference: str,
    topic: str,
    received: dt.datetime,
    due: dt.datetime,
    language: str,
    sender_domain: str,
    reply_to: Optional[str] = None,
) -> Mail:
    """The confirmation of a new case for the citizen who gave an e-mail address."""
    subject, body = CONFIRMATION.get(language, CONFIRMATION["de"])
    zone = ZoneInfo(city.timezone)
    values = {
        "city": city.city,
        "reference": reference,
        "department": department.display_name(language),
        "department_email": department.email,
        "department_phone": department.phone,
        "topic": topic,
        "received": _moment(received.astimezone(zone), language),
        "due": due_day(city, due, language),
        "website": city.website,
    }
    return Mail(
        to_address, subject.format(**values), body.format(**values), make_msgid("case", sender_domain), reply_to
    )


REPLY = {
    "de": (
        "Ihr Anliegen {reference}",
        "{text}\n\nMit freundlichen Grüßen\n{agent}\n{department}\n\nVorgangsnummer: {reference}\n",
    ),
    "en": ("Your request {reference}", "{text}\n\nKind regards\n{agent}\n{department}\n\nReference: {reference}\n"),
}


def reply(
    department: Department,
    to_address: str,
    reference: str,
    text: str,
    agent: str,
    language: str,
    sender_domain: str,
    reply_to: Optional[str] = None,
    in_reply_to: Optional[str] = None,
) -> Mail:
    """An agent's answer to the citizen of a case, signed with the agent's name and department."""
    subject, body = REPLY.get(language, REPLY["de"])
    values = {"reference": reference, "text": text, "agent": agent, "department": department.display_name(language)}
    return Mail(
        to_address,
        subject.format(**values),
        body.format(**values),
        make_msgid("case", sender_domain),
        reply_to,
        in_reply_to,
    )


def _moment(local: dt.datetime, language: str) -> str:
    if language == "en":
        return local.strftime("%d %B %Y, %H:%M")
    return local.strftime("%d.%m.%Y, %H:%M Uhr")
