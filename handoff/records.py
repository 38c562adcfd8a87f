"""Plain records for the relay's hot path, and the protocols that ORM objects satisfy too.

Building SQLAlchemy ORM instances costs more than the rest of a relayed message; the message
writer returns these slotted dataclasses instead. Views and routing accept either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional, Protocol


class MessageLike(Protocol):
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


class Routed(Protocol):
    """What deciding where a message goes needs to know of its conversation."""

    @property
    def id(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def agent_id(self) -> Optional[int]: ...
    @property
    def department(self) -> Optional[str]: ...
    @property
    def page(self) -> Optional[str]: ...
    @property
    def language(self) -> str: ...


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
class ConversationState:
    id: str
    state: str
    agent_id: Optional[int]
    department: Optional[str]
    page: Optional[str]
    language: str
