"""What happened, for whoever must hear of it: domain operations return notices, and one
notifier (handoff/transport/notifier.py) turns them into Socket.IO events for rooms.

This keeps the use cases free of rooms, namespaces and payload shapes, and lets tests of the
domain collect the notices instead of running sockets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Optional, Protocol, Sequence, TypeVar, Union

from handoff.db.records import MessageLike, Routing
from handoff.domain.values import ConversationDetails, HandoffStatus, QueueView


@dataclass(frozen=True)
class ToCitizen:
    """A bot, agent or system message for the citizen's tabs."""

    conversation_id: str
    message: MessageLike


@dataclass(frozen=True)
class CitizenWrote:
    """The citizen's own message, for the session's other tabs (the sending socket has the ack)."""

    conversation_id: str
    message: MessageLike
    sender_sid: Optional[str]


@dataclass(frozen=True)
class ToAgents:
    """A message for whoever looks after the conversation: its agent, or its department's queue."""

    routing: Routing
    message: MessageLike


@dataclass(frozen=True)
class Status:
    conversation_id: str
    status: HandoffStatus


@dataclass(frozen=True)
class Typing:
    """Someone is typing (or stopped): the bot or the agent for the citizen, the citizen for the agent."""

    routing: Routing
    sender: str  # bot | agent | citizen
    typing: bool


@dataclass(frozen=True)
class Alert:
    """A new conversation in a department's queue."""

    department: str
    details: ConversationDetails


@dataclass(frozen=True)
class QueueChanged:
    queue: QueueView


@dataclass(frozen=True)
class Assigned:
    """A chat is now this agent's (accepted, transferred to them, taken over)."""

    agent_id: int
    details: ConversationDetails


@dataclass(frozen=True)
class ChatLeft:
    """A chat left this agent (closed, handed back, transferred)."""

    agent_id: int
    conversation_id: str
    state: str
    outcome: Optional[str] = None


@dataclass(frozen=True)
class Deleted:
    """The citizen deleted the conversation: their tabs and its agents learn of it."""

    routing: Routing


Notice = Union[ToCitizen, CitizenWrote, ToAgents, Status, Typing, Alert, QueueChanged, Assigned, ChatLeft, Deleted]


class Publisher(Protocol):
    async def publish(self, notices: Sequence[Notice]) -> None: ...


T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """A domain operation's result for the caller, and the notices for everybody else."""

    value: T
    notices: list[Notice] = field(default_factory=list)
