"""Real python-socketio clients for the gateway tests: a citizen and an agent."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Callable, Optional

import aiohttp
import socketio

ORIGIN = "http://www.musterstadt.test"  # a city page that embeds the widget (ALLOWED_ORIGINS)
CONSOLE_ORIGIN = "http://chat.musterstadt.test"  # where the console is served from (CONSOLE_ORIGINS)
TIMEOUT = 15.0


class Events:
    """Every event a client received, in order; waiters take the first matching unseen one."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Any]] = []
        self._taken: set[int] = set()
        self._changed = asyncio.Condition()

    async def push(self, event: str, data: Any) -> None:
        async with self._changed:
            self.items.append((event, data))
            self._changed.notify_all()

    async def wait_for(
        self, event: str, predicate: Callable[[Any], bool] = lambda _: True, timeout: float = TIMEOUT
    ) -> Any:
        async def find() -> Any:
            async with self._changed:
                while True:
                    for index, (name, data) in enumerate(self.items):
                        if index not in self._taken and name == event and predicate(data):
                            self._taken.add(index)
                            return data
                    await self._changed.wait()

        try:
            return await asyncio.wait_for(find(), timeout)
        except asyncio.TimeoutError:
            seen = [name for name, _ in self.items]
            raise AssertionError(f"no {event!r} event within {timeout} s; received: {seen}") from None

    def skip_all(self) -> None:
        """Forget everything received so far: later waits only see newer events."""
        self._taken.update(range(len(self.items)))

    def all(self, event: str) -> list[Any]:
        return [data for name, data in self.items if name == event]


_created: list[socketio.AsyncClient] = []


def client() -> socketio.AsyncClient:
    """A Socket.IO client whose HTTP session we own, so even a refused one closes cleanly."""
    sio = socketio.AsyncClient(reconnection=False, http_session=aiohttp.ClientSession())
    _created.append(sio)
    return sio


async def dispose(sio: socketio.AsyncClient) -> None:
    """Disconnect (bounded: the server may have been killed) and always close the HTTP session."""
    try:
        if sio.connected:
            await asyncio.wait_for(sio.disconnect(), TIMEOUT)
    except (asyncio.TimeoutError, OSError, aiohttp.ClientError):
        pass  # the connection is gone either way; what matters is the session below
    finally:
        session = sio.eio.http
        if session is not None and not session.closed:
            await session.close()


async def dispose_all() -> None:
    """Close every client a test left open (a failed assertion skips the test's own close)."""
    while _created:
        await dispose(_created.pop())


async def expect_refused(url: str, **connect: Any) -> None:
    """Connecting must fail; the client is cleaned up either way."""
    sio = client()
    try:
        try:
            await sio.connect(url, transports=["websocket"], wait_timeout=TIMEOUT, **connect)
        except socketio.exceptions.ConnectionError:
            return
        raise AssertionError("the connection was accepted")
    finally:
        await dispose(sio)


class Citizen:
    def __init__(self, url: str, origin: Optional[str] = ORIGIN) -> None:
        self.url = url
        self.origin = origin
        self.events = Events()
        self.session_id: Optional[str] = None
        self.sio = client()
        self.sio.on("*", self._any)

    async def _any(self, event: str, *args: Any) -> None:
        await self.events.push(event, args[0] if args else None)

    async def connect(self) -> Citizen:
        headers = {"Origin": self.origin} if self.origin else {}
        try:
            await self.sio.connect(self.url, headers=headers, transports=["websocket"], wait_timeout=TIMEOUT)
        except BaseException:
            await dispose(self.sio)
            raise
        return self

    async def start(self, session_id: Optional[str] = None) -> dict[str, Any]:
        ack: dict[str, Any] = await self.sio.call("session_request", {"session_id": session_id}, timeout=TIMEOUT)
        assert ack["ok"], ack
        self.session_id = ack["session_id"]
        return ack

    async def say(self, text: str, client_id: Optional[str] = None, **custom: Any) -> dict[str, Any]:
        payload = {
            "message": text,
            "session_id": self.session_id,
            "client_id": client_id or uuid.uuid4().hex,
            "customData": custom,
        }
        ack: dict[str, Any] = await self.sio.call("user_uttered", payload, timeout=TIMEOUT)
        return ack

    async def reply(self, predicate: Callable[[Any], bool] = lambda _: True, timeout: float = TIMEOUT) -> Any:
        return await self.events.wait_for("bot_uttered", predicate, timeout)

    async def bot_answer(self, timeout: float = TIMEOUT) -> Any:
        return await self.reply(lambda d: d["metadata"].get("sender") == "bot", timeout)

    async def status(self, state: str, timeout: float = TIMEOUT) -> Any:
        return await self.events.wait_for("handoff_status", lambda d: d.get("state") == state, timeout)

    async def call(self, event: str, data: Any = None) -> Any:
        return await self.sio.call(event, data, timeout=TIMEOUT)

    async def close(self) -> None:
        await dispose(self.sio)


async def login(base_url: str, username: str, password: str, origin: str = CONSOLE_ORIGIN) -> str:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{base_url}/api/login", json={"username": username, "password": password}, headers={"Origin": origin}
        ) as response,
    ):
        assert response.status == 200, await response.text()
        return response.cookies["citychat_session"].value


class Agent:
    def __init__(self, url: str, username: str, password: str, origin: str = CONSOLE_ORIGIN) -> None:
        self.url = url
        self.origin = origin
        self.username = username
        self.password = password
        self.events = Events()
        self.token: Optional[str] = None
        self.sio = client()
        self.sio.on("*", self._any, namespace="/agent")

    async def _any(self, event: str, *args: Any) -> None:
        await self.events.push(event, args[0] if args else None)

    async def connect(self) -> Agent:
        try:
            self.token = self.token or await login(self.url, self.username, self.password, self.origin)
            await self.sio.connect(
                self.url,
                namespaces=["/agent"],
                transports=["websocket"],
                wait_timeout=TIMEOUT,
                headers={"Origin": self.origin, "Cookie": f"citychat_session={self.token}"},
            )
        except BaseException:
            await dispose(self.sio)
            raise
        return self

    async def call(self, event: str, data: Any = None) -> Any:
        return await self.sio.call(event, data, namespace="/agent", timeout=TIMEOUT)

    async def close(self) -> None:
        await dispose(self.sio)
