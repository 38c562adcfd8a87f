"""The whole way: citizen, bot answer, handoff, agent accept, messages both ways, hand back,
bot answers again. On Postgres + Redis the agent is connected to another gateway process."""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator

import aiohttp
import pytest

from tests.handoff.clients import Agent, Citizen
from tools.stack import Stack

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("office_open")]


@pytest.fixture
async def citizen(citizen_url: str) -> AsyncIterator[Citizen]:
    client = await Citizen(citizen_url).connect()
    await client.start()
    yield client
    await client.close()


async def rasa_tracker(bot: Stack, conversation_id: str) -> dict[str, Any]:
    url = f"{bot.settings.rasa_url}/conversations/{conversation_id}/tracker"
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, headers=bot.settings.rasa_auth_header()) as response,
    ):
        assert response.status == 200
        tracker: dict[str, Any] = await response.json()
    return tracker


async def test_citizen_bot_agent_and_back(citizen: Citizen, anna: Agent, bot: Stack) -> None:
    ack = await citizen.say("Was kostet ein Personalausweis?", page="https://www.musterstadt.de/buergeramt")
    assert ack["ok"] and isinstance(ack["id"], int)
    answer = await citizen.bot_answer()
    assert answer["metadata"]["kb_article"] == "personalausweis"
    assert "Bürgeramt" in answer["text"]
    assert "context" not in answer["metadata"].get("handoff", {})

    await citizen.say("Ich möchte mit einem Menschen sprechen")
    queued = await citizen.status("queued")
    assert queued["department"] == "buergeramt"
    assert queued["position"] >= 1 and queued["expected_wait_seconds"] > 0
    alert = await anna.events.wait_for("handoff_alert")
    conversation_id = alert["conversation_id"]
    assert alert["reason"] == "explicit_request"
    assert alert["department"] == "buergeramt"
    assert alert["page"] == "https://www.musterstadt.de/buergeramt"
    assert [i["name"] for i in alert["intents"]][-2:] == ["kb_personalausweis", "request_human"]
    assert any(m["text"] == "Was kostet ein Personalausweis?" for m in alert["transcript"])

    accepted = await anna.call("accept", {"conversation_id": conversation_id})
    assert accepted["ok"], accepted
    assert accepted["conversation"]["state"] == "assigned"
    joined = await citizen.status("assigned")
    assert joined["agent_name"] == "Anna Schmidt"
    system = await citizen.reply(lambda d: d["metadata"]["sender"] == "system" and "Anna Schmidt" in d["text"])
    assert "Bürgeramt" in system["text"]

    await citizen.say("Hallo Frau Schmidt, ich brauche den Ausweis schnell.")
    relayed = await anna.events.wait_for(
        "message", lambda d: d["conversation_id"] == conversation_id and d["message"]["sender"] == "citizen"
    )
    assert relayed["message"]["text"] == "Hallo Frau Schmidt, ich brauche den Ausweis schnell."

    sent = await anna.call(
        "message",
        {"conversation_id": conversation_id, "text": "Gern! Es gibt einen Expressdienst.", "client_id": "a-1"},
    )
    assert sent["ok"]
    from_agent = await citizen.reply(lambda d: d["metadata"]["sender"] == "agent")
    assert from_agent["text"] == "Gern! Es gibt einen Expressdienst."
    assert from_agent["metadata"]["agent_name"] == "Anna Schmidt"

    # while a person owns the conversation nothing goes to Rasa
    await citizen.say("Was kostet ein Reisepass?")
    await anna.events.wait_for("message", lambda d: d["message"].get("text") == "Was kostet ein Reisepass?")
    await asyncio.sleep(1.0)
    assert not [d for d in citizen.events.all("bot_uttered") if d["metadata"].get("kb_article") == "reisepass"]

    handed = await anna.call("hand_back", {"conversation_id": conversation_id})
    assert handed["ok"], handed
    await citizen.status("bot")
    tracker = await rasa_tracker(bot, conversation_id)  # Rasa's tracker learnt of the person
    assert tracker["slots"]["back_from_agent"] is True
    assert tracker["slots"]["handoff_reason"] is None
    await citizen.reply(lambda d: d["metadata"]["sender"] == "system" and "digitalen Assistenten" in d["text"])

    await citizen.say("Wie melde ich meinen Hund an?")
    again = await citizen.reply(lambda d: d["metadata"].get("kb_article") == "hundesteuer")
    assert again["metadata"]["sender"] == "bot"


async def test_agent_sees_typing_and_citizen_sees_agent_typing(citizen: Citizen, anna: Agent) -> None:
    await citizen.say("Ich möchte mit einem Menschen sprechen")
    alert = await anna.events.wait_for("handoff_alert")
    conversation_id = alert["conversation_id"]
    assert (await anna.call("accept", {"conversation_id": conversation_id}))["ok"]
    assert (await citizen.call("typing", {"typing": True}))["ok"]
    typing = await anna.events.wait_for("typing", lambda d: d["conversation_id"] == conversation_id)
    assert typing["typing"] is True
    assert (await anna.call("typing", {"conversation_id": conversation_id, "typing": True}))["ok"]
    assert (await citizen.events.wait_for("typing", lambda d: d["sender"] == "agent"))["typing"] is True
    closed = await anna.call("close", {"conversation_id": conversation_id, "outcome": "resolved"})
    assert closed["ok"], closed
    await citizen.status("closed")


async def test_health_and_readiness(citizen_url: str) -> None:
    async with aiohttp.ClientSession(base_url=citizen_url) as session:
        async with session.get("/healthz") as response:
            assert (response.status, await response.json()) == (200, {"status": "ok"})
        async with session.get("/readyz") as response:
            body = await response.json()
    assert response.status == 200 and body["status"] == "ready"
    assert body["checks"]["database"] and body["checks"]["rasa"] and body["checks"].get("redis", True)
