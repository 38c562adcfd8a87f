"""The middleware every HTTP response passes: security headers and errors as JSON, and the
console's origin for every request that changes something."""

from __future__ import annotations

import functools
import logging

from aiohttp import web

from handoff.http.common import Handler, json_error
from handoff.keys import SETTINGS
from handoff.settings import Settings

logger = logging.getLogger(__name__)
CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

HSTS = "max-age=63072000; includeSubDomains"  # two years, as browsers' preload lists expect


def websocket_origin(origin: str) -> str:
    return "wss://" + origin[len("https://") :] if origin.startswith("https://") else "ws://" + origin[len("http://") :]


@functools.cache
def security_headers_for(settings: Settings) -> dict[str, str]:
    """Headers of every page and API response. ``connect-src`` names the gateway's own origins
    (its console origins, over HTTP and WebSocket) instead of any ws:/wss: host; HSTS is sent
    when the cookie is Secure, i.e. when the gateway is served over HTTPS."""
    own = sorted(settings.console_origins)
    connect = " ".join(["'self'", *own, *(websocket_origin(o) for o in own)])
    headers = {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src {connect}; font-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if settings.cookie_secure:
        headers["Strict-Transport-Security"] = HSTS
    return headers


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as http_error:
        if not request.path.startswith("/api/"):
            raise
        response = web.json_response(
            {"error": http_error.reason.lower().replace(" ", "_"), "message": http_error.text or http_error.reason},
            status=http_error.status,
        )
    except ValueError:
        if not request.path.startswith("/socket.io"):
            raise
        # Engine.IO lets a malformed WebSocket frame (an empty one) end its receive loop with a
        # ValueError; only that client's connection is affected.
        logger.warning("a Socket.IO connection ended on a malformed frame")
        return web.Response(status=400)
    except Exception:
        logger.exception("request %s %s failed", request.method, request.path)
        response = web.json_response({"error": "internal", "message": "something went wrong"}, status=500)
    if not request.path.startswith("/socket.io"):
        for name, value in security_headers_for(request.app[SETTINGS]).items():
            response.headers.setdefault(name, value)
    if request.path.startswith("/widget/"):
        # The widget is embedded in the city's own pages, on other origins: its module scripts
        # and styles are fetched with CORS. They are public code, readable by anyone anyway.
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def console_origin(request: web.Request) -> bool:
    """Requests that change something must come from the console's origin (CONSOLE_ORIGINS) when a
    browser sends them: a page that embeds the widget is not the console. Browsers always send
    Origin with such requests; a request without one is no browser's and still needs the login."""
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") in request.app[SETTINGS].console_origins


@web.middleware
async def console_origin_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/api/") and request.method in CHANGING_METHODS and not console_origin(request):
        return json_error(403, "forbidden_origin", "requests from this origin are not allowed")
    return await handler(request)


MIDDLEWARES = [security_headers, console_origin_only]
