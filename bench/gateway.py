"""`make bench`: the gateway against a bare python-socketio relay, side by side, on this machine.

1. Relay latency citizen -> agent (p50, p99) with 1,000 connected citizens and 50 agents, and
   relay throughput at saturation — for the gateway (with a stub bot that answers at once) and
   for the baseline (bench/baseline_relay.py).
2. What a bot turn gains by going through the gateway: the real Rasa REST webhook called
   directly against a citizen's message through the gateway to the bot's reply (p50, p99).
3. Memory per idle connected citizen: RSS growth of the server process / connections, at 5,000.

Everything runs on loopback; the load generator shares the machine's cores with the servers.
Prints the figures and writes reports/bench/gateway.json and gateway.md.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp

from bench.machine import describe
from bench.rawsio import RawSocketIO
from handoff.accounts.passwords import hash_password
from handoff.db.engine import create_engine, migrate
from handoff.db.store import Store, session_hash
from tools.stack import APP_BIN, ROOT, ManagedProcess, Stack, StackSettings, base_env, gateway_process

CITIZENS = 1000
AGENTS = 50
IDLE_CONNECTIONS = 5000
LATENCY_SECONDS = 15.0
LATENCY_RATE = 200.0  # messages per second across all citizens
SATURATION_SECONDS = 10.0
BOT_TURNS = 200
ORIGIN = "http://bench.local"
PASSWORD = "benchmark-password-123"  # noqa: S105 - accounts of a throw-away benchmark database
REPORT_DIR = ROOT / "reports" / "bench"
QUESTIONS = [
    "Was kostet ein Personalausweis?",
    "Wie melde ich meinen Hund an?",
    "Wann kommt der Sperrmüll?",
    "Ich bin umgezogen, was muss ich tun?",
    "Wo beantrage ich Wohngeld?",
    "Hallo",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def helper_process(name: str, module: str, port: int, settings: StackSettings) -> ManagedProcess:
    return ManagedProcess(
        name,
        [str(APP_BIN / "python"), "-m", module, str(port)],
        base_env(settings),
        settings.var_dir / "log" / f"{name}.log",
        f"http://127.0.0.1:{port}/healthz" if module == "bench.baseline_relay" else f"http://127.0.0.1:{port}/version",
        60,
    )


async def create_agents(database_url: str) -> None:
    engine = create_engine(database_url)
    await migrate(engine)
    store = Store(engine)
    password_hash = hash_password(PASSWORD)
    for index in range(AGENTS):
        await store.add_user(f"agent{index}", f"Agent {index}", "agent", password_hash, ["buergerservice"], 1000)
    await engine.dispose()


async def login(http: aiohttp.ClientSession, url: str, username: str) -> str:
    async with http.post(
        f"{url}/api/login", json={"username": username, "password": PASSWORD}, headers={"Origin": ORIGIN}
    ) as response:
        response.raise_for_status()
        return response.cookies["citychat_session"].value


class Relay:
    """Citizens paired with agents; measures what reaches the agents."""

    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.latencies: list[float] = []
        self.received = 0
        self.citizens: list[RawSocketIO] = []
        self.agents: list[RawSocketIO] = []

    def on_agent_event(self, event: str, data: Any) -> None:
        if event != "message":
            return
        message = data.get("message", {})
        if message.get("sender") != "citizen":
            return
        self.received += 1
        started = self.sent.pop(message.get("client_id") or "", None)
        if started is not None:
            self.latencies.append(time.perf_counter() - started)

    async def send(self, citizen: RawSocketIO, text: str) -> None:
        client_id = uuid.uuid4().hex
        self.sent[client_id] = time.perf_counter()
        await citizen.call("user_uttered", {"message": text, "client_id": client_id})

    async def paced(self, seconds: float, rate: float) -> None:
        interval = 1.0 / rate
        deadline = time.perf_counter() + seconds
        tasks = []
        index = 0
        while time.perf_counter() < deadline:
            citizen = self.citizens[index % len(self.citizens)]
            tasks.append(asyncio.create_task(self.send(citizen, f"Nachricht {index}")))
            index += 1
            await asyncio.sleep(interval)
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.sleep(1.0)

    async def saturate(self, seconds: float) -> float:
        stop = time.perf_counter() + seconds

        async def loop(citizen: RawSocketIO) -> None:
            while time.perf_counter() < stop:
                try:
                    await citizen.call("user_uttered", {"message": "Last", "client_id": uuid.uuid4().hex})
                except (asyncio.TimeoutError, ConnectionError, aiohttp.ClientError):
                    return

        before = self.received
        started = time.perf_counter()
        await asyncio.gather(*(loop(c) for c in self.citizens))
        elapsed = time.perf_counter() - started
        await asyncio.sleep(1.0)
        return (self.received - before) / elapsed


async def connect_many(count: int, factory: Any, parallel: int = 100) -> list[Any]:
    results: list[Any] = []
    for start in range(0, count, parallel):
        results += await asyncio.gather(*(factory(i) for i in range(start, min(count, start + parallel))))
    return results


async def relay_gateway(url: str, database: Path, http: aiohttp.ClientSession) -> dict[str, float]:
    relay = Relay()

    async def citizen(index: int) -> tuple[RawSocketIO, str]:
        client = RawSocketIO(http)
        await client.connect(url, {"Origin": ORIGIN})
        ack = await client.call("session_request", {"session_id": None})
        return client, ack["session_id"]

    pairs = await connect_many(CITIZENS, citizen)
    relay.citizens = [client for client, _ in pairs]
    ids = dict(sqlite3.connect(database).execute("SELECT session_hash, id FROM conversations").fetchall())

    async def agent(index: int) -> RawSocketIO:
        token = await login(http, url, f"agent{index}")
        client = RawSocketIO(http, "/agent")
        client.on_event = relay.on_agent_event
        await client.connect(url, {"Origin": ORIGIN, "Cookie": f"citychat_session={token}"})
        return client

    # Assign the chats directly in the database (as if each agent had accepted 20 of them): the
    # benchmark measures the relay, not 1,000 handoffs through the queue.
    with sqlite3.connect(database) as db:
        for index, (_, session_id) in enumerate(pairs):
            db.execute(
                "UPDATE conversations SET state = 'assigned', agent_id = ? WHERE id = ?",
                (index % AGENTS + 1, ids[session_hash(session_id)]),
            )
    relay.agents = await connect_many(AGENTS, agent, parallel=10)
    return await measure(relay)


async def relay_baseline(url: str, http: aiohttp.ClientSession) -> dict[str, float]:
    relay = Relay()

    async def agent(index: int) -> RawSocketIO:
        client = RawSocketIO(http, "/agent")
        client.on_event = relay.on_agent_event
        await client.connect(url, {"Origin": ORIGIN}, auth={"agent": index})
        return client

    relay.agents = await connect_many(AGENTS, agent)

    async def citizen(index: int) -> RawSocketIO:
        client = RawSocketIO(http)
        await client.connect(url, {"Origin": ORIGIN})
        await client.call("session_request", {})
        await client.call("pair", {"agent": index % AGENTS})
        return client

    relay.citizens = await connect_many(CITIZENS, citizen)
    return await measure(relay)


async def measure(relay: Relay) -> dict[str, float]:
    await relay.paced(2.0, LATENCY_RATE)  # warm-up
    relay.latencies.clear()
    await relay.paced(LATENCY_SECONDS, LATENCY_RATE)
    latencies = relay.latencies[:]
    throughput = await relay.saturate(SATURATION_SECONDS)
    for client in relay.citizens + relay.agents:
        await client.close()
    return {
        "samples": len(latencies),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "throughput_msgs_per_s": round(throughput, 1),
    }


async def idle_memory(url: str, pid: int, http: aiohttp.ClientSession, session_request: bool) -> dict[str, float]:
    await asyncio.sleep(1.0)
    before = rss_kib(pid)

    async def idle(index: int) -> RawSocketIO:
        client = RawSocketIO(http)
        await client.connect(url, {"Origin": ORIGIN})
        if session_request:
            await client.call("session_request", {"session_id": None})
        return client

    clients = await connect_many(IDLE_CONNECTIONS, idle, parallel=200)
    await asyncio.sleep(3.0)
    after = rss_kib(pid)
    for client in clients:
        await client.close()
    return {
        "connections": IDLE_CONNECTIONS,
        "rss_before_mib": round(before / 1024, 1),
        "rss_after_mib": round(after / 1024, 1),
        "kib_per_connection": round((after - before) / IDLE_CONNECTIONS, 1),
    }


async def bot_turns(rasa_url: str, gateway_url: str, http: aiohttp.ClientSession) -> dict[str, float]:
    direct: list[float] = []
    for index in range(BOT_TURNS):
        started = time.perf_counter()
        async with http.post(
            f"{rasa_url}/webhooks/rest/webhook",
            json={"sender": f"bench-{index % 20}", "message": QUESTIONS[index % len(QUESTIONS)]},
        ) as r:
            await r.read()
        direct.append(time.perf_counter() - started)

    replies: asyncio.Queue[float] = asyncio.Queue()
    via: list[float] = []
    citizens = []
    for _ in range(20):
        client = RawSocketIO(http)

        def on_event(event: str, data: Any) -> None:
            if event == "bot_uttered" and data["metadata"].get("sender") == "bot":
                replies.put_nowait(time.perf_counter())

        client.on_event = on_event
        await client.connect(gateway_url, {"Origin": ORIGIN})
        await client.call("session_request", {"session_id": None})
        citizens.append(client)
    for index in range(BOT_TURNS):
        started = time.perf_counter()
        await citizens[index % 20].emit(
            "user_uttered", {"message": QUESTIONS[index % len(QUESTIONS)], "client_id": uuid.uuid4().hex}
        )
        answered = await asyncio.wait_for(replies.get(), 30)
        via.append(answered - started)
        while not replies.empty():  # turns with several bot messages: count the first
            replies.get_nowait()
        await asyncio.sleep(0.05)
    for client in citizens:
        await client.close()
    return {
        "turns": BOT_TURNS,
        "direct_p50_ms": round(statistics.median(direct) * 1000, 1),
        "direct_p99_ms": round(percentile(direct, 0.99) * 1000, 1),
        "gateway_p50_ms": round(statistics.median(via) * 1000, 1),
        "gateway_p99_ms": round(percentile(via, 0.99) * 1000, 1),
        "added_p50_ms": round((statistics.median(via) - statistics.median(direct)) * 1000, 1),
        "added_p99_ms": round((percentile(via, 0.99) - percentile(direct, 0.99)) * 1000, 1),
    }


def gateway_overrides(database_url: str, rasa_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "RASA_URL": rasa_url,
        "ALLOWED_ORIGINS": ORIGIN,
        "CONSOLE_ORIGINS": ORIGIN,
        # every client comes from 127.0.0.1: the per-address limits would measure themselves
        "RATE_PER_SECOND": "100000",
        "RATE_BURST": "100000",
        "IP_RATE_PER_SECOND": "1000000",
        "IP_RATE_BURST": "1000000",
        "MAX_CONNECTIONS_PER_IP": "100000",
        "SESSIONS_PER_MINUTE_PER_IP": "1000000",
        "HANDOFFS_PER_HOUR_PER_IP": "1000000",
        "MAX_QUEUE_LENGTH": "100000",
        "LOGIN_FREE_ATTEMPTS": "100000",
    }


async def run(var_dir: Path) -> dict[str, Any]:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # thousands of sockets, inherited by the servers
    settings = StackSettings(rasa_port=free_port(), actions_port=free_port(), var_dir=var_dir, with_gateway=False)
    results: dict[str, Any] = {"machine": describe(), "citizens": CITIZENS, "agents": AGENTS}
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as http:
        stub_port, baseline_port = free_port(), free_port()
        stub = helper_process("stub-bot", "bench.stub_bot", stub_port, settings)
        baseline = helper_process("baseline", "bench.baseline_relay", baseline_port, settings)
        database = var_dir / "bench-gateway.db"
        await create_agents(f"sqlite+aiosqlite:///{database}")
        gateway = gateway_process(
            settings,
            free_port(),
            gateway_overrides(f"sqlite+aiosqlite:///{database}", f"http://127.0.0.1:{stub_port}"),
            "bench-gateway",
        )
        started = [stub, baseline, gateway]
        try:
            for process in started:
                process.start()
                process.wait_ready()
            gateway_url = gateway.ready_url.removesuffix("/healthz")
            baseline_url = f"http://127.0.0.1:{baseline_port}"
            print(f"relay: {CITIZENS} citizens, {AGENTS} agents — baseline ...", flush=True)
            results["relay_baseline"] = await relay_baseline(baseline_url, http)
            print("relay: gateway ...", flush=True)
            results["relay_gateway"] = await relay_gateway(gateway_url, database, http)
            print(f"memory: {IDLE_CONNECTIONS} idle citizens — baseline ...", flush=True)
            assert baseline.process is not None and gateway.process is not None
            results["memory_baseline"] = await idle_memory(baseline_url, baseline.process.pid, http, False)
            print("memory: gateway ...", flush=True)
            results["memory_gateway"] = await idle_memory(gateway_url, gateway.process.pid, http, True)
        finally:
            for process in reversed(started):
                process.stop()

        print("bot turns: real Rasa directly and through the gateway ...", flush=True)
        with Stack(settings) as bot:
            real_database = var_dir / "bench-gateway-rasa.db"
            real = gateway_process(
                replace(settings),
                free_port(),
                gateway_overrides(f"sqlite+aiosqlite:///{real_database}", bot.settings.rasa_url),
                "bench-gateway-rasa",
            )
            real.start()
            try:
                real.wait_ready()
                results["bot_turn"] = await bot_turns(
                    bot.settings.rasa_url, real.ready_url.removesuffix("/healthz"), http
                )
            finally:
                real.stop()
    return results


def report(results: dict[str, Any]) -> str:
    base, gate = results["relay_baseline"], results["relay_gateway"]
    mem_base, mem_gate = results["memory_baseline"], results["memory_gateway"]
    bot = results["bot_turn"]
    share = gate["throughput_msgs_per_s"] / base["throughput_msgs_per_s"]
    lines = [
        f"Machine: {results['machine']}",
        "",
        "| figure | gateway | baseline (bare python-socketio) | target |",
        "|---|---|---|---|",
        f"| relay latency p50, {CITIZENS} citizens + {AGENTS} agents | {gate['p50_ms']} ms | {base['p50_ms']} ms | |",
        f"| relay latency p99 | {gate['p99_ms']} ms | {base['p99_ms']} ms | ≤ 20 ms |",
        f"| relay throughput at saturation | {gate['throughput_msgs_per_s']:.0f} msg/s | "
        f"{base['throughput_msgs_per_s']:.0f} msg/s | ≥ 70 % of baseline ({share:.0%}) |",
        f"| memory per idle citizen, {IDLE_CONNECTIONS} connections | {mem_gate['kib_per_connection']} KiB | "
        f"{mem_base['kib_per_connection']} KiB | ≤ 30 KiB |",
        f"| bot turn through the gateway vs Rasa directly, p50 | +{bot['added_p50_ms']} ms "
        f"({bot['gateway_p50_ms']} vs {bot['direct_p50_ms']} ms) | | ≤ 10 ms |",
        f"| bot turn added, p99 | {bot['added_p99_ms']:+} ms "
        f"({bot['gateway_p99_ms']} vs {bot['direct_p99_ms']} ms) | | |",
    ]
    return "\n".join(lines)


def main() -> int:
    var_dir = ROOT / "var" / "bench"
    if var_dir.exists():
        subprocess.run(["rm", "-rf", str(var_dir)], check=True)  # noqa: S603,S607 - our own scratch folder
    var_dir.mkdir(parents=True)
    results = asyncio.run(run(var_dir))
    table = report(results)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / "gateway.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (REPORT_DIR / "gateway.md").write_text("# Gateway benchmark\n\n" + table + "\n", encoding="utf-8")
    print()
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
