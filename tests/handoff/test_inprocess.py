"""The gateway application in this test's own event loop (aiohttp's test server, no Rasa): what
can only be observed from inside the process."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from handoff.accounts.identity import ROLES
from handoff.accounts.passwords import hash_password, verify_password
from handoff.app import create_app
from handoff.domain import states
from handoff.http.openapi import openapi_document
from handoff.keys import STORE
from handoff.settings import Settings
from tests.conftest import free_port

PASSWORD = "correct horse battery staple"
CONSOLE = "http://127.0.0.1:8080"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}",
        rasa_url=f"http://127.0.0.1:{free_port()}",  # nobody listens: not needed here
        login_free_attempts=1000,
        login_address_free_attempts=1000,
    )
    server = TestServer(create_app(settings))
    async with TestClient(server) as running:
        await running.app[STORE].add_user("anna", "Anna Schmidt", "agent", hash_password(PASSWORD), ["buergeramt"], 3)
        yield running


async def test_a_burst_of_logins_does_not_stall_the_event_loop(
    client: TestClient[web.Request, web.Application],
) -> None:
    """argon2 takes a noticeable time per check; done on the event loop, every live chat of the
    process would wait for each one. Measured: the loop's longest pause during eight logins."""
    stored = hash_password(PASSWORD)
    started = time.perf_counter()
    verify_password(stored, "wrong")
    one_check = time.perf_counter() - started

    pauses: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            pauses.append(now - last)
            last = now

    async def log_in(password: str) -> int:
        async with client.post(
            "/api/login", json={"username": "anna", "password": password}, headers={"Origin": CONSOLE}
        ) as response:
            return response.status

    probing = asyncio.create_task(probe())
    statuses = await asyncio.gather(*(log_in(PASSWORD if n % 2 else f"wrong guess {n}") for n in range(8)))
    done.set()
    await probing
    assert sorted(statuses) == [200] * 4 + [401] * 4
    assert max(pauses) < one_check / 2, f"the loop paused {max(pauses):.3f} s; one check takes {one_check:.3f} s"


def test_the_openapi_document_describes_exactly_the_routes(tmp_path: Path) -> None:
    """Every API and health route is documented with its methods, and nothing else is: the two
    cannot drift."""
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"))
    routes = {
        (route.method.lower(), route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None
        and (route.resource.canonical.startswith("/api/") or route.resource.canonical in ("/healthz", "/readyz"))
        and route.method not in ("HEAD", "OPTIONS")
        and route.resource.canonical != "/api/openapi.json"
    }
    document = openapi_document()
    documented = {(method, path) for path, operations in document["paths"].items() for method in operations}
    assert documented == routes
    schemas = document["components"]["schemas"]
    assert schemas["User"]["properties"]["role"]["enum"] == list(ROLES)
    assert schemas["Conversation"]["properties"]["state"]["enum"] == list(states.STATES)
