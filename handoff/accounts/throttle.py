"""Login throttling with growing delays, never a lockout (like Keycloak's brute-force detection
or django-axes, but keyed so an attacker cannot lock a real user out).

Failures are counted twice: per account *and* address, and per address alone. After the free
attempts of a key, every further failure makes the next attempt wait 1, 2, 4, ... seconds, up
to ``LOGIN_MAX_DELAY_SECONDS``. A guessing attack on one account from one address slows to a
few attempts an hour, while the account's owner, at their own address, logs in as usual; the
per-address count slows an address that tries many accounts. A successful login clears its
account-and-address count. Counts live in the database, so every gateway process sees them,
and are forgotten a day after their last failure. Keys are hashes: no name or address is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handoff.db.models import LoginFailure, aware, utcnow

FORGET_AFTER = dt.timedelta(days=1)


@dataclass(frozen=True)
class ThrottleSettings:
    free_attempts: int  # per account and address
    address_free_attempts: int  # per address, any account
    max_delay_seconds: float


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def delay_after(failures: int, free: int, maximum: float) -> float:
    """Seconds to wait after the ``failures``-th failure: 0 while free, then doubling."""
    if failures <= free:
        return 0.0
    return float(min(maximum, 2.0 ** min(failures - free - 1, 30)))


class LoginThrottle:
    """``scope``: what is guessed; logins, and (``"case-proof"``) the access proof of a case, where
    the reference number takes the place of the account."""

    def __init__(self, engine: AsyncEngine, settings: ThrottleSettings, scope: str = "login") -> None:
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.settings = settings
        self._scope = () if scope == "login" else (scope,)
        self._insert = postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert

    def _keys(self, username: str, address: str) -> tuple[str, str]:
        account = _key(*self._scope, "account", username.strip().lower(), address)
        return account, _key(*self._scope, "address", address)

    async def wait_seconds(self, username: str, address: str) -> float:
        """How long this account and address must still wait before the next attempt (0: go)."""
        keys = self._keys(username, address)
        now = utcnow()
        async with self.sessions() as session:
            until = (await session.scalars(select(LoginFailure.blocked_until).where(LoginFailure.key.in_(keys)))).all()
        waits = [(aware(moment) - now).total_seconds() for moment in until if moment is not None]  # type: ignore[operator]
        return max([0.0, *waits])

    async def failed(self, username: str, address: str) -> None:
        account, per_address = self._keys(username, address)
        now = utcnow()
        async with self.sessions.begin() as session:
            for key, free in (
                (account, self.settings.free_attempts),
                (per_address, self.settings.address_free_attempts),
            ):
                failures = await self._count(session, key, now)
                delay = delay_after(failures, free, self.settings.max_delay_seconds)
                if delay:
                    row = await session.get(LoginFailure, key)
                    if row is not None:
                        row.blocked_until = now + dt.timedelta(seconds=delay)

    async def _count(self, session: AsyncSession, key: str, now: dt.datetime) -> int:
        """Add one failure to ``key`` (atomically across processes); returns the new count."""
        upsert = (
            self._insert(LoginFailure)
            .values(key=key, failures=1, last_failure_at=now)
            .on_conflict_do_update(
                index_elements=[LoginFailure.key],
                set_={"failures": LoginFailure.failures + 1, "last_failure_at": now},
            )
            .returning(LoginFailure.failures)
        )
        return int((await session.execute(upsert)).scalar_one())

    async def succeeded(self, username: str, address: str) -> None:
        account, _ = self._keys(username, address)
        async with self.sessions.begin() as session:
            await session.execute(delete(LoginFailure).where(LoginFailure.key == account))

    async def forget_old(self) -> None:
        async with self.sessions.begin() as session:
            await session.execute(delete(LoginFailure).where(LoginFailure.last_failure_at < utcnow() - FORGET_AFTER))
