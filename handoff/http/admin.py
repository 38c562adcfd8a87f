"""Admins' data-protection requests: export (Art. 15) and delete (Art. 17) a case or a
conversation. Every call is in the audit log (handoff/domain/subject_rights.py)."""

from __future__ import annotations

import base64
from typing import Any

from aiohttp import web

from handoff.accounts.identity import Identity
from handoff.db.models import utcnow
from handoff.http.common import requires
from handoff.keys import DOMAIN
from handoff.transport import payloads

ADMINS = frozenset({"admin"})


@requires(ADMINS)
async def export_case(request: web.Request, identity: Identity) -> web.Response:
    domain = request.app[DOMAIN]
    record = await domain.subject_rights.export_case(identity, request.match_info["reference"])
    ids = {e.actor_id for e in record.events if e.actor_id is not None}
    if record.case.assignee_id is not None:
        ids.add(record.case.assignee_id)
    names = await domain.ctx.store.cases.names(ids)
    department = domain.ctx.department(record.case.department).display_name("de")
    document = {
        "exported_at": payloads.iso(utcnow()),
        "case": payloads.case_details(record.case, department, record.events, names, domain.ctx.now()),
        "attachments": [
            {
                "id": stored.id,
                "filename": stored.filename,
                "content_type": stored.content_type,
                "size": stored.size,
                "data_base64": base64.b64encode(stored.data).decode("ascii"),
            }
            for stored in record.attachments
        ],
        "mails": [
            {
                "to": mail.to_address,
                "subject": mail.subject,
                "body": mail.body,
                "message_id": mail.message_id,
                "created_at": payloads.iso(mail.created_at),
                "sent_at": payloads.iso(mail.sent_at),
            }
            for mail in record.mails
        ],
    }
    return _download(document, f"{record.case.reference}.json")


@requires(ADMINS)
async def delete_case(request: web.Request, identity: Identity) -> web.Response:
    await request.app[DOMAIN].subject_rights.delete_case(identity, request.match_info["reference"])
    return web.json_response({"deleted": True})


@requires(ADMINS)
async def export_conversation(request: web.Request, identity: Identity) -> web.Response:
    conversation_id = request.match_info["conversation_id"]
    record = await request.app[DOMAIN].subject_rights.export_conversation(identity, conversation_id)
    conversation = record.conversation
    document = {
        "exported_at": payloads.iso(utcnow()),
        "conversation": {
            "conversation_id": conversation.id,
            "state": conversation.state,
            "department": conversation.department,
            "language": conversation.language,
            "page": conversation.page,
            "created_at": payloads.iso(conversation.created_at),
            "last_activity_at": payloads.iso(conversation.last_activity_at),
            "handoff_reason": conversation.handoff_reason,
            "handoff_context": conversation.handoff_context or {},
        },
        "messages": payloads.messages(record.messages),
        "cases": [case.reference for case in record.cases],
    }
    return _download(document, f"conversation-{conversation.id}.json")


@requires(ADMINS)
async def delete_conversation(request: web.Request, identity: Identity) -> web.Response:
    await request.app[DOMAIN].subject_rights.delete_conversation(identity, request.match_info["conversation_id"])
    return web.json_response({"deleted": True})


def _download(document: dict[str, Any], filename: str) -> web.Response:
    response = web.json_response(document)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
