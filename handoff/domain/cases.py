"""Cases: what an office answers later — a request left outside office hours, a complaint, a
defect report in public space. Each has a reference number the citizen can quote and an access
key only the citizen knows; asking for the status needs the key or the case's e-mail address.

Statuses: new -> in progress -> waiting for the citizen -> done (and back to in progress when the
citizen writes again). A case is due after the department's service level in working days
(``kb.hours.case_due``: weekends, the state's public holidays and the city's closing days do not
count).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from typing import Any, Optional

from handoff.accounts.throttle import LoginThrottle, ThrottleSettings
from handoff.db.cases import NewCase, NewEvent
from handoff.db.models import Case, Conversation, aware, utcnow
from handoff.db.records import Routing
from handoff.domain.context import Context
from handoff.domain.errors import Refused
from handoff.domain.notices import Notice
from handoff.domain.transcripts import say
from handoff.mail import messages as mails
from kb import hours
from kb.links import EMAIL, PHONE

KINDS = ("request", "complaint", "defect")
NEW, IN_PROGRESS, WAITING, DONE = "new", "in_progress", "waiting", "done"
STATUSES = (NEW, IN_PROGRESS, WAITING, DONE)
OPEN_STATUSES = (NEW, IN_PROGRESS, WAITING)
CALL_OUTCOMES = ("reached", "not_reached", "voicemail", "wrong_number")
MAX_NOTE_CHARS = 4000
# to -> from: which changes make sense (a done case is reopened by setting it in progress)
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    IN_PROGRESS: (NEW, WAITING, DONE),
    WAITING: (NEW, IN_PROGRESS),
    DONE: (NEW, IN_PROGRESS, WAITING),
}
MAX_DESCRIPTION_CHARS = 4000
MAX_TOPIC_CHARS = 200
TRANSCRIPT_MESSAGES = 500  # the chat attached to a case: its latest messages
# Access keys: 16 characters of an alphabet without look-alikes (no 0/O, 1/I/L), about 79 bits,
# in groups of four so they can be read out on the phone: "K7QF-M2XD-9PRT-HW4C".
KEY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
KEY_GROUPS, KEY_GROUP_LENGTH = 4, 4
REFERENCE = re.compile(r"\b([A-Za-z]{1,5})-(\d{4})-(\d{6})\b")
# Wrong proofs: free attempts per case and address, per address; then growing delays (never a lockout).
PROOF_THROTTLE = ThrottleSettings(free_attempts=5, address_free_attempts=20, max_delay_seconds=900)


def new_access_key() -> str:
    groups = ("".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_GROUP_LENGTH)) for _ in range(KEY_GROUPS))
    return "-".join(groups)


def key_hash(key: str) -> str:
    """The stored form of an access key: how it is written (case, dashes, spaces) does not matter."""
    return hashlib.sha256(re.sub(r"[^0-9A-Z]", "", key.upper()).encode()).hexdigest()


def find_reference(text: str) -> Optional[str]:
    """The first reference number in a message ("Wie ist der Stand von ms-2026-000123?")."""
    match = REFERENCE.search(text)
    return f"{match.group(1).upper()}-{match.group(2)}-{match.group(3)}" if match else None


@dataclass(frozen=True)
class CaseRequest:
    """A case as the citizen (through the assistant's form) or an agent hands it in."""

    kind: str
    topic: str
    description: str
    department: Optional[str] = None  # None: the city's default department
    contact_email: Optional[str] = None
    contact_phone: Optional[str] = None
    consent: bool = False  # to store the contact data for answering this case
    conversation_id: Optional[str] = None  # its chat is attached
    language: str = "de"
    details: Optional[dict[str, Any]] = None


@dataclass(frozen=True)
class CaseCreated:
    """What the citizen gets back (the turn contract's ``case``); the key is shown only here."""

    reference: str
    access_key: str
    department: str
    department_name: str
    due_at: dt.datetime


@dataclass(frozen=True)
class PublicStatus:
    """What a citizen who proved access learns: no notes, no names of staff."""

    reference: str
    status: str
    department: str
    department_name: str
    received_at: dt.datetime
    updated_at: dt.datetime
    last_update: Optional[str]
    last_update_at: Optional[dt.datetime]


class Cases:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.throttle = LoginThrottle(ctx.store.engine, PROOF_THROTTLE, scope="case-proof")

    async def open(self, request: CaseRequest) -> CaseCreated:
        """Store a new case, routed to its department, with its chat attached."""
        checked = _checked(request)
        if checked.department is None and checked.kind == "complaint":  # the complaints office
            checked = replace(checked, department=self.ctx.city.complaints_department)
        department = self.ctx.department(checked.department)
        received = self.ctx.now()
        events = [NewEvent("created", "", public=True, data={"kind": checked.kind})]
        if checked.conversation_id:
            messages, older = await self.ctx.store.latest_messages(checked.conversation_id, TRANSCRIPT_MESSAGES)
            transcript = [{"id": m.id, "sender": m.sender, "text": m.text, "at": _iso(m.created_at)} for m in messages]
            chat = {"conversation_id": checked.conversation_id, "messages": transcript, "older_left_out": older}
            events.append(NewEvent("chat", "", data=chat))
        access_key = new_access_key()
        due = hours.case_due(self.ctx.city, department.id, received)

        def confirmation(case: Case) -> Optional[mails.Mail]:
            if not checked.contact_email:
                return None
            return mails.confirmation(
                self.ctx.city,
                department,
                checked.contact_email,
                case.reference,
                checked.topic,
                received,
                due,
                checked.language,
                self.mail_domain(),
                self.reply_address(case),
            )

        case = await self.ctx.store.cases.create(
            NewCase(
                kind=checked.kind,
                department=department.id,
                topic=checked.topic,
                description=checked.description,
                access_key_hash=key_hash(access_key),
                received_at=received,
                due_at=due,
                language=checked.language,
                conversation_id=checked.conversation_id,
                contact_email=checked.contact_email,
                contact_phone=checked.contact_phone,
                consent_at=utcnow() if checked.consent else None,
                details=checked.details,
            ),
            self.ctx.city.case_prefix,
            received.year,
            events,
            confirmation,
        )
        if checked.contact_email and self.ctx.outbox is not None:
            self.ctx.outbox.wake.set()
        await self.ctx.store.audit(
            None, "case_created", case.reference, {"kind": case.kind, "department": department.id}
        )
        return CaseCreated(
            case.reference, access_key, department.id, department.display_name(checked.language), case.due_at
        )

    def reply_address(self, case: Case) -> Optional[str]:
        """Where the citizen's answer goes: the case's own address with MAIL_REPLY_TO (matched by
        the inbound listener), else no Reply-To (answers to MAIL_FROM match by In-Reply-To)."""
        reply_to = self.ctx.settings.mail_reply_to
        return mails.reply_address(reply_to, case.reply_token) if reply_to else None

    def mail_domain(self) -> str:
        """The domain of the gateway's Message-IDs: MAIL_FROM's, else the city's web site's."""
        sender = self.ctx.settings.mail_from
        if "@" in sender:
            return sender.rsplit("@", 1)[1]
        return self.ctx.city.website.split("://", 1)[-1].split("/", 1)[0] or "localhost"

    async def status(self, reference: str, proof: str, address: str) -> Optional[PublicStatus]:
        """The case's public status, only for the right access key or the case's e-mail address.

        None for a wrong proof and for a number that does not exist alike (the same work is done
        either way), so the answer tells nothing about which cases exist. Wrong proofs count per
        case and address and per address (growing delays; ``rate_limited`` while one runs)."""
        wait = await self.throttle.wait_seconds(reference, address)
        if wait > 0:
            raise Refused("rate_limited", f"too many wrong answers; try again in {int(wait) + 1} s")
        case = await self.ctx.store.cases.by_reference(reference.strip().upper())
        if case is None or not _proves(case, proof):
            if case is None:
                _proves(None, proof)
            await self.throttle.failed(reference, address)
            return None
        await self.throttle.succeeded(reference, address)
        public = await self.ctx.store.cases.events(case.id, public_only=True)
        last = next((e for e in reversed(public) if e.text), None)
        department = self.ctx.department(case.department)
        return PublicStatus(
            case.reference,
            case.status,
            department.id,
            department.display_name(case.language),
            _aware(case.created_at),
            _aware(case.updated_at),
            last.text if last else None,
            _aware(last.at) if last else None,
        )

    async def from_chat(self, conversation: Conversation, request: CaseRequest) -> tuple[CaseCreated, list[Notice]]:
        """A live chat the agent cannot finish becomes a case of the chat's department (its
        transcript attached); the citizen is told its number and access key in the chat (the
        message's ``metadata.case``, for the widget to show as a confirmation)."""
        created = await self.open(
            replace(
                request,
                conversation_id=conversation.id,
                department=request.department or conversation.department,
                language=conversation.language,
            )
        )
        due = hours.due_day(self.ctx.city, created.due_at, conversation.language)
        case = {
            "reference": created.reference,
            "access_key": created.access_key,
            "department": created.department,
            "department_name": created.department_name,
        }
        _, notices = await say(
            self.ctx,
            Routing.of(conversation),
            "case_created",
            None,
            extra={"case": case},
            reference=created.reference,
            department=created.department_name,
            access_key=created.access_key,
            due=due,
        )
        return created, notices

    async def change_status(self, case_id: int, status: str, actor_id: Optional[int], public_text: str = "") -> Case:
        """Set a case's status, with a timeline entry; ``public_text`` is what the citizen sees."""
        if status not in ALLOWED_FROM:
            raise Refused("invalid", f"status must be one of {', '.join(ALLOWED_FROM)}")
        text = public_text.strip()[:MAX_DESCRIPTION_CHARS]
        event = NewEvent("status", text, public=True, actor_id=actor_id, data={"status": status})
        changed = await self.ctx.store.cases.set_status(case_id, status, ALLOWED_FROM[status], event)
        if changed is None:
            case = await self.ctx.store.cases.get(case_id)
            if case is None:
                raise Refused("not_found", "no such case")
            raise Refused("conflict", f"a case that is {case.status} cannot become {status}")
        return changed


def _checked(request: CaseRequest) -> CaseRequest:
    """The request with its texts tidied, or ``Refused("invalid")`` saying what is wrong."""
    if request.kind not in KINDS:
        raise Refused("invalid", f"kind must be one of {', '.join(KINDS)}")
    description = request.description.strip()
    if not description:
        raise Refused("invalid", "a description is needed")
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise Refused("invalid", f"the description has more than {MAX_DESCRIPTION_CHARS} characters")
    email = (request.contact_email or "").strip() or None
    phone = (request.contact_phone or "").strip() or None
    if email is not None and (len(email) > 254 or not EMAIL.match(email)):
        raise Refused("invalid", "the e-mail address is not valid")
    if phone is not None and (not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6):
        raise Refused("invalid", "the phone number is not valid")
    if (email or phone) and not request.consent:
        raise Refused("consent_required", "contact data are stored only with the citizen's consent")
    topic = " ".join(request.topic.split())[:MAX_TOPIC_CHARS] or request.kind
    return CaseRequest(
        request.kind,
        topic,
        description,
        request.department,
        email,
        phone,
        request.consent,
        request.conversation_id,
        request.language,
        request.details,
    )


def _proves(case: Optional[Case], proof: str) -> bool:
    """The access key or the case's e-mail address, compared in constant time."""
    given_key = key_hash(proof)
    given_email = hashlib.sha256(proof.strip().casefold().encode()).hexdigest()
    stored_key = case.access_key_hash if case else "0" * 64
    stored_email = hashlib.sha256((case.contact_email or "").casefold().encode()).hexdigest() if case else "0" * 64
    key_ok = hmac.compare_digest(given_key, stored_key)
    email_ok = bool(case and case.contact_email) and hmac.compare_digest(given_email, stored_email)
    return key_ok or email_ok


def _aware(moment: dt.datetime) -> dt.datetime:
    value = aware(moment)
    assert value is not None
    return value


def _iso(moment: dt.datetime) -> str:
    return _aware(moment).isoformat()
