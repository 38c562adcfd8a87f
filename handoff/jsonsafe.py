"""The JSON module python-socketio uses: refuses absurdly nested input before parsing it.

The Engine.IO buffer limit bounds the size of a packet, not its nesting: 60 KB of "[[[[" would
still reach Python's recursive decoder. Rejected packets raise ValueError, which python-socketio
treats as a malformed packet.
"""

from __future__ import annotations

import json
from typing import Any

MAX_NESTING = 32


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


def dumps(value: Any, **kwargs: Any) -> str:
    kwargs.setdefault("ensure_ascii", False)
    kwargs.setdefault("separators", (",", ":"))
    return json.dumps(value, **kwargs)


JSONDecodeError = json.JSONDecodeError
