"""The console's HTTP API behind login and roles, health endpoints and the OpenAPI document."""

from __future__ import annotations

import uuid
from typing import Any, AsyncIterator

import aiohttp
import pytest

from tests.handoff.clients import Agent, Citizen, login
from tests.handoff.conftest import PASSWORD

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("office_open")]


@pytest.fixture
async def as_anna(agent_url: str) -> AsyncIterator[aiohttp.ClientSession]:
    token = await login(agent_url, "anna", PASSWORD)
    async with aiohttp.ClientSession(base_url=agent_url, cookies={"citychat_session": token}) as session:
        yield session


async def get(session: aiohttp.ClientSession, path: str) -> tuple[int, Any]:
    async with session.get(path) as response:
        return response.status, await response.json()


async def test_health_and_readiness(citizen_url: str) -> None:
    async with aiohttp.ClientSession(base_url=citizen_url) as session:
        status, body = await get(session, "/healthz")
        assert (status, body) == (200, {"status": "ok"})
        status, body = await get(session, "/readyz")
        assert status == 200 and body["checks"]["database"] and body["checks"]["rasa"]
        assert body["checks"].get("redis", True)


async def test_openapi_document_describes_the_api(citizen_url: str) -> None:
    async with aiohttp.ClientSession(base_url=citizen_url) as session:
        status, document = await get(session, "/api/openapi.json")
    assert status == 200 and document["openapi"].startswith("3.")
    for path in (
        "/api/login",
        "/api/conversations",
        "/api/conversations/{conversation_id}",
        "/api/queue",
        "/api/agents",
        "/api/kb/search",
        "/api/canned",
    ):
        assert path in document["paths"]


async def test_every_endpoint_needs_a_login(citizen_url: str) -> None:
    async with aiohttp.ClientSession(base_url=citizen_url) as session:
        for path in (
            "/api/me",
            "/api/queue",
            "/api/conversations",
            "/api/agents",
            "/api/kb/search?q=perso",
            "/api/canned",
            "/api/conversations/" + "0" * 32,
        ):
            status, body = await get(session, path)
            assert (status, body["error"]) == (401, "unauthorized"), path


async def test_roles(agent_url: str, as_anna: aiohttp.ClientSession) -> None:
    status, body = await get(as_anna, "/api/agents")
    assert (status, body["error"]) == (403, "forbidden")
    token = await login(agent_url, "sara", PASSWORD)
    async with aiohttp.ClientSession(base_url=agent_url, cookies={"citychat_session": token}) as sara:
        status, body = await get(sara, "/api/agents")
        assert status == 200 and {a["username"] for a in body["items"]} >= {"anna", "ben", "sara"}
    editor = await login(agent_url, "eddi", PASSWORD)
    async with aiohttp.ClientSession(base_url=agent_url, cookies={"citychat_session": editor}) as eddi:
        assert (await get(eddi, "/api/queue"))[0] == 403
        status, body = await get(eddi, "/api/kb/search?q=hund")
        assert status == 200 and body["items"][0]["id"] == "hundesteuer"


async def test_conversations_search_and_transcript(
    citizen_url: str, agent_url: str, as_anna: aiohttp.ClientSession
) -> None:
    anna = await Agent(agent_url, "anna", PASSWORD).connect()
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    marker = "Zebrastreifen-Frage-7315"
    await citizen.say(f"{marker}: Ich möchte mit einem Menschen sprechen")
    alert = await anna.events.wait_for("handoff_alert", lambda d: any(marker in m["text"] for m in d["transcript"]))
    conversation_id = alert["conversation_id"]

    status, body = await get(as_anna, f"/api/conversations?q={marker}")
    assert status == 200 and [c["conversation_id"] for c in body["items"]] == [conversation_id]
    status, body = await get(as_anna, "/api/conversations?state=queued&limit=200")
    assert conversation_id in [c["conversation_id"] for c in body["items"]]
    status, body = await get(as_anna, "/api/queue")
    assert conversation_id in [c["conversation_id"] for c in body["items"]]
    status, body = await get(as_anna, f"/api/conversations/{conversation_id}")
    assert status == 200 and body["conversation"]["reason"] == "explicit_request"
    assert body["conversation"]["transcript"][0]["text"].startswith(marker)
    assert (await get(as_anna, "/api/conversations?state=nonsense"))[0] == 400
    assert (await get(as_anna, "/api/conversations?limit=abc"))[0] == 400
    assert (await get(as_anna, "/api/conversations/" + "f" * 32))[0] == 404
    await anna.call("accept", {"conversation_id": conversation_id})
    await anna.call("close", {"conversation_id": conversation_id, "outcome": "resolved"})
    await citizen.close()
    await anna.close()


async def test_other_departments_conversations_are_hidden(
    citizen_url: str, agent_url: str, as_anna: aiohttp.ClientSession
) -> None:
    olga = await Agent(agent_url, "olga", PASSWORD).connect()  # Ordnungsamt
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    await citizen.say("Ich habe meinen Schlüssel verloren, wurde der im Fundbüro abgegeben?")
    await citizen.reply(lambda d: d["metadata"].get("kb_article") == "fundbuero")
    asked = await citizen.say("Ich möchte mit einem Menschen sprechen")
    alert = await olga.events.wait_for("handoff_alert", lambda d: any(m["id"] == asked["id"] for m in d["transcript"]))
    assert alert["department"] == "ordnungsamt"
    status, body = await get(as_anna, f"/api/conversations/{alert['conversation_id']}")
    assert (status, body["error"]) == (403, "forbidden")
    _, listed = await get(as_anna, "/api/conversations?q=Fundbüro&limit=200")
    assert alert["conversation_id"] not in [c["conversation_id"] for c in listed["items"]]
    _, queue = await get(as_anna, "/api/queue")
    assert alert["conversation_id"] not in [c["conversation_id"] for c in queue["items"]]
    assert (await olga.call("accept", {"conversation_id": alert["conversation_id"]}))["ok"]
    await olga.call("close", {"conversation_id": alert["conversation_id"], "outcome": "resolved"})
    await citizen.close()
    await olga.close()


async def test_kb_search_finds_word_forms_and_typos(as_anna: aiohttp.ClientSession) -> None:
    for query, article in [
        ("perso verlängern", "personalausweis"),
        ("Führerscheins umtauschen", "fuehrerschein"),
        ("hundesteur", "hundesteuer"),
        ("sperrmül anmelden", "sperrmuell"),
    ]:
        status, body = await get(as_anna, f"/api/kb/search?q={query}")
        assert status == 200 and body["items"][0]["id"] == article, (query, body)
    status, body = await get(as_anna, "/api/kb/articles/personalausweis")
    assert status == 200 and "Bürgeramt" in body["article"]["answer"]
    status, body = await get(as_anna, "/api/kb/articles/personalausweis?lang=en")
    assert body["article"]["language"] == "en"
    assert (await get(as_anna, "/api/kb/search?q="))[0] == 400
    assert (await get(as_anna, "/api/kb/articles/nope"))[0] == 404


async def test_canned_responses_for_the_agents_departments(as_anna: aiohttp.ClientSession) -> None:
    status, body = await get(as_anna, "/api/canned")
    assert status == 200
    ids = {c["id"] for c in body["items"]}
    assert {"greeting", "appointment_booking", "certificate_online"} <= ids
    assert "vehicle_ikfz" not in ids  # anna is not in the Straßenverkehrsamt
    greeting = next(c for c in body["items"] if c["id"] == "greeting")
    assert "Anna Schmidt" in greeting["text"]
    _, english = await get(as_anna, "/api/canned?lang=en")
    assert next(c for c in english["items"] if c["id"] == "greeting")["text"].startswith("Hello")


async def test_pages_send_a_strict_content_security_policy(citizen_url: str) -> None:
    async with aiohttp.ClientSession(base_url=citizen_url) as session:
        for path in ("/", "/console", "/api/openapi.json", "/widget/citychat.js"):
            async with session.get(path) as response:
                assert response.status == 200, path
                policy = response.headers["Content-Security-Policy"]
                assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
                assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
                assert response.headers["X-Content-Type-Options"] == "nosniff"
        async with session.get("/widget/citychat.js") as response:  # embeddable on the city's pages
            assert response.headers["Access-Control-Allow-Origin"] == "*"


async def test_a_colleagues_live_chat_and_notes_are_need_to_know(citizen_url: str, agent_url: str) -> None:
    """One rule for the HTTP API and the socket: ben (same departments as anna) reads neither
    anna's live chat nor its notes; the supervisor reads both; anna reads it after closing it."""
    anna = await Agent(agent_url, "anna", PASSWORD).connect()
    ben = await Agent(agent_url, "ben", PASSWORD).connect()
    sara = await Agent(agent_url, "sara", PASSWORD).connect()
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    marker = f"Bürgerin-{uuid.uuid4().hex[:6]}"
    asked = await citizen.say(f"{marker}: Ich möchte mit einem Menschen sprechen")
    alert = await anna.events.wait_for("handoff_alert", lambda d: any(m["id"] == asked["id"] for m in d["transcript"]))
    conversation_id = alert["conversation_id"]
    assert (await ben.call("open", {"conversation_id": conversation_id}))["ok"]  # queued: the department's
    assert (await anna.call("accept", {"conversation_id": conversation_id}))["ok"]
    assert (await anna.call("note", {"conversation_id": conversation_id, "text": "Vertraulich: Sachstand"}))["ok"]

    assert (await ben.call("open", {"conversation_id": conversation_id}))["error"] == "forbidden"
    history = await ben.call("history", {"conversation_id": conversation_id, "before": 2**40})
    assert history["error"] == "forbidden"
    token = await login(agent_url, "ben", PASSWORD)
    async with aiohttp.ClientSession(base_url=agent_url, cookies={"citychat_session": token}) as as_ben:
        assert (await get(as_ben, f"/api/conversations/{conversation_id}"))[0] == 403
        _, found = await get(as_ben, f"/api/conversations?q={marker}")
        assert found["items"] == []
    opened = await sara.call("open", {"conversation_id": conversation_id})
    assert any(m["text"] == "Vertraulich: Sachstand" for m in opened["conversation"]["transcript"])

    assert (await anna.call("close", {"conversation_id": conversation_id, "outcome": "resolved"}))["ok"]
    reopened = await anna.call("open", {"conversation_id": conversation_id})  # her own, for follow-up
    assert any(m["sender"] == "note" for m in reopened["conversation"]["transcript"])
    assert (await ben.call("open", {"conversation_id": conversation_id}))["error"] == "forbidden"
    for client in (citizen, anna, ben, sara):
        await client.close()
