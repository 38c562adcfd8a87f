"""Conversations, the queue and the agents for the console, by the need-to-know rule
(handoff/domain/access.py): the same answers the socket gives."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from handoff.accounts.identity import CONSOLE_ROLES, SUPERVISOR_ROLES, Identity
from handoff.domain import states
from handoff.http.common import json_error, requires
from handoff.keys import DOMAIN
from handoff.transport import payloads
from handoff.transport.validation import UNSTORABLE

MAX_QUERY = 200


@requires(CONSOLE_ROLES)
async def queue(request: web.Request, identity: Identity) -> web.Response:
    domain = request.app[DOMAIN]
    entries = await domain.queues.entries(domain.agents.visible_departments(identity))
    return web.json_response({"items": payloads.conversations(entries)})


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
    if text is not None and (len(text) > MAX_QUERY or UNSTORABLE.search(text)):
        return json_error(400, "invalid", "the search text is too long or contains characters that are not allowed")
    found = await request.app[DOMAIN].agents.search(identity, state, text, limit, before)
    return web.json_response({"items": payloads.conversations(found)})


@requires(CONSOLE_ROLES)
async def conversation(request: web.Request, identity: Identity) -> web.Response:
    """A conversation the agent may read, with its latest messages."""
    details = await request.app[DOMAIN].agents.open(identity, request.match_info["conversation_id"])
    return web.json_response({"conversation": payloads.conversation(details)})


@requires(SUPERVISOR_ROLES)
async def agents(request: web.Request, identity: Identity) -> web.Response:
    roster = await request.app[DOMAIN].agents.roster(everyone=True)
    return web.json_response({"items": [payloads.agent(status, with_account=True) for status in roster]})
