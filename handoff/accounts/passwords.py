"""Password hashes (argon2), checked in worker threads a bounded number at a time: argon2 takes
tens of milliseconds of CPU and 64 MiB per check, so a burst of logins neither stalls the event
loop (and every live chat of the process) nor exhausts memory."""

from __future__ import annotations

import asyncio
import secrets
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
CONCURRENT_CHECKS = 2

_hasher = PasswordHasher()
# Verified against when the user does not exist, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not-a-password-" + secrets.token_hex(8))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class PasswordChecker:
    def __init__(self, concurrency: int = CONCURRENT_CHECKS) -> None:
        self._slots = asyncio.Semaphore(concurrency)

    async def verify(self, password_hash: Optional[str], password: str) -> bool:
        """``password_hash`` None (no such account): the same time is spent, then refused."""
        async with self._slots:
            if password_hash is None:
                await asyncio.to_thread(verify_password, _DUMMY_HASH, password)
                return False
            return await asyncio.to_thread(verify_password, password_hash, password)
