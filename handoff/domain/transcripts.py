"""Stored messages the domain writes or reads for others: the gateway's own system messages, and a
conversation with its context and latest messages as agents see it."""

from __future__ import annotations

from typing import Any, Optional

from handoff.db.models import Conversation
from handoff.db.records import MessageRecord, Routing
from handoff.domain import states, texts
from handoff.domain.context import Context
from handoff.domain.notices import Notice, ToAgents, ToCitizen
from handoff.domain.values import ConversationDetails

TRANSCRIPT_LIMIT = 200  # messages in a conversation's details; older ones are asked for page by page


async def say(
    ctx: Context,
    routing: Routing,
    key: str,
    quick_replies: Optional[list[dict[str, str]]] = None,
    extra: Optional[dict[str, Any]] = None,
    **values: object,
) -> tuple[MessageRecord, list[Notice]]:
    """A system message to the citizen (handoff/domain/texts.py), stored like every other message,
    for the citizen and for whoever looks after the conversation; ``extra`` joins its metadata."""
    data: dict[str, Any] = {"system": key, **(extra or {})}
    if quick_replies:
        data["quick_replies"] = quick_replies
    message, _, _ = await ctx.store.add_message(routing.id, "system", texts.text(key, routing.language, **values), data)
    return message, [ToCitizen(routing.id, message), ToAgents(routing, message)]


async def details(
    ctx: Context,
    conversation: Conversation,
    with_transcript: bool = True,
    include_notes: bool = True,
) -> ConversationDetails:
    """A conversation as agents see it, with its latest messages (``older_messages`` says whether
    there are more: ask ``older``)."""
    transcript = None
    older = False
    if with_transcript:
        transcript, older = await ctx.store.latest_messages(
            conversation.id, TRANSCRIPT_LIMIT, include_notes=include_notes
        )
    agent_name = None
    if conversation.agent_id is not None:
        user = await ctx.store.user(conversation.agent_id)
        agent_name = user.display_name if user else None
    position = await ctx.store.queue_position(conversation) if conversation.state == states.QUEUED else None
    return ConversationDetails(
        conversation,
        ctx.department(conversation.department).name if conversation.department else None,
        agent_name,
        position,
        transcript,
        older,
    )


async def older(ctx: Context, conversation_id: str, before: int, include_notes: bool) -> tuple[list[Any], bool]:
    """A page of a transcript before the message ``before``, oldest first, and whether more precede it."""
    messages, more = await ctx.store.latest_messages(conversation_id, TRANSCRIPT_LIMIT, before, include_notes)
    return list(messages), more
