"""Whether a person can take over now, and if so, the queue; if not, the honest alternative.

The bot asks for a person (the contract's `handoff`), or the citizen does while Rasa is down.
Live help needs the department open, someone of it online (unknown counts as online: Redis may
be down), the queue below its limit and the citizen's address below its limit of requests.
"""

from __future__ import annotations

import logging
from typing import Any

from handoff.db.models import utcnow
from handoff.db.presence import PresenceUnknown
from handoff.db.records import Routing
from handoff.domain.context import Context
from handoff.domain.notices import Alert, Notice, QueueChanged, Status
from handoff.domain.queues import Queues
from handoff.domain.transcripts import details, say
from handoff.domain.values import HandoffStatus
from handoff.ratelimit import RateLimiter
from kb import hours
from kb.model import Department

logger = logging.getLogger(__name__)


class LiveHelp:
    def __init__(self, ctx: Context, queues: Queues) -> None:
        self.ctx = ctx
        self.queues = queues
        per_hour = ctx.settings.handoffs_per_hour_per_ip
        self._requests = RateLimiter(per_hour / 3600.0, per_hour)  # per client address

    async def offer(self, routing: Routing, handoff: dict[str, Any], address: str) -> list[Notice]:
        """Queue the conversation if live help is possible, otherwise say the honest alternative."""
        department = self.ctx.department(handoff.get("department"))
        reason = str(handoff.get("reason") or "explicit_request")
        raw_context = handoff.get("context")
        context: dict[str, Any] = raw_context if isinstance(raw_context, dict) else {}
        moment = self.ctx.now()
        opening = hours.opening_state(self.ctx.city, department, moment)
        try:
            online = department.id in await self.ctx.presence.departments_with_agents_online()
        except PresenceUnknown:
            online = True  # unknown is not absent: queue, the agents' consoles will see it
        await self.ctx.store.update(
            routing.id, department=department.id, handoff_reason=reason, handoff_context=context
        )
        if opening.is_open and online:
            if not self._requests.allow(address):
                logger.warning("refused a request for a person: too many from one address")
                return await self._unavailable(routing, department, "rate_limited", "too_many_handoffs")
            limit = department.max_queue or self.ctx.settings.max_queue_length
            if await self.ctx.store.queue_length(department.id) >= limit:
                return await self._unavailable(routing, department, "busy", "queue_full")
            return await self._queue(routing, department)
        if opening.is_open:
            return await self._unavailable(routing, department, "no_agents", "no_agents")
        notices: list[Notice] = []
        name = department.display_name(routing.language)
        if handoff.get("live") is not False:  # the bot thought it open: say it ourselves
            when = hours.describe_now(self.ctx.city, department, moment, routing.language)
            _, said = await say(self.ctx, routing, "closed_hours", department=name, when=when, email=department.email)
            notices += said
        next_opening = opening.next_opening.isoformat() if opening.next_opening else None
        status = HandoffStatus("unavailable", department.id, name, reason="closed", next_opening=next_opening)
        return [*notices, Status(routing.id, status)]

    async def _queue(self, routing: Routing, department: Department) -> list[Notice]:
        queued = await self.ctx.store.transition(
            routing.id, "handoff", department=department.id, queued_at=utcnow(), priority=0, agent_id=None
        )
        if queued is None:
            return []  # a person took it meanwhile
        status = await self.queues.queued_status(queued)
        _, said = await say(
            self.ctx,
            Routing.of(queued),
            "queued",
            department=status.department_name,
            position=status.position,
            minutes=max(1, round((status.expected_wait_seconds or 0) / 60)),
        )
        return [
            *said,
            Status(routing.id, status),
            Alert(department.id, await details(self.ctx, queued)),
            QueueChanged(await self.queues.view(department.id)),
        ]

    async def _unavailable(self, routing: Routing, department: Department, reason: str, text: str) -> list[Notice]:
        """No live help now: say why and how to reach the department, and tell the widget."""
        name = department.display_name(routing.language)
        _, said = await say(self.ctx, routing, text, department=name, email=department.email, phone=department.phone)
        return [*said, Status(routing.id, HandoffStatus("unavailable", department.id, name, reason=reason))]
