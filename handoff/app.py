"""The gateway: one aiohttp application with python-socketio attached, built by one factory."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import AsyncIterator, Awaitable, Callable

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web

import kb
from handoff.agent import AgentNamespace
from handoff.api import setup_api
from handoff.auth import PasswordChecker
from handoff.citizen import CitizenNamespace
from handoff.conversations import Conversations
from handoff.db.engine import create_engine, migrate
from handoff.health import setup_health
from handoff.keys import (
    AGENT_NAMESPACE,
    BACKGROUND,
    CANNED,
    CITY,
    CONVERSATIONS,
    ENGINE,
    KB,
    KB_SEARCH,
    LOGIN_THROTTLE,
    LOGINS,
    PASSWORDS,
    PRESENCE,
    RASA,
    SETTINGS,
    SIO,
    STORE,
    TRACKER,
)
from handoff.logins import Lifetimes, Logins
from handoff.pages import security_headers, setup_pages
from handoff.presence import Presence, RedisPresence
from handoff.rasa_client import RasaClient
from handoff.retention import RasaTracker
from handoff.settings import Settings
from handoff.sio import create_sio
from handoff.store import Store
from handoff.throttle import LoginThrottle, ThrottleSettings
from kb import clock
from kb.canned import load_canned
from kb.search import KBSearch

logger = logging.getLogger(__name__)


async def search_ctx(app: web.Application) -> AsyncIterator[None]:
    app[KB_SEARCH] = await asyncio.to_thread(KBSearch, app[KB])  # about a second of indexing
    yield


async def database_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    engine = create_engine(settings.database_url)
    await migrate(engine)
    app[ENGINE] = engine
    store = Store(engine)
    app[STORE] = store
    app[LOGINS] = Logins(
        store.sessions,
        Lifetimes(dt.timedelta(hours=settings.session_hours), dt.timedelta(minutes=settings.session_idle_minutes)),
    )
    app[LOGIN_THROTTLE] = LoginThrottle(
        engine,
        ThrottleSettings(
            settings.login_free_attempts, settings.login_address_free_attempts, settings.login_max_delay_seconds
        ),
    )
    yield
    await engine.dispose()


async def tracker_ctx(app: web.Application) -> AsyncIterator[None]:
    url = app[SETTINGS].rasa_tracker_url
    if not url:
        logger.warning("RASA_TRACKER_URL is not set: deleted conversations stay in Rasa's tracker store")
        yield
        return
    tracker = RasaTracker(url)
    app[TRACKER] = tracker
    yield
    await tracker.close()


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
        app[SIO],
        app[STORE],
        app[RASA],
        app[PRESENCE],
        city,
        settings,
        lambda: clock.now(city.timezone),
        app.get(TRACKER),
    )
    app[CONVERSATIONS] = service
    agents = AgentNamespace(service, app[LOGINS], settings)
    app[AGENT_NAMESPACE] = agents
    app[SIO].register_namespace(CitizenNamespace(service, settings))
    app[SIO].register_namespace(agents)
    throttle = app[LOGIN_THROTTLE]

    async def housekeeping() -> None:
        await service.sweep()
        await throttle.forget_old()

    app[BACKGROUND] = [
        asyncio.create_task(every(settings.sweep_interval_seconds, housekeeping, "housekeeping")),
        asyncio.create_task(every(settings.session_check_seconds, agents.check_logins, "login check")),
    ]
    yield
    for task in app[BACKGROUND]:
        task.cancel()
    for task in app[BACKGROUND]:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await service.drain()


async def every(interval: float, job: Callable[[], Awaitable[None]], name: str) -> None:
    """Run ``job`` every ``interval`` seconds until cancelled; a failure is logged and retried."""
    while True:
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("%s failed; retrying", name)
        await asyncio.sleep(interval)


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[security_headers], client_max_size=64 * 1024)
    app[SETTINGS] = settings
    knowledge = kb.load(settings.data_dir)
    app[KB] = knowledge
    app[CITY] = knowledge.city
    app[CANNED] = load_canned(settings.data_dir / "canned.yml", set(knowledge.city.departments))
    app[PASSWORDS] = PasswordChecker()
    sio = create_sio(settings)
    sio.attach(app)
    app[SIO] = sio
    app.cleanup_ctx.extend([search_ctx, database_ctx, tracker_ctx, presence_ctx, rasa_ctx, conversations_ctx])
    setup_health(app)
    setup_api(app)
    setup_pages(app)
    return app
