"""The console's HTTP JSON API: its routes in one table (docs: /api/openapi.json, built from the
same table's paths and methods, so the two cannot drift)."""

from __future__ import annotations

from aiohttp import web

from handoff.http import admin, cases, conversations, knowledge, login
from handoff.http.common import Handler
from handoff.http.openapi import openapi_document

ROUTES: list[tuple[str, str, Handler]] = [
    ("POST", "/api/login", login.login),
    ("POST", "/api/logout", login.logout),
    ("GET", "/api/me", login.me),
    ("GET", "/api/queue", conversations.queue),
    ("GET", "/api/conversations", conversations.conversations),
    ("GET", "/api/conversations/{conversation_id}", conversations.conversation),
    ("GET", "/api/agents", conversations.agents),
    ("GET", "/api/kb/search", knowledge.kb_search),
    ("GET", "/api/kb/articles/{article_id}", knowledge.kb_article),
    ("GET", "/api/canned", knowledge.canned),
    ("GET", "/api/cases", cases.cases),
    ("GET", "/api/cases/{reference}", cases.case),
    ("POST", "/api/cases/{reference}/status", cases.set_status),
    ("POST", "/api/cases/{reference}/notes", cases.add_note),
    ("POST", "/api/cases/{reference}/assign", cases.assign),
    ("POST", "/api/cases/{reference}/transfer", cases.transfer),
    ("POST", "/api/cases/{reference}/reply", cases.reply),
    ("POST", "/api/cases/{reference}/call", cases.record_call),
    ("GET", "/api/cases/{reference}/attachments/{attachment_id}", cases.attachment),
    ("GET", "/api/mail/unassigned", cases.unassigned_mail),
    ("POST", "/api/mail/unassigned/{mail_id}/assign", cases.assign_mail),
    ("POST", "/api/mail/unassigned/{mail_id}/move", cases.move_mail),
    ("GET", "/api/admin/cases/{reference}/export", admin.export_case),
    ("DELETE", "/api/admin/cases/{reference}", admin.delete_case),
    ("GET", "/api/admin/conversations/{conversation_id}/export", admin.export_conversation),
    ("DELETE", "/api/admin/conversations/{conversation_id}", admin.delete_conversation),
]


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())


def setup_api(app: web.Application) -> None:
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, handler)
    app.router.add_get("/api/openapi.json", openapi)
