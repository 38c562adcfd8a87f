"""The Socket.IO server: python-socketio with a cap on connections per address and a Redis
manager that degrades instead of stalling.

- Engine.IO sessions are counted per client address when they open, before any namespace is
  joined, so a script cannot hold thousands of half-open sessions.
- With Redis, an event is delivered to this process's sockets first and then published for the
  other processes (python-socketio's order). While Redis is down, publishing is skipped after
  one quick failure instead of being tried (and logged) for every event; relaying within one
  process goes on. When the subscription is back, every socket of this process gets a
  ``resync`` event so clients fetch what they may have missed from the other processes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, AsyncIterator

import socketio

from handoff import jsonsafe
from handoff.settings import Settings
from handoff.transport import addresses, lognoise
from handoff.transport.packets import SafePacket

logger = logging.getLogger(__name__)

RESYNC = "resync"
NAMESPACES = ("/", "/agent")
PUBLISH_TIMEOUT_SECONDS = 2.0
RETRY_AFTER_FAILURE_SECONDS = 1.0
MAX_RESUBSCRIBE_DELAY_SECONDS = 2.0


class LocalManager(socketio.AsyncManager):  # type: ignore[misc]
    """The rooms of a single process. An emit to a room with nobody to send to returns before
    the packet is built: a citizen's echo to their other tabs, sent with every message, usually
    has no one to go to, and building it cost a tenth of a relayed message. (With Redis, other
    processes may hold members of any room, so ResilientRedisManager always publishes.)"""

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        room = to or room
        if isinstance(room, str) and not self.reaches(namespace, room, skip_sid):
            return
        await super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs)

    def reaches(self, namespace: str, room: str, skip_sid: Any = None) -> bool:
        """Whether the room holds a member other than ``skip_sid``."""
        members = self.rooms.get(namespace, {}).get(room)
        if not members:
            return False
        skipped = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        return any(sid not in skipped for sid in members)


class ResilientRedisManager(socketio.AsyncRedisManager):  # type: ignore[misc]
    connected: bool  # python-socketio's: whether its Redis client is set up

    def __init__(self, url: str, channel: str) -> None:
        super().__init__(url, channel=channel, redis_options={"socket_connect_timeout": 2, "socket_keepalive": True})
        self._publish_paused_until = 0.0
        self._publish_failing = False

    async def _publish(self, data: Any) -> None:
        now = time.monotonic()
        if now < self._publish_paused_until:
            return  # Redis was down a moment ago: deliver locally only
        try:
            if not self.connected:  # python-socketio's flag: reconnect after a failure
                self._redis_connect()
            async with asyncio.timeout(PUBLISH_TIMEOUT_SECONDS):
                await self.redis.publish(self.channel, self.json.dumps(data))
        except Exception as error:  # noqa: BLE001 - any failure: this process goes on alone for a moment
            self.connected = False
            self._publish_paused_until = now + RETRY_AFTER_FAILURE_SECONDS
            if not self._publish_failing:
                logger.warning("Redis unavailable (%s): relaying within this process only", type(error).__name__)
            self._publish_failing = True
            return
        if self._publish_failing:
            logger.info("Redis available again: relaying across processes")
        self._publish_failing = False

    async def _redis_listen_with_retries(self) -> AsyncIterator[Any]:
        """python-socketio's listener, with a short retry delay (it backs off to 60 s) and a
        resync of this process's clients after every recovery."""
        delay = 0.25
        subscribed = False
        failed = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    await self.pubsub.subscribe(self.channel)
                    subscribed = True
                    delay = 0.25
                    if failed:
                        failed = False
                        logger.info("Redis subscription restored")
                        await self._resync_local_clients()
                async for message in self.pubsub.listen():
                    yield message
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - reconnect whatever went wrong
                if not failed:
                    logger.warning("Redis subscription lost (%s); reconnecting", type(error).__name__)
                failed = True
                subscribed = False
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RESUBSCRIBE_DELAY_SECONDS)

    async def _resync_local_clients(self) -> None:
        for namespace in NAMESPACES:
            await self.server.emit(RESYNC, {}, namespace=namespace, ignore_queue=True)


class CityChatServer(socketio.AsyncServer):  # type: ignore[misc]
    """python-socketio's server with at most ``max_connections_per_ip`` Engine.IO sessions per address."""

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._trusted_proxy_hops = settings.trusted_proxy_hops
        self._max_per_address = settings.max_connections_per_ip
        self._address_of: dict[str, str] = {}
        self._per_address: dict[str, int] = {}

    async def _handle_eio_connect(self, eio_sid: str, environ: dict[str, Any]) -> Any:
        address = addresses.from_environ(environ, self._trusted_proxy_hops)
        if self._per_address.get(address, 0) >= self._max_per_address:
            logger.warning("refused a connection: too many from one address")
            return False  # Engine.IO answers the handshake with 401
        self._per_address[address] = self._per_address.get(address, 0) + 1
        self._address_of[eio_sid] = address
        return await super()._handle_eio_connect(eio_sid, environ)

    async def _handle_eio_disconnect(self, eio_sid: str, reason: Any) -> None:
        try:
            await super()._handle_eio_disconnect(eio_sid, reason)
        finally:
            address = self._address_of.pop(eio_sid, None)
            if address is not None:
                remaining = self._per_address.get(address, 1) - 1
                if remaining > 0:
                    self._per_address[address] = remaining
                else:
                    self._per_address.pop(address, None)

    def connections_from(self, address: str) -> int:
        return self._per_address.get(address, 0)


def create_sio(settings: Settings) -> CityChatServer:
    lognoise.install()
    manager = (
        ResilientRedisManager(settings.redis_url, settings.redis_channel) if settings.redis_url else LocalManager()
    )
    return CityChatServer(
        settings,
        async_mode="aiohttp",
        client_manager=manager,
        # Engine.IO checks the handshake's Origin against both lists; each namespace then admits
        # only its own (citizens: the city's pages, agents: the console).
        cors_allowed_origins=sorted(set(settings.allowed_origins) | set(settings.console_origins)),
        max_http_buffer_size=settings.max_http_buffer_size,
        json=jsonsafe,
        serializer=SafePacket,
        # A client's events are handled one after the other, in the order sent (each socket has
        # its own reader task already); no extra task per event.
        async_handlers=False,
        ping_interval=20,
        ping_timeout=20,
        logger=False,
        engineio_logger=False,
    )
