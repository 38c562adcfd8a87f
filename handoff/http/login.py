"""Logging in and out of the console: throttled, argon2 off the event loop, a server-side login
behind an HttpOnly, SameSite=Strict cookie (``__Host-`` behind HTTPS)."""

from __future__ import annotations

from aiohttp import web

from handoff.accounts.cookies import cookie_name
from handoff.accounts.identity import ROLES, Identity
from handoff.http.common import client_address, json_error, read_json, requires, session_cookie
from handoff.keys import AGENT_NAMESPACE, LOGIN_THROTTLE, LOGINS, PASSWORDS, SETTINGS, STORE
from handoff.transport import payloads
from handoff.transport.validation import UNSTORABLE


async def login(request: web.Request) -> web.Response:
    body = await read_json(request)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or len(username) > 64 or len(password) > 256:
        return json_error(400, "invalid", "username and password are required")
    if UNSTORABLE.search(username) or UNSTORABLE.search(password):
        return json_error(400, "invalid", "username or password contains characters that are not allowed")
    address = client_address(request)
    throttle = request.app[LOGIN_THROTTLE]
    wait = await throttle.wait_seconds(username, address)
    if wait > 0:
        seconds = str(max(1, round(wait)))
        return json_error(
            429, "rate_limited", f"too many failed attempts; try again in {seconds} s", {"Retry-After": seconds}
        )
    store = request.app[STORE]
    user = await store.active_user(username)
    if not await request.app[PASSWORDS].verify(user.password_hash if user else None, password) or user is None:
        await throttle.failed(username, address)
        return json_error(401, "invalid_credentials", "wrong username or password")
    await throttle.succeeded(username, address)
    token, identity = await request.app[LOGINS].start(user)
    await store.audit(identity.user_id, "login", identity.username)
    settings = request.app[SETTINGS]
    response = web.json_response({"user": payloads.identity(identity)})
    response.set_cookie(
        cookie_name(settings.cookie_secure),
        token,
        httponly=True,
        samesite="Strict",
        secure=settings.cookie_secure,
        max_age=int(settings.session_hours * 3600),
        path="/",
    )
    return response


async def logout(request: web.Request) -> web.Response:
    ended = await request.app[LOGINS].end(session_cookie(request))
    if ended is not None:
        await request.app[AGENT_NAMESPACE].end_login(ended)  # this process's sockets at once; others within seconds
    response = web.json_response({"ok": True})
    response.del_cookie(cookie_name(request.app[SETTINGS].cookie_secure), path="/")
    return response


@requires(frozenset(ROLES))
async def me(request: web.Request, identity: Identity) -> web.Response:
    return web.json_response({"user": payloads.identity(identity)})
