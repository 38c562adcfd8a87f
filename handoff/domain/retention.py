"""Data protection: conversations are kept for a limited time, and deleting one deletes it
everywhere — the gateway's transcript and Rasa's tracker events (handoff/rasa/tracker.py).
Cases are kept per kind after they are done (``expire_cases``); a case keeps its own copy of
its chat, so the chat's retention does not shorten the case's.

Deleting is durable: the gateway's rows and a deletion job for Rasa's copy go in one transaction, the job
runs at once and is retried until it succeeds (Rasa's database may be down), and it runs once
more after a settling time, because a bot turn still running during the deletion may write
events after the first purge.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Optional, Sequence

from handoff.db.models import utcnow
from handoff.db.store import Store
from handoff.rasa.tracker import RasaTracker
from handoff.settings import Settings

logger = logging.getLogger(__name__)
BATCH = 500
SETTLE = dt.timedelta(minutes=2)  # a deletion job purges again this long after the request
MAX_RETRY_DELAY = dt.timedelta(hours=1)


async def delete_now(store: Store, tracker: Optional[RasaTracker], conversation_ids: Sequence[str]) -> list[str]:
    """Delete conversations everywhere (the citizen asked); returns the ids that existed."""
    deleted = await store.delete_conversations(conversation_ids, rasa_job=tracker is not None)
    if deleted and tracker is not None:
        await run_jobs(store, tracker, deleted)
    return deleted


async def run_jobs(store: Store, tracker: RasaTracker, conversation_ids: Optional[Sequence[str]] = None) -> int:
    """Purge Rasa's copy for deletion jobs that are due (or the given ones); returns how many
    jobs are finished. A job whose purge fails is retried later with a growing delay."""
    ids = list(conversation_ids) if conversation_ids is not None else await store.due_deletion_jobs()
    if not ids:
        return 0
    try:
        await tracker.purge(ids)
    except Exception as error:  # noqa: BLE001 - any failure: the jobs stay and are retried
        logger.warning(
            "could not delete %d conversation(s) in Rasa's tracker (%s); will retry", len(ids), type(error).__name__
        )
        attempts = await store.deletion_job_attempts(ids)
        delay = min(MAX_RETRY_DELAY, dt.timedelta(seconds=10 * 2 ** min(attempts, 12)))
        await store.deletion_jobs_failed(ids, delay)
        return 0
    settled, pending = await store.deletion_jobs_settled(ids, utcnow() - SETTLE)
    if settled:
        await store.deletion_jobs_done(settled)
    if pending:
        await store.deletion_jobs_postpone(pending, SETTLE)
    return len(settled)


async def expire(store: Store, days: float, tracker: Optional[RasaTracker], now: Optional[dt.datetime] = None) -> int:
    """Delete conversations without activity for ``days`` that no person is handling.

    The deleting statement checks the conditions again, so a conversation that became active
    between finding and deleting it is kept."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    total = 0
    while True:
        candidates = await store.expired_conversations(cutoff, BATCH)
        if not candidates:
            break
        deleted = await store.delete_conversations(
            candidates, still=store.expired_conditions(cutoff), rasa_job=tracker is not None
        )
        total += len(deleted)
        if tracker is not None and deleted:
            await run_jobs(store, tracker, deleted)
        if len(candidates) < BATCH or not deleted:
            break
    if total:
        await store.audit(None, "retention_deleted", None, {"conversations": total, "days": days})
        logger.info("retention: deleted %d conversations without activity for %s days", total, days)
    return total


async def expire_cases(store: Store, settings: Settings, now: Optional[dt.datetime] = None) -> dict[str, int]:
    """Delete cases done longer ago than their kind's retention (with their timeline, the chat copy
    and their mails), and the outbox's copies of old mails. Logs and audits counts, never content."""
    moment = now or utcnow()
    counts: dict[str, int] = {}
    for name, kinds, days in (
        ("cases", ("request", "defect"), settings.case_retention_days),
        ("complaints", ("complaint",), settings.complaint_retention_days),
    ):
        if days > 0:
            counts[name] = len(await store.cases.delete_done(kinds, moment - dt.timedelta(days=days)))
    if settings.case_retention_days > 0:  # mail that matched no case, with its pictures
        before = moment - dt.timedelta(days=settings.case_retention_days)
        counts["unassigned mails"] = await store.cases.forget_unassigned_mail(before)
    if settings.mail_retention_days > 0:
        counts["mails"] = await store.cases.forget_mails(moment - dt.timedelta(days=settings.mail_retention_days))
    if any(counts.values()):
        await store.audit(None, "retention_deleted_cases", None, counts)
        logger.info("retention: deleted %s", ", ".join(f"{n} {name}" for name, n in counts.items()))
    return counts
