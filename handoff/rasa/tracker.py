"""Rasa's tracker database, where deleted conversations are deleted too.

Rasa 3.6 has no API to delete a conversation and its SQL tracker store never deletes, so the
gateway deletes the rows of Rasa's `events` table itself (`RASA_TRACKER_URL`).
"""

from __future__ import annotations

from typing import Sequence

from sqlalchemy import Column, MetaData, String, Table, delete, inspect
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

BATCH = 500
_rasa_events = Table("events", MetaData(), Column("sender_id", String(255)))


class RasaTracker:
    """Rasa's tracker database, for deleting a conversation's events (one engine per process)."""

    def __init__(self, url: str) -> None:
        options: dict[str, object] = {"hide_parameters": True}
        if url.startswith("postgresql"):
            options.update(pool_size=2, max_overflow=0, pool_timeout=10, pool_pre_ping=True)
            options["connect_args"] = {"timeout": 10, "command_timeout": 30}
        else:
            options["connect_args"] = {"timeout": 15}
        self.engine: AsyncEngine = create_async_engine(url, **options)

    async def purge(self, conversation_ids: Sequence[str]) -> int:
        """Delete the events of these conversations; returns the number of rows. Raises when
        the database cannot be reached (the caller keeps the job)."""
        if not conversation_ids:
            return 0
        async with self.engine.begin() as connection:
            if not await connection.run_sync(lambda sync: inspect(sync).has_table("events")):
                return 0  # Rasa has not stored anything yet
            deleted = 0
            for start in range(0, len(conversation_ids), BATCH):
                chunk = list(conversation_ids[start : start + BATCH])
                result = await connection.execute(delete(_rasa_events).where(_rasa_events.c.sender_id.in_(chunk)))
                deleted += result.rowcount or 0
            return deleted

    async def close(self) -> None:
        await self.engine.dispose()
