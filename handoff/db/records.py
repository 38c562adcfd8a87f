"""Plain records for the relay's hot path.

Building SQLAlchemy ORM instances costs more than the rest of a relayed message; the message
writer returns these slotted dataclasses instead. ``Routing`` is the one name for what deciding
where a message goes needs to know of its conversation (``ROUTING_COLUMNS`` selects it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional, Protocol

from handoff.db.models import Conversation

ROUTING_COLUMNS = (
    Conversation.id,
    Conversation.state,
    Conversation.agent_id,
    Conversation.department,
    Conversation.page,
    Conversation.language,
)


class MessageLike(Protocol):
    """A stored message: the ORM row or a ``MessageRecord``."""

    @property
    def id(self) -> int: ...
    @property
    def conversation_id(self) -> str: ...
    @property
    def sender(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def data(self) -> Optional[dict[str, Any]]: ...
    @property
    def client_id(self) -> Optional[str]: ...
    @property
    def created_at(self) -> dt.datetime: ...


@dataclass(slots=True)
class MessageRecord:
    id: int
    conversation_id: str
    sender: str
    text: str
    data: Optional[dict[str, Any]]
    client_id: Optional[str]
    agent_id: Optional[int]
    created_at: dt.datetime


@dataclass(slots=True, frozen=True)
class Routing:
    id: str
    state: str
    agent_id: Optional[int]
    department: Optional[str]
    page: Optional[str]
    language: str

    @classmethod
    def of(cls, conversation: Conversation) -> Routing:
        return cls(
            conversation.id,
            conversation.state,
            conversation.agent_id,
            conversation.department,
            conversation.page,
            conversation.language,
        )
