"""Data subjects' rights (DSGVO): what is stored about a case or a conversation, exported
(Art. 15) or deleted everywhere (Art. 17), by an admin, each time with an audit entry that names
who did it and what, never the content."""

from __future__ import annotations

from dataclasses import dataclass

from handoff.accounts.identity import Identity
from handoff.db.models import Attachment, Case, CaseEvent, Conversation, Message, OutgoingMail
from handoff.domain import retention
from handoff.domain.case_desk import CaseDesk
from handoff.domain.context import Context
from handoff.domain.errors import Refused

PAGE = 500


@dataclass(frozen=True)
class CaseRecord:
    case: Case
    events: list[CaseEvent]
    mails: list[OutgoingMail]
    attachments: list[Attachment]


@dataclass(frozen=True)
class ConversationRecord:
    conversation: Conversation
    messages: list[Message]  # internal notes included: the export is complete
    cases: list[Case]


class SubjectRights:
    def __init__(self, ctx: Context, desk: CaseDesk) -> None:
        self.ctx = ctx
        self.desk = desk

    async def export_case(self, admin: Identity, reference: str) -> CaseRecord:
        case = await self.desk.case_for(admin, reference)
        cases = self.ctx.store.cases
        record = CaseRecord(
            case, await cases.events(case.id), await cases.mails(case.id), await cases.attachments(case.id)
        )
        await self.ctx.store.audit(admin.user_id, "case_exported", case.reference)
        return record

    async def delete_case(self, admin: Identity, reference: str) -> None:
        """The case with its timeline and mails, and its chat (here and in Rasa's tracker)."""
        case = await self.desk.case_for(admin, reference)
        if case.conversation_id:
            await retention.delete_now(self.ctx.store, self.ctx.tracker, [case.conversation_id])
        if not await self.ctx.store.cases.delete(case.id):
            raise Refused("not_found", "the case was deleted meanwhile")
        await self.ctx.store.audit(admin.user_id, "case_deleted", case.reference, {"kind": case.kind})

    async def export_conversation(self, admin: Identity, conversation_id: str) -> ConversationRecord:
        conversation = await self.ctx.store.conversation(conversation_id)
        if conversation is None:
            raise Refused("not_found", "no such conversation")
        messages: list[Message] = []
        while True:
            page = await self.ctx.store.messages(
                conversation_id, after=messages[-1].id if messages else 0, limit=PAGE, include_notes=True
            )
            messages += page
            if len(page) < PAGE:
                break
        record = ConversationRecord(conversation, messages, await self.ctx.store.cases.of_conversation(conversation_id))
        await self.ctx.store.audit(admin.user_id, "conversation_exported", conversation_id)
        return record

    async def delete_conversation(self, admin: Identity, conversation_id: str) -> None:
        """The chat here and in Rasa's tracker; a case made from it keeps its own copy (delete the
        case for that)."""
        if not await retention.delete_now(self.ctx.store, self.ctx.tracker, [conversation_id]):
            raise Refused("not_found", "no such conversation")
        await self.ctx.store.audit(admin.user_id, "conversation_deleted", conversation_id)
