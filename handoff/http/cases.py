"""The departments' case inbox for the console: list, open, note, assign, transfer, change the
status. Agents see the cases of their departments, supervisors and admins all; a case of another
department is answered like one that does not exist."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from handoff.accounts.identity import CONSOLE_ROLES, Identity
from handoff.db.models import Case
from handoff.domain.errors import Refused
from handoff.http.common import read_json, requires
from handoff.keys import DOMAIN
from handoff.transport import payloads
from handoff.transport.validation import UNSTORABLE

MAX_QUERY = 200


def _text(body: dict[str, Any], key: str, required: bool = True) -> str:
    value = body.get(key, None if required else "")
    if not isinstance(value, str) or UNSTORABLE.search(value):
        raise Refused("invalid", f"{key} must be text")
    return value


async def _names(request: web.Request, cases: list[Case], actor_ids: set[int] | None = None) -> dict[int, str]:
    ids = {c.assignee_id for c in cases if c.assignee_id is not None} | (actor_ids or set())
    return await request.app[DOMAIN].ctx.store.cases.names(ids)


def _department_name(request: web.Request, found: Case) -> str:
    return request.app[DOMAIN].ctx.department(found.department).display_name("de")


@requires(CONSOLE_ROLES)
async def cases(request: web.Request, identity: Identity) -> web.Response:
    query = request.query
    text = query.get("q") or None
    if text is not None and (len(text) > MAX_QUERY or UNSTORABLE.search(text)):
        raise Refused("invalid", "the search text is too long or contains characters that are not allowed")
    try:
        limit = min(500, max(1, int(query.get("limit", "100"))))
    except ValueError:
        raise Refused("invalid", "limit must be a number") from None
    found = await request.app[DOMAIN].case_desk.inbox(
        identity, query.get("status"), text, query.get("department") or None, query.get("overdue") == "1", limit
    )
    names = await _names(request, found)
    now = request.app[DOMAIN].ctx.now()
    return web.json_response({"items": [payloads.case(c, _department_name(request, c), names, now) for c in found]})


async def _details(request: web.Request, identity: Identity, found: Case) -> web.Response:
    _, events = await request.app[DOMAIN].case_desk.details(identity, found.reference)
    names = await _names(request, [found], {e.actor_id for e in events if e.actor_id is not None})
    now = request.app[DOMAIN].ctx.now()
    details = payloads.case_details(found, _department_name(request, found), events, names, now)
    return web.json_response({"case": details})


@requires(CONSOLE_ROLES)
async def case(request: web.Request, identity: Identity) -> web.Response:
    found = await request.app[DOMAIN].case_desk.case_for(identity, request.match_info["reference"])
    return await _details(request, identity, found)


@requires(CONSOLE_ROLES)
async def set_status(request: web.Request, identity: Identity) -> web.Response:
    body = await read_json(request)
    changed = await request.app[DOMAIN].case_desk.set_status(
        identity, request.match_info["reference"], _text(body, "status"), _text(body, "public_text", required=False)
    )
    return await _details(request, identity, changed)


@requires(CONSOLE_ROLES)
async def add_note(request: web.Request, identity: Identity) -> web.Response:
    body = await read_json(request)
    found = await request.app[DOMAIN].case_desk.note(identity, request.match_info["reference"], _text(body, "text"))
    return await _details(request, identity, found)


@requires(CONSOLE_ROLES)
async def assign(request: web.Request, identity: Identity) -> web.Response:
    """``{"assignee_id": 7}``, ``{"assignee_id": "me"}`` or ``{"assignee_id": null}`` (nobody)."""
    body = await read_json(request)
    assignee = body.get("assignee_id")
    if assignee == "me":
        assignee = identity.user_id
    if assignee is not None and (isinstance(assignee, bool) or not isinstance(assignee, int)):
        raise Refused("invalid", 'assignee_id must be an account id, "me" or null')
    changed = await request.app[DOMAIN].case_desk.assign(identity, request.match_info["reference"], assignee)
    return await _details(request, identity, changed)


@requires(CONSOLE_ROLES)
async def transfer(request: web.Request, identity: Identity) -> web.Response:
    body = await read_json(request)
    changed = await request.app[DOMAIN].case_desk.transfer(
        identity, request.match_info["reference"], _text(body, "department")
    )
    return await _details(request, identity, changed)


@requires(CONSOLE_ROLES)
async def reply(request: web.Request, identity: Identity) -> web.Response:
    """Answer the citizen by e-mail (the outbox sends it; the timeline keeps it)."""
    body = await read_json(request)
    changed = await request.app[DOMAIN].case_desk.reply_by_mail(
        identity, request.match_info["reference"], _text(body, "text")
    )
    return await _details(request, identity, changed)


@requires(CONSOLE_ROLES)
async def attachment(request: web.Request, identity: Identity) -> web.Response:
    """A picture of the case, as a download (cleaned when it was stored; never rendered inline)."""
    domain = request.app[DOMAIN]
    found = await domain.case_desk.case_for(identity, request.match_info["reference"])
    stored = await domain.ctx.store.cases.attachment(found.id, _path_id(request, "attachment_id", "attachment"))
    if stored is None:
        raise Refused("not_found", "no such attachment")
    safe_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in stored.filename) or "bild"
    return web.Response(
        body=stored.data,
        content_type=stored.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{safe_name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@requires(CONSOLE_ROLES)
async def record_call(request: web.Request, identity: Identity) -> web.Response:
    """The outcome of a call back: reached, not reached, voicemail, wrong number (and a note)."""
    body = await read_json(request)
    changed = await request.app[DOMAIN].case_desk.record_call(
        identity, request.match_info["reference"], _text(body, "outcome"), _text(body, "note", required=False)
    )
    return await _details(request, identity, changed)


@requires(CONSOLE_ROLES)
async def unassigned_mail(request: web.Request, identity: Identity) -> web.Response:
    """Citizens' mails that matched no case, of your departments (all for supervisors)."""
    found = await request.app[DOMAIN].case_desk.unassigned_mail(identity)
    return web.json_response({"items": [payloads.inbound_mail(mail) for mail in found]})


def _path_id(request: web.Request, name: str, what: str) -> int:
    """A number in the path; anything else names nothing (404)."""
    try:
        return int(request.match_info[name])
    except ValueError:
        raise Refused("not_found", f"no such {what}") from None


@requires(CONSOLE_ROLES)
async def assign_mail(request: web.Request, identity: Identity) -> web.Response:
    body = await read_json(request)
    changed = await request.app[DOMAIN].case_desk.assign_mail(
        identity, _path_id(request, "mail_id", "unassigned mail"), _text(body, "reference")
    )
    return await _details(request, identity, changed)


@requires(CONSOLE_ROLES)
async def move_mail(request: web.Request, identity: Identity) -> web.Response:
    body = await read_json(request)
    await request.app[DOMAIN].case_desk.move_mail(
        identity, _path_id(request, "mail_id", "unassigned mail"), _text(body, "department")
    )
    return web.json_response({"ok": True})
