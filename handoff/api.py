"""The HTTP JSON API of the console: login, conversations, queue, agents (docs: /api/openapi.json)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any, Awaitable, Callable, Optional

from aiohttp import web

from handoff import addresses, auth, states
from handoff.auth import CONSOLE_ROLES, Identity, identity_json
from handoff.keys import (
    AGENT_NAMESPACE,
    CANNED,
    CONVERSATIONS,
    KB,
    KB_SEARCH,
    LOGIN_THROTTLE,
    LOGINS,
    PASSWORDS,
    SETTINGS,
    STORE,
)
from handoff.openapi import openapi_document
from handoff.validation import UNSTORABLE
from kb.canned import ALL_DEPARTMENTS

logger = logging.getLogger(__name__)
MAX_BODY = 16 * 1024
CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def json_error(status: int, code: str, message: str, headers: Optional[dict[str, str]] = None) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status, headers=headers)


def session_cookie(request: web.Request) -> Optional[str]:
    return request.cookies.get(auth.cookie_name(request.app[SETTINGS].cookie_secure))


async def current_identity(request: web.Request) -> Optional[Identity]:
    return await request.app[LOGINS].identity(session_cookie(request))


def client_address(request: web.Request) -> str:
    settings = request.app[SETTINGS]
    return addresses.client_address(request.remote, request.headers.get("X-Forwarded-For"), settings.trusted_proxy_hops)


def requires(
    roles: frozenset[str],
) -> Callable[
    [Callable[[web.Request, Identity], Awaitable[web.StreamResponse]]],
    Callable[[web.Request], Awaitable[web.StreamResponse]],
]:
    def decorate(
        view: Callable[[web.Request, Identity], Awaitable[web.StreamResponse]],
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def wrapper(request: web.Request) -> web.StreamResponse:
            identity = await current_identity(request)
            if identity is None:
                return json_error(401, "unauthorized", "log in first")
            if identity.role not in roles:
                return json_error(403, "forbidden", "your role may not do this")
            return await view(request, identity)

        return wrapper

    return decorate


def console_origin(request: web.Request) -> bool:
    """Requests that change something must come from the console's origin (CONSOLE_ORIGINS) when a
    browser sends them: a page that embeds the widget is not the console. Browsers always send
    Origin with such requests; a request without one is no browser's and still needs the login."""
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") in request.app[SETTINGS].console_origins


@web.middleware
async def console_origin_only(request: web.Request, handler: Any) -> web.StreamResponse:
    if request.path.startswith("/api/") and request.method in CHANGING_METHODS and not console_origin(request):
        return json_error(403, "forbidden_origin", "requests from this origin are not allowed")
    response: web.StreamResponse = await handler(request)
    return response


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
    response = web.json_response({"user": identity_json(identity)})
    response.set_cookie(
        auth.cookie_name(settings.cookie_secure),
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
    response.del_cookie(auth.cookie_name(request.app[SETTINGS].cookie_secure), path="/")
    return response


@requires(frozenset(auth.ROLES))
async def me(request: web.Request, identity: Identity) -> web.Response:
    return web.json_response({"user": identity_json(identity)})


def visible_departments(identity: Identity) -> Optional[tuple[str, ...]]:
    return None if identity.is_supervisor else identity.departments


@requires(CONSOLE_ROLES)
async def queue(request: web.Request, identity: Identity) -> web.Response:
    items = await request.app[CONVERSATIONS].queue_snapshot(visible_departments(identity))
    return web.json_response({"items": items})


@requires(CONSOLE_ROLES)
async def conversations(request: web.Request, identity: Identity) -> web.Response:
    state = request.query.get("state")
    if state is not None and state not in states.STATES:
        return json_error(400, "invalid", f"state must be one of {', '.join(states.STATES)}")
    try:
        limit = min(200, max(1, int(request.query.get("limit", "50"))))
        before = (
            dt.datetime.fromisoformat(request.query["before"].replace("Z", "+00:00"))
            if "before" in request.query
            else None
        )
    except ValueError:
        return json_error(400, "invalid", "limit must be a number and before an ISO timestamp")
    text = request.query.get("q") or None
    if text is not None and (len(text) > 200 or UNSTORABLE.search(text)):
        return json_error(400, "invalid", "the search text is too long or contains characters that are not allowed")
    service = request.app[CONVERSATIONS]
    found = await service.store.search(identity, state, text, limit, before)
    return web.json_response({"items": [await service.view(c, with_transcript=False) for c in found]})


@requires(CONSOLE_ROLES)
async def conversation(request: web.Request, identity: Identity) -> web.Response:
    """A conversation the agent may read (handoff/access.py), with its latest messages."""
    service = request.app[CONVERSATIONS]
    found, exists = await service.store.readable_conversation(request.match_info["conversation_id"], identity)
    if found is None:
        if exists:
            return json_error(403, "forbidden", "you may not read this conversation")
        return json_error(404, "not_found", "no such conversation")
    return web.json_response({"conversation": await service.view(found)})


@requires(frozenset({"supervisor", "admin"}))
async def agents(request: web.Request, identity: Identity) -> web.Response:
    service = request.app[CONVERSATIONS]
    present = await service.presence.agents_or_local()
    result = []
    for user, departments in await service.store.users():
        presence = present.get(user.id)
        result.append(
            {
                "id": user.id,
                "username": user.username,
                "display_name": user.display_name,
                "role": user.role,
                "departments": departments,
                "max_chats": user.max_chats,
                "active": user.active,
                "status": presence.status if presence else "offline",
            }
        )
    return web.json_response({"items": result})


KB_ROLES = frozenset({"agent", "supervisor", "editor", "admin"})


@requires(KB_ROLES)
async def kb_search(request: web.Request, identity: Identity) -> web.Response:
    query = request.query.get("q", "")
    if not query.strip() or len(query) > 200 or UNSTORABLE.search(query):
        return json_error(400, "invalid", "q must be 1 to 200 characters of text")
    language = "en" if request.query.get("lang") == "en" else "de"
    hits = request.app[KB_SEARCH].search(query, limit=8, language=language)
    return web.json_response({"items": [hit.__dict__ for hit in hits]})


@requires(KB_ROLES)
async def kb_article(request: web.Request, identity: Identity) -> web.Response:
    article = request.app[KB].article(request.match_info["article_id"])
    if article is None:
        return json_error(404, "not_found", "no such article")
    language = "en" if request.query.get("lang") == "en" else "de"
    content = article.localized(language)
    department = request.app[KB].city.department(article.department)
    return web.json_response(
        {
            "article": {
                "id": article.id,
                "title": content.title,
                "answer": content.answer,
                "language": language if content is article.en else "de",
                "department": department.id,
                "department_name": department.name,
                "documents": list(content.documents),
                "fees": [{"label": f.label, "amount": f.amount} for f in article.fees],
                "processing_time": content.processing_time,
                "online_service": article.online_service,
            }
        }
    )


@requires(CONSOLE_ROLES)
async def canned(request: web.Request, identity: Identity) -> web.Response:
    language = "en" if request.query.get("lang") == "en" else "de"
    visible = visible_departments(identity)
    items = [
        {"id": c.id, "title": c.title, "department": c.department, "text": c.text(language, identity.display_name)}
        for c in request.app[CANNED]
        if c.department == ALL_DEPARTMENTS or visible is None or c.department in visible
    ]
    return web.json_response({"items": items})


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())


def setup_api(app: web.Application) -> None:
    app.middlewares.append(console_origin_only)
    app.router.add_post("/api/login", login)
    app.router.add_post("/api/logout", logout)
    app.router.add_get("/api/me", me)
    app.router.add_get("/api/queue", queue)
    app.router.add_get("/api/conversations", conversations)
    app.router.add_get("/api/conversations/{conversation_id}", conversation)
    app.router.add_get("/api/agents", agents)
    app.router.add_get("/api/kb/search", kb_search)
    app.router.add_get("/api/kb/articles/{article_id}", kb_article)
    app.router.add_get("/api/canned", canned)
    app.router.add_get("/api/openapi.json", openapi)
