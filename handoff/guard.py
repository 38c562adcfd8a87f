"""A decorator for Socket.IO handlers: bad input gets an error ack, nothing escapes.

Handlers return their ack (a dict). ``Invalid`` becomes ``{"ok": false, "error": code}``; any
other exception is logged (event name only: no payload, no personal data) and becomes
``{"ok": false, "error": "internal"}`` so the process and the other sockets carry on.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Awaitable, Callable, TypeVar

from handoff.validation import Invalid

logger = logging.getLogger(__name__)

Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])


def guarded(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def wrapper(self: Any, sid: str, *args: Any) -> Any:
        try:
            return await handler(self, sid, *args)
        except Invalid as invalid:
            return {"ok": False, "error": invalid.code, "message": invalid.detail}
        except Exception:
            logger.exception("handler %s failed", handler.__name__)
            return {"ok": False, "error": "internal", "message": "something went wrong; please try again"}

    return wrapper  # type: ignore[return-value]
