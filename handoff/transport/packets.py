"""Socket.IO packets that cannot crash a handler: a malformed packet becomes an event nobody handles.

python-socketio lets decoding errors (broken JSON, bad attachment placeholders, oversized ids)
escape into Engine.IO's generic error handler, which logs a traceback per packet. Here they
become one event named ``MALFORMED`` that the namespaces count and drop.
"""

from __future__ import annotations

from typing import Any

from socketio import packet

MALFORMED = "__malformed__"
_DECODE_ERRORS = (ValueError, TypeError, KeyError, IndexError, RecursionError, UnicodeDecodeError)


class SafePacket(packet.Packet):
    # The gateway never sends binary data: skip scanning every outgoing payload for bytes.
    # (Incoming binary packets are still recognised by their type on the wire, and refused.)
    uses_binary_events = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        encoded = kwargs.get("encoded_packet")
        if encoded is not None and not encoded:  # an empty message: python-socketio skips decoding it
            self._malformed()

    def _malformed(self) -> None:
        self.packet_type = packet.EVENT
        self.namespace = None
        self.id = None
        self.data = [MALFORMED]
        self.attachment_count = 0
        self.attachments: list[Any] = []

    def _check_event(self) -> None:
        """An event must be a list that starts with the event's name."""
        if self.packet_type in (packet.EVENT, packet.BINARY_EVENT) and not (
            isinstance(self.data, list) and self.data and isinstance(self.data[0], str)
        ):
            self._malformed()

    def decode(self, encoded_packet: Any) -> int:
        try:
            attachments = int(super().decode(encoded_packet))
        except _DECODE_ERRORS:
            self._malformed()
            return 0
        if attachments == 0:
            self._check_event()
        return attachments

    def add_attachment(self, attachment: Any) -> bool:
        try:
            complete = bool(super().add_attachment(attachment))
        except _DECODE_ERRORS:
            self._malformed()
            return True
        if complete:
            self._check_event()
        return complete
