"""Keep what clients can cause out of the error log.

Engine.IO logs an exception with a full traceback for every frame it cannot read (an unknown
packet type, an empty frame) and then carries on with the connection. A client could fill the
log with tracebacks that way. This filter turns those records into one warning line and drops
them beyond a few per second.
"""

from __future__ import annotations

import logging
import time

CLIENT_CAUSED = ("Unknown receive error", "message async handler error")
MAX_PER_SECOND = 5


class ClientNoiseFilter(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self._second = 0
        self._count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage() not in CLIENT_CAUSED:
            return True
        now = int(time.monotonic())
        if now != self._second:
            self._second, self._count = now, 0
        self._count += 1
        if self._count > MAX_PER_SECOND:
            return False
        error = record.exc_info[1] if record.exc_info else None
        record.msg = "dropped a frame a client sent that Engine.IO could not read (%s)"
        record.args = (type(error).__name__ if error else "unknown",)
        record.exc_info = None
        record.exc_text = None
        record.levelno = logging.WARNING
        record.levelname = "WARNING"
        return True


def install() -> None:
    logger = logging.getLogger("engineio.server")
    if not any(isinstance(f, ClientNoiseFilter) for f in logger.filters):
        logger.addFilter(ClientNoiseFilter())
