"""Limits, origins and malformed input: a clear error ack, and nothing else is harmed."""

from __future__ import annotations

import asyncio
from typing import Callable

import pytest

from tests.handoff.clients import ORIGIN, Agent, Citizen, expect_refused, login
from tests.handoff.conftest import PASSWORD, Gateway

pytestmark = pytest.mark.stack


async def test_a_foreign_origin_is_refused_on_both_namespaces(citizen_url: str, agent_url: str) -> None:
    await expect_refused(citizen_url, headers={"Origin": "http://evil.test"})
    await expect_refused(citizen_url, headers={"Origin": "null"})
    token = await login(agent_url, "anna", PASSWORD)
    await expect_refused(
        agent_url, namespaces=["/agent"], headers={"Origin": "http://evil.test", "Cookie": f"citychat_session={token}"}
    )


async def test_without_origin_a_citizen_still_needs_a_session(citizen_url: str) -> None:
    citizen = await Citizen(citizen_url, origin=None).connect()
    ack = await citizen.call("user_uttered", {"message": "Hallo"})
    assert ack == {"ok": False, "error": "no_session", "message": "send session_request first"}
    await citizen.close()


async def test_message_length_limit(citizen_url: str) -> None:
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    too_long = await citizen.say("x" * 2001)
    assert too_long["ok"] is False and too_long["error"] == "too_long"
    exactly = await citizen.say("Personalausweis " * 124 + "abc")  # 1,987 characters
    assert exactly["ok"] is True
    empty = await citizen.say("   ")
    assert empty["error"] == "empty"
    history = await citizen.call("history_request", {"after": 0})
    assert [m["id"] for m in history["messages"] if m["sender"] == "citizen"] == [exactly["id"]]
    await citizen.close()


async def test_rate_limit_per_session(citizen_url: str) -> None:
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    acks = await asyncio.gather(*(citizen.say(f"Nachricht {n}") for n in range(25)))
    accepted = [a for a in acks if a["ok"]]
    limited = [a for a in acks if not a["ok"]]
    assert 10 <= len(accepted) < 25
    assert limited and all(a["error"] == "rate_limited" for a in limited)
    other = await Citizen(citizen_url).connect()  # another citizen is not affected
    await other.start()
    assert (await other.say("Hallo"))["ok"]
    await asyncio.sleep(1.2)
    assert (await citizen.say("wieder da"))["ok"]  # the bucket refills
    await citizen.close()
    await other.close()


async def test_rate_limit_per_address_and_connections_per_address(spawn_gateway: Callable[..., Gateway]) -> None:
    gateway = spawn_gateway(IP_RATE_PER_SECOND="2", IP_RATE_BURST="6", MAX_CONNECTIONS_PER_IP="3")
    clients = [await Citizen(gateway.url).connect() for _ in range(3)]
    await expect_refused(gateway.url, headers={"Origin": ORIGIN})
    for client in clients:
        await client.start()
    acks = []
    for index in range(9):
        acks.append(await clients[index % 3].say(f"Nachricht {index}"))
    assert [a["ok"] for a in acks].count(True) <= 7
    assert any(a.get("error") == "rate_limited" for a in acks)
    await clients[0].close()
    await asyncio.sleep(0.5)
    replacement = await Citizen(gateway.url).connect()  # a freed slot can be used again
    for client in [*clients[1:], replacement]:
        await client.close()


async def test_engineio_buffer_limit_drops_only_that_connection(citizen_url: str) -> None:
    big = await Citizen(citizen_url).connect()
    await big.start()
    bystander = await Citizen(citizen_url).connect()
    await bystander.start()
    await big.sio.emit("user_uttered", {"message": "x" * 100_000, "session_id": big.session_id})
    for _ in range(50):
        if not big.sio.connected:
            break
        await asyncio.sleep(0.1)
    assert not big.sio.connected
    await big.close()
    assert (await bystander.say("Wie melde ich meinen Hund an?"))["ok"]
    assert (await bystander.bot_answer())["metadata"]["kb_article"] == "hundesteuer"
    await bystander.close()


@pytest.mark.parametrize(
    ("event", "payload", "error"),
    [
        ("user_uttered", {"message": 42}, "invalid"),
        ("user_uttered", {"message": ["a"]}, "invalid"),
        ("user_uttered", "just a string", "invalid"),
        ("user_uttered", None, "invalid"),
        ("user_uttered", {"message": "hi", "customData": "x"}, "invalid"),
        ("user_uttered", {"message": "hi", "client_id": "<script>"}, "invalid"),
        ("user_uttered", {"message": "hi", "customData": {"a": {"b": {"c": {"d": {"e": 1}}}}}}, "invalid"),
        ("user_uttered", {"message": "hi", "extra": list(range(100))}, "invalid"),
        ("history_request", {"after": "zero"}, "invalid"),
        ("history_request", {"after": -1}, "invalid"),
        ("history_request", {"after": 10**30}, "invalid"),  # was `internal`, with a traceback each time
        ("feedback", {"message_id": 10**30, "helpful": True}, "invalid"),
        ("typing", {"typing": "yes"}, "invalid"),
        ("feedback", {"message_id": "1", "helpful": True}, "invalid"),
        ("feedback", {"message_id": True, "helpful": True}, "invalid"),
    ],
)
async def test_malformed_citizen_events_get_an_error_ack(
    citizen_url: str, event: str, payload: object, error: str
) -> None:
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    ack = await citizen.call(event, payload)
    assert ack["ok"] is False and ack["error"] == error, ack
    assert (await citizen.say("Hallo"))["ok"]  # the connection still works
    await citizen.close()


async def test_binary_attachments_are_refused(citizen_url: str) -> None:
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    ack = await citizen.call("user_uttered", {"message": "Foto", "file": b"\x89PNG\r\n" + bytes(100)})
    assert ack == {"ok": False, "error": "invalid", "message": "binary data is not accepted"}
    await citizen.close()


async def test_unknown_events_and_forged_connect_events_are_ignored(citizen_url: str, agent_url: str) -> None:
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    await citizen.sio.emit("rm_rf", {"x": 1})
    await citizen.sio.emit("connect", ({"aiohttp.request": "forged"}, {"token": "x"}))
    await citizen.sio.emit("disconnect", "forged")
    assert (await citizen.say("Hallo"))["ok"]
    agent = await Agent(agent_url, "anna", PASSWORD).connect()
    await agent.sio.emit("disconnect", "forged", namespace="/agent")
    await asyncio.sleep(0.3)
    hello = await agent.call("hello")
    assert hello["me"]["status"] == "online"  # the forged disconnect did not end anna's presence
    await agent.close()
    await citizen.close()
