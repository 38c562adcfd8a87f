"""What every API view needs: the caller's login, JSON in and out, refusals as HTTP errors."""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Optional

from aiohttp import web

from handoff.accounts.cookies import cookie_name
from handoff.accounts.identity import Identity
from handoff.domain.errors import Refused
from handoff.keys import API_LIMITER, LOGINS, SETTINGS
from handoff.transport import addresses

MAX_BODY = 16 * 1024
READING = frozenset({"GET", "HEAD", "OPTIONS"})
STATUS_OF = {"unauthorized": 401, "forbidden": 403, "not_found": 404, "conflict": 409, "rate_limited": 429}

View = Callable[[web.Request, Identity], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_error(status: int, code: str, message: str, headers: Optional[dict[str, str]] = None) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status, headers=headers)


def refused(refusal: Refused) -> web.Response:
    return json_error(STATUS_OF.get(refusal.code, 400), refusal.code, refusal.message)


def session_cookie(request: web.Request) -> Optional[str]:
    return request.cookies.get(cookie_name(request.app[SETTINGS].cookie_secure))


def client_address(request: web.Request) -> str:
    settings = request.app[SETTINGS]
    return addresses.client_address(request.remote, request.headers.get("X-Forwarded-For"), settings.trusted_proxy_hops)


def requires(roles: frozenset[str]) -> Callable[[View], Handler]:
    """A view for logged-in accounts of these roles; a refusal from the domain becomes its HTTP error.
    Requests that change something count against the account's rate limit (429 beyond it): an
    account, or a stolen login, cannot flood cases with notes or citizens with e-mails."""

    def decorate(view: View) -> Handler:
        async def wrapper(request: web.Request) -> web.StreamResponse:
            identity = await request.app[LOGINS].identity(session_cookie(request))
            if identity is None:
                return json_error(401, "unauthorized", "log in first")
            if identity.role not in roles:
                return json_error(403, "forbidden", "your role may not do this")
            if request.method not in READING and not request.app[API_LIMITER].allow(f"u:{identity.user_id}"):
                return json_error(429, "rate_limited", "too many requests; slow down")
            try:
                return await view(request, identity)
            except Refused as refusal:
                return refused(refusal)

        wrapper.roles = roles  # type: ignore[attr-defined]  # read by the OpenAPI document
        return wrapper

    return decorate


async def read_json(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="send application/json")
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=request.content_length)
    try:
        body = json.loads(await request.text())
    except ValueError:
        raise web.HTTPBadRequest(text="invalid JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="send a JSON object")
    return body


def language(request: web.Request) -> str:
    return "en" if request.query.get("lang") == "en" else "de"
