"""The status question in the chat: "Wie ist der Stand von MS-2026-000123?"

The gateway answers it itself, without Rasa (a reference number with a status word, or alone),
so the proof (the access key or the e-mail address) never reaches Rasa's tracker store, and the
stored transcript keeps it masked. A message with a reference number asks for the proof (or,
with the proof in the same message, gets the answer at once); the next message that holds an
access key or an e-mail address within ten minutes is taken as the proof. Anything else goes to
the bot as usual. Only while the bot has the chat: with a person, messages go to the person.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional
from zoneinfo import ZoneInfo

from handoff.db.models import utcnow
from handoff.db.records import Routing
from handoff.domain import texts
from handoff.domain.cases import REFERENCE, Cases, PublicStatus, find_reference
from handoff.domain.context import Context
from handoff.domain.errors import Refused
from handoff.domain.notices import Notice
from handoff.domain.transcripts import say

PROOF_WAIT = dt.timedelta(minutes=10)
MASK = "••••"
ACCESS_KEY = re.compile(r"\b[A-Za-z0-9]{4}(?:[ -]?[A-Za-z0-9]{4}){3}\b")
EMAIL = re.compile(r"[^@\s,;:<>()]+@[^@\s,;:<>()]+\.[A-Za-z]{2,}")
# A reference in a longer text is a status question only with one of these words: a complaint
# that mentions a reference number ("... wegen MS-2026-000123 ...") stays the bot's.
STATUS_WORDS = re.compile(
    r"\b(stand|status|wie weit|wann|erledigt|bearbeitet|fertig|how far|progress|done|when)\b", re.IGNORECASE
)
SHORT = 40  # characters: "MS-2026-000123?" or "Stand MS-2026-000123" is a question by itself


@dataclass(frozen=True)
class Question:
    reference: str
    proof: Optional[str]


def _key_shaped(candidate: str) -> bool:
    """Four groups of four: written with separators, or with a digit (as nearly every key has),
    so that a long German word is not taken for a key."""
    return any(c.isdigit() for c in candidate) or "-" in candidate or " " in candidate


def proof_in(text: str) -> Optional[str]:
    """An e-mail address or an access key in ``text`` (outside a reference number)."""
    without_reference = REFERENCE.sub(" ", text)
    email = EMAIL.search(without_reference)
    if email:
        return email.group(0)
    return next((m.group(0) for m in ACCESS_KEY.finditer(without_reference) if _key_shaped(m.group(0))), None)


def masked(text: str) -> str:
    """``text`` with every proof replaced: what the transcript keeps (reference numbers stay)."""
    without_emails = EMAIL.sub(MASK, text)
    return ACCESS_KEY.sub(lambda m: MASK if _key_shaped(m.group(0)) else m.group(0), without_emails)


class CaseStatusQuestions:
    def __init__(self, ctx: Context, cases: Cases) -> None:
        self.ctx = ctx
        self.cases = cases

    async def question(self, conversation_id: str, text: str) -> Optional[Question]:
        """Whether ``text`` asks for (or proves access to) a case's status. Costs a database
        read only for a message shaped like a proof; every other message costs two regexes."""
        reference = find_reference(text)
        if reference is not None:
            proof = proof_in(text)
            rest = masked(text) if proof else text
            if len(rest) <= SHORT + len(reference) or STATUS_WORDS.search(rest):
                return Question(reference, proof)
            return None
        proof = proof_in(text)
        if proof is None:
            return None
        pending = await self.ctx.store.case_status_pending(conversation_id)
        return Question(pending, proof) if pending else None

    async def answer(self, routing: Routing, question: Question, address: str) -> list[Notice]:
        """Ask for the proof, or answer with the status (alike for a wrong proof and an unknown case)."""
        if question.proof is None:
            until = utcnow() + PROOF_WAIT
            await self.ctx.store.update(routing.id, case_status_for=question.reference, case_status_until=until)
            _, notices = await say(self.ctx, routing, "case_status_proof", reference=question.reference)
            return notices
        await self.ctx.store.update(routing.id, case_status_for=None, case_status_until=None)
        try:
            status = await self.cases.status(question.reference, question.proof, address)
        except Refused as refusal:
            if refusal.code != "rate_limited":
                raise
            _, notices = await say(self.ctx, routing, "case_status_wait")
            return notices
        if status is None:
            _, notices = await say(self.ctx, routing, "case_status_unknown")
            return notices
        values = self._values(status, routing.language)
        _, notices = await say(self.ctx, routing, "case_status", None, None, **values)
        return notices

    def _values(self, status: PublicStatus, language: str) -> dict[str, str]:
        zone = ZoneInfo(self.ctx.city.timezone)

        def when(moment: dt.datetime) -> str:
            local = moment.astimezone(zone)
            return local.strftime("%d.%m.%Y") if language != "en" else local.strftime("%d %B %Y")

        update = ""
        if status.last_update and status.last_update_at:
            update = texts.text(
                "case_status_update", language, when=when(status.last_update_at), text=status.last_update
            )
        return {
            "reference": status.reference,
            "department": status.department_name,
            "status": texts.text(f"case_{status.status}", language),
            "received": when(status.received_at),
            "update": update,
        }
