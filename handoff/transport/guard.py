"""A decorator for Socket.IO handlers: a refusal becomes the error ack, nothing escapes.

Handlers return their ack (a dict). ``Refused`` (from the input checks or the domain) becomes
``{"ok": false, "error": code, "message": ...}`` here, in one place; any other exception is
logged (event name only: no payload, no personal data) and becomes ``{"ok": false, "error":
"internal"}`` so the process and the other sockets carry on.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Awaitable, Callable, TypeVar

from handoff.domain.errors import Refused

logger = logging.getLogger(__name__)

Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])


def refusal(refused: Refused) -> dict[str, Any]:
    return {"ok": False, "error": refused.code, "message": refused.message}


def guarded(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def wrapper(self: Any, sid: str, *args: Any) -> Any:
        try:
            return await handler(self, sid, *args)
        except Refused as refused:
            return refusal(refused)
        except Exception:
            logger.exception("handler %s failed", handler.__name__)
            return {"ok": False, "error": "internal", "message": "something went wrong; please try again"}

    return wrapper  # type: ignore[return-value]
