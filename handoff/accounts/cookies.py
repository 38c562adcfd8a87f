"""The login cookie: its name and reading it from a Cookie header. The token travels only in
the cookie; the database keeps its SHA-256."""

from __future__ import annotations

import hashlib
from http.cookies import CookieError, SimpleCookie
from typing import Optional

COOKIE_NAME = "citychat_session"
# With COOKIE_SECURE the cookie carries the __Host- prefix: browsers then accept it only when
# Secure, for path "/" and without a Domain, so no other host of the city's domain can set it.
SECURE_COOKIE_NAME = "__Host-citychat_session"


def cookie_name(secure: bool) -> str:
    return SECURE_COOKIE_NAME if secure else COOKIE_NAME


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
