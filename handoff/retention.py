"""Data protection: conversations are kept for a limited time, and deleting one deletes it
everywhere — the gateway's transcript and, when configured, Rasa's tracker events.

Rasa 3.6 has no API to delete a conversation and its SQL tracker store never deletes, so the
gateway deletes the rows of Rasa's `events` table itself (`RASA_TRACKER_URL`).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Optional, Sequence

from sqlalchemy import Column, MetaData, String, Table, delete, inspect, select
from sqlalchemy.ext.asyncio import create_async_engine

from handoff import states
from handoff.db.models import Conversation, utcnow
from handoff.store import Store

logger = logging.getLogger(__name__)
BATCH = 500
_rasa_events = Table("events", MetaData(), Column("sender_id", String(255)))


async def purge_rasa_tracker(tracker_url: Optional[str], conversation_ids: Sequence[str]) -> int:
    """Delete Rasa's tracker events of these conversations; returns the number of rows."""
    if not tracker_url or not conversation_ids:
        return 0
    engine = create_async_engine(tracker_url)
    try:
        async with engine.begin() as connection:
            has_table = await connection.run_sync(lambda sync: inspect(sync).has_table("events"))
            if not has_table:
                return 0
            deleted = 0
            for start in range(0, len(conversation_ids), BATCH):
                chunk = list(conversation_ids[start : start + BATCH])
                result = await connection.execute(delete(_rasa_events).where(_rasa_events.c.sender_id.in_(chunk)))
                deleted += result.rowcount or 0
            return deleted
    finally:
        await engine.dispose()


async def expire(store: Store, days: float, tracker_url: Optional[str], now: Optional[dt.datetime] = None) -> int:
    """Delete conversations without activity for ``days`` that no person is handling."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    async with store.sessions() as session:
        ids = list(
            (
                await session.scalars(
                    select(Conversation.id).where(
                        Conversation.last_activity_at < cutoff,
                        Conversation.state.in_((states.BOT, states.CLOSED)),
                    )
                )
            ).all()
        )
    for conversation_id in ids:
        await store.delete_conversation(conversation_id)
    purged = await purge_rasa_tracker(tracker_url, ids)
    if ids:
        await store.audit(
            None, "retention_deleted", None, {"conversations": len(ids), "rasa_events": purged, "days": days}
        )
        logger.info("retention: deleted %d conversations older than %s days (%d Rasa events)", len(ids), days, purged)
    return len(ids)
