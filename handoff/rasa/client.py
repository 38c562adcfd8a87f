"""Rasa over HTTP: the REST channel for citizens' messages, the tracker API for hand-backs.

One aiohttp session with an explicit timeout for every call: a citizen must hear something
within seconds even when Rasa or its action server hangs (Rasa itself waits up to 300 s for
the action server).

Authentication: Rasa runs with JWT authentication (``bot/serve.py``: ``--jwt-secret`` from
RASA_TOKEN, HS256). Every request carries ``Authorization: Bearer <JWT>``, signed with the same
RASA_TOKEN, with the payload Rasa's ``requires_auth`` checks (``user.role == "admin"``) and a
short ``exp``; a new JWT is made shortly before the old one expires. The token itself never
travels, and nothing secret is in a URL (access logs, proxies and error messages keep URLs).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Callable, Optional

import aiohttp
import jwt

logger = logging.getLogger(__name__)

JWT_ALGORITHM = "HS256"
JWT_USER = {"username": "citychat-gateway", "role": "admin"}
JWT_LIFETIME_SECONDS = 300  # short: a JWT that leaks is useless after minutes
JWT_RENEW_SECONDS = 60  # make a new one this long before the old one expires


class BotUnavailable(Exception):
    """Rasa did not answer in time, or answered with an error."""


def rasa_jwt(secret: str, now: float, lifetime: float = JWT_LIFETIME_SECONDS) -> tuple[str, int]:
    """A JWT for Rasa's HTTP API signed with ``secret``, and its expiry (Unix seconds)."""
    expires = int(now + lifetime)
    token = jwt.encode({"user": dict(JWT_USER), "exp": expires}, secret, algorithm=JWT_ALGORITHM)
    return token, expires


class RasaClient:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str, timeout: float) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._clock: Callable[[], float] = time.time
        self._jwt: Optional[str] = None
        self._jwt_expires = 0

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """One citizen message through the REST channel; the bot's replies of this turn."""
        body = {"sender": conversation_id, "message": text, "metadata": metadata}
        result = await self._request("POST", "/webhooks/rest/webhook", json=body)
        return result if isinstance(result, list) else []

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        """Tell Rasa's tracker what happened while a person owned the conversation."""
        await self._request(
            "POST",
            f"/conversations/{conversation_id}/tracker/events",
            json=events,
            params={"include_events": "NONE"},
        )

    async def ready(self) -> bool:
        try:
            await self._request("GET", "/version")
        except BotUnavailable:
            return False
        return True

    def _headers(self) -> dict[str, str]:
        """``Authorization`` with a valid JWT (none without a token: Rasa without authentication)."""
        if not self._token:
            return {}
        now = self._clock()
        if self._jwt is None or now >= self._jwt_expires - JWT_RENEW_SECONDS:
            try:
                self._jwt, self._jwt_expires = rasa_jwt(self._token, now)
            except jwt.PyJWTError as error:  # e.g. a key that looks like a PEM or JWK
                raise BotUnavailable(f"RASA_TOKEN cannot sign a JWT: {type(error).__name__}") from None
        return {"Authorization": f"Bearer {self._jwt}"}

    async def _request(self, method: str, path: str, json: Any = None, params: Optional[dict[str, str]] = None) -> Any:
        headers = self._headers()
        try:
            async with self._session.request(
                method, self._base_url + path, json=json, params=params, headers=headers, timeout=self._timeout
            ) as response:
                if response.status >= 400:
                    raise BotUnavailable(f"Rasa answered HTTP {response.status} to {method} {path}")
                if response.content_type == "application/json":
                    return await response.json()
                return await response.text()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise BotUnavailable(f"Rasa did not answer {method} {path}: {type(error).__name__}") from error
