"""The client's address, the same way for every limit (sockets, login, API).

Behind ``TRUSTED_PROXY_HOPS`` reverse proxies the peer is the nearest proxy; the client is the
address that the outermost trusted proxy appended to ``X-Forwarded-For``. Entries further left
were written by the client itself and are never trusted.
"""

from __future__ import annotations

from typing import Any, Optional

UNKNOWN = "unknown"


def client_address(peer: Optional[str], forwarded_for: Optional[str], trusted_proxy_hops: int) -> str:
    if trusted_proxy_hops > 0:
        hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
        if len(hops) >= trusted_proxy_hops:
            return hops[-trusted_proxy_hops]
    return peer or UNKNOWN


def from_environ(environ: dict[str, Any], trusted_proxy_hops: int) -> str:
    """The address of a Socket.IO handshake (python-socketio passes the aiohttp request along)."""
    request = environ.get("aiohttp.request")
    peer: Optional[str] = getattr(request, "remote", None)
    return client_address(peer, environ.get("HTTP_X_FORWARDED_FOR"), trusted_proxy_hops)
