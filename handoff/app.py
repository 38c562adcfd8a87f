"""The gateway: one aiohttp application with python-socketio attached, built by one factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator

import aiohttp
import redis.asyncio as aioredis
import socketio
from aiohttp import web

import kb
from handoff import jsonsafe, lognoise
from handoff.agent import AgentNamespace
from handoff.api import setup_api
from handoff.citizen import CitizenNamespace
from handoff.conversations import Conversations
from handoff.db.engine import create_engine, migrate
from handoff.health import setup_health
from handoff.keys import (
    CANNED,
    CITY,
    CONVERSATIONS,
    ENGINE,
    KB,
    KB_SEARCH,
    LOGIN_LIMITER,
    PRESENCE,
    RASA,
    SETTINGS,
    SIO,
    STORE,
    SWEEPER,
)
from handoff.packets import SafePacket
from handoff.pages import security_headers, setup_pages
from handoff.presence import Presence, RedisPresence
from handoff.rasa_client import RasaClient
from handoff.ratelimit import RateLimiter
from handoff.settings import Settings
from handoff.store import Store
from kb import clock
from kb.canned import load_canned
from kb.search import KBSearch

logger = logging.getLogger(__name__)


def create_sio(settings: Settings) -> socketio.AsyncServer:
    lognoise.install()
    manager = None
    if settings.redis_url:
        manager = socketio.AsyncRedisManager(settings.redis_url, channel=settings.redis_channel)
    return socketio.AsyncServer(
        async_mode="aiohttp",
        client_manager=manager,
        cors_allowed_origins=list(settings.allowed_origins),
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


async def search_ctx(app: web.Application) -> AsyncIterator[None]:
    app[KB_SEARCH] = await asyncio.to_thread(KBSearch, app[KB])  # about a second of indexing
    yield


async def database_ctx(app: web.Application) -> AsyncIterator[None]:
    engine = create_engine(app[SETTINGS].database_url)
    await migrate(engine)
    app[ENGINE] = engine
    app[STORE] = Store(engine)
    yield
    await engine.dispose()


async def presence_ctx(app: web.Application) -> AsyncIterator[None]:
    url = app[SETTINGS].redis_url
    if url:
        client = aioredis.Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=10, retry_on_timeout=True
        )
        presence: Presence = RedisPresence(client)
    else:
        presence = Presence()
    app[PRESENCE] = presence
    yield
    await presence.close()


async def rasa_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=settings.rasa_timeout)) as session:
        app[RASA] = RasaClient(session, settings.rasa_url, settings.rasa_token, settings.rasa_timeout)
        yield


async def conversations_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    city = app[CITY]
    service = Conversations(
        app[SIO], app[STORE], app[RASA], app[PRESENCE], city, settings, lambda: clock.now(city.timezone)
    )
    app[CONVERSATIONS] = service
    app[SIO].register_namespace(CitizenNamespace(service, settings))
    app[SIO].register_namespace(AgentNamespace(service, settings))
    app[SWEEPER] = asyncio.create_task(sweep_forever(service, settings.sweep_interval_seconds))
    yield
    app[SWEEPER].cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await app[SWEEPER]
    await service.drain()


async def sweep_forever(service: Conversations, interval: float) -> None:
    while True:
        try:
            await service.sweep()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("housekeeping failed; retrying")
        await asyncio.sleep(interval)


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[security_headers], client_max_size=64 * 1024)
    app[SETTINGS] = settings
    knowledge = kb.load(settings.data_dir)
    app[KB] = knowledge
    app[CITY] = knowledge.city
    app[CANNED] = load_canned(settings.data_dir / "canned.yml", set(knowledge.city.departments))
    app[LOGIN_LIMITER] = RateLimiter(settings.login_attempts_per_minute / 60.0, settings.login_attempts_per_minute)
    sio = create_sio(settings)
    sio.attach(app)
    app[SIO] = sio
    app.cleanup_ctx.extend([search_ctx, database_ctx, presence_ctx, rasa_ctx, conversations_ctx])
    setup_health(app)
    setup_api(app)
    setup_pages(app)
    return app
