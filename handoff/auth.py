"""Accounts and logins: argon2 password hashes, server-side login sessions behind an HttpOnly,
SameSite=Strict cookie. Roles come from the database only, never from a request's payload."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.db.models import AgentDepartment, LoginSession, User, aware, utcnow

COOKIE_NAME = "citychat_session"
ROLES = ("agent", "supervisor", "editor", "admin")
CONSOLE_ROLES = frozenset({"agent", "supervisor", "admin"})
SUPERVISOR_ROLES = frozenset({"supervisor", "admin"})

_hasher = PasswordHasher()
# Verified against when the user does not exist, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not-a-password-" + secrets.token_hex(8))


@dataclass(frozen=True)
class Identity:
    """Who is behind a login session, as the database says."""

    user_id: int
    username: str
    display_name: str
    role: str
    departments: tuple[str, ...]
    max_chats: int

    @property
    def is_supervisor(self) -> bool:
        return self.role in SUPERVISOR_ROLES


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cookie_token(cookie_header: Optional[str]) -> Optional[str]:
    if not cookie_header:
        return None
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(cookie_header)
    except Exception:  # noqa: BLE001 - a malformed Cookie header is simply no login
        return None
    morsel = cookie.get(COOKIE_NAME)
    return morsel.value if morsel and morsel.value else None


async def identity_of(session: AsyncSession, user: User) -> Identity:
    departments = (
        await session.scalars(select(AgentDepartment.department).where(AgentDepartment.user_id == user.id))
    ).all()
    return Identity(user.id, user.username, user.display_name, user.role, tuple(sorted(departments)), user.max_chats)


async def authenticate(session: AsyncSession, username: str, password: str) -> Optional[User]:
    user = await session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


async def start_login(session: AsyncSession, user: User, hours: float) -> str:
    """Create a login session; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        LoginSession(
            token_hash=token_hash(token), user_id=user.id, created_at=now, expires_at=now + dt.timedelta(hours=hours)
        )
    )
    await session.execute(delete(LoginSession).where(LoginSession.expires_at < now))
    return token


async def identity_for_token(session: AsyncSession, token: Optional[str]) -> Optional[Identity]:
    if not token or len(token) > 200:
        return None
    row = await session.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash(token)))
    if row is None or (aware(row.expires_at) or utcnow()) < utcnow():
        return None
    user = await session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return await identity_of(session, user)


async def end_login(session: AsyncSession, token: Optional[str]) -> None:
    if token:
        await session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))
