"""Failures: Rasa down or hanging, the gateway killed with SIGKILL, Redis restarted."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import AsyncIterator, Callable, Iterator

import pytest
from aiohttp import web

from tests.conftest import free_port, skip_or_fail
from tests.handoff.clients import Agent, Citizen
from tests.handoff.conftest import PASSWORD, Gateway, base_overrides, create_users, start_gateway
from tools.stack import Stack

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("office_open")]


@pytest.fixture
async def hanging_rasa() -> AsyncIterator[str]:
    """An HTTP server on loopback that accepts requests and never answers: a hung Rasa."""

    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(3600)
        return web.Response()

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", hang)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_rasa_hanging_the_citizen_hears_within_5_seconds(
    spawn_gateway: Callable[..., Gateway], hanging_rasa: str
) -> None:
    gateway = spawn_gateway(RASA_URL=hanging_rasa)
    agent = await Agent(gateway.url, "anna", PASSWORD).connect()
    citizen = await Citizen(gateway.url).connect()
    await citizen.start()
    started = time.monotonic()
    ack = await citizen.say("Was kostet ein Personalausweis?")
    assert ack["ok"]
    notice = await citizen.reply(lambda d: d["metadata"]["sender"] == "system", timeout=10)
    assert time.monotonic() - started < 5.0
    assert "nicht erreichbar" in notice["text"] and "gespeichert" in notice["text"]
    assert notice["quick_replies"] == [
        {"content_type": "text", "title": "Mit einem Menschen sprechen", "payload": "/request_human"}
    ]
    history = await citizen.call("history_request", {"after": 0})
    assert history["messages"][0]["text"] == "Was kostet ein Personalausweis?"  # nothing typed is lost
    await citizen.say("/request_human")
    queued = await citizen.status("queued", timeout=10)
    assert queued["department"] == "buergerservice"
    alert = await agent.events.wait_for("handoff_alert")
    assert alert["reason"] == "bot_unavailable"
    assert any(m["text"] == "Was kostet ein Personalausweis?" for m in alert["transcript"])
    readiness = await asyncio.to_thread(_get, f"{gateway.url}/readyz")  # degraded, still serving: not 503
    assert readiness[0] == 200 and json.loads(readiness[1]) == {
        "status": "degraded",
        "checks": {"database": True, "rasa": False},
    }
    await citizen.close()
    await agent.close()


async def test_rasa_down_gets_the_same_honest_answer(spawn_gateway: Callable[..., Gateway]) -> None:
    gateway = spawn_gateway(RASA_URL=f"http://127.0.0.1:{free_port()}")
    citizen = await Citizen(gateway.url).connect()
    await citizen.start()
    await citizen.say("Hallo")
    notice = await citizen.reply(lambda d: d["metadata"]["sender"] == "system", timeout=6)
    assert "nicht erreichbar" in notice["text"]
    await citizen.close()


def _get(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


async def test_sigkill_and_restart_loses_nothing(bot: Stack, var_dir: Path) -> None:
    database = var_dir / "gateway-killed.db"
    database_url = f"sqlite+aiosqlite:///{database}"
    create_users(database_url)
    port = free_port()
    overrides = base_overrides(database_url)
    gateway = start_gateway(bot.settings, overrides, "gateway-killed", port)
    try:
        anna = await Agent(gateway.url, "anna", PASSWORD).connect()
        waiting = await Citizen(gateway.url).connect()
        await waiting.start()
        served = await Citizen(gateway.url).connect()
        await served.start()
        questions = ["Wann kommt der Sperrmüll?", "Wie melde ich meinen Hund an?", "Was kostet ein Reisepass?"]
        acked = [await waiting.say(question) for question in questions]
        assert all(a["ok"] for a in acked)
        await waiting.reply(lambda d: d["metadata"].get("kb_article") == "reisepass")  # the last topic decides
        asked = await served.say("Ich möchte mit einem Menschen sprechen")
        alert = await anna.events.wait_for(
            "handoff_alert", lambda d: any(m["id"] == asked["id"] for m in d["transcript"])
        )
        served_id = alert["conversation_id"]
        assert (await anna.call("accept", {"conversation_id": served_id}))["ok"]
        await waiting.say("Ich möchte mit einem Menschen sprechen")
        await waiting.status("queued")
        last = await waiting.say("Bin noch da")
        assert last["ok"]

        gateway.process.kill()  # SIGKILL: no shutdown handlers run
        await asyncio.sleep(0.5)
        for client in (anna, waiting, served):
            await client.close()
        gateway = start_gateway(bot.settings, overrides, "gateway-restarted", port)

        back = await Citizen(gateway.url).connect()
        resumed = await back.start(waiting.session_id)
        assert resumed["new"] is False and resumed["state"] == "queued"
        history = await back.call("history_request", {"after": 0})
        ids = [m["id"] for m in history["messages"]]
        for ack in [*acked, last]:
            assert ack["id"] in ids  # every acknowledged message is still there
        anna_again = await Agent(gateway.url, "anna", PASSWORD).connect()
        hello = await anna_again.call("hello")
        assert [c["conversation_id"] for c in hello["assigned"]] == [served_id]  # still assigned
        assert len(hello["queue"]) == 1 and hello["queue"][0]["state"] == "queued"  # still queued
        await back.close()
        await anna_again.close()
    finally:
        gateway.process.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """A private redis-server on a free loopback port; the fixture's function restarts it."""
    binary = shutil.which("redis-server")
    if binary is None:
        skip_or_fail("redis-server is not installed")
    assert binary is not None
    port = free_port()
    args = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(tmp_path),
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_port(port)

    def restart() -> None:
        nonlocal process
        process.kill()
        process.wait(timeout=10)
        time.sleep(1.0)
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(port)

    restart.url = f"redis://127.0.0.1:{port}/0"  # type: ignore[attr-defined]
    yield restart
    process.kill()
    process.wait(timeout=10)


def _wait_port(port: int) -> None:
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"redis did not start on port {port}")


async def test_redis_restart_the_gateways_recover(bot: Stack, var_dir: Path, own_redis: Callable[[], None]) -> None:
    """Two gateways on one Redis (SQLite shared file: state lives in the database)."""
    database_url = f"sqlite+aiosqlite:///{var_dir / 'gateway-redis.db'}"
    create_users(database_url)
    overrides = base_overrides(database_url, own_redis.url)  # type: ignore[attr-defined]
    first = start_gateway(bot.settings, overrides, "gateway-redis-1")
    second = start_gateway(bot.settings, overrides, "gateway-redis-2")
    try:
        anna = await Agent(second.url, "anna", PASSWORD).connect()
        citizen = await Citizen(first.url).connect()
        await citizen.start()
        await citizen.say("Ich möchte mit einem Menschen sprechen")
        alert = await anna.events.wait_for("handoff_alert", timeout=15)
        conversation_id = alert["conversation_id"]
        assert (await anna.call("accept", {"conversation_id": conversation_id}))["ok"]

        own_redis()  # Redis goes away and comes back empty
        await asyncio.sleep(3)

        for attempt in range(20):  # the gateways reconnect by themselves
            sent = await anna.call(
                "message",
                {
                    "conversation_id": conversation_id,
                    "text": f"Test {attempt}",
                    "client_id": f"after-restart-{attempt}",
                },
            )
            assert sent["ok"]
            try:
                reply = await citizen.reply(lambda d: d["metadata"]["sender"] == "agent", timeout=2)
                break
            except AssertionError:
                continue
        else:
            raise AssertionError("no agent message reached the citizen across processes after Redis restarted")
        assert reply["text"].startswith("Test ")
        await citizen.say("Angekommen!")
        await anna.events.wait_for("message", lambda d: d["message"]["text"] == "Angekommen!", timeout=15)
        hello = await anna.call("hello")
        assert [c["conversation_id"] for c in hello["assigned"]] == [conversation_id]
        await citizen.close()
        await anna.close()
    finally:
        first.process.stop()
        second.process.stop()
