"""The HTTP JSON API of the console: login, conversations, queue, agents (docs: /api/openapi.json)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any, Awaitable, Callable, Optional

from aiohttp import web

from handoff import auth, states
from handoff.auth import CONSOLE_ROLES, Identity
from handoff.keys import CANNED, CONVERSATIONS, KB, KB_SEARCH, LOGIN_LIMITER, SETTINGS, STORE
from handoff.openapi import openapi_document
from kb.canned import ALL_DEPARTMENTS

logger = logging.getLogger(__name__)
MAX_BODY = 16 * 1024


def json_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


async def current_identity(request: web.Request) -> Optional[Identity]:
    token = request.cookies.get(auth.COOKIE_NAME)
    async with request.app[STORE].sessions() as session:
        return await auth.identity_for_token(session, token)


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


def same_origin(request: web.Request) -> bool:
    """State-changing requests from a browser must come from an allowed origin."""
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") in request.app[SETTINGS].allowed_origins


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
    if not same_origin(request):
        return json_error(403, "forbidden_origin", "login from this origin is not allowed")
    body = await read_json(request)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or len(username) > 64 or len(password) > 256:
        return json_error(400, "invalid", "username and password are required")
    limiter = request.app[LOGIN_LIMITER]
    if not limiter.allow(f"ip:{request.remote}") or not limiter.allow(f"user:{username.lower()}"):
        return json_error(429, "rate_limited", "too many attempts; wait a minute")
    settings = request.app[SETTINGS]
    async with request.app[STORE].sessions.begin() as session:
        user = await auth.authenticate(session, username, password)
        if user is None:
            return json_error(401, "invalid_credentials", "wrong username or password")
        token = await auth.start_login(session, user, settings.session_hours)
        identity = await auth.identity_of(session, user)
    await request.app[STORE].audit(identity.user_id, "login", identity.username)
    response = web.json_response({"user": identity_json(identity)})
    response.set_cookie(
        auth.COOKIE_NAME,
        token,
        httponly=True,
        samesite="Strict",
        secure=settings.cookie_secure,
        max_age=int(settings.session_hours * 3600),
        path="/",
    )
    return response


async def logout(request: web.Request) -> web.Response:
    if not same_origin(request):
        return json_error(403, "forbidden_origin", "logout from this origin is not allowed")
    async with request.app[STORE].sessions.begin() as session:
        await auth.end_login(session, request.cookies.get(auth.COOKIE_NAME))
    response = web.json_response({"ok": True})
    response.del_cookie(auth.COOKIE_NAME, path="/")
    return response


def identity_json(identity: Identity) -> dict[str, Any]:
    return {
        "id": identity.user_id,
        "username": identity.username,
        "display_name": identity.display_name,
        "role": identity.role,
        "departments": list(identity.departments),
        "max_chats": identity.max_chats,
    }


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
    if text is not None and len(text) > 200:
        return json_error(400, "invalid", "the search text is too long")
    service = request.app[CONVERSATIONS]
    found = await service.store.search(visible_departments(identity), state, text, limit, before)
    return web.json_response({"items": [await service.view(c, with_transcript=False) for c in found]})


@requires(CONSOLE_ROLES)
async def conversation(request: web.Request, identity: Identity) -> web.Response:
    service = request.app[CONVERSATIONS]
    found = await service.store.conversation(request.match_info["conversation_id"])
    if found is None:
        return json_error(404, "not_found", "no such conversation")
    if (
        not identity.is_supervisor
        and found.agent_id != identity.user_id
        and found.department not in identity.departments
    ):
        return json_error(403, "forbidden", "this conversation belongs to another department")
    return web.json_response({"conversation": await service.view(found)})


@requires(frozenset({"supervisor", "admin"}))
async def agents(request: web.Request, identity: Identity) -> web.Response:
    service = request.app[CONVERSATIONS]
    present = await service.presence.agents()
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
    if not query.strip() or len(query) > 200:
        return json_error(400, "invalid", "q must be 1 to 200 characters")
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
