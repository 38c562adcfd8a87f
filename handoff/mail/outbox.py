"""The outbox: e-mails are stored first (in the transaction of what caused them) and sent by a
job of every gateway process, so a mail server that is down delays mail but loses none.

Each due mail is claimed with a conditional update before it is sent (the process that claims
it sends it; the others skip it), and the claim expires: a process that died while sending
leaves the mail to be sent again later (at least once, with the same Message-ID). A mail that
failed waits 30 s, 1, 2, 4 ... minutes (at most an hour) before the next attempt and is given up
after MAX_ATTEMPTS, about a day; the log says how many were sent and failed, never to whom.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Optional

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handoff.db.models import OutgoingMail, utcnow
from handoff.mail.messages import Mail
from handoff.mail.sender import MailFailed, SmtpSender

logger = logging.getLogger(__name__)

CLAIM = dt.timedelta(minutes=2)  # longer than a send may take (SMTP_TIMEOUT)
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=1)
MAX_ATTEMPTS = 30
BATCH = 50


def retry_after(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    wait: dt.timedelta = FIRST_RETRY * 2 ** min(attempts - 1, 20)
    return min(LONGEST_RETRY, wait)


def queue(session: AsyncSession, mail: Mail, case_id: Optional[int] = None) -> None:
    """Add ``mail`` to the outbox in the caller's transaction."""
    session.add(
        OutgoingMail(
            case_id=case_id,
            to_address=mail.to_address,
            subject=mail.subject,
            body=mail.body,
            message_id=mail.message_id,
            reply_to=mail.reply_to,
            in_reply_to=mail.in_reply_to,
        )
    )


class Outbox:
    def __init__(self, engine: AsyncEngine, sender: SmtpSender) -> None:
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.sender = sender
        self.wake = asyncio.Event()  # set when this process queued a mail: no need to wait for the interval

    async def deliver_due(self) -> tuple[int, int]:
        """Send what is due; returns (sent, failed). Without SMTP_HOST the mails wait."""
        if not self.sender.configured:
            return 0, 0
        sent = failed = 0
        now = utcnow()
        async with self.sessions() as session:
            due = (
                await session.scalars(
                    select(OutgoingMail.id)
                    .where(
                        OutgoingMail.sent_at.is_(None),
                        OutgoingMail.failed_at.is_(None),
                        OutgoingMail.next_attempt_at <= now,
                        or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now),
                    )
                    .order_by(OutgoingMail.next_attempt_at)
                    .limit(BATCH)
                )
            ).all()
        for mail_id in due:
            mail = await self._claim(mail_id)
            if mail is None:
                continue  # another process took it
            try:
                outgoing = Mail(
                    mail.to_address, mail.subject, mail.body, mail.message_id, mail.reply_to, mail.in_reply_to
                )
                await self.sender.send(outgoing, utcnow())
            except MailFailed as error:
                failed += 1
                await self._failed(mail, str(error))
            else:
                sent += 1
                await self._done(mail.id, sent_at=utcnow(), claimed_until=None, last_error=None)
        if sent or failed:
            logger.info("outbox: %d mails sent, %d failed (will be retried)", sent, failed)
        return sent, failed

    async def _claim(self, mail_id: int) -> Optional[OutgoingMail]:
        now = utcnow()
        async with self.sessions.begin() as session:
            return (
                await session.scalars(
                    update(OutgoingMail)
                    .where(
                        OutgoingMail.id == mail_id,
                        OutgoingMail.sent_at.is_(None),
                        OutgoingMail.failed_at.is_(None),
                        or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now),
                    )
                    .values(claimed_until=now + CLAIM, attempts=OutgoingMail.attempts + 1)
                    .returning(OutgoingMail)
                )
            ).one_or_none()

    async def _failed(self, mail: OutgoingMail, error: str) -> None:
        now = utcnow()
        if mail.attempts >= MAX_ATTEMPTS:
            logger.warning("outbox: gave up a mail after %d attempts (%s)", mail.attempts, error)
            await self._done(mail.id, failed_at=now, claimed_until=None, last_error=error[:200])
            return
        await self._done(
            mail.id, next_attempt_at=now + retry_after(mail.attempts), claimed_until=None, last_error=error[:200]
        )

    async def _done(self, mail_id: int, **values: object) -> None:
        async with self.sessions.begin() as session:
            await session.execute(update(OutgoingMail).where(OutgoingMail.id == mail_id).values(**values))

    async def pending(self) -> int:
        """Mails not yet sent and not given up (for /readyz and the operators)."""
        async with self.sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(OutgoingMail)
                .where(OutgoingMail.sent_at.is_(None), OutgoingMail.failed_at.is_(None))
            )
            return int(count or 0)

    async def run(self, interval: float) -> None:
        """The mail job: deliver, then sleep until the interval ends or a new mail wakes it."""
        while True:
            self.wake.clear()  # before delivering: a mail queued meanwhile starts the next round at once
            try:
                await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("outbox: delivery failed; retrying")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.wake.wait(), interval)
