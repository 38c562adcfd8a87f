"""Which agents are connected, with which status and departments, across gateway processes.

Each process knows its own sockets. Without Redis that is the whole truth (one process). With
Redis every process publishes its agents under its own key with a short TTL and refreshes it on
every change and every few seconds, so a crashed process's agents vanish by themselves and a
restarted Redis is repopulated within one heartbeat: nothing here needs to survive a restart.

Unknown is not absent: when Redis cannot be read, ``agents()`` raises ``PresenceUnknown``
instead of answering with this process's agents only, so no chat is taken from an agent who is
connected to another process (the housekeeping waits until Redis answers again).
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Optional

import redis.asyncio as aioredis
from redis.exceptions import RedisError
from redis.typing import EncodableT, FieldT

logger = logging.getLogger(__name__)

ONLINE = "online"
AWAY = "away"
STATUSES = (ONLINE, AWAY)
KEY_PREFIX = "citychat:presence:"
GONE_PREFIX = "citychat:gone:"
TTL_SECONDS = 30


class PresenceUnknown(Exception):
    """Redis could not be read: who is online is unknown, which is not the same as nobody."""


@dataclass
class AgentPresence:
    status: str
    departments: tuple[str, ...]


@dataclass
class _Local:
    sockets: dict[int, set[str]] = field(default_factory=dict)
    info: dict[int, AgentPresence] = field(default_factory=dict)
    gone: dict[int, float] = field(default_factory=dict)


class Presence:
    """In-process presence (the embedded default)."""

    def __init__(self) -> None:
        self._local = _Local()
        self._started = time.time()

    async def connected(self, user_id: int, sid: str, departments: tuple[str, ...]) -> None:
        self._local.sockets.setdefault(user_id, set()).add(sid)
        current = self._local.info.get(user_id)
        self._local.info[user_id] = AgentPresence(current.status if current else ONLINE, departments)
        self._local.gone.pop(user_id, None)
        await self._publish()

    async def disconnected(self, user_id: int, sid: str) -> bool:
        """Returns True when this was the agent's last socket in this process."""
        sockets = self._local.sockets.get(user_id, set())
        sockets.discard(sid)
        last = not sockets
        if last:
            self._local.sockets.pop(user_id, None)
            self._local.info.pop(user_id, None)
            self._local.gone[user_id] = time.time()
        await self._publish()
        if last:
            await self._mark_gone(user_id)
        return last

    async def set_status(self, user_id: int, status: str) -> None:
        if user_id in self._local.info:
            self._local.info[user_id].status = status
            await self._publish()

    async def agents(self) -> dict[int, AgentPresence]:
        """Every connected agent (any process); raises PresenceUnknown when that cannot be known."""
        return dict(self._local.info)

    async def agents_or_local(self) -> dict[int, AgentPresence]:
        """For display: every connected agent, or this process's agents while Redis is down."""
        try:
            return await self.agents()
        except PresenceUnknown:
            return dict(self._local.info)

    async def departments_with_agents_online(self) -> set[str]:
        """Raises PresenceUnknown when that cannot be known."""
        return {d for p in (await self.agents()).values() if p.status == ONLINE for d in p.departments}

    async def ping(self) -> bool:
        """Whether the shared presence store answers (always, without Redis)."""
        return True

    async def offline_since(self, user_id: int) -> Optional[float]:
        """When the agent's last socket went away; None while connected anywhere."""
        if user_id in await self.agents():
            return None
        return self._local.gone.get(user_id, self._started)

    async def heartbeat(self) -> None:
        await self._publish()

    async def close(self) -> None:
        return None

    async def _publish(self) -> None:
        return None

    async def _mark_gone(self, user_id: int) -> None:
        return None


class RedisPresence(Presence):
    """Presence shared over Redis by several gateway processes."""

    def __init__(self, client: aioredis.Redis) -> None:
        super().__init__()
        self._redis = client
        self._key = KEY_PREFIX + uuid.uuid4().hex
        self._unavailable = False

    async def agents(self) -> dict[int, AgentPresence]:
        merged = dict(self._local.info)
        try:
            async for key in self._redis.scan_iter(match=KEY_PREFIX + "*", count=100):
                if key == self._key:
                    continue
                for raw_user, raw_value in (await self._redis.hgetall(key)).items():
                    try:
                        value = json.loads(raw_value)
                        user_id = int(raw_user)
                        status, departments = str(value["status"]), tuple(value["departments"])
                    except (ValueError, KeyError, TypeError):
                        continue  # one unreadable entry (another version's?) is skipped, not fatal
                    seen = merged.get(user_id)
                    if seen is None or (seen.status != ONLINE and status == ONLINE):
                        merged[user_id] = AgentPresence(status, departments)
        except (RedisError, OSError) as error:
            self._warn_unavailable(error)
            raise PresenceUnknown from error
        self._unavailable = False
        return merged

    def _warn_unavailable(self, error: BaseException) -> None:
        if not self._unavailable:
            logger.warning("presence: Redis unavailable (%s); who is online is unknown", type(error).__name__)
        self._unavailable = True

    async def offline_since(self, user_id: int) -> Optional[float]:
        if user_id in await self.agents():
            return None
        now = time.time()
        try:
            await self._redis.set(GONE_PREFIX + str(user_id), str(now), nx=True, ex=86400)
            stored = await self._redis.get(GONE_PREFIX + str(user_id))
            return float(stored) if stored else now
        except (RedisError, OSError, ValueError) as error:
            self._warn_unavailable(error)
            raise PresenceUnknown from error

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self._redis.delete(self._key)
        await self._redis.aclose()

    async def _publish(self) -> None:
        mapping: dict[FieldT, EncodableT] = {
            str(user_id): json.dumps({"status": p.status, "departments": list(p.departments)})
            for user_id, p in self._local.info.items()
        }
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.delete(self._key)
                if mapping:
                    pipe.hset(self._key, mapping=mapping)
                    pipe.expire(self._key, TTL_SECONDS)
                for user_id in self._local.info:
                    pipe.delete(GONE_PREFIX + str(user_id))
                await pipe.execute()
        except (RedisError, OSError) as error:
            self._warn_unavailable(error)

    async def _mark_gone(self, user_id: int) -> None:
        try:
            if user_id not in await self.agents():
                await self._redis.set(GONE_PREFIX + str(user_id), str(time.time()), nx=True, ex=86400)
        except PresenceUnknown:
            return  # counted from when Redis answers again
        except (RedisError, OSError) as error:
            self._warn_unavailable(error)
