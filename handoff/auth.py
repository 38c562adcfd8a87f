"""Accounts: roles, identities and argon2 password hashes. Roles come from the database only,
never from a request's payload. Login sessions are in logins.py, login throttling in throttle.py."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.db.models import AgentDepartment, User

COOKIE_NAME = "citychat_session"
# With COOKIE_SECURE the cookie carries the __Host- prefix: browsers then accept it only when
# Secure, for path "/" and without a Domain, so no other host of the city's domain can set it.
SECURE_COOKIE_NAME = "__Host-citychat_session"
ROLES = ("agent", "supervisor", "editor", "admin")
CONSOLE_ROLES = frozenset({"agent", "supervisor", "admin"})
SUPERVISOR_ROLES = frozenset({"supervisor", "admin"})
# argon2 takes tens of milliseconds of CPU and 64 MiB per check: at most this many at once, in
# threads, so a burst of logins neither stalls the event loop nor exhausts memory.
CONCURRENT_PASSWORD_CHECKS = 2

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


def identity_json(identity: Identity) -> dict[str, Any]:
    return {
        "id": identity.user_id,
        "username": identity.username,
        "display_name": identity.display_name,
        "role": identity.role,
        "departments": list(identity.departments),
        "max_chats": identity.max_chats,
    }


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class PasswordChecker:
    """Verifies passwords in worker threads, a bounded number at a time."""

    def __init__(self, concurrency: int = CONCURRENT_PASSWORD_CHECKS) -> None:
        self._slots = asyncio.Semaphore(concurrency)

    async def verify(self, password_hash: Optional[str], password: str) -> bool:
        async with self._slots:
            if password_hash is None:  # no such account: spend the same time, then refuse
                await asyncio.to_thread(verify_password, _DUMMY_HASH, password)
                return False
            return await asyncio.to_thread(verify_password, password_hash, password)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cookie_name(secure: bool) -> str:
    return SECURE_COOKIE_NAME if secure else COOKIE_NAME


def cookie_token(cookie_header: Optional[str], name: str = COOKIE_NAME) -> Optional[str]:
    if not cookie_header:
        return None
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(cookie_header)
    except CookieError:  # a malformed Cookie header is simply no login
        return None
    morsel = cookie.get(name)
    return morsel.value if morsel and morsel.value else None


async def identity_of(session: AsyncSession, user: User) -> Identity:
    departments = (
        await session.scalars(select(AgentDepartment.department).where(AgentDepartment.user_id == user.id))
    ).all()
    return Identity(user.id, user.username, user.display_name, user.role, tuple(sorted(departments)), user.max_chats)
