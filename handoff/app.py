"""The gateway: one aiohttp application with python-socketio attached, built by one factory.

Folders: ``transport/`` (Socket.IO: namespaces, the notifier, payloads, input checks), ``domain/``
(what happens to conversations), ``db/`` (the database, Redis presence), ``http/`` (the console's
API, pages, health), ``accounts/`` (logins), ``rasa/`` (Rasa over HTTP, its tracker database).
"""

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
from handoff.accounts.logins import Lifetimes, Logins
from handoff.accounts.passwords import PasswordChecker
from handoff.accounts.throttle import LoginThrottle, ThrottleSettings
from handoff.db.engine import create_engine, migrate
from handoff.db.presence import Presence, RedisPresence
from handoff.db.store import Store
from handoff.domain.context import Context
from handoff.domain.service import Domain
from handoff.http.api import setup_api
from handoff.http.health import setup_health
from handoff.http.middleware import MIDDLEWARES
from handoff.http.pages import setup_pages
from handoff.keys import (
    AGENT_NAMESPACE,
    API_LIMITER,
    BACKGROUND,
    CANNED,
    CITY,
    DOMAIN,
    ENGINE,
    KB,
    KB_SEARCH,
    LOGIN_THROTTLE,
    LOGINS,
    PASSWORDS,
    SETTINGS,
    SIO,
    STORE,
)
from handoff.mail.inbound import start_listener
from handoff.mail.outbox import Outbox
from handoff.mail.sender import SmtpSender
from handoff.rasa.client import RasaClient
from handoff.rasa.tracker import RasaTracker
from handoff.ratelimit import RateLimiter
from handoff.settings import Settings
from handoff.transport.agents import AgentNamespace
from handoff.transport.citizens import CitizenNamespace
from handoff.transport.notifier import Notifier
from handoff.transport.server import create_sio
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
    lifetimes = Lifetimes(
        dt.timedelta(hours=settings.session_hours), dt.timedelta(minutes=settings.session_idle_minutes)
    )
    app[LOGINS] = Logins(store.sessions, lifetimes)
    throttle = ThrottleSettings(
        settings.login_free_attempts, settings.login_address_free_attempts, settings.login_max_delay_seconds
    )
    app[LOGIN_THROTTLE] = LoginThrottle(engine, throttle)
    yield
    await engine.dispose()


def create_presence(settings: Settings) -> Presence:
    if not settings.redis_url:
        return Presence()
    client = aioredis.Redis.from_url(
        settings.redis_url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=10, retry_on_timeout=True
    )
    return RedisPresence(client)


async def domain_ctx(app: web.Application) -> AsyncIterator[None]:
    """Rasa, presence, Rasa's tracker, the domain and the namespaces; the background jobs."""
    settings = app[SETTINGS]
    city = app[CITY]
    tracker = RasaTracker(settings.rasa_tracker_url) if settings.rasa_tracker_url else None
    if tracker is None:
        logger.warning("RASA_TRACKER_URL is not set: deleted conversations stay in Rasa's tracker store")
    presence = create_presence(settings)
    timeout = aiohttp.ClientTimeout(total=settings.rasa_timeout)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        rasa = RasaClient(http, settings.rasa_url, settings.rasa_token, settings.rasa_timeout)
        outbox = Outbox(app[ENGINE], SmtpSender(settings))
        if not settings.smtp_host:
            logger.warning("SMTP_HOST is not set: e-mails to citizens wait in the outbox until it is")
        ctx = Context(app[STORE], rasa, presence, city, settings, lambda: clock.now(city.timezone), tracker, outbox)
        notifier = Notifier(app[SIO])
        domain = Domain(ctx, notifier)
        app[DOMAIN] = domain
        agents = AgentNamespace(domain, notifier, app[LOGINS], settings)
        app[AGENT_NAMESPACE] = agents
        app[SIO].register_namespace(CitizenNamespace(domain, notifier, settings))
        app[SIO].register_namespace(agents)
        throttle = app[LOGIN_THROTTLE]

        async def housekeeping() -> None:
            await domain.housekeeping.sweep()
            await throttle.forget_old()

        app[BACKGROUND] = [
            asyncio.create_task(every(settings.sweep_interval_seconds, housekeeping, "housekeeping")),
            asyncio.create_task(every(settings.session_check_seconds, agents.check_logins, "login check")),
            asyncio.create_task(outbox.run(settings.mail_interval_seconds)),
        ]
        inbound = await start_listener(ctx) if settings.inbound_smtp_port else None
        try:
            yield
        finally:
            if inbound is not None:
                inbound.close()
            for task in app[BACKGROUND]:
                task.cancel()
            for task in app[BACKGROUND]:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await domain.bot_turns.drain()
            await presence.close()
            if tracker is not None:
                await tracker.close()


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
    app = web.Application(middlewares=MIDDLEWARES, client_max_size=64 * 1024)
    app[SETTINGS] = settings
    knowledge = kb.load(settings.data_dir)
    app[KB] = knowledge
    app[CITY] = knowledge.city
    app[CANNED] = load_canned(settings.data_dir / "canned.yml", set(knowledge.city.departments))
    app[PASSWORDS] = PasswordChecker()
    app[API_LIMITER] = RateLimiter(settings.rate_per_second * 2, settings.rate_burst * 2)
    sio = create_sio(settings)
    sio.attach(app)
    app[SIO] = sio
    app.cleanup_ctx.extend([search_ctx, database_ctx, domain_ctx])
    setup_health(app)
    setup_api(app)
    setup_pages(app)
    return app
