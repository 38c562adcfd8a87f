"""Who may read which conversation: one need-to-know rule for the HTTP API and the socket.

- Supervisors and admins read every conversation (they watch queues and take over).
- An agent reads a conversation assigned to them, the queue of their departments, and a
  conversation they worked on (accepted, wrote in or noted) once it is back with the bot or
  closed, for follow-up.
- An agent does not read a colleague's live chat, nor its internal notes, nor conversations of
  their department that they had nothing to do with: a supervisor can.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import ColumnElement, and_, exists, or_, select

from handoff.accounts.identity import Identity
from handoff.db.models import Conversation, Message
from handoff.domain import states


def worked_on(identity: Identity) -> ColumnElement[bool]:
    wrote = exists(
        select(Message.id).where(Message.conversation_id == Conversation.id, Message.agent_id == identity.user_id)
    )
    return or_(Conversation.agent_id == identity.user_id, wrote)


def readable(identity: Identity) -> Optional[ColumnElement[bool]]:
    """The rule as a WHERE clause over conversations; None: everything."""
    if identity.is_supervisor:
        return None
    return or_(
        and_(Conversation.state == states.ASSIGNED, Conversation.agent_id == identity.user_id),
        and_(Conversation.state == states.QUEUED, Conversation.department.in_(identity.departments)),
        and_(Conversation.state.in_((states.BOT, states.CLOSED)), worked_on(identity)),
    )
