"""What every gateway process does every few seconds: return the chats of agents gone longer than
the grace period to the head of their queue, finish deletions in Rasa's tracker, and once an
hour delete conversations, done cases and old mails past their retention periods. While Redis
cannot be read nobody counts as gone: unknown is not absent."""

from __future__ import annotations

import logging
import time

from handoff.db.models import Conversation
from handoff.db.presence import PresenceUnknown
from handoff.db.records import Routing
from handoff.domain import retention
from handoff.domain.context import Context
from handoff.domain.notices import Alert, Notice, Publisher, QueueChanged, Status
from handoff.domain.queues import Queues
from handoff.domain.transcripts import details, say
from handoff.domain.values import HandoffStatus

logger = logging.getLogger(__name__)
RETENTION_INTERVAL_SECONDS = 3600.0


class Housekeeping:
    def __init__(self, ctx: Context, queues: Queues, publisher: Publisher) -> None:
        self.ctx = ctx
        self.queues = queues
        self.publisher = publisher
        self._next_retention = 0.0

    async def sweep(self) -> None:
        await self.ctx.presence.heartbeat()
        if self.ctx.tracker is not None:
            await retention.run_jobs(self.ctx.store, self.ctx.tracker)
        if time.monotonic() >= self._next_retention:
            self._next_retention = time.monotonic() + RETENTION_INTERVAL_SECONDS
            if self.ctx.settings.retention_days > 0:
                await retention.expire(self.ctx.store, self.ctx.settings.retention_days, self.ctx.tracker)
            await retention.expire_cases(self.ctx.store, self.ctx.settings)
        try:
            await self._requeue_orphans()
        except PresenceUnknown:
            return  # who is online is unknown: keep every assignment

    async def _requeue_orphans(self) -> None:
        online = set(await self.ctx.presence.agents())
        now = time.time()  # real time, like the presence records (ctx.now is the office-hours clock)
        for agent_id in await self.ctx.store.agents_with_chats(exclude=online):
            since = await self.ctx.presence.offline_since(agent_id)
            if since is None or now - since < self.ctx.settings.agent_grace_seconds:
                continue
            for conversation in await self.ctx.store.assigned(agent_id):
                requeued = await self.ctx.store.transition(
                    conversation.id, "requeue", [Conversation.agent_id == agent_id], agent_id=None, priority=1
                )
                if requeued is None:
                    continue  # another process did it, or the agent acted meanwhile
                logger.info("conversation %s returned to the queue: agent %s gone", conversation.id, agent_id)
                await self.ctx.store.audit(None, "requeue_after_grace", conversation.id, {"agent_id": agent_id})
                await self.publisher.publish(await self._requeued(requeued))

    async def _requeued(self, conversation: Conversation) -> list[Notice]:
        notices: list[Notice] = [Status(conversation.id, HandoffStatus("agent_left"))]
        _, said = await say(self.ctx, Routing.of(conversation), "agent_left")
        notices += said
        if conversation.department:
            notices.append(Alert(conversation.department, await details(self.ctx, conversation)))
            notices.append(QueueChanged(await self.queues.view(conversation.department)))
        return notices
