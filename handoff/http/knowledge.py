"""The knowledge base and canned responses for the console: the same answers the bot gives."""

from __future__ import annotations

from aiohttp import web

from handoff.accounts.identity import CONSOLE_ROLES, ROLES, Identity
from handoff.http.common import json_error, language, requires
from handoff.keys import CANNED, DOMAIN, KB, KB_SEARCH
from handoff.transport.validation import UNSTORABLE
from kb.canned import ALL_DEPARTMENTS

KB_ROLES = frozenset(ROLES)
MAX_QUERY = 200


@requires(KB_ROLES)
async def kb_search(request: web.Request, identity: Identity) -> web.Response:
    query = request.query.get("q", "")
    if not query.strip() or len(query) > MAX_QUERY or UNSTORABLE.search(query):
        return json_error(400, "invalid", "q must be 1 to 200 characters of text")
    hits = request.app[KB_SEARCH].search(query, limit=8, language=language(request))
    return web.json_response({"items": [hit.__dict__ for hit in hits]})


@requires(KB_ROLES)
async def kb_article(request: web.Request, identity: Identity) -> web.Response:
    article = request.app[KB].article(request.match_info["article_id"])
    if article is None:
        return json_error(404, "not_found", "no such article")
    wanted = language(request)
    content = article.localized(wanted)
    department = request.app[KB].city.department(article.department)
    return web.json_response(
        {
            "article": {
                "id": article.id,
                "title": content.title,
                "answer": content.answer,
                "language": wanted if content is article.en else "de",
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
    visible = request.app[DOMAIN].agents.visible_departments(identity)
    items = [
        {
            "id": c.id,
            "title": c.title,
            "department": c.department,
            "text": c.text(language(request), identity.display_name),
        }
        for c in request.app[CANNED]
        if c.department == ALL_DEPARTMENTS or visible is None or c.department in visible
    ]
    return web.json_response({"items": items})
