"""Rasa over HTTP: the REST channel for citizens' messages, the tracker API for hand-backs.

One aiohttp session with an explicit timeout for every call: a citizen must hear something
within seconds even when Rasa or its action server hangs (Rasa itself waits up to 300 s for
the action server).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional

import aiohttp

logger = logging.getLogger(__name__)


class BotUnavailable(Exception):
    """Rasa did not answer in time, or answered with an error."""


class RasaClient:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str, timeout: float) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout)

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
            params={"include_events": "NONE", **self._auth()},
        )

    async def ready(self) -> bool:
        try:
            await self._request("GET", "/version")
        except BotUnavailable:
            return False
        return True

    def _auth(self) -> dict[str, str]:
        return {"token": self._token} if self._token else {}

    async def _request(self, method: str, path: str, json: Any = None, params: Optional[dict[str, str]] = None) -> Any:
        try:
            async with self._session.request(
                method, self._base_url + path, json=json, params=params, timeout=self._timeout
            ) as response:
                if response.status >= 400:
                    raise BotUnavailable(f"Rasa answered HTTP {response.status} to {method} {path}")
                if response.content_type == "application/json":
                    return await response.json()
                return await response.text()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise BotUnavailable(f"Rasa did not answer {method} {path}: {type(error).__name__}") from error
