"""Gateways for the tests: real `python -m handoff` processes against the session's real Rasa.

``gateways`` runs every test that uses it twice: on SQLite with one gateway process, and on
Postgres + Redis with two gateway processes (citizens on the first, agents on the second), when
Postgres and Redis are reachable (CI: always; CITYCHAT_REQUIRE_SERVICES=1 makes their absence a
failure). ``spawn_gateway`` starts extra gateways with special settings (limits, Rasa down,
kill and restart).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator, Callable, Iterator, Optional

import aiohttp
import asyncpg
import pytest
from aiohttp import web

from handoff.db.engine import create_engine, migrate
from handoff.db.store import Store
from tests.conftest import free_port, skip_or_fail
from tests.handoff.clients import CONSOLE_ORIGIN, ORIGIN, Agent, dispose_all
from tools.stack import ROOT, ManagedProcess, Stack, StackSettings, gateway_process

PASSWORD = "correct horse battery staple"
MONDAY_MORNING = "2026-11-30T10:00:00+01:00"
USERS = [
    # username, display name, role, departments, max chats
    ("anna", "Anna Schmidt", "agent", "buergerservice,buergeramt,standesamt", 20),
    ("ben", "Ben Weber", "agent", "buergerservice,buergeramt,standesamt", 20),
    ("olga", "Olga Nowak", "agent", "ordnungsamt", 1),
    ("sara", "Sara Klein", "supervisor", "buergerservice", 20),
    ("eddi", "Eddi Editor", "editor", "", 3),
]
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"


@dataclass
class Gateway:
    url: str
    process: ManagedProcess
    database_url: str
    overrides: dict[str, str] = field(default_factory=dict)


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def create_users(database_url: str) -> None:
    env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL="", PYTHONPATH=str(ROOT))
    for username, name, role, departments, max_chats in USERS:
        args = [
            sys.executable,
            "-m",
            "handoff",
            "users",
            "add",
            "--username",
            username,
            "--name",
            name,
            "--role",
            role,
            "--max-chats",
            str(max_chats),
            "--password-stdin",
        ]
        if departments:
            args += ["--departments", departments]
        result = subprocess.run(
            args, input=PASSWORD + "\n", env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr


def base_overrides(database_url: str, redis_url: str = "", **extra: str) -> dict[str, str]:
    overrides = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ALLOWED_ORIGINS": ORIGIN,
        "CONSOLE_ORIGINS": CONSOLE_ORIGIN,
        "SWEEP_INTERVAL_SECONDS": "0.5",
        "SESSION_CHECK_SECONDS": "0.5",
        "IP_RATE_PER_SECOND": "1000",
        "IP_RATE_BURST": "2000",
        "MAX_CONNECTIONS_PER_IP": "1000",
        "SESSIONS_PER_MINUTE_PER_IP": "100000",
        "HANDOFFS_PER_HOUR_PER_IP": "100000",
        "MAX_QUEUE_LENGTH": "1000",
        "LOGIN_FREE_ATTEMPTS": "1000",
        "LOGIN_ADDRESS_FREE_ATTEMPTS": "1000",
    }
    overrides.update(extra)
    return overrides


def start_gateway(settings: StackSettings, overrides: dict[str, str], name: str, port: Optional[int] = None) -> Gateway:
    port = port or free_port()
    process = gateway_process(settings, port=port, overrides=overrides, name=name)
    process.start()
    try:
        process.wait_ready()
    except BaseException:
        process.stop()
        raise
    return Gateway(f"http://127.0.0.1:{port}", process, overrides["DATABASE_URL"], overrides)


async def _server_command(server_url: str, sql: str) -> None:
    connection = await asyncpg.connect(server_url.replace("postgresql+asyncpg://", "postgresql://"), timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _create_database(server_url: str, name: str) -> None:
    await _server_command(server_url, f'CREATE DATABASE "{name}"')


async def _drop_database(server_url: str, name: str) -> None:
    await _server_command(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_server_url() -> Optional[str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql+asyncpg://"):
        url = DEFAULT_POSTGRES
    host_port = url.split("@", 1)[-1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    return url if reachable(host or "127.0.0.1", int(port or 5432)) else None


def redis_server_url() -> Optional[str]:
    url = os.environ.get("REDIS_URL", "") or DEFAULT_REDIS
    host_port = url.split("://", 1)[-1].split("/", 1)[0].split("@")[-1]
    host, _, port = host_port.partition(":")
    return url if reachable(host or "127.0.0.1", int(port or 6379)) else None


@contextlib.asynccontextmanager
async def scratch_postgres(prefix: str) -> AsyncIterator[str]:
    """The URL of a new, empty Postgres database, dropped afterwards; skipped (failed in CI)
    when Postgres is not reachable."""
    server = postgres_server_url()
    if server is None:
        skip_or_fail("Postgres (127.0.0.1:5432) is not reachable")
    assert server is not None
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    await _create_database(server, name)
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        await _drop_database(server, name)


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """The gateway's store in this process, on SQLite and on Postgres (no sockets, no Rasa)."""
    async with contextlib.AsyncExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_path / 'writer.db'}"
        else:
            url = await stack.enter_async_context(scratch_postgres("citychat_writer"))
        engine = create_engine(url)
        await migrate(engine)
        yield Store(engine)
        await engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgres+redis"])
def gateways(request: pytest.FixtureRequest, bot: Stack, var_dir: Path) -> Iterator[list[Gateway]]:
    settings = bot.settings
    if request.param == "sqlite":
        database_url = f"sqlite+aiosqlite:///{var_dir / 'gateway-sqlite.db'}"
        create_users(database_url)
        gateway = start_gateway(settings, base_overrides(database_url), "gateway-sqlite")
        yield [gateway]
        gateway.process.stop()
        return
    server, redis_url = postgres_server_url(), redis_server_url()
    if server is None or redis_url is None:
        skip_or_fail("Postgres (127.0.0.1:5432) or Redis (127.0.0.1:6379) is not reachable")
        return
    assert server is not None and redis_url is not None
    name = f"citychat_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_create_database(server, name))
    database_url = server.rsplit("/", 1)[0] + "/" + name
    create_users(database_url)
    overrides = base_overrides(database_url, redis_url, REDIS_CHANNEL=f"citychat-test-{uuid.uuid4().hex[:8]}")
    started: list[Gateway] = []
    try:
        for index in (1, 2):
            started.append(start_gateway(settings, overrides, f"gateway-pg-{index}"))
        yield started
    finally:
        for gateway in started:
            gateway.process.stop()
        asyncio.run(_drop_database(server, name))


@pytest.fixture
def citizen_url(gateways: list[Gateway]) -> str:
    return gateways[0].url


@pytest.fixture
def agent_url(gateways: list[Gateway]) -> str:
    """Agents connect to the last gateway: another process than the citizens' on Postgres + Redis."""
    return gateways[-1].url


@pytest.fixture
def spawn_gateway(bot: Stack, var_dir: Path) -> Iterator[Callable[..., Gateway]]:
    """Start an extra SQLite gateway with special settings; stopped after the test."""
    started: list[Gateway] = []

    def spawn(database: Optional[str] = None, users: bool = True, **extra: str) -> Gateway:
        path = database or str(var_dir / f"gateway-{uuid.uuid4().hex[:8]}.db")
        database_url = f"sqlite+aiosqlite:///{path}"
        if users and not Path(path).exists():
            create_users(database_url)
        gateway = start_gateway(bot.settings, base_overrides(database_url, **extra), f"gateway-{len(started)}")
        started.append(gateway)
        return gateway

    yield spawn
    for gateway in started:
        gateway.process.stop()


@pytest.fixture
async def anna(agent_url: str) -> AsyncIterator[Agent]:
    agent = await Agent(agent_url, "anna", PASSWORD).connect()
    yield agent
    await agent.close()


@pytest.fixture
async def ben(agent_url: str) -> AsyncIterator[Agent]:
    agent = await Agent(agent_url, "ben", PASSWORD).connect()
    yield agent
    await agent.close()


@pytest.fixture
def office_open(fake_now: Callable[[str], None]) -> None:
    """Monday 10:00: the service centre, Bürgeramt and Standesamt are open."""
    fake_now(MONDAY_MORNING)


class RasaSwitch:
    """A stand-in address for Rasa that forwards to the real one, hangs, or is down: what the
    gateway sees when Rasa (or the network to it) fails, switched while the gateway runs."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.mode = "up"  # "up" | "hang" | "down"
        self.url = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.mode == "hang":
            await asyncio.sleep(3600)
        if self.mode == "down":
            raise web.HTTPBadGateway()
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session,
            session.request(
                request.method,
                self.target + request.path_qs,
                data=await request.read(),
                headers={k: v for k, v in request.headers.items() if k.lower() in ("content-type", "authorization")},
            ) as upstream,
        ):
            return web.Response(status=upstream.status, body=await upstream.read(), content_type=upstream.content_type)


@pytest.fixture
async def rasa_switch(bot: Stack) -> AsyncIterator[RasaSwitch]:
    switch = RasaSwitch(bot.settings.rasa_url)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", switch.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    switch.url = f"http://127.0.0.1:{port}"
    yield switch
    await runner.cleanup()


async def execute_sql(database_url: str, sql: str, *params: object) -> None:
    """Test data written straight to a gateway's database (SQLite or Postgres); qmark parameters."""
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.split("///", 1)[1]) as db:
            db.execute(sql, params)
        return
    numbered = sql
    for index in range(1, len(params) + 1):
        numbered = numbered.replace("?", f"${index}", 1)
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"), timeout=10)
    try:
        await connection.execute(numbered, *params)
    finally:
        await connection.close()


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    """Every Socket.IO client a test opened is closed after it, also when the test failed."""
    yield
    await dispose_all()


def handoff_command(database_url: str, *args: str, stdin: str = "", **environment: str) -> str:
    """`python -m handoff ...` against a database, as an administrator would run it; its output.
    The command must succeed."""
    env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL="", PYTHONPATH=str(ROOT), **environment)
    result = subprocess.run(
        [sys.executable, "-m", "handoff", *args],
        input=stdin,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr
