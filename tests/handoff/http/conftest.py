"""The whole gateway application in this test's process: aiohttp's test server on a loopback
port, real python-socketio clients, a SQLite database, and the stub bot (bench/stub_bot.py) in
place of Rasa. No processes to start: each test takes a fraction of a second."""

from __future__ import annotations

from typing import Any, AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bench import stub_bot
from handoff.app import create_app
from handoff.keys import STORE
from handoff.settings import Settings
from kb.clock import FAKE_TIME_ENV
from tests.handoff.clients import CONSOLE_ORIGIN, ORIGIN, Agent, Citizen, login
from tests.handoff.conftest import PASSWORD, USERS
from tests.handoff.domain.conftest import PASSWORD_HASH


class Gateway:
    def __init__(self, server: TestServer) -> None:
        self.server = server
        self.url = str(server.make_url("")).rstrip("/")

    async def citizen(self) -> Citizen:
        citizen = await Citizen(self.url).connect()
        await citizen.start()
        return citizen

    async def agent(self, username: str) -> Agent:
        return await Agent(self.url, username, PASSWORD).connect()

    async def session(self, username: str) -> aiohttp.ClientSession:
        """An HTTP session logged in as ``username`` (closed by the caller)."""
        token = await login(self.url, username, PASSWORD)
        return aiohttp.ClientSession(base_url=self.url, cookies={"citychat_session": token})


@pytest.fixture(scope="module")
async def stub() -> AsyncIterator[str]:
    server = TestServer(stub_bot.create_app())
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


@pytest.fixture(scope="module")
async def gateway(tmp_path_factory: pytest.TempPathFactory, stub: str) -> AsyncIterator[Gateway]:
    """One gateway for a test module (building its knowledge-base search takes a second): tests
    use conversations and accounts of their own or only read."""
    folder = tmp_path_factory.mktemp("gateway")
    monday = folder / "now.txt"
    monday.write_text("2026-11-30T10:00:00+01:00", encoding="utf-8")  # the offices are open
    patch = pytest.MonkeyPatch()
    patch.setenv(FAKE_TIME_ENV, str(monday))
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / 'gateway.db'}",
        rasa_url=stub,
        allowed_origins=(ORIGIN,),
        console_origins=(CONSOLE_ORIGIN,),
        login_free_attempts=1000,
        login_address_free_attempts=1000,
    )
    app = create_app(settings)
    server = TestServer(app)
    await server.start_server()
    store = app[STORE]
    for username, name, role, departments, max_chats in USERS:
        listed = [d for d in departments.split(",") if d]
        await store.add_user(username, name, role, PASSWORD_HASH, listed, max_chats)
    yield Gateway(server)
    await server.close()
    patch.undo()


async def get(session: aiohttp.ClientSession, path: str) -> tuple[int, Any]:
    async with session.get(path) as response:
        return response.status, await response.json()
