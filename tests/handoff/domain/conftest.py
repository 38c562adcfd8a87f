"""The gateway's domain in this test's process: a SQLite store, the stub bot (bench/stub_bot.py) on
a real loopback socket, in-process presence, the city of data/, and a publisher that records the
notices instead of sending them. No gateway process, no Rasa: each test takes milliseconds."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, AsyncIterator, Sequence, TypeVar

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

import kb
from bench import stub_bot
from handoff.accounts.identity import Identity
from handoff.accounts.passwords import hash_password
from handoff.db.engine import create_engine, migrate
from handoff.db.models import Conversation
from handoff.db.presence import Presence
from handoff.db.store import Store
from handoff.domain.context import Context
from handoff.domain.notices import Notice
from handoff.domain.requests import CitizenText
from handoff.domain.service import Domain
from handoff.rasa.client import RasaClient
from handoff.settings import Settings
from kb.model import CityProfile
from tools.stack import ROOT

MONDAY_MORNING = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
SATURDAY_NIGHT = dt.datetime(2026, 12, 5, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
N = TypeVar("N")
DESK = 1_000_000  # an agent id of nobody: online in the departments the tests queue in
PASSWORD_HASH = hash_password("correct horse battery staple")  # argon2 takes a while: once


@dataclass
class Recorder:
    """The publisher of the tests: keeps every notice, in order."""

    notices: list[Notice] = field(default_factory=list)

    async def publish(self, notices: Sequence[Notice]) -> None:
        self.notices.extend(notices)

    def of(self, kind: type[N]) -> list[N]:
        return [n for n in self.notices if isinstance(n, kind)]

    def clear(self) -> None:
        self.notices.clear()


@dataclass
class World:
    domain: Domain
    recorder: Recorder
    clock: list[dt.datetime]
    http: aiohttp.ClientSession

    @property
    def store(self) -> Store:
        return self.domain.ctx.store

    @property
    def presence(self) -> Presence:
        return self.domain.ctx.presence

    async def agent(
        self, departments: tuple[str, ...] = ("buergerservice", "buergeramt"), role: str = "agent", max_chats: int = 3
    ) -> Identity:
        name = f"agent{uuid.uuid4().hex[:8]}"
        user = await self.store.add_user(name, name.title(), role, PASSWORD_HASH, departments, max_chats)
        return Identity.of(user, departments)

    async def online(self, agent: Identity) -> None:
        await self.presence.connected(agent.user_id, f"sid-{agent.user_id}", agent.departments)

    async def conversation(self) -> Conversation:
        conversation, _ = await self.domain.citizens.start_session(None)
        return conversation

    async def say(self, conversation: Conversation, text: str, client_id: str | None = None, **custom: Any) -> Any:
        """A citizen's message, and the bot's turn it starts, to its end."""
        message = CitizenText(text, None, client_id or uuid.uuid4().hex, None, None, custom)
        outcome = await self.domain.citizens.write(conversation.id, message, None, "198.51.100.1")
        await self.recorder.publish(outcome.notices)
        await self.domain.bot_turns.drain()
        return outcome.value

    async def queued(self, department: str = "buergerservice") -> Conversation:
        """A conversation waiting in the department's queue (someone of it is online)."""
        await self.presence.connected(DESK, f"desk-{department}", (department,))
        conversation = await self.conversation()
        await self.say(conversation, f"/handoff {department}")
        current = await self.store.conversation(conversation.id)
        assert current is not None and current.state == "queued", current
        return current


@pytest.fixture(scope="session")
def city() -> CityProfile:
    return kb.load(ROOT / "data").city


@pytest.fixture(scope="session")
async def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database with the schema, made once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "gateway.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await migrate(engine)
    await engine.dispose()
    return path


@pytest.fixture
def settings(tmp_path: Path, migrated: Path) -> Settings:
    shutil.copy(migrated, tmp_path / "gateway.db")
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}", rasa_timeout=2.0)


@pytest.fixture
async def world(settings: Settings, city: CityProfile) -> AsyncIterator[World]:
    engine = create_engine(settings.database_url)
    bot = TestServer(stub_bot.create_app())
    await bot.start_server()
    clock = [MONDAY_MORNING]
    try:
        async with aiohttp.ClientSession() as http:
            rasa = RasaClient(http, str(bot.make_url("")).rstrip("/"), "t" * 40, settings.rasa_timeout)
            ctx = Context(Store(engine), rasa, Presence(), city, settings, lambda: clock[0])
            recorder = Recorder()
            yield World(Domain(ctx, recorder), recorder, clock, http)
    finally:
        await bot.close()
        await engine.dispose()


def with_settings(world: World, **changes: Any) -> World:
    """The same world with other settings (limits) for a new domain."""
    ctx = replace(world.domain.ctx, settings=replace(world.domain.ctx.settings, **changes))
    return World(Domain(ctx, world.recorder), world.recorder, world.clock, world.http)


def with_context(world: World, **changes: Any) -> World:
    """The same world with other parts (an unreachable Rasa, Redis presence) for a new domain."""
    return World(Domain(replace(world.domain.ctx, **changes), world.recorder), world.recorder, world.clock, world.http)
