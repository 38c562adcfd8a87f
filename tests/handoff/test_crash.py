"""Crash safety with real processes: 20 live chats, the gateway killed with SIGKILL mid-stream.

Citizens and agents keep writing while the gateway dies; they reconnect as the widget and the
console do (session again, then every unacknowledged message again with the same client_id).
Afterwards every acknowledged message is stored exactly once, and nothing is stored twice.
Three set-ups: one gateway on SQLite and one on Postgres, each restarted after the kill; and two
gateways on Postgres and Redis, where the citizens of the killed one move to the other (a load
balancer's failover). The figures go to reports/crash-safety.json (the README quotes them).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Iterator, Optional

import pytest
import socketio

from tests.conftest import free_port, skip_or_fail
from tests.handoff.clients import CONSOLE_ORIGIN, ORIGIN, Citizen, client, dispose, login
from tests.handoff.conftest import (
    PASSWORD,
    base_overrides,
    create_users,
    redis_server_url,
    scratch_postgres,
    start_gateway,
)
from tools.stack import ROOT, ManagedProcess, Stack, base_env

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("office_open")]

CHATS = 20
AGENTS = ("anna", "ben")  # 20 chats each at most (tests/handoff/conftest.py)
STREAM_SECONDS = 1.5  # before the kill, and again after the reconnect
SEND_EVERY = 0.1  # seconds between messages of one client
CALL_TIMEOUT = 3.0
SETUP_TIMEOUT = 15.0
RECONNECT_EVERY = 0.25
DRAIN_SECONDS = 30.0
REPORT = ROOT / "reports" / "crash-safety.json"


@pytest.fixture(scope="module")
def stub_bot(bot: Stack) -> Iterator[str]:
    """A stand-in for Rasa that answers at once (bench/stub_bot.py): the subject here is the gateway."""
    port = free_port()
    process = ManagedProcess(
        "stub-bot",
        [str(ROOT / ".venv" / "app" / "bin" / "python"), "-m", "bench.stub_bot", str(port)],
        base_env(bot.settings),
        bot.settings.var_dir / "log" / f"stub-bot-{port}.log",
        f"http://127.0.0.1:{port}/version",
        30,
    )
    process.start()
    process.wait_ready()
    yield f"http://127.0.0.1:{port}"
    process.stop()


@dataclass
class Writer:
    """One citizen or agent who writes every SEND_EVERY seconds and re-sends what was not acknowledged."""

    name: str
    urls: list[str]
    sent: dict[str, str] = field(default_factory=dict)  # client_id -> text, in order
    acked: dict[str, int] = field(default_factory=dict)  # client_id -> message id
    acked_before_kill: int = 0
    first_ack_after_kill: Optional[float] = None
    sio: Optional[socketio.AsyncClient] = None
    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    async def connect(self, timeout: float = CALL_TIMEOUT) -> bool:
        if self.sio is not None:  # the old connection broke: release it first
            await dispose(self.sio)
            self.sio = None
        for url in self.urls:
            sio = client()
            try:
                await self.open(sio, url, timeout)
            except Exception:
                await dispose(sio)
                continue
            self.sio = sio
            return True
        return False

    async def open(self, sio: socketio.AsyncClient, url: str, timeout: float) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        if self.sio is not None:
            await dispose(self.sio)
            self.sio = None

    def payload(self, client_id: str, text: str) -> tuple[str, dict[str, Any], Optional[str]]:
        raise NotImplementedError

    async def run(self, stream_until: list[float], killed_at: list[float], deadline: float) -> None:
        while time.monotonic() < deadline:
            # everyone writes for a while after the kill, counted from when they are back
            back = not killed_at or self.first_ack_after_kill is not None
            streaming = time.monotonic() < stream_until[0] or not back
            unacked = [c for c in self.sent if c not in self.acked]
            if not streaming and not unacked:
                break
            if (self.sio is None or not self.sio.connected) and not await self.connect():
                await asyncio.sleep(RECONNECT_EVERY)
                continue
            if streaming and len(unacked) < 3:
                client_id = f"{self.name}-{next(self.counter)}"
                self.sent[client_id] = f"{self.name}: Nachricht {client_id} {uuid.uuid4().hex[:6]}"
                unacked.append(client_id)
            for client_id in unacked:
                event, data, namespace = self.payload(client_id, self.sent[client_id])
                try:
                    assert self.sio is not None
                    ack = await self.sio.call(event, data, namespace=namespace, timeout=CALL_TIMEOUT)
                except Exception:
                    await dispose(self.sio) if self.sio is not None else None
                    self.sio = None
                    break
                if not ack.get("ok"):
                    await asyncio.sleep(RECONNECT_EVERY)  # rate limited or no session yet: try again
                    break
                self.acked[client_id] = ack["id"]
                if killed_at and self.first_ack_after_kill is None:
                    self.first_ack_after_kill = time.monotonic() - killed_at[0]
                elif not killed_at:
                    self.acked_before_kill += 1
            await asyncio.sleep(SEND_EVERY)
        if self.sio is not None:
            await dispose(self.sio)


@dataclass
class CitizenWriter(Writer):
    session_id: str = ""
    conversation_id: str = ""

    async def open(self, sio: socketio.AsyncClient, url: str, timeout: float) -> None:
        await sio.connect(url, headers={"Origin": ORIGIN}, transports=["websocket"], wait_timeout=timeout)
        ack = await sio.call("session_request", {"session_id": self.session_id}, timeout=timeout)
        assert ack["ok"] and ack["session_id"] == self.session_id and not ack["new"], ack

    def payload(self, client_id: str, text: str) -> tuple[str, dict[str, Any], Optional[str]]:
        return "user_uttered", {"message": text, "session_id": self.session_id, "client_id": client_id}, None


@dataclass
class AgentWriter(Writer):
    token: str = ""
    chats: list[str] = field(default_factory=list)

    async def open(self, sio: socketio.AsyncClient, url: str, timeout: float) -> None:
        await sio.connect(
            url,
            namespaces=["/agent"],
            transports=["websocket"],
            wait_timeout=timeout,
            headers={"Origin": CONSOLE_ORIGIN, "Cookie": f"citychat_session={self.token}"},
        )
        assert (await sio.call("hello", namespace="/agent", timeout=timeout))["ok"]

    def chat_of(self, client_id: str) -> str:
        return self.chats[int(client_id.rsplit("-", 1)[1]) % len(self.chats)]

    def payload(self, client_id: str, text: str) -> tuple[str, dict[str, Any], Optional[str]]:
        data = {"conversation_id": self.chat_of(client_id), "text": text, "client_id": client_id}
        return "message", data, "/agent"


async def live_chats(citizen_urls: list[str], agent_url: str) -> tuple[list[CitizenWriter], list[AgentWriter]]:
    """20 citizens, each handed to one of two agents; returned as writers, not yet writing."""
    agents = [AgentWriter(name, [agent_url], token=await login(agent_url, name, PASSWORD)) for name in AGENTS]
    try:
        return await hand_over(citizen_urls, agents)
    except BaseException:
        for agent in agents:
            await agent.close()
        raise


async def hand_over(
    citizen_urls: list[str], agents: list[AgentWriter]
) -> tuple[list[CitizenWriter], list[AgentWriter]]:
    for agent in agents:
        assert await agent.connect(SETUP_TIMEOUT)  # online first: a request for a person needs someone there
    citizens: list[CitizenWriter] = []
    asked: dict[int, CitizenWriter] = {}  # id of the citizen's "/request_human" -> the citizen
    for index in range(CHATS):
        url = citizen_urls[index % len(citizen_urls)]
        citizen = await Citizen(url).connect()
        session = (await citizen.start())["session_id"]
        ack = await citizen.say("/request_human")
        await citizen.status("queued")
        await citizen.close()
        writer = CitizenWriter(f"c{index}", [url, *(u for u in citizen_urls if u != url)], session_id=session)
        citizens.append(writer)
        asked[ack["id"]] = writer
    assert agents[0].sio is not None and agents[1].sio is not None
    queue = (await agents[0].sio.call("hello", namespace="/agent", timeout=10))["queue"]
    assert len(queue) == CHATS
    for index, entry in enumerate(queue):
        owner = next(asked[m["id"]] for m in entry["transcript"] if m["id"] in asked)
        owner.conversation_id = entry["conversation_id"]
        agent = agents[index % 2]
        assert agent.sio is not None
        accepted = await agent.sio.call(
            "accept", {"conversation_id": entry["conversation_id"]}, namespace="/agent", timeout=10
        )
        assert accepted["ok"], accepted
        agent.chats.append(entry["conversation_id"])
    return citizens, agents


async def crash_and_check(
    name: str,
    citizen_urls: list[str],
    agent_url: str,
    kill: Any,
    recover: Any,
) -> dict[str, Any]:
    citizens, agents = await live_chats(citizen_urls, agent_url)
    writers: list[Writer] = [*citizens, *agents]
    try:
        return await stream_and_check(name, citizen_urls, kill, recover, citizens, agents)
    finally:
        for writer in writers:
            await writer.close()


async def stream_and_check(
    name: str,
    citizen_urls: list[str],
    kill: Any,
    recover: Any,
    citizens: list[CitizenWriter],
    agents: list[AgentWriter],
) -> dict[str, Any]:
    writers: list[Writer] = [*citizens, *agents]
    stream_until = [time.monotonic() + STREAM_SECONDS]
    killed_at: list[float] = []
    deadline = time.monotonic() + STREAM_SECONDS * 2 + DRAIN_SECONDS + 60
    running = [asyncio.create_task(w.run(stream_until, killed_at, deadline)) for w in writers]
    await asyncio.sleep(STREAM_SECONDS)
    kill()  # SIGKILL mid-stream
    killed_at.append(time.monotonic())
    stream_until[0] = time.monotonic() + 3600  # keep writing through the outage
    await asyncio.to_thread(recover)
    stream_until[0] = time.monotonic() + STREAM_SECONDS  # and a while after it
    await asyncio.gather(*running)

    survivor = citizen_urls[-1] if len(citizen_urls) > 1 else citizen_urls[0]
    lost, twice, checked = 0, 0, 0
    for citizen in citizens:
        reader = await Citizen(survivor).connect()
        await reader.start(citizen.session_id)
        history = await reader.call("history_request", {"after": 0})
        await reader.close()
        stored = [m for m in history["messages"] if m.get("client_id")]
        by_client: dict[str, list[dict[str, Any]]] = {}
        for message in stored:
            by_client.setdefault(message["client_id"], []).append(message)
        texts = [m["text"] for m in stored]
        twice += sum(len(copies) - 1 for copies in by_client.values()) + len(texts) - len(set(texts))
        expected = dict(citizen.acked)
        for agent in agents:
            expected.update({c: i for c, i in agent.acked.items() if agent.chat_of(c) == citizen.conversation_id})
        for client_id, message_id in expected.items():
            checked += 1
            copies = by_client.get(client_id, [])
            if not copies or copies[0]["id"] != message_id:
                lost += 1
    sent = sum(len(w.sent) for w in writers)
    acked = sum(len(w.acked) for w in writers)
    recovery = [w.first_ack_after_kill for w in writers if w.first_ack_after_kill is not None]
    before_kill = sum(w.acked_before_kill for w in writers)
    figures: dict[str, Any] = {
        "setup": name,
        "live_chats": CHATS,
        "messages_sent": sent,
        "acknowledged": acked,
        "acknowledged_before_the_kill": before_kill,
        "acknowledged_messages_checked": checked,
        "lost": lost,
        "stored_twice": twice,
        "unacknowledged_at_the_end": sent - acked,
        "recovery_seconds_median": round(sorted(recovery)[len(recovery) // 2], 2) if recovery else None,
        "recovery_seconds_max": round(max(recovery), 2) if recovery else None,
    }
    record(figures)
    assert (lost, twice, sent - acked) == (0, 0, 0), figures
    silent = [w.name for w in writers if w.first_ack_after_kill is None]
    assert before_kill > 0 and not silent, (silent, figures)
    return figures


def record(figures: dict[str, Any]) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    existing[figures["setup"]] = figures
    REPORT.write_text(json.dumps(existing, indent=2) + "\n")
    print(json.dumps(figures))


@pytest.fixture
async def postgres_database() -> AsyncIterator[str]:
    async with scratch_postgres("citychat_crash") as url:
        yield url


async def restarted_after_a_kill(bot: Stack, stub_bot: str, database_url: str, name: str) -> dict[str, Any]:
    create_users(database_url)
    port = free_port()
    overrides = base_overrides(database_url, RASA_URL=stub_bot)
    gateway = [start_gateway(bot.settings, overrides, f"gateway-crash-{name}", port)]

    def restart() -> None:
        time.sleep(0.5)
        gateway[0] = start_gateway(bot.settings, overrides, f"gateway-crash-{name}-again", port)

    try:
        return await crash_and_check(name, [gateway[0].url], gateway[0].url, gateway[0].process.kill, restart)
    finally:
        gateway[0].process.stop()


async def test_sigkill_mid_stream_on_sqlite(bot: Stack, stub_bot: str, var_dir: Path) -> None:
    database = var_dir / f"gateway-crash-{uuid.uuid4().hex[:6]}.db"
    await restarted_after_a_kill(bot, stub_bot, f"sqlite+aiosqlite:///{database}", "sqlite")


async def test_sigkill_mid_stream_on_postgres(bot: Stack, stub_bot: str, postgres_database: str) -> None:
    await restarted_after_a_kill(bot, stub_bot, postgres_database, "postgres")


async def test_one_of_two_gateways_killed_behind_redis(bot: Stack, stub_bot: str, postgres_database: str) -> None:
    redis_url = redis_server_url()
    if redis_url is None:
        skip_or_fail("Redis (127.0.0.1:6379) is not reachable")
    assert redis_url is not None
    create_users(postgres_database)
    overrides = base_overrides(
        postgres_database, redis_url, RASA_URL=stub_bot, REDIS_CHANNEL=f"citychat-crash-{uuid.uuid4().hex[:8]}"
    )
    doomed = start_gateway(bot.settings, overrides, "gateway-crash-doomed")
    survivor = start_gateway(bot.settings, overrides, "gateway-crash-survivor")
    try:
        await crash_and_check(
            "postgres+redis, one of two killed",
            [doomed.url, survivor.url],
            survivor.url,
            doomed.process.kill,
            lambda: None,  # nothing restarts: its citizens move to the other gateway
        )
    finally:
        doomed.process.stop()
        survivor.process.stop()
