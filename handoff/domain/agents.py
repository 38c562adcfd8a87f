"""What agents do with conversations: accept, write, note, type, hand back, close, transfer, take
over, read. Each operation checks that it is the agent's to do (or raises ``Refused``) and
returns its result and the notices for the others."""

from __future__ import annotations

import logging
from typing import Any, Optional, Sequence

from handoff.accounts.identity import CONSOLE_ROLES, Identity
from handoff.db.models import Conversation, aware, utcnow
from handoff.db.records import MessageLike, Routing
from handoff.domain import access, states
from handoff.domain.context import Context
from handoff.domain.errors import Refused
from handoff.domain.notices import (
    Alert,
    Assigned,
    ChatLeft,
    Notice,
    Outcome,
    QueueChanged,
    Status,
    ToAgents,
    ToCitizen,
    Typing,
)
from handoff.domain.queues import Queues
from handoff.domain.requests import AgentText, Transfer
from handoff.domain.transcripts import details, older, say
from handoff.domain.values import AgentStatus, ConversationDetails, HandoffStatus, Receipt
from handoff.rasa.client import BotUnavailable

logger = logging.getLogger(__name__)

# Rasa learns that a person handled the request, so it starts fresh from there.
BACK_FROM_AGENT_EVENTS: list[dict[str, Any]] = [
    {"event": "slot", "name": "back_from_agent", "value": True},
    {"event": "slot", "name": "handoff_reason", "value": None},
    {"event": "action", "name": "action_listen"},
]


class Agents:
    def __init__(self, ctx: Context, queues: Queues) -> None:
        self.ctx = ctx
        self.queues = queues

    # --- taking and giving chats --------------------------------------------------------------

    async def accept(self, agent: Identity, conversation_id: str) -> Outcome[ConversationDetails]:
        conversation = await self.ctx.store.accept(conversation_id, agent)
        if conversation is None:
            current = await self.ctx.store.conversation(conversation_id)
            if current is None:
                raise Refused("not_found", "no such conversation")
            if current.state == states.ASSIGNED:
                raise Refused("taken", "another agent has already accepted this chat")
            if current.state != states.QUEUED:
                raise Refused("not_queued", "this chat is not waiting in a queue")
            if not agent.is_supervisor and current.department not in agent.departments:
                raise Refused("forbidden", "this chat belongs to another department")
            raise Refused("max_chats", f"you already have {agent.max_chats} chats")
        notices = await self._joined(conversation, agent.display_name)
        if conversation.department:
            notices.append(QueueChanged(await self.queues.view(conversation.department)))
        view = await details(self.ctx, conversation)
        notices.append(Assigned(agent.user_id, view))
        await self.ctx.store.audit(agent.user_id, "accept", conversation.id)
        return Outcome(view, notices)

    async def _joined(self, conversation: Conversation, agent_name: str) -> list[Notice]:
        department = self.ctx.department(conversation.department)
        name = department.display_name(conversation.language)
        _, notices = await say(self.ctx, Routing.of(conversation), "agent_joined", agent=agent_name, department=name)
        status = HandoffStatus("assigned", department.id, name, agent_name=agent_name)
        return [*notices, Status(conversation.id, status)]

    async def hand_back(self, agent: Identity, conversation_id: str) -> Outcome[None]:
        await self._owned(agent, conversation_id)
        returned = await self.ctx.store.transition(conversation_id, "hand_back", agent_id=None)
        if returned is None:
            raise Refused("conflict", "the chat changed meanwhile")
        try:
            await self.ctx.rasa.append_events(conversation_id, BACK_FROM_AGENT_EVENTS)
        except BotUnavailable as failure:
            logger.warning("could not update Rasa's tracker of %s: %s", conversation_id, failure)
        _, notices = await say(self.ctx, Routing.of(returned), "back_to_bot")
        notices += [
            Status(conversation_id, HandoffStatus(states.BOT)),
            ChatLeft(agent.user_id, conversation_id, states.BOT),
        ]
        await self.ctx.store.audit(agent.user_id, "hand_back", conversation_id)
        return Outcome(None, notices)

    async def close(self, agent: Identity, conversation_id: str, outcome: str) -> Outcome[None]:
        await self._owned(agent, conversation_id)
        closed = await self.ctx.store.transition(conversation_id, "close", outcome=outcome, closed_at=utcnow())
        if closed is None:
            raise Refused("conflict", "the chat changed meanwhile")
        _, notices = await say(self.ctx, Routing.of(closed), "closed")
        notices += [
            Status(conversation_id, HandoffStatus(states.CLOSED)),
            ChatLeft(agent.user_id, conversation_id, states.CLOSED, outcome),
        ]
        await self.ctx.store.audit(agent.user_id, "close", conversation_id, {"outcome": outcome})
        return Outcome(None, notices)

    async def transfer(self, agent: Identity, request: Transfer) -> Outcome[None]:
        conversation = await self._owned(agent, request.conversation_id)
        if request.department is not None:
            notices = await self._to_department(conversation, request.department)
        else:
            notices = await self._to_colleague(conversation, request.agent_id or 0)
        notices.append(ChatLeft(agent.user_id, conversation.id, "transferred"))
        await self.ctx.store.audit(
            agent.user_id, "transfer", conversation.id, {"department": request.department, "agent_id": request.agent_id}
        )
        return Outcome(None, notices)

    async def _to_department(self, conversation: Conversation, department_id: str) -> list[Notice]:
        if department_id not in self.ctx.city.departments:
            raise Refused("invalid", "unknown department")
        moved = await self.ctx.store.transition(
            conversation.id,
            "transfer_to_department",
            department=department_id,
            agent_id=None,
            priority=1,
            queued_at=aware(conversation.queued_at) or utcnow(),
        )
        if moved is None:
            raise Refused("conflict", "the chat changed meanwhile")
        department = self.ctx.department(department_id)
        _, notices = await say(
            self.ctx, Routing.of(moved), "transferred", department=department.display_name(moved.language)
        )
        return [
            *notices,
            Status(moved.id, await self.queues.queued_status(moved)),
            Alert(department.id, await details(self.ctx, moved)),
            QueueChanged(await self.queues.view(department.id)),
        ]

    async def _to_colleague(self, conversation: Conversation, user_id: int) -> list[Notice]:
        target = await self.ctx.store.user(user_id)
        online = await self.ctx.presence.agents_or_local()
        if target is None or not target.active or target.id not in online:
            raise Refused("unavailable", "that agent is not online")
        moved = await self.ctx.store.transition(
            conversation.id, "transfer_to_agent", agent_id=target.id, assigned_at=utcnow()
        )
        if moved is None:
            raise Refused("conflict", "the chat changed meanwhile")
        notices = await self._joined(moved, target.display_name)
        notices.append(Assigned(target.id, await details(self.ctx, moved)))
        return notices

    async def take_over(self, agent: Identity, conversation_id: str) -> Outcome[ConversationDetails]:
        if not agent.is_supervisor:
            raise Refused("forbidden", "only supervisors can take over")
        before = await self.ctx.store.conversation(conversation_id)
        taken = await self.ctx.store.transition(
            conversation_id, "take_over", agent_id=agent.user_id, assigned_at=utcnow()
        )
        if taken is None:
            raise Refused("conflict", "the chat is not with the bot or in a queue")
        notices = await self._joined(taken, agent.display_name)
        if before is not None and before.state == states.QUEUED and before.department:
            notices.append(QueueChanged(await self.queues.view(before.department)))
        view = await details(self.ctx, taken)
        notices.append(Assigned(agent.user_id, view))
        await self.ctx.store.audit(agent.user_id, "take_over", conversation_id)
        return Outcome(view, notices)

    # --- in a chat ----------------------------------------------------------------------------

    async def write(self, agent: Identity, message: AgentText, note: bool = False) -> Outcome[Receipt]:
        """A message to the citizen, or an internal note (never shown to the citizen)."""
        conversation = await self._owned(agent, message.conversation_id)
        stored, created, routing = await self.ctx.store.add_message(
            conversation.id,
            "note" if note else "agent",
            message.text,
            {"agent_name": agent.display_name},
            client_id=message.client_id,
            agent_id=agent.user_id,
        )
        result = Outcome(Receipt(stored.id, message.client_id, not created))
        if created:
            if not note:
                result.notices.append(ToCitizen(conversation.id, stored))
            result.notices.append(ToAgents(routing, stored))
        return result

    async def typing(self, agent: Identity, conversation_id: str, typing: bool) -> Outcome[None]:
        conversation = await self._owned(agent, conversation_id)
        return Outcome(None, [Typing(Routing.of(conversation), "agent", typing)])

    async def owned(self, agent: Identity, conversation_id: str) -> Conversation:
        """The chat, if it is assigned to this agent (or the agent is a supervisor)."""
        return await self._owned(agent, conversation_id)

    async def _owned(self, agent: Identity, conversation_id: str) -> Conversation:
        conversation = await self.ctx.store.conversation(conversation_id)
        if conversation is None:
            raise Refused("not_found", "no such conversation")
        if conversation.state != states.ASSIGNED or (
            conversation.agent_id != agent.user_id and not agent.is_supervisor
        ):
            raise Refused("not_yours", "this chat is not assigned to you")
        return conversation

    # --- reading ------------------------------------------------------------------------------

    async def readable(self, agent: Identity, conversation_id: str) -> Conversation:
        """The conversation if the agent may read it (handoff/domain/access.py)."""
        conversation, exists = await self.ctx.store.readable_conversation(conversation_id, access.readable(agent))
        if conversation is None:
            if exists:
                raise Refused("forbidden", "you may not read this conversation")
            raise Refused("not_found", "no such conversation")
        return conversation

    async def open(self, agent: Identity, conversation_id: str) -> ConversationDetails:
        return await details(self.ctx, await self.readable(agent, conversation_id))

    async def older(self, agent: Identity, conversation_id: str, before: int) -> tuple[list[MessageLike], bool]:
        conversation = await self.readable(agent, conversation_id)
        return await older(self.ctx, conversation.id, before, include_notes=True)

    async def search(
        self, agent: Identity, state: Optional[str], text: Optional[str], limit: int, before: Optional[Any]
    ) -> list[ConversationDetails]:
        found = await self.ctx.store.search(access.readable(agent), state, text, limit, before)
        return [await details(self.ctx, c, with_transcript=False) for c in found]

    async def assigned(self, agent: Identity) -> list[ConversationDetails]:
        return [await details(self.ctx, c) for c in await self.ctx.store.assigned(agent.user_id)]

    async def live(self) -> tuple[list[ConversationDetails], dict[str, int]]:
        """Supervisors: live conversations with the bot, and the queue length per department."""
        live = await self.ctx.store.live_bot_conversations()
        queues: dict[str, int] = {d: 0 for d in self.ctx.city.departments}
        for conversation in await self.ctx.store.queue():
            if conversation.department:
                queues[conversation.department] = queues.get(conversation.department, 0) + 1
        return [await details(self.ctx, c, include_notes=False) for c in live], queues

    async def roster(self, everyone: bool = False) -> list[AgentStatus]:
        """Console accounts with their presence (supervisors' overview); ``everyone``: editors and
        deactivated accounts too."""
        present = await self.ctx.presence.agents_or_local()
        roster = []
        for user, departments in await self.ctx.store.users():
            if not everyone and (user.role not in CONSOLE_ROLES or not user.active):
                continue
            presence = present.get(user.id)
            status = presence.status if presence else "offline"
            roster.append(
                AgentStatus(
                    user.id,
                    user.username,
                    user.display_name,
                    user.role,
                    departments,
                    status,
                    user.max_chats,
                    user.active,
                )
            )
        return roster

    async def colleagues(self, agent: Identity) -> list[AgentStatus]:
        """Online agents sharing a department with ``agent``: targets for a transfer."""
        return [
            colleague
            for colleague in await self.roster()
            if colleague.status != "offline"
            and colleague.id != agent.user_id
            and set(colleague.departments) & set(agent.departments)
        ]

    def visible_departments(self, agent: Identity) -> Optional[Sequence[str]]:
        return None if agent.is_supervisor else agent.departments
