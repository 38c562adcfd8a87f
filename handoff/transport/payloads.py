"""How the domain's values look on the wire (pure): messages, bot_uttered events, conversations
with their context, handoff statuses, queues, agents. docs/protocol.md describes each shape."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional, Sequence

from handoff.accounts.identity import Identity
from handoff.db.models import Case, CaseEvent, InboundMail, aware, utcnow
from handoff.db.records import MessageLike
from handoff.domain.values import AgentStatus, ConversationDetails, HandoffStatus, QueueView, Receipt


def iso(moment: Optional[dt.datetime]) -> Optional[str]:
    value = aware(moment)
    return value.isoformat().replace("+00:00", "Z") if value else None


def message(stored: MessageLike) -> dict[str, Any]:
    """A transcript entry, for histories and the console."""
    data = dict(stored.data or {})
    view: dict[str, Any] = {"id": stored.id, "sender": stored.sender, "text": stored.text, "ts": iso(stored.created_at)}
    if stored.client_id:
        view["client_id"] = stored.client_id
    if data.get("agent_name"):
        view["agent_name"] = data.pop("agent_name")
    if data:
        view["metadata"] = data
    return view


def messages(stored: Sequence[MessageLike]) -> list[dict[str, Any]]:
    return [message(m) for m in stored]


def bot_uttered(stored: MessageLike) -> dict[str, Any]:
    """A bot, agent or system message as Rasa's socketio channel sends it (plus metadata)."""
    data = dict(stored.data or {})
    quick_replies = data.pop("quick_replies", None)
    attachment = data.pop("attachment", None)
    metadata = dict(data, id=stored.id, ts=iso(stored.created_at), sender=stored.sender)
    payload: dict[str, Any] = {"text": stored.text, "metadata": metadata}
    if quick_replies:
        payload["quick_replies"] = quick_replies
    if attachment:
        payload["attachment"] = attachment
    return payload


def receipt(stored: Receipt) -> dict[str, Any]:
    """The ack of a stored message."""
    return {"ok": True, "id": stored.id, "client_id": stored.client_id, "duplicate": stored.duplicate}


def handoff_status(status: HandoffStatus) -> dict[str, Any]:
    payload: dict[str, Any] = {"state": status.state}
    for key in ("department", "department_name", "position", "expected_wait_seconds", "agent_name", "reason"):
        value = getattr(status, key)
        if value is not None:
            payload[key] = value
    if status.reason == "closed":
        payload["next_opening"] = status.next_opening  # null: not within the next weeks
    return payload


def conversation(details: ConversationDetails, now: Optional[dt.datetime] = None) -> dict[str, Any]:
    """A conversation for agents: state, the context package and (optionally) its transcript."""
    row = details.conversation
    context = dict(row.handoff_context or {})
    queued = aware(row.queued_at)
    view: dict[str, Any] = {
        "conversation_id": row.id,
        "state": row.state,
        "department": row.department,
        "department_name": details.department_name,
        "agent_id": row.agent_id,
        "agent_name": details.agent_name,
        "reason": row.handoff_reason,
        "language": row.language,
        "page": row.page,
        "summary": context.get("summary"),
        "intents": context.get("intents", []),
        "slots": context.get("slots", {}),
        "form": context.get("form", {}),
        "queued_at": iso(row.queued_at),
        "assigned_at": iso(row.assigned_at),
        "waiting_seconds": max(0, int(((now or utcnow()) - queued).total_seconds())) if queued else None,
        "priority": row.priority,
        "outcome": row.outcome,
        "last_activity_at": iso(row.last_activity_at),
        "created_at": iso(row.created_at),
    }
    if details.position is not None:
        view["position"] = details.position
    if details.transcript is not None:
        view["transcript"] = messages(details.transcript)
        view["older_messages"] = details.older_messages
    return view


def conversations(found: Sequence[ConversationDetails]) -> list[dict[str, Any]]:
    now = utcnow()
    return [conversation(details, now) for details in found]


def queue(view: QueueView) -> dict[str, Any]:
    return {"department": view.department, "items": conversations(view.entries), "length": view.length}


def agent(status: AgentStatus, with_account: bool = False) -> dict[str, Any]:
    """An agent for supervisors (and, with the account's name and state, for the API)."""
    payload: dict[str, Any] = {
        "id": status.id,
        "display_name": status.display_name,
        "role": status.role,
        "departments": list(status.departments),
        "status": status.status,
        "max_chats": status.max_chats,
    }
    if with_account:
        payload.update(username=status.username, active=status.active)
    return payload


def colleague(status: AgentStatus) -> dict[str, Any]:
    return {
        "id": status.id,
        "display_name": status.display_name,
        "departments": list(status.departments),
        "status": status.status,
    }


def identity(who: Identity) -> dict[str, Any]:
    return {
        "id": who.user_id,
        "username": who.username,
        "display_name": who.display_name,
        "role": who.role,
        "departments": list(who.departments),
        "max_chats": who.max_chats,
    }


def case(found: Case, department_name: str, names: dict[int, str], now: Optional[dt.datetime] = None) -> dict[str, Any]:
    """A case in the console's inbox: who, what, where, how urgent (contact data only in ``case_details``)."""
    due = aware(found.due_at)
    return {
        "reference": found.reference,
        "kind": found.kind,
        "status": found.status,
        "department": found.department,
        "department_name": department_name,
        "topic": found.topic,
        "assignee_id": found.assignee_id,
        "assignee_name": names.get(found.assignee_id) if found.assignee_id is not None else None,
        "language": found.language,
        "created_at": iso(found.created_at),
        "updated_at": iso(found.updated_at),
        "due_at": iso(due),
        "overdue": found.status != "done" and due is not None and due < (now or utcnow()),
    }


def case_details(
    found: Case,
    department_name: str,
    events: Sequence[CaseEvent],
    names: dict[int, str],
    now: Optional[dt.datetime] = None,
) -> dict[str, Any]:
    """A case with its description, contact data and whole timeline, for the agents in charge."""
    return {
        **case(found, department_name, names, now),
        "description": found.description,
        "details": found.details or {},
        "contact_email": found.contact_email,
        "contact_phone": found.contact_phone,
        "consent_at": iso(found.consent_at),
        "closed_at": iso(found.closed_at),
        "conversation_id": found.conversation_id,
        "timeline": [
            {
                "id": event.id,
                "at": iso(event.at),
                "kind": event.kind,
                "text": event.text,
                "public": event.public,
                "actor_id": event.actor_id,
                "actor_name": names.get(event.actor_id) if event.actor_id is not None else None,
                "data": event.data or {},
            }
            for event in events
        ],
    }


def inbound_mail(mail: InboundMail) -> dict[str, Any]:
    """A citizen's mail that matched no case, for the department's unassigned mail."""
    return {
        "id": mail.id,
        "received_at": iso(mail.received_at),
        "department": mail.department,
        "from": mail.from_address,
        "subject": mail.subject,
        "body": mail.body,
    }
