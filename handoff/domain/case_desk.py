"""The departments' work on cases, in the console: the inbox, a case with its timeline, notes,
assigning, transfers, status changes, answers by e-mail, call-back outcomes, and the unassigned
mail (citizens' mails that matched no case). Agents handle the cases of their departments;
supervisors and admins all; a case of another department is answered like one that does not
exist."""

from __future__ import annotations

from typing import Optional

from handoff.accounts.identity import Identity
from handoff.db.cases import NewEvent
from handoff.db.models import Case, CaseEvent, InboundMail
from handoff.domain.cases import (
    CALL_OUTCOMES,
    MAX_DESCRIPTION_CHARS,
    MAX_NOTE_CHARS,
    NEW,
    OPEN_STATUSES,
    STATUSES,
    Cases,
)
from handoff.domain.context import Context
from handoff.domain.errors import Refused
from handoff.mail import messages as mails
from kb import hours


class CaseDesk:
    def __init__(self, ctx: Context, cases: Cases) -> None:
        self.ctx = ctx
        self.cases = cases

    async def inbox(
        self,
        agent: Identity,
        status: Optional[str] = None,
        text: Optional[str] = None,
        department: Optional[str] = None,
        overdue: bool = False,
        limit: int = 100,
    ) -> list[Case]:
        """The cases of the agent's departments (all for supervisors), the most urgent first.
        ``status``: one status, ``"open"`` (default: new, in progress, waiting) or ``"all"``."""
        departments: Optional[tuple[str, ...]] = None if agent.is_supervisor else agent.departments
        if department is not None:
            if departments is not None and department not in departments:
                raise Refused("forbidden", "not a department of yours")
            departments = (department,)
        if status in (None, "open"):
            statuses: tuple[str, ...] = OPEN_STATUSES
        elif status == "all":
            statuses = STATUSES
        elif status in STATUSES:
            statuses = (status,)
        else:
            raise Refused("invalid", f"status must be open, all or one of {', '.join(STATUSES)}")
        due_before = self.ctx.now() if overdue else None  # the office clock, as for due dates
        return await self.ctx.store.cases.inbox(departments, statuses, text, due_before, limit)

    async def case_for(self, agent: Identity, reference: str) -> Case:
        """A case the agent may handle; ``not_found`` alike for a case of another department."""
        case = await self.ctx.store.cases.by_reference(reference.strip().upper())
        if case is None or not (agent.is_supervisor or case.department in agent.departments):
            raise Refused("not_found", "no such case in your departments")
        return case

    async def details(self, agent: Identity, reference: str) -> tuple[Case, list[CaseEvent]]:
        """The case and its whole timeline (chat, e-mails, notes, status changes)."""
        case = await self.case_for(agent, reference)
        return case, await self.ctx.store.cases.events(case.id)

    async def note(self, agent: Identity, reference: str, text: str) -> Case:
        """An internal note on the case's timeline (never shown to the citizen)."""
        note = text.strip()
        if not note or len(note) > MAX_NOTE_CHARS:
            raise Refused("invalid", f"a note has 1 to {MAX_NOTE_CHARS} characters")
        case = await self.case_for(agent, reference)
        await self.ctx.store.cases.add_event(case.id, NewEvent("note", note, actor_id=agent.user_id))
        return case

    async def assign(self, agent: Identity, reference: str, assignee_id: Optional[int]) -> Case:
        """Give the case to a colleague of its department (or to oneself); None: to nobody."""
        case = await self.case_for(agent, reference)
        name = None
        if assignee_id is not None:
            assignee = await self.ctx.store.cases.handler(assignee_id)
            if assignee is None or not (assignee.is_supervisor or case.department in assignee.departments):
                raise Refused("invalid", "the colleague does not work for the case's department")
            name = assignee.display_name
        event = NewEvent("assigned", "", actor_id=agent.user_id, data={"assignee_id": assignee_id, "name": name})
        changed = await self.ctx.store.cases.change(case.id, {"assignee_id": assignee_id}, event)
        if changed is None:
            raise Refused("not_found", "the case was deleted")
        return changed

    async def transfer(self, agent: Identity, reference: str, department_id: str) -> Case:
        """Pass the case to another department: new there, nobody's, due after its service level."""
        case = await self.case_for(agent, reference)
        if department_id not in self.ctx.city.departments:
            raise Refused("invalid", "unknown department")
        if department_id == case.department:
            raise Refused("invalid", "the case is already there")
        due = hours.case_due(self.ctx.city, department_id, self.ctx.now())
        values = {"department": department_id, "assignee_id": None, "status": NEW, "due_at": due, "closed_at": None}
        name = self.ctx.department(department_id).display_name(case.language)
        text = f"Passed on to: {name}" if case.language == "en" else f"Weitergeleitet an: {name}"
        event = NewEvent("transferred", text, public=True, actor_id=agent.user_id, data={"from": case.department})
        changed = await self.ctx.store.cases.change(case.id, values, event)
        if changed is None:
            raise Refused("not_found", "the case was deleted")
        return changed

    async def record_call(self, agent: Identity, reference: str, outcome: str, note: str = "") -> Case:
        """The outcome of a call back to the citizen (and what was said), on the case's timeline."""
        if outcome not in CALL_OUTCOMES:
            raise Refused("invalid", f"outcome must be one of {', '.join(CALL_OUTCOMES)}")
        text = note.strip()
        if len(text) > MAX_NOTE_CHARS:
            raise Refused("invalid", f"a note has at most {MAX_NOTE_CHARS} characters")
        case = await self.case_for(agent, reference)
        if not case.contact_phone:
            raise Refused("no_contact", "the citizen gave no phone number for this case")
        event = NewEvent("call", text, actor_id=agent.user_id, data={"outcome": outcome})
        changed = await self.ctx.store.cases.change(case.id, {}, event)
        if changed is None:
            raise Refused("not_found", "the case was deleted")
        return changed

    async def reply_by_mail(self, agent: Identity, reference: str, text: str) -> Case:
        """An agent's answer to the citizen by e-mail: queued in the outbox (with the case's reply
        address, threaded to the citizen's last mail) and kept on the timeline, public."""
        body = text.strip()
        if not body or len(body) > MAX_DESCRIPTION_CHARS:
            raise Refused("invalid", f"an answer has 1 to {MAX_DESCRIPTION_CHARS} characters")
        case = await self.case_for(agent, reference)
        if not case.contact_email or case.consent_at is None:
            raise Refused("no_contact", "the citizen gave no e-mail address for this case")
        events = await self.ctx.store.cases.events(case.id)
        last_in = next((e for e in reversed(events) if e.kind == "mail_in" and e.data), None)
        mail = mails.reply(
            self.ctx.department(case.department),
            case.contact_email,
            case.reference,
            body,
            agent.display_name,
            case.language,
            self.cases.mail_domain(),
            self.cases.reply_address(case),
            (last_in.data or {}).get("message_id") if last_in else None,
        )
        event = NewEvent("mail_out", body, public=True, actor_id=agent.user_id, data={"subject": mail.subject})
        await self.ctx.store.cases.send_mail(case.id, mail, event)
        if self.ctx.outbox is not None:
            self.ctx.outbox.wake.set()
        return case

    async def set_status(self, agent: Identity, reference: str, status: str, public_text: str = "") -> Case:
        """The console's status change: only for a case of the agent's departments."""
        case = await self.case_for(agent, reference)
        return await self.cases.change_status(case.id, status, agent.user_id, public_text)

    # --- unassigned mail: replies that matched no case ---------------------------------------

    async def unassigned_mail(self, agent: Identity, limit: int = 100) -> list[InboundMail]:
        departments = None if agent.is_supervisor else agent.departments
        return await self.ctx.store.cases.unassigned(departments, limit)

    async def _unassigned_for(self, agent: Identity, mail_id: int) -> InboundMail:
        mail = await self.ctx.store.cases.inbound(mail_id)
        if (
            mail is None
            or mail.case_id is not None
            or not (agent.is_supervisor or mail.department in agent.departments)
        ):
            raise Refused("not_found", "no such unassigned mail in your departments")
        return mail

    async def assign_mail(self, agent: Identity, mail_id: int, reference: str) -> Case:
        """An unassigned mail joins a case of the agent's departments (text, sender, pictures)."""
        mail = await self._unassigned_for(agent, mail_id)
        case = await self.case_for(agent, reference)
        data = {
            "from": mail.from_address,
            "subject": mail.subject,
            "message_id": mail.message_id,
            "moved_by": agent.user_id,
        }
        if not await self.ctx.store.cases.attach_inbound(mail.id, case.id, NewEvent("mail_in", mail.body, data=data)):
            raise Refused("conflict", "the mail was moved meanwhile")
        return case

    async def move_mail(self, agent: Identity, mail_id: int, department_id: str) -> None:
        """Hand an unassigned mail to the department in charge."""
        mail = await self._unassigned_for(agent, mail_id)
        if department_id not in self.ctx.city.departments:
            raise Refused("invalid", "unknown department")
        if not await self.ctx.store.cases.move_inbound(mail.id, department_id):
            raise Refused("conflict", "the mail was moved meanwhile")
