"""A request the domain refuses, with a short code for the client (docs/protocol.md's error codes)."""

from __future__ import annotations


class Refused(Exception):
    """Raised by domain operations and input checks; the transport turns it into the error ack
    (``{"ok": false, "error": code, "message": message}``) in one place (handoff/transport/guard.py)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message or code
