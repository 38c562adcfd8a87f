"""The JSON module python-socketio uses (and the database's JSON columns): strict in, total out.

In: the Engine.IO buffer limit bounds the size of a packet, not its nesting: 60 KB of "[[[["
would still reach Python's recursive decoder. Rejected packets raise ValueError, which
python-socketio treats as a malformed packet. (``NaN`` and ``Infinity``, which Python's JSON
accepts, are refused with an error ack by handoff/validation.py.)

Out: serialising never raises. A value that cannot be sent as UTF-8 JSON (a lone surrogate, a
non-finite number, an object JSON does not know) is replaced, so one bad stored value can never
make a history, a console view or a broadcast fail.
"""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Any

logger = logging.getLogger(__name__)

MAX_NESTING = 32
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def _too_deep(text: str) -> bool:
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return False  # the common case, decided at C speed
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif char in "]}":
            depth -= 1
    return False


def loads(text: str | bytes, **kwargs: Any) -> Any:
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8")
    if _too_deep(text):
        raise ValueError("JSON nested too deeply")
    return json.loads(text, **kwargs)


def _replace(value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` that JSON can hold: bad parts replaced, never an exception."""
    if isinstance(value, str):
        return LONE_SURROGATE.sub(REPLACEMENT, value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if depth > MAX_NESTING:
        return None
    if isinstance(value, dict):
        return {_replace(str(k)): _replace(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_replace(v, depth + 1) for v in value]
    return _replace(str(value))


def dumps(value: Any, **kwargs: Any) -> str:
    kwargs.setdefault("ensure_ascii", False)
    kwargs.setdefault("separators", (",", ":"))
    try:
        text = json.dumps(value, allow_nan=False, **kwargs)
    except (ValueError, TypeError, RecursionError):
        logger.warning("replaced a value that JSON cannot hold")
        return json.dumps(_replace(value), allow_nan=False, **kwargs)
    if LONE_SURROGATE.search(text):  # valid for Python, not encodable as UTF-8 on the wire
        logger.warning("replaced a lone surrogate in outgoing JSON")
        text = LONE_SURROGATE.sub(REPLACEMENT, text)
    return text


JSONDecodeError = json.JSONDecodeError
