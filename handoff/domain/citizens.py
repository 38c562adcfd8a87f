"""What citizens do: open or resume their conversation, write, read it again, type, rate an
answer, delete it. Each operation returns its result and the notices for the others."""

from __future__ import annotations

from typing import Any, Optional

from handoff.db.models import Conversation
from handoff.db.records import MessageLike, MessageRecord, Routing
from handoff.db.store import new_session_id
from handoff.db.writer import ConversationMissing
from handoff.domain import retention, states
from handoff.domain.bot_turns import BotTurns
from handoff.domain.case_status import CaseStatusQuestions, masked
from handoff.domain.context import Context
from handoff.domain.errors import Refused
from handoff.domain.notices import CitizenWrote, Deleted, Notice, Outcome, QueueChanged, ToAgents, Typing
from handoff.domain.queues import Queues
from handoff.domain.requests import CitizenText
from handoff.domain.values import HandoffStatus, Receipt


class Citizens:
    def __init__(self, ctx: Context, queues: Queues, bot_turns: BotTurns, case_status: CaseStatusQuestions) -> None:
        self.ctx = ctx
        self.queues = queues
        self.bot_turns = bot_turns
        self.case_status = case_status

    async def start_session(
        self, requested: Optional[str], known: Optional[Conversation] = None
    ) -> tuple[Conversation, str]:
        """The conversation of a known session id, or a fresh one (never someone else's).
        ``known``: the requested session's conversation, when the caller looked it up already."""
        if requested:
            conversation = known or await self.ctx.store.conversation_by_session(requested)
            if conversation is not None:
                return conversation, requested
        session_id = new_session_id()
        return await self.ctx.store.create_conversation(session_id), session_id

    async def status(self, conversation: Conversation) -> HandoffStatus:
        """The handoff status a (re)connecting citizen should see."""
        if conversation.state == states.QUEUED:
            return await self.queues.queued_status(conversation)
        department = self.ctx.department(conversation.department) if conversation.department else None
        agent_name = None
        if conversation.state == states.ASSIGNED and conversation.agent_id:
            user = await self.ctx.store.user(conversation.agent_id)
            agent_name = user.display_name if user else None
        return HandoffStatus(
            conversation.state,
            department.id if department else None,
            department.display_name(conversation.language) if department else None,
            agent_name=agent_name,
        )

    async def write(
        self, conversation_id: str, message: CitizenText, sender_sid: Optional[str], address: str
    ) -> Outcome[Receipt]:
        """Store and route a citizen's message. A re-sent message (same ``client_id``) is stored
        once; it is routed again only if its first routing did not finish (the process failed or
        crashed after the commit): then nobody has answered it yet. Idempotency holds after a
        failure too, not only after success."""
        data = {"page": message.page} if message.page else None
        question = await self.case_status.question(conversation_id, message.text)
        text = masked(message.text) if question is not None and question.proof is not None else message.text
        try:
            stored, created, routing = await self.ctx.store.add_message(
                conversation_id, "citizen", text, data, client_id=message.client_id
            )
        except ConversationMissing:  # deleted meanwhile
            raise Refused("no_session", "the conversation does not exist (any more)") from None
        receipt = Outcome(Receipt(stored.id, message.client_id, not created))
        if not created and not await self._unrouted(routing, stored):
            return receipt  # a re-sent message: stored and relayed once
        updates: dict[str, Any] = {}
        if message.page and message.page != routing.page:
            updates["page"] = message.page
        if message.language and message.language != routing.language:
            updates["language"] = message.language
        if updates:
            await self.ctx.store.update(conversation_id, **updates)
        receipt.notices.append(CitizenWrote(conversation_id, stored, sender_sid))
        if routing.state == states.CLOSED:
            reopened = await self.ctx.store.transition(conversation_id, "reopen", agent_id=None)
            routing = Routing.of(reopened) if reopened is not None else routing
        if states.human_owns(routing.state):
            receipt.notices.append(ToAgents(routing, stored))
        elif question is not None:  # the status of a case: answered here, never sent to Rasa
            receipt.notices += await self.case_status.answer(routing, question, address)
        else:
            metadata = {  # the widget's customData, with page and language as the gateway checked them
                **message.custom,
                "page": message.page or routing.page,
                "language": message.language or routing.language,
            }
            self.bot_turns.start(routing, message.text, metadata, address)
        return receipt

    async def _unrouted(self, routing: Routing, message: MessageRecord) -> bool:
        """Whether a stored citizen message still needs routing (see ``write``)."""
        if states.human_owns(routing.state):
            return True  # sent to the agents again: the console shows each message id once
        if self.bot_turns.running(routing.id):
            return False  # its bot turn is running in this process
        return not await self.ctx.store.answered_after(routing.id, message.id)

    async def history(self, conversation_id: str, after: int) -> list[MessageLike]:
        """Everything after the message ``after`` the citizen may see (no internal notes)."""
        return list(await self.ctx.store.messages(conversation_id, after=after, limit=self.ctx.settings.history_limit))

    async def typing(self, conversation_id: str, typing: bool) -> Outcome[None]:
        routing = await self.ctx.store.routing(conversation_id)
        if routing is None or routing.state != states.ASSIGNED:
            return Outcome(None)
        return Outcome(None, [Typing(routing, "citizen", typing)])

    async def delete(self, conversation_id: str) -> Outcome[bool]:
        """Delete the conversation here at once and in Rasa's tracker at once or by a durable job
        (handoff/domain/retention.py). False when it did not exist (any more)."""
        conversation = await self.ctx.store.conversation(conversation_id)
        if conversation is None:
            return Outcome(False)
        if not await retention.delete_now(self.ctx.store, self.ctx.tracker, [conversation_id]):
            return Outcome(False)
        await self.ctx.store.audit(None, "citizen_deleted_conversation", conversation_id)
        notices: list[Notice] = [Deleted(Routing.of(conversation))]
        if conversation.state == states.QUEUED and conversation.department:
            notices.append(QueueChanged(await self.queues.view(conversation.department)))
        return Outcome(True, notices)

    async def feedback(self, conversation_id: str, message_id: int, helpful: bool) -> None:
        """ "Was this helpful?" on a bot answer, once per answer."""
        message = await self.ctx.store.message(message_id)
        if message is None or message.conversation_id != conversation_id or message.sender != "bot":
            raise Refused("not_found", "no such answer in this conversation")
        article = (message.data or {}).get("kb_article")
        if not await self.ctx.store.add_feedback(conversation_id, message_id, article, helpful):
            raise Refused("duplicate", "feedback was already given")
