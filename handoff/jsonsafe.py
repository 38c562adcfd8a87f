"""The JSON module of the gateway's Socket.IO server and of its database's JSON columns: orjson,
strict in, total out.

In: orjson parses in C with a nesting limit of its own (1,024 levels, refused in microseconds),
so no hand-written scanner is needed against packets of "[[[[" that the Engine.IO buffer limit
lets through; the input checks (handoff/transport/validation.py) then allow only shallow
payloads. ``NaN`` and ``Infinity`` are not JSON and are refused; a refused packet raises
ValueError, which python-socketio treats as a malformed packet. One exception: orjson refuses an
escaped lone surrogate (``"\\udc80"``), which is valid JSON and which a browser's
``JSON.stringify`` writes for a broken string. Such a packet is parsed by the standard library
instead, so the event reaches the input checks and is answered with a clear ``invalid`` ack rather
than dropped without an answer.

Out: serialising never raises. A value that cannot be sent as UTF-8 JSON (a lone surrogate, an
integer beyond 64 bits, an object JSON does not know) is replaced, so one bad stored value can
never make a history, a console view or a broadcast fail. orjson writes NaN as null itself.
"""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Any

import orjson

logger = logging.getLogger(__name__)

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
REPLACEMENT = "\ufffd"
MAX_DEPTH = 64  # deeper values are cut when replaced (the input checks allow far less)
JSONDecodeError = orjson.JSONDecodeError


def loads(text: str | bytes, **_: Any) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        if not ESCAPED_SURROGATE.search(raw):
            raise
        try:
            return json.loads(raw, parse_constant=_refuse_constant)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def dumps(value: Any, **_: Any) -> str:
    """Compact JSON text (python-socketio's ``separators`` and similar arguments are what orjson does anyway)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError: a lone surrogate, a huge integer, an unknown type
        logger.warning("replaced a value that JSON cannot hold")
        return orjson.dumps(_replace(value)).decode()


def _replace(value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` that JSON can hold: bad parts replaced, never an exception."""
    if isinstance(value, str):
        return LONE_SURROGATE.sub(REPLACEMENT, value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**64 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, dict):
        return {_replace(str(k)): _replace(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_replace(v, depth + 1) for v in value]
    return _replace(str(value))
