"""Common ground of the two Socket.IO namespaces: client address, origin, reserved events."""

from __future__ import annotations

import logging
from typing import Any, Optional

import socketio

from handoff.transport import addresses
from handoff.transport.packets import MALFORMED

logger = logging.getLogger(__name__)


class BaseNamespace(socketio.AsyncNamespace):
    def __init__(self, namespace: str, origins: tuple[str, ...], trusted_proxy_hops: int = 0) -> None:
        super().__init__(namespace)
        self.origins = frozenset(origins)
        self.trusted_proxy_hops = trusted_proxy_hops

    async def trigger_event(self, event: str, *args: Any) -> Any:
        if event == MALFORMED:
            logger.warning("dropped a malformed packet on namespace %s", self.namespace)
            return None
        # python-socketio routes a client's EVENT named "connect" or "disconnect" to on_connect and
        # on_disconnect too. Only the server's own calls may reach them: its connect carries the
        # WSGI environ (with the aiohttp request, which no JSON payload can contain), and during
        # its disconnect the socket is no longer counted as connected.
        if event == "connect":
            if len(args) < 2 or not isinstance(args[1], dict) or "aiohttp.request" not in args[1]:
                return None
        elif event == "disconnect" and (not args or self.server.manager.is_connected(args[0], self.namespace)):
            return None
        return await super().trigger_event(event, *args)

    def client_ip(self, environ: dict[str, Any]) -> str:
        return addresses.from_environ(environ, self.trusted_proxy_hops)

    def check_origin(self, environ: dict[str, Any]) -> None:
        """Browsers always send Origin; a page of another origin may not use this namespace.
        (A handshake without Origin is no browser's; it still needs its session or login.)"""
        origin: Optional[str] = environ.get("HTTP_ORIGIN")
        if origin is not None and origin.rstrip("/") not in self.origins:
            logger.warning("refused a connection to %s from a foreign origin", self.namespace)
            raise ConnectionRefusedError("forbidden_origin")
