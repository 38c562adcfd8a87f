"""How stored records look on the wire (pure): messages, bot_uttered events, queue entries."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from handoff.db.models import Conversation, aware
from handoff.records import MessageLike


def iso(moment: Optional[dt.datetime]) -> Optional[str]:
    value = aware(moment)
    return value.isoformat().replace("+00:00", "Z") if value else None


def message_view(message: MessageLike) -> dict[str, Any]:
    """A transcript entry, for histories and the console."""
    data = dict(message.data or {})
    view: dict[str, Any] = {
        "id": message.id,
        "sender": message.sender,
        "text": message.text,
        "ts": iso(message.created_at),
    }
    if message.client_id:
        view["client_id"] = message.client_id
    if data.get("agent_name"):
        view["agent_name"] = data.pop("agent_name")
    if data:
        view["metadata"] = data
    return view


def bot_uttered(message: MessageLike) -> dict[str, Any]:
    """A bot, agent or system message as Rasa's socketio channel sends it (plus metadata)."""
    data = dict(message.data or {})
    quick_replies = data.pop("quick_replies", None)
    attachment = data.pop("attachment", None)
    metadata = dict(data, id=message.id, ts=iso(message.created_at), sender=message.sender)
    payload: dict[str, Any] = {"text": message.text, "metadata": metadata}
    if quick_replies:
        payload["quick_replies"] = quick_replies
    if attachment:
        payload["attachment"] = attachment
    return payload


def waiting_seconds(conversation: Conversation, now: dt.datetime) -> Optional[int]:
    queued = aware(conversation.queued_at)
    return max(0, int((now - queued).total_seconds())) if queued else None


def conversation_view(
    conversation: Conversation,
    now: dt.datetime,
    transcript: Optional[list[dict[str, Any]]] = None,
    department_name: Optional[str] = None,
    agent_name: Optional[str] = None,
    position: Optional[int] = None,
) -> dict[str, Any]:
    """A conversation for agents: state, the context package and (optionally) the transcript."""
    context = dict(conversation.handoff_context or {})
    view: dict[str, Any] = {
        "conversation_id": conversation.id,
        "state": conversation.state,
        "department": conversation.department,
        "department_name": department_name,
        "agent_id": conversation.agent_id,
        "agent_name": agent_name,
        "reason": conversation.handoff_reason,
        "language": conversation.language,
        "page": conversation.page,
        "summary": context.get("summary"),
        "intents": context.get("intents", []),
        "slots": context.get("slots", {}),
        "form": context.get("form", {}),
        "queued_at": iso(conversation.queued_at),
        "assigned_at": iso(conversation.assigned_at),
        "waiting_seconds": waiting_seconds(conversation, now),
        "priority": conversation.priority,
        "outcome": conversation.outcome,
        "last_activity_at": iso(conversation.last_activity_at),
        "created_at": iso(conversation.created_at),
    }
    if position is not None:
        view["position"] = position
    if transcript is not None:
        view["transcript"] = transcript
    return view
