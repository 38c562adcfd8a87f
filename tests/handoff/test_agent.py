"""The agents' side: login, roles, the queue, atomic accept, transfer, take-over, grace period."""

from __future__ import annotations

import asyncio
from typing import Callable

import aiohttp
import pytest
import socketio

from tests.handoff.clients import CONSOLE_ORIGIN, ORIGIN, Agent, Citizen, expect_refused, login
from tests.handoff.conftest import PASSWORD, Gateway

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("office_open")]


async def queued_citizen(url: str, agent: Agent) -> tuple[Citizen, str]:
    """A citizen waiting in the queue (the agent is alerted); returns the citizen and the conversation id."""
    citizen = await Citizen(url).connect()
    await citizen.start()
    ack = await citizen.say("Ich möchte mit einem Menschen sprechen")
    await citizen.status("queued")
    alert = await agent.events.wait_for(
        "handoff_alert", lambda d: any(m.get("id") == ack["id"] for m in d["transcript"])
    )
    return citizen, alert["conversation_id"]


async def test_without_login_the_agent_namespace_refuses(agent_url: str) -> None:
    await expect_refused(agent_url, namespaces=["/agent"], headers={"Origin": CONSOLE_ORIGIN})
    await expect_refused(
        agent_url,
        namespaces=["/agent"],
        headers={"Origin": CONSOLE_ORIGIN, "Cookie": "citychat_session=forged-token"},
        auth={"role": "supervisor", "user_id": 1},
    )


async def test_an_editor_may_not_use_the_console(agent_url: str) -> None:
    editor = Agent(agent_url, "eddi", PASSWORD)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await editor.connect()


async def test_wrong_password_is_refused(agent_url: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{agent_url}/api/login",
            json={"username": "anna", "password": "wrong password!"},
            headers={"Origin": CONSOLE_ORIGIN},
        ) as response:
            assert response.status == 401
            assert "citychat_session" not in response.cookies
        async with session.post(
            f"{agent_url}/api/login",
            json={"username": "nobody", "password": "x" * 20},
            headers={"Origin": CONSOLE_ORIGIN},
        ) as response:
            assert response.status == 401
        async with session.post(
            f"{agent_url}/api/login",
            json={"username": "anna", "password": PASSWORD},
            headers={"Origin": "http://evil.test"},
        ) as response:
            assert response.status == 403
        async with session.post(  # a city page embedding the widget is not the console
            f"{agent_url}/api/login", json={"username": "anna", "password": PASSWORD}, headers={"Origin": ORIGIN}
        ) as response:
            assert response.status == 403


async def test_login_cookie_is_httponly_and_strict(agent_url: str) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{agent_url}/api/login",
            json={"username": "anna", "password": PASSWORD},
            headers={"Origin": CONSOLE_ORIGIN},
        ) as response,
    ):
        cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie


async def test_exactly_one_of_two_agents_gets_a_chat(citizen_url: str, anna: Agent, ben: Agent) -> None:
    citizen, conversation_id = await queued_citizen(citizen_url, anna)
    await ben.events.wait_for("handoff_alert", lambda d: d["conversation_id"] == conversation_id)
    results = await asyncio.gather(
        anna.call("accept", {"conversation_id": conversation_id}),
        ben.call("accept", {"conversation_id": conversation_id}),
    )
    assert sorted(r["ok"] for r in results) == [False, True], results
    loser = next(r for r in results if not r["ok"])
    assert loser["error"] == "taken"
    statuses = [s for s in citizen.events.all("handoff_status") if s["state"] == "assigned"]
    await citizen.status("assigned")
    assert len(statuses) <= 1
    winner = anna if results[0]["ok"] else ben
    assert (await winner.call("close", {"conversation_id": conversation_id, "outcome": "not_resolved"}))["ok"]
    await citizen.close()


async def test_only_the_assigned_agent_may_write(citizen_url: str, anna: Agent, ben: Agent) -> None:
    citizen, conversation_id = await queued_citizen(citizen_url, anna)
    assert (await anna.call("accept", {"conversation_id": conversation_id}))["ok"]
    intrusion = await ben.call("message", {"conversation_id": conversation_id, "text": "Hallo, hier Ben"})
    assert intrusion == {"ok": False, "error": "not_yours", "message": "this chat is not assigned to you"}
    spoof = await ben.call(
        "message", {"conversation_id": conversation_id, "text": "x", "agent_id": 1, "role": "supervisor"}
    )
    assert spoof["ok"] is False
    assert (await anna.call("close", {"conversation_id": conversation_id, "outcome": "resolved"}))["ok"]
    await citizen.close()


async def test_internal_notes_never_reach_the_citizen(citizen_url: str, anna: Agent) -> None:
    citizen, conversation_id = await queued_citizen(citizen_url, anna)
    assert (await anna.call("accept", {"conversation_id": conversation_id}))["ok"]
    note = await anna.call("note", {"conversation_id": conversation_id, "text": "Bürger wirkt verärgert"})
    assert note["ok"]
    await anna.events.wait_for("message", lambda d: d["message"]["sender"] == "note")
    await anna.call("message", {"conversation_id": conversation_id, "text": "Wie kann ich helfen?"})
    await citizen.reply(lambda d: d["metadata"]["sender"] == "agent")
    assert not any("verärgert" in d["text"] for d in citizen.events.all("bot_uttered"))
    history = await citizen.call("history_request", {"after": 0})
    assert not any(m["sender"] == "note" for m in history["messages"])
    opened = await anna.call("open", {"conversation_id": conversation_id})
    assert any(m["sender"] == "note" for m in opened["conversation"]["transcript"])
    await anna.call("close", {"conversation_id": conversation_id, "outcome": "resolved"})
    await citizen.close()


async def test_transfer_to_another_department(citizen_url: str, agent_url: str, anna: Agent) -> None:
    olga = await Agent(agent_url, "olga", PASSWORD).connect()
    citizen, conversation_id = await queued_citizen(citizen_url, anna)
    assert (await anna.call("accept", {"conversation_id": conversation_id}))["ok"]
    moved = await anna.call("transfer", {"conversation_id": conversation_id, "department": "ordnungsamt"})
    assert moved["ok"], moved
    alert = await olga.events.wait_for("handoff_alert", lambda d: d["conversation_id"] == conversation_id)
    assert alert["department"] == "ordnungsamt" and alert["priority"] == 1
    status = await citizen.events.wait_for(
        "handoff_status", lambda d: d["state"] == "queued" and d["department"] == "ordnungsamt"
    )
    assert status["position"] == 1
    assert (await olga.call("accept", {"conversation_id": conversation_id}))["ok"]
    await citizen.status("assigned")
    # olga may hold one chat only
    second, second_id = await queued_citizen(citizen_url, anna)
    await anna.call("accept", {"conversation_id": second_id})
    await anna.call("transfer", {"conversation_id": second_id, "department": "ordnungsamt"})
    await olga.events.wait_for("handoff_alert", lambda d: d["conversation_id"] == second_id)
    full = await olga.call("accept", {"conversation_id": second_id})
    assert full["error"] == "max_chats"
    foreign = await anna.call("accept", {"conversation_id": second_id})
    assert foreign["error"] == "forbidden"
    await olga.call("close", {"conversation_id": conversation_id, "outcome": "resolved"})
    assert (await olga.call("accept", {"conversation_id": second_id}))["ok"]
    await olga.call("close", {"conversation_id": second_id, "outcome": "case_created"})
    for client in (citizen, second, olga):
        await client.close()


async def test_transfer_to_a_colleague(citizen_url: str, anna: Agent, ben: Agent) -> None:
    citizen, conversation_id = await queued_citizen(citizen_url, anna)
    assert (await anna.call("accept", {"conversation_id": conversation_id}))["ok"]
    hello = await anna.call("hello")
    ben_id = next(c["id"] for c in hello["colleagues"] if c["display_name"] == "Ben Weber")
    moved = await anna.call("transfer", {"conversation_id": conversation_id, "agent_id": ben_id})
    assert moved["ok"], moved
    assigned = await ben.events.wait_for("assigned", lambda d: d["conversation_id"] == conversation_id)
    assert assigned["agent_name"] == "Ben Weber"
    status = await citizen.events.wait_for(
        "handoff_status", lambda d: d["state"] == "assigned" and d.get("agent_name") == "Ben Weber"
    )
    assert status["department"] == "buergerservice"
    assert (await anna.call("message", {"conversation_id": conversation_id, "text": "noch da?"}))[
        "error"
    ] == "not_yours"
    assert (await ben.call("close", {"conversation_id": conversation_id, "outcome": "resolved"}))["ok"]
    offline = await anna.call("transfer", {"conversation_id": conversation_id, "agent_id": 99999})
    assert offline["ok"] is False
    await citizen.close()


async def test_supervisor_sees_live_bot_chats_and_takes_one_over(citizen_url: str, agent_url: str, anna: Agent) -> None:
    sara = await Agent(agent_url, "sara", PASSWORD).connect()
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    await citizen.say("Wie lange dauert eine Baugenehmigung?")
    await citizen.bot_answer()
    live = await sara.call("live")
    assert live["ok"]
    mine = [
        c
        for c in live["bot_conversations"]
        if any(m["text"] == "Wie lange dauert eine Baugenehmigung?" for m in c["transcript"])
    ]
    assert len(mine) == 1
    assert set(live["queues"]) >= {"buergeramt", "standesamt"}
    assert any(a["display_name"] == "Anna Schmidt" and a["status"] == "online" for a in live["agents"])
    refused = await anna.call("take_over", {"conversation_id": mine[0]["conversation_id"]})
    assert refused["error"] == "forbidden"
    assert (await anna.call("live"))["error"] == "forbidden"
    taken = await sara.call("take_over", {"conversation_id": mine[0]["conversation_id"]})
    assert taken["ok"], taken
    assert (await citizen.status("assigned"))["agent_name"] == "Sara Klein"
    await citizen.say("Oh, ein Mensch!")
    await sara.events.wait_for("message", lambda d: d["message"]["text"] == "Oh, ein Mensch!")
    await sara.call("close", {"conversation_id": mine[0]["conversation_id"], "outcome": "resolved"})
    await citizen.close()
    await sara.close()


async def test_presence_away_means_no_live_help(citizen_url: str, agent_url: str) -> None:
    anna = await Agent(agent_url, "anna", PASSWORD).connect()
    ben = await Agent(agent_url, "ben", PASSWORD).connect()
    for agent in (anna, ben):
        assert (await agent.call("presence", {"status": "away"}))["ok"]
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    await citizen.say("Ich möchte mit einem Menschen sprechen")
    unavailable = await citizen.status("unavailable")
    assert unavailable["reason"] == "no_agents"
    honest = await citizen.reply(lambda d: d["metadata"]["sender"] == "system")
    assert "buergerservice@musterstadt.de" in honest["text"]
    bad = await anna.call("presence", {"status": "invisible"})
    assert bad["error"] == "invalid"
    for client in (anna, ben, citizen):
        await client.close()


async def test_outside_office_hours_no_queue(citizen_url: str, anna: Agent, fake_now: Callable[[str], None]) -> None:
    fake_now("2026-12-25T10:00:00+01:00")
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    await citizen.say("Ich möchte mit einem Menschen sprechen")
    status = await citizen.status("unavailable")
    assert status["reason"] == "closed" and status["next_opening"].startswith("2026-12-28T07:30")
    answer = await citizen.bot_answer()
    assert answer["metadata"]["handoff"]["live"] is False
    await citizen.close()


async def test_agent_gone_longer_than_the_grace_period(spawn_gateway: Callable[..., Gateway]) -> None:
    gateway = spawn_gateway(AGENT_GRACE_SECONDS="2")
    anna = await Agent(gateway.url, "anna", PASSWORD).connect()
    citizen, conversation_id = await queued_citizen(gateway.url, anna)
    assert (await anna.call("accept", {"conversation_id": conversation_id}))["ok"]
    await citizen.status("assigned")
    citizen.events.skip_all()
    await anna.close()
    left = await citizen.status("agent_left", timeout=10)
    assert left["state"] == "agent_left"
    back = await citizen.status("queued")
    assert back["position"] == 1
    ben = await Agent(gateway.url, "ben", PASSWORD).connect()
    hello = await ben.call("hello")
    assert hello["queue"][0]["conversation_id"] == conversation_id
    assert hello["queue"][0]["priority"] == 1
    await ben.close()
    await citizen.close()


async def test_agent_back_within_the_grace_period_keeps_the_chat(spawn_gateway: Callable[..., Gateway]) -> None:
    gateway = spawn_gateway(AGENT_GRACE_SECONDS="30")
    anna = await Agent(gateway.url, "anna", PASSWORD).connect()
    citizen, conversation_id = await queued_citizen(gateway.url, anna)
    assert (await anna.call("accept", {"conversation_id": conversation_id}))["ok"]
    await anna.close()
    await asyncio.sleep(2)
    again = await Agent(gateway.url, "anna", PASSWORD).connect()
    hello = await again.call("hello")
    assert [c["conversation_id"] for c in hello["assigned"]] == [conversation_id]
    assert not [s for s in citizen.events.all("handoff_status") if s["state"] == "agent_left"]
    await again.close()
    await citizen.close()


async def test_token_from_login_is_the_only_identity(agent_url: str) -> None:
    token = await login(agent_url, "anna", PASSWORD)
    async with aiohttp.ClientSession(cookies={"citychat_session": token}) as session:
        async with session.get(f"{agent_url}/api/me") as response:
            assert (await response.json())["user"]["username"] == "anna"
        async with session.post(f"{agent_url}/api/logout", headers={"Origin": CONSOLE_ORIGIN}) as response:
            assert response.status == 200
    async with (
        aiohttp.ClientSession(cookies={"citychat_session": token}) as session,
        session.get(f"{agent_url}/api/me") as response,
    ):
        assert response.status == 401
