"""What citizens and agents ask of the domain, already checked (handoff/transport/validation.py
parses every payload into these)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class CitizenText:
    """A citizen's message (the socketio channel's `user_uttered`)."""

    text: str
    session_id: Optional[str]
    client_id: Optional[str]
    page: Optional[str]
    language: Optional[str]
    custom: dict[str, Any]  # the widget's customData, size-checked; passed to Rasa as metadata


@dataclass(frozen=True)
class AgentText:
    conversation_id: str
    text: str
    client_id: Optional[str]


@dataclass(frozen=True)
class Transfer:
    """To a department (its queue) or to a named colleague: exactly one of the two."""

    conversation_id: str
    department: Optional[str]
    agent_id: Optional[int]
