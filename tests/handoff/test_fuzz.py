"""Property-based: thousands of malformed events at both namespaces, no unhandled exception.

Hypothesis generates event names, payloads (wrong types, missing fields, deep nesting, huge
and odd text, binary attachments, several arguments) and raw Engine.IO frames. Afterwards the
gateway's log holds no traceback, the process is alive and a normal conversation still works.
The examples are derandomised, so CI runs the same 3,000 every time; frames that once broke
something are always sent (NASTY_FRAMES).
"""

from __future__ import annotations

import asyncio
import math
import threading
from typing import Any, Callable, Coroutine, Iterator, TypeVar

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.handoff.clients import ORIGIN, Agent, Citizen
from tests.handoff.conftest import PASSWORD, Gateway

pytestmark = pytest.mark.stack
T = TypeVar("T")
JSON_DEPTH_LIMIT = 1024  # orjson's (handoff/jsonsafe.py)
EXAMPLES = 1000

CITIZEN_EVENTS = ["session_request", "user_uttered", "history_request", "typing", "feedback", "delete_conversation"]
AGENT_EVENTS = [
    "hello",
    "presence",
    "accept",
    "message",
    "note",
    "typing",
    "transfer",
    "hand_back",
    "close",
    "take_over",
    "open",
    "history",
    "live",
]
RESERVED = ["connect", "disconnect", "message", "", "*", "__disconnect_final", "on_connect"]
FIELDS = [
    "message",
    "session_id",
    "client_id",
    "customData",
    "after",
    "typing",
    "message_id",
    "helpful",
    "conversation_id",
    "text",
    "department",
    "agent_id",
    "outcome",
    "status",
    "page",
    "language",
    "before",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False),
    st.text(max_size=50),
    st.text(alphabet="[]{}<>\"'\\/\u202e\u200b\u0000", max_size=30),
    st.sampled_from(
        [
            "a" * 32,
            "0" * 32,
            "<script>alert(1)</script>",
            "'; DROP TABLE messages; --",
            "x" * 2500,
            "online",
            "resolved",
            "buergeramt",
            "/request_human",
        ]
    ),
)
json_like = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)
deep = st.integers(min_value=5, max_value=200).map(lambda depth: _nest(depth))
payloads = st.one_of(
    json_like,
    deep,
    st.binary(max_size=200),
    st.dictionaries(st.sampled_from(FIELDS), st.one_of(scalars, st.binary(max_size=20), deep), max_size=6),
)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, (list, tuple)):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    return True


def answerable(args: list[Any]) -> bool:
    """Packets that are not JSON (Infinity, more than 1,024 levels deep) are dropped unread as
    malformed: no ack can come. Everything else gets one."""
    return _depth(args) < JSON_DEPTH_LIMIT - 2 and _finite(args)


def _nest(depth: int) -> Any:
    value: Any = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"message": value}
    return value


class LoopThread:
    """An event loop of our own in a thread, so the synchronous Hypothesis test can drive clients."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture
def fuzz_gateway(spawn_gateway: Callable[..., Gateway]) -> Gateway:
    return spawn_gateway(RATE_PER_SECOND="1000", RATE_BURST="2000", IP_RATE_PER_SECOND="5000", IP_RATE_BURST="10000")


@pytest.fixture
def loop_thread() -> Iterator[LoopThread]:
    running = LoopThread()
    yield running
    running.close()


def assert_healthy(gateway: Gateway, loop: LoopThread) -> None:
    assert gateway.process.running, gateway.process.log_tail()
    log = gateway.process.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-5000:]
    assert "Task exception was never retrieved" not in log

    async def still_works() -> None:
        citizen = await Citizen(gateway.url).connect()
        await citizen.start()
        assert (await citizen.say("Wie melde ich meinen Hund an?"))["ok"]
        assert (await citizen.bot_answer())["metadata"]["kb_article"] == "hundesteuer"
        await citizen.close()

    loop.run(still_works())


def test_malformed_citizen_events(fuzz_gateway: Gateway, loop_thread: LoopThread) -> None:
    async def connect() -> Citizen:
        client = await Citizen(fuzz_gateway.url).connect()
        await client.start()
        return client

    citizen = loop_thread.run(connect())
    sent = [0]

    @settings(
        max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True
    )
    @given(
        event=st.sampled_from(CITIZEN_EVENTS + RESERVED) | st.text(max_size=20),
        args=st.lists(payloads, min_size=0, max_size=3),
        ack=st.booleans(),
    )
    def throw(event: str, args: list[Any], ack: bool) -> None:
        async def emit() -> None:
            if not citizen.sio.connected:  # an oversized or deleted session may end it: reconnect
                await citizen.sio.connect(fuzz_gateway.url, headers={"Origin": ORIGIN}, transports=["websocket"])
                await citizen.start()
            data = tuple(args) if len(args) != 1 else args[0]
            if ack and event in CITIZEN_EVENTS and answerable(args):
                result = await citizen.sio.call(event, data, timeout=10)
                assert isinstance(result, dict) and "ok" in result, result
            else:
                await citizen.sio.emit(event, data)
            sent[0] += 1

        loop_thread.run(emit())

    throw()
    assert sent[0] >= EXAMPLES
    loop_thread.run(citizen.close())
    assert_healthy(fuzz_gateway, loop_thread)


def test_malformed_agent_events(fuzz_gateway: Gateway, loop_thread: LoopThread) -> None:
    async def connect() -> Agent:
        return await Agent(fuzz_gateway.url, "sara", PASSWORD).connect()

    agent = loop_thread.run(connect())
    sent = [0]

    @settings(
        max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True
    )
    @given(
        event=st.sampled_from(AGENT_EVENTS + RESERVED) | st.text(max_size=20),
        args=st.lists(payloads, min_size=0, max_size=3),
        ack=st.booleans(),
    )
    def throw(event: str, args: list[Any], ack: bool) -> None:
        async def emit() -> None:
            if not agent.sio.connected:
                await agent.connect()
            data = tuple(args) if len(args) != 1 else args[0]
            if ack and event in AGENT_EVENTS and answerable(args):
                result = await agent.sio.call(event, data, namespace="/agent", timeout=10)
                assert isinstance(result, dict) and "ok" in result, result
            else:
                await agent.sio.emit(event, data, namespace="/agent")
            sent[0] += 1

        loop_thread.run(emit())

    throw()
    assert sent[0] >= EXAMPLES
    loop_thread.run(agent.close())
    assert_healthy(fuzz_gateway, loop_thread)


# Always sent, before the generated ones: each of these once made Engine.IO or python-socketio
# raise (unknown packet types, empty frames, broken JSON, bad attachment placeholders).
NASTY_FRAMES = [
    '42["user_uttered",',
    '42["user_uttered"]',
    "42[1,2,3]",
    '42{"a":1}',
    "42",
    "4",
    "40/nope,",
    "45-",
    '451-["x",{"_placeholder":true,"num":0}]',
    '451-["x",{"_placeholder":true,"num":7}]',
    "2probe",
    "5",
    "6",
    "7",
    "8",
    "9",
    "9" * 100,
    "1",
    "0",
    "",
    " ",
    "\u0000",
    '42["' + "[" * 5000 + '"]',
    "42" + "[" * 5000 + "]" * 5000,
]


def test_malformed_engineio_frames(fuzz_gateway: Gateway, loop_thread: LoopThread) -> None:
    """Raw WebSocket frames that no Socket.IO client would send: broken packets and JSON."""
    frames = st.one_of(
        st.text(max_size=300).map(lambda t: "42" + t),
        st.text(max_size=300).map(lambda t: "42/agent," + t),
        st.text(max_size=50),
        st.sampled_from(NASTY_FRAMES),
    )
    url = fuzz_gateway.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"

    async def open_socket() -> tuple[aiohttp.ClientSession, aiohttp.ClientWebSocketResponse]:
        session = aiohttp.ClientSession()
        socket = await session.ws_connect(url, headers={"Origin": ORIGIN})
        await socket.receive(timeout=10)  # Engine.IO open packet
        await socket.send_str("40")  # connect to the citizen namespace
        return session, socket

    state: dict[str, Any] = {}
    state["session"], state["socket"] = loop_thread.run(open_socket())

    @settings(
        max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True
    )
    @given(frame=frames)
    def throw(frame: str) -> None:
        async def send() -> None:
            if state["socket"].closed:
                await state["session"].close()
                state["session"], state["socket"] = await open_socket()
            try:
                await state["socket"].send_str(frame)
            except (ConnectionResetError, aiohttp.ClientError):
                state["socket"] = await state["session"].ws_connect(url, headers={"Origin": ORIGIN})

        loop_thread.run(send())

    for frame in NASTY_FRAMES:
        throw.hypothesis.inner_test(frame=frame)  # type: ignore[attr-defined]
    throw()

    async def close() -> None:
        await state["socket"].close()
        await state["session"].close()

    loop_thread.run(close())
    assert_healthy(fuzz_gateway, loop_thread)
