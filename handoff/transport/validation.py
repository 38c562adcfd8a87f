"""Checks for everything a client sends over Socket.IO (pure).

Each parser returns a typed value or raises ``Invalid`` with a short code for the error ack.
Nothing a client sends is trusted for identity: agent ids, roles and names come from the login.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Optional

from handoff.domain.errors import Refused
from handoff.domain.requests import AgentText, CitizenText, Transfer

CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
CONVERSATION_ID = re.compile(r"^[0-9a-f]{32}$")
DEPARTMENT_ID = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
MAX_PAGE = 500
MAX_DEPTH = 4
MAX_KEYS = 50
MAX_ID = 2**53 - 1  # the largest integer JavaScript represents exactly; ids in the database are smaller
# NUL cannot be stored by Postgres (and would be by SQLite); a lone surrogate cannot be encoded as
# UTF-8 by either database or by the WebSocket. Both are refused wherever a client sends text.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class Invalid(Refused):
    """The payload is malformed: refused before anything happens."""


def _require_dict(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise Invalid("invalid", "the payload must be an object")
    check_plain(data)
    return data


def check_plain(value: Any, depth: int = 0) -> None:
    """Only JSON-like data of bounded depth and width: no binary, no deep nesting."""
    if depth > MAX_DEPTH:
        raise Invalid("invalid", "too deeply nested")
    if isinstance(value, dict):
        if len(value) > MAX_KEYS:
            raise Invalid("invalid", "too many fields")
        for key, item in value.items():
            if not isinstance(key, str):
                raise Invalid("invalid", "field names must be text")
            check_storable(key)
            check_plain(item, depth + 1)
    elif isinstance(value, list):
        if len(value) > MAX_KEYS:
            raise Invalid("invalid", "too many items")
        for item in value:
            check_plain(item, depth + 1)
    elif isinstance(value, str):
        check_storable(value)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        raise Invalid("invalid", "binary data is not accepted")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise Invalid("invalid", "numbers must be finite")
    elif isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MAX_ID:
            raise Invalid("invalid", "number out of range")
    elif value is not None and not isinstance(value, bool):
        raise Invalid("invalid", "unsupported value")


def check_storable(value: str) -> str:
    """Text that both databases and the wire can hold: no NUL, no lone surrogate."""
    if UNSTORABLE.search(value):
        raise Invalid("invalid", "the text contains characters that cannot be stored")
    return value


def _text(data: dict[str, Any], key: str, max_chars: int, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid("invalid", f"{key} must be text")
    if len(value) > max_chars:
        raise Invalid("too_long", f"{key} is longer than {max_chars} characters")
    if required and not value.strip():
        raise Invalid("empty", f"{key} is empty")
    return value


def _optional_id(data: dict[str, Any], key: str, pattern: re.Pattern[str]) -> Optional[str]:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not pattern.match(value):
        raise Invalid("invalid", f"{key} is malformed")
    return value


@dataclass(frozen=True)
class SessionRequest:
    session_id: Optional[str]


def session_request(data: Any) -> SessionRequest:
    if data is None or isinstance(data, str):  # some widgets send the id as a plain string
        data = {"session_id": data if isinstance(data, str) and not UNSTORABLE.search(data) else None}
    payload = _require_dict(data)
    value = payload.get("session_id")
    if isinstance(value, str) and SESSION_ID.match(value):
        return SessionRequest(value)
    return SessionRequest(None)  # missing or malformed: a fresh session, never an error


def user_uttered(data: Any, max_chars: int) -> CitizenText:
    payload = _require_dict(data)
    text = _text(payload, "message", max_chars)
    custom = payload.get("customData") or payload.get("metadata") or {}
    if not isinstance(custom, dict):
        raise Invalid("invalid", "customData must be an object")
    page = custom.get("page")
    language = custom.get("language")
    return CitizenText(
        text=text,
        session_id=_optional_id(payload, "session_id", SESSION_ID),
        client_id=_optional_id(payload, "client_id", CLIENT_ID),
        page=page[:MAX_PAGE] if isinstance(page, str) and page.startswith(("http://", "https://")) else None,
        language=language if language in ("de", "en") else None,
        custom=custom,
    )


def after_id(data: Any) -> int:
    payload = _require_dict(data if data is not None else {})
    value = payload.get("after", 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise Invalid("invalid", "after must be a message id")
    return value


def typing(data: Any) -> bool:
    payload = _require_dict(data)
    value = payload.get("typing")
    if not isinstance(value, bool):
        raise Invalid("invalid", "typing must be true or false")
    return value


def conversation_id(data: Any) -> str:
    payload = _require_dict(data)
    value = payload.get("conversation_id")
    if not isinstance(value, str) or not CONVERSATION_ID.match(value):
        raise Invalid("invalid", "conversation_id is malformed")
    return value


@dataclass(frozen=True)
class HistoryPage:
    conversation_id: str
    before: int


def history_page(data: Any) -> HistoryPage:
    payload = _require_dict(data)
    before = payload.get("before")
    if isinstance(before, bool) or not isinstance(before, int) or not 1 <= before <= MAX_ID:
        raise Invalid("invalid", "before must be a message id")
    return HistoryPage(conversation_id(payload), before)


def agent_text(data: Any, max_chars: int) -> AgentText:
    payload = _require_dict(data)
    return AgentText(
        conversation_id(payload), _text(payload, "text", max_chars), _optional_id(payload, "client_id", CLIENT_ID)
    )


def choice(data: Any, key: str, allowed: tuple[str, ...]) -> str:
    payload = _require_dict(data)
    value = payload.get(key)
    if value not in allowed:
        raise Invalid("invalid", f"{key} must be one of {', '.join(allowed)}")
    return str(value)


def transfer(data: Any) -> Transfer:
    payload = _require_dict(data)
    department = _optional_id(payload, "department", DEPARTMENT_ID)
    agent = payload.get("agent_id")
    if agent is not None and (isinstance(agent, bool) or not isinstance(agent, int) or not 1 <= agent <= MAX_ID):
        raise Invalid("invalid", "agent_id must be an account id")
    if (department is None) == (agent is None):
        raise Invalid("invalid", "name either a department or an agent")
    return Transfer(conversation_id(payload), department, agent)


@dataclass(frozen=True)
class Feedback:
    message_id: int
    helpful: bool


def feedback(data: Any) -> Feedback:
    payload = _require_dict(data)
    message_id = payload.get("message_id")
    helpful = payload.get("helpful")
    if isinstance(message_id, bool) or not isinstance(message_id, int) or not 1 <= message_id <= MAX_ID:
        raise Invalid("invalid", "message_id must be a message id")
    if not isinstance(helpful, bool):
        raise Invalid("invalid", "helpful must be true or false")
    return Feedback(message_id, helpful)


@dataclass(frozen=True)
class CaseFromChat:
    conversation_id: str
    kind: str
    topic: str
    description: str
    contact_email: Optional[str]
    contact_phone: Optional[str]
    consent: bool


def case_from_chat(data: Any, kinds: tuple[str, ...]) -> CaseFromChat:
    """An agent turns the chat into a case: what the case says (the domain checks the contact)."""
    payload = _require_dict(data)
    consent = payload.get("consent", False)
    if not isinstance(consent, bool):
        raise Invalid("invalid", "consent must be true or false")
    return CaseFromChat(
        conversation_id(payload),
        choice(payload, "kind", kinds) if "kind" in payload else "request",
        check_storable(_text(payload, "topic", 200, required=False)),
        check_storable(_text(payload, "description", 4000)),
        check_storable(_text(payload, "contact_email", 254, required=False)) or None,
        check_storable(_text(payload, "contact_phone", 40, required=False)) or None,
        consent,
    )
