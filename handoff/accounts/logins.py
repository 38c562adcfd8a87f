"""Login sessions: server-side rows behind an HttpOnly, SameSite=Strict cookie.

A login ends at its absolute lifetime (``SESSION_HOURS``), after ``SESSION_IDLE_MINUTES``
without use, at logout, when the password changes, and when the account is deactivated. Use is
any authenticated request and any open console socket (checked every few seconds, see
agent.py), the way an SSO session stays alive while its application is open.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Iterable, Optional

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handoff.accounts.cookies import token_hash
from handoff.accounts.identity import Identity, identity_of
from handoff.db.models import AgentDepartment, LoginSession, User, aware, utcnow

TOUCH_EVERY = dt.timedelta(seconds=60)  # last_seen_at is written at most this often per login


@dataclass(frozen=True)
class Lifetimes:
    absolute: dt.timedelta
    idle: dt.timedelta


class Logins:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], lifetimes: Lifetimes) -> None:
        self.sessions = sessions
        self.lifetimes = lifetimes

    async def start(self, user: User) -> tuple[str, Identity]:
        """A new login; returns the cookie's token (only its hash is stored) and the identity."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        async with self.sessions.begin() as session:
            session.add(
                LoginSession(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + self.lifetimes.absolute,
                )
            )
            await session.execute(delete(LoginSession).where(self._expired(now)))
            identity = await identity_of(session, user)
        return token, identity

    def _expired(self, now: dt.datetime) -> ColumnElement[bool]:
        return or_(LoginSession.expires_at < now, LoginSession.last_seen_at < now - self.lifetimes.idle)

    async def identity(self, token: Optional[str], touch: bool = True) -> Optional[Identity]:
        """Who a cookie's token belongs to, if the login is still valid; counts as use."""
        if not token or len(token) > 200:
            return None
        resolved = await self.identities([token_hash(token)], touch=touch)
        return resolved.get(token_hash(token))

    async def identities(self, hashes: Iterable[str], touch: bool = True) -> dict[str, Identity]:
        """The valid logins among ``hashes`` (token hashes), with their current identities."""
        wanted = sorted(set(hashes))
        if not wanted:
            return {}
        now = utcnow()
        async with self.sessions.begin() as session:
            rows = (
                await session.execute(
                    select(LoginSession.token_hash, LoginSession.expires_at, LoginSession.last_seen_at, User)
                    .join(User, User.id == LoginSession.user_id)
                    .where(LoginSession.token_hash.in_(wanted), User.active.is_(True))
                )
            ).all()
            valid = [
                (hash_, user)
                for hash_, expires_at, last_seen_at, user in rows
                if (aware(expires_at) or now) > now and (aware(last_seen_at) or now) + self.lifetimes.idle > now
            ]
            user_ids = {user.id for _, user in valid}
            departments: dict[int, list[str]] = {}
            if user_ids:
                for user_id, department in (
                    await session.execute(
                        select(AgentDepartment.user_id, AgentDepartment.department).where(
                            AgentDepartment.user_id.in_(user_ids)
                        )
                    )
                ).all():
                    departments.setdefault(user_id, []).append(department)
            valid_hashes = {hash_ for hash_, _ in valid}
            stale = [
                hash_
                for hash_, _, last_seen_at, _ in rows
                if hash_ in valid_hashes and (aware(last_seen_at) or now) < now - TOUCH_EVERY
            ]
            if touch and stale:
                await session.execute(
                    update(LoginSession).where(LoginSession.token_hash.in_(stale)).values(last_seen_at=now)
                )
        return {hash_: Identity.of(user, tuple(departments.get(user.id, []))) for hash_, user in valid}

    async def end(self, token: Optional[str]) -> Optional[str]:
        """Logout; returns the ended login's token hash."""
        if not token:
            return None
        hash_ = token_hash(token)
        async with self.sessions.begin() as session:
            await session.execute(delete(LoginSession).where(LoginSession.token_hash == hash_))
        return hash_
