"""The departments' queues: who waits, at which position, and how long that will probably take."""

from __future__ import annotations

import time
from typing import Optional, Sequence

from handoff.db.models import Conversation
from handoff.domain.context import Context
from handoff.domain.values import ConversationDetails, HandoffStatus, QueueView

SHOWN = 100  # entries sent to the agents' consoles; the length counts all
PREVIEW_MESSAGES = 5  # queue entries carry the latest messages as a preview
HANDLING_CACHE_SECONDS = 60.0


class Queues:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._handling: dict[Optional[str], tuple[float, float]] = {}  # department -> (seconds, valid until)

    async def seconds_per_position(self, department: Optional[str]) -> float:
        """Expected wait per place in the queue: recent handling time over agents online."""
        cached = self._handling.get(department)
        if cached is None or cached[1] < time.monotonic():
            seconds = await self.ctx.store.average_handling_seconds(department)
            cached = (seconds, time.monotonic() + HANDLING_CACHE_SECONDS)
            self._handling[department] = cached
        agents = await self.ctx.presence.agents_or_local()
        online = sum(1 for p in agents.values() if p.status == "online" and department in p.departments)
        return cached[0] / max(1, online)

    async def estimate(self, conversation: Conversation) -> tuple[int, int]:
        """The conversation's position in its queue and the expected wait in seconds."""
        position = await self.ctx.store.queue_position(conversation)
        return position, int(position * await self.seconds_per_position(conversation.department))

    async def queued_status(self, conversation: Conversation) -> HandoffStatus:
        department = self.ctx.department(conversation.department)
        position, wait = await self.estimate(conversation)
        return HandoffStatus(
            "queued",
            department=department.id,
            department_name=department.display_name(conversation.language),
            position=position,
            expected_wait_seconds=wait,
        )

    async def entries(self, departments: Optional[Sequence[str]]) -> list[ConversationDetails]:
        """Queue entries of these departments (None: all) with their context and a short preview."""
        return await self._entries(await self.ctx.store.queue(departments))

    async def _entries(self, queue: Sequence[Conversation]) -> list[ConversationDetails]:
        queue = queue[:SHOWN]
        recent = await self.ctx.store.recent_messages([c.id for c in queue], PREVIEW_MESSAGES)
        positions: dict[Optional[str], int] = {}
        entries = []
        for conversation in queue:
            positions[conversation.department] = positions.get(conversation.department, 0) + 1
            name = self.ctx.department(conversation.department).name if conversation.department else None
            entries.append(
                ConversationDetails(
                    conversation,
                    name,
                    position=positions[conversation.department],
                    transcript=recent.get(conversation.id, []),
                )
            )
        return entries

    async def view(self, department: str) -> QueueView:
        """The department's queue for its agents, and every waiting citizen's position and wait."""
        queue = await self.ctx.store.queue((department,))
        entries = await self._entries(queue)
        per_position = await self.seconds_per_position(department)
        still_queued = await self.ctx.store.still_queued([c.id for c in queue])  # accepted meanwhile: skip
        info = self.ctx.department(department)
        waiting = [
            (
                conversation.id,
                HandoffStatus(
                    "queued",
                    department=department,
                    department_name=info.display_name(conversation.language),
                    position=position,
                    expected_wait_seconds=int(position * per_position),
                ),
            )
            for position, conversation in enumerate(queue, start=1)
            if conversation.id in still_queued
        ]
        return QueueView(department, entries, len(queue), waiting)
