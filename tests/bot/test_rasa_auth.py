"""Rasa's HTTP API takes the gateway's JWT and nothing else; the token stays out of `ps` and logs.

Real Rasa (bot/serve.py, started by tools/stack.py with the trained model), real sockets, the
gateway's own client (handoff/rasa_client.py).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any, AsyncIterator, Dict, Iterator, List, Optional, Tuple

import aiohttp
import jwt
import pytest
from aiohttp import web

from handoff.rasa.client import JWT_LIFETIME_SECONDS, JWT_RENEW_SECONDS, BotUnavailable, RasaClient
from tests.conftest import free_port
from tools.stack import Stack

pytestmark = pytest.mark.stack

SLOT_EVENT = [{"event": "slot", "name": "last_article", "value": "reisepass"}]


def conversation() -> str:
    return f"auth-test-{uuid.uuid4().hex}"


def signed(payload: Dict[str, Any], secret: str, algorithm: str = "HS256") -> Dict[str, str]:
    return {"Authorization": f"Bearer {jwt.encode(payload, secret, algorithm=algorithm)}"}


def admin(exp_in: float = 300) -> Dict[str, Any]:
    return {"user": {"username": "someone", "role": "admin"}, "exp": int(time.time() + exp_in)}


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


async def post_events(
    session: aiohttp.ClientSession, bot: Stack, conversation_id: str, headers: Dict[str, str], query: str = ""
) -> int:
    url = f"{bot.settings.rasa_url}/conversations/{conversation_id}/tracker/events{query}"
    async with session.post(url, json=SLOT_EVENT, headers=headers, timeout=aiohttp.ClientTimeout(total=30)) as response:
        return response.status


async def last_article(session: aiohttp.ClientSession, bot: Stack, conversation_id: str) -> Optional[str]:
    url = f"{bot.settings.rasa_url}/conversations/{conversation_id}/tracker"
    async with session.get(url, headers=bot.settings.rasa_auth_header()) as response:
        assert response.status == 200
        tracker: Dict[str, Any] = await response.json()
    value: Optional[str] = tracker["slots"].get("last_article")
    return value


async def test_a_request_without_a_jwt_is_refused(session: aiohttp.ClientSession, bot: Stack) -> None:
    conversation_id = conversation()
    assert await post_events(session, bot, conversation_id, {}) == 401
    assert await last_article(session, bot, conversation_id) is None


def refused_requests(token: str) -> Dict[str, Tuple[Dict[str, str], int]]:
    """Requests Rasa must refuse, and its answer (sanic-jwt's status codes)."""
    other = "another-secret-of-the-same-length-" + "x" * 20
    return {
        "signed with another secret": (signed(admin(), other), 401),
        "expired (beyond Rasa's 180 s leeway)": (signed(admin(exp_in=-600), token), 401),
        "no role": (signed({"user": {"username": "someone"}, "exp": int(time.time() + 300)}, token), 403),
        "role user of another conversation": (
            signed({"user": {"username": "someone-else", "role": "user"}, "exp": int(time.time() + 300)}, token),
            403,
        ),
        "the token itself as bearer": ({"Authorization": f"Bearer {token}"}, 401),
        "not a bearer": ({"Authorization": f"Token {jwt.encode(admin(), token, algorithm='HS256')}"}, 400),
        # sanic-jwt lets PyJWT's InvalidAlgorithmError through: refused, but as a server error
        "unsigned (alg none)": ({"Authorization": f"Bearer {jwt.encode(admin(), None, algorithm='none')}"}, 500),
    }


CASES = list(refused_requests("x" * 40))


@pytest.mark.parametrize("case", CASES)
async def test_a_wrong_jwt_is_refused(session: aiohttp.ClientSession, bot: Stack, case: str) -> None:
    conversation_id = conversation()
    headers, expected = refused_requests(bot.settings.rasa_token)[case]
    assert await post_events(session, bot, conversation_id, headers) == expected
    assert await last_article(session, bot, conversation_id) is None


async def test_the_token_in_the_url_no_longer_works(session: aiohttp.ClientSession, bot: Stack) -> None:
    conversation_id = conversation()
    # a made-up token: the real one would end up in the access log this request writes
    assert await post_events(session, bot, conversation_id, {}, query=f"?token={'y' * 48}") == 401
    assert await last_article(session, bot, conversation_id) is None


async def test_the_gateway_s_client_is_accepted(session: aiohttp.ClientSession, bot: Stack) -> None:
    client = RasaClient(session, bot.settings.rasa_url, bot.settings.rasa_token, 10.0)
    conversation_id = conversation()
    replies = await client.send(conversation_id, "Was kostet ein Personalausweis?", {})
    assert replies and replies[0]["custom"]["kb_article"] == "personalausweis"
    await client.append_events(conversation_id, SLOT_EVENT)
    assert await last_article(session, bot, conversation_id) == "reisepass"
    assert await client.ready()


async def test_a_client_with_the_wrong_token_gets_bot_unavailable(session: aiohttp.ClientSession, bot: Stack) -> None:
    client = RasaClient(session, bot.settings.rasa_url, "z" * 48, 10.0)
    conversation_id = conversation()
    with pytest.raises(BotUnavailable, match="HTTP 401"):
        await client.append_events(conversation_id, SLOT_EVENT)
    assert await last_article(session, bot, conversation_id) is None


def cmdlines() -> Iterator[str]:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                yield (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue


async def test_the_token_is_in_no_command_line_and_no_log(session: aiohttp.ClientSession, bot: Stack) -> None:
    token = bot.settings.rasa_token
    client = RasaClient(session, bot.settings.rasa_url, token, 10.0)
    await client.append_events(conversation(), SLOT_EVENT)  # an authenticated request, logged as Rasa logs them
    assert await post_events(session, bot, conversation(), {}) == 401
    assert bot.rasa.process is not None and bot.rasa.running
    rasa_cmdline = Path(f"/proc/{bot.rasa.process.pid}/cmdline").read_bytes().decode()  # noqa: ASYNC240
    assert "bot.serve" in rasa_cmdline and "--enable-api" in rasa_cmdline
    assert token not in rasa_cmdline
    assert not [line for line in cmdlines() if token in line], "the token is in a process's command line"
    logs: List[Path] = sorted((bot.settings.var_dir / "log").glob("*.log"))
    assert any(log.name == "rasa.log" for log in logs)
    for log in logs:
        text = log.read_text(errors="replace")
        assert token not in text, f"the token is in {log}"
        assert client._jwt is not None and client._jwt not in text


async def test_the_jwt_is_what_rasa_checks_and_is_renewed_before_it_expires(session: aiohttp.ClientSession) -> None:
    secret = "s" * 48
    client = RasaClient(session, "http://127.0.0.1:9", secret, 1.0)
    now = 1_800_000_000.0
    client._clock = lambda: now
    first = client._headers()["Authorization"].removeprefix("Bearer ")
    assert jwt.get_unverified_header(first)["alg"] == "HS256"
    payload = jwt.decode(first, secret, algorithms=["HS256"], options={"verify_exp": False})
    assert payload == {
        "user": {"username": "citychat-gateway", "role": "admin"},
        "exp": int(now) + JWT_LIFETIME_SECONDS,
    }
    now += JWT_LIFETIME_SECONDS - JWT_RENEW_SECONDS - 1
    assert client._headers()["Authorization"] == f"Bearer {first}"  # still valid long enough
    now += 1
    second = client._headers()["Authorization"].removeprefix("Bearer ")
    assert second != first
    assert jwt.decode(second, secret, algorithms=["HS256"], options={"verify_exp": False})["exp"] == int(now) + 300


async def test_without_a_token_no_authorization_is_sent(session: aiohttp.ClientSession) -> None:
    assert RasaClient(session, "http://127.0.0.1:9", "", 1.0)._headers() == {}
    with pytest.raises(BotUnavailable, match="cannot sign"):
        RasaClient(session, "http://127.0.0.1:9", '{"kty": "oct", "k": "x"}', 1.0)._headers()


async def test_every_call_keeps_its_timeout(session: aiohttp.ClientSession) -> None:
    """A Rasa that accepts the connection and never answers: each call gives up after the timeout."""

    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.Response()

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", hang)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        client = RasaClient(session, f"http://127.0.0.1:{port}", "s" * 48, 0.3)
        started = time.monotonic()
        with pytest.raises(BotUnavailable, match="TimeoutError"):
            await client.send("x", "Hallo", {})
        with pytest.raises(BotUnavailable, match="TimeoutError"):
            await client.append_events("x", SLOT_EVENT)
        assert not await client.ready()
        assert time.monotonic() - started < 3
    finally:
        await runner.cleanup()
