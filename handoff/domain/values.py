"""What the domain hands out: a conversation with its context, a handoff status, a queue, a
stored message's receipt. Plain values; the transport turns them into wire payloads
(handoff/transport/payloads.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from handoff.db.models import Conversation
from handoff.db.records import MessageLike


@dataclass(frozen=True)
class ConversationDetails:
    """A conversation as agents see it: its row, names, queue position and (part of) its transcript."""

    conversation: Conversation
    department_name: Optional[str] = None
    agent_name: Optional[str] = None
    position: Optional[int] = None
    transcript: Optional[Sequence[MessageLike]] = None  # None: not asked for
    older_messages: bool = False  # the transcript holds the latest messages; more precede them


@dataclass(frozen=True)
class HandoffStatus:
    """Where a citizen's request for a person stands (docs/protocol.md, `handoff_status`)."""

    state: str  # queued | assigned | agent_left | bot | closed | unavailable
    department: Optional[str] = None
    department_name: Optional[str] = None
    position: Optional[int] = None
    expected_wait_seconds: Optional[int] = None
    agent_name: Optional[str] = None
    reason: Optional[str] = None  # unavailable: closed | no_agents | busy | rate_limited
    next_opening: Optional[str] = None  # unavailable because closed: ISO time, or None if unknown


@dataclass(frozen=True)
class Receipt:
    """A stored message: its server id, the client's id, and whether it was stored before."""

    id: int
    client_id: Optional[str]
    duplicate: bool


@dataclass(frozen=True)
class QueueView:
    """A department's queue as its agents see it (the first entries with a preview) and how long it is."""

    department: str
    entries: Sequence[ConversationDetails]
    length: int
    waiting: Sequence[tuple[str, HandoffStatus]] = field(default_factory=tuple)  # each citizen's status


@dataclass(frozen=True)
class AgentStatus:
    """A console account and whether it is online (supervisors' overview, transfer targets)."""

    id: int
    username: str
    display_name: str
    role: str
    departments: Sequence[str]
    status: str  # online | away | offline
    max_chats: int
    active: bool
