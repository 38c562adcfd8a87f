"""The console's HTTP API in-process: logins and roles, conversations by the need-to-know rule,
the knowledge base, canned responses, bad requests, security headers."""

from __future__ import annotations

import json
import uuid

import aiohttp

from tests.handoff.clients import CONSOLE_ORIGIN
from tests.handoff.http.conftest import Gateway, get


async def test_every_endpoint_needs_a_login(gateway: Gateway) -> None:
    async with aiohttp.ClientSession(base_url=gateway.url) as session:
        for path in (
            "/api/me",
            "/api/queue",
            "/api/conversations",
            "/api/agents",
            "/api/kb/search?q=perso",
            "/api/canned",
            "/api/conversations/" + "0" * 32,
            "/api/cases",
            "/api/cases/MS-2026-000001",
        ):
            status, body = await get(session, path)
            assert (status, body["error"]) == (401, "unauthorized"), path


async def test_roles(gateway: Gateway) -> None:
    async with await gateway.session("anna") as anna:
        assert (await get(anna, "/api/agents"))[0] == 403
    async with await gateway.session("sara") as sara:
        status, body = await get(sara, "/api/agents")
        assert status == 200
        accounts = {a["username"]: a for a in body["items"]}
        assert {"anna", "ben", "sara", "eddi"} <= set(accounts) and accounts["eddi"]["active"] is True
    async with await gateway.session("eddi") as eddi:  # an editor: the knowledge base, not the queue
        assert (await get(eddi, "/api/queue"))[0] == 403
        status, body = await get(eddi, "/api/kb/search?q=hund")
        assert status == 200 and body["items"][0]["id"] == "hundesteuer"


async def test_conversations_search_and_transcript(gateway: Gateway) -> None:
    anna = await gateway.agent("anna")
    citizen = await gateway.citizen()
    marker = f"Zebrastreifen-{uuid.uuid4().hex[:6]}"
    asked = await citizen.say("/handoff buergeramt")
    await citizen.say(f"{marker}: ich warte")
    alert = await anna.events.wait_for("handoff_alert", lambda d: any(m["id"] == asked["id"] for m in d["transcript"]))
    conversation_id = alert["conversation_id"]
    async with await gateway.session("anna") as session:
        status, body = await get(session, f"/api/conversations?q={marker}")
        assert status == 200 and [c["conversation_id"] for c in body["items"]] == [conversation_id]
        status, body = await get(session, "/api/queue")
        assert conversation_id in [c["conversation_id"] for c in body["items"]]
        status, body = await get(session, f"/api/conversations/{conversation_id}")
        conversation = body["conversation"]
        assert status == 200 and conversation["reason"] == "explicit_request"
        assert [m["text"] for m in conversation["transcript"]][:2] == ["/handoff buergeramt", "Ich verbinde Sie."]
        for bad in ("/api/conversations?state=nonsense", "/api/conversations?limit=abc", "/api/conversations?q=a%00"):
            assert (await get(session, bad))[0] == 400, bad
        assert (await get(session, "/api/conversations/" + "f" * 32))[0] == 404
    await citizen.close()
    await anna.close()


async def test_other_departments_and_colleagues_live_chats_are_hidden(gateway: Gateway) -> None:
    olga, anna, ben = await gateway.agent("olga"), await gateway.agent("anna"), await gateway.agent("ben")
    sara = await gateway.agent("sara")
    lost = await gateway.citizen()
    asked = await lost.say("/handoff ordnungsamt")
    alert = await olga.events.wait_for("handoff_alert", lambda d: any(m["id"] == asked["id"] for m in d["transcript"]))
    elsewhere = alert["conversation_id"]
    mine = await gateway.citizen()
    asked = await mine.say("/handoff buergeramt")
    alert = await anna.events.wait_for("handoff_alert", lambda d: any(m["id"] == asked["id"] for m in d["transcript"]))
    annas = alert["conversation_id"]
    assert (await anna.call("accept", {"conversation_id": annas}))["ok"]
    assert (await anna.call("note", {"conversation_id": annas, "text": "Vertraulich: Sachstand"}))["ok"]
    async with await gateway.session("ben") as as_ben:
        for conversation_id in (elsewhere, annas):
            status, body = await get(as_ben, f"/api/conversations/{conversation_id}")
            assert (status, body["error"]) == (403, "forbidden")
        _, listed = await get(as_ben, "/api/conversations?limit=200")
        assert not {elsewhere, annas} & {c["conversation_id"] for c in listed["items"]}
    assert (await ben.call("open", {"conversation_id": annas}))["error"] == "forbidden"
    opened = await sara.call("open", {"conversation_id": annas})  # the supervisor: everything
    assert any(m["text"] == "Vertraulich: Sachstand" for m in opened["conversation"]["transcript"])
    for client in (olga, anna, ben, sara, lost, mine):
        await client.close()


async def test_kb_search_finds_word_forms_and_typos(gateway: Gateway) -> None:
    async with await gateway.session("anna") as session:
        for query, article in [
            ("perso verlängern", "personalausweis"),
            ("Führerscheins umtauschen", "fuehrerschein"),
            ("hundesteur", "hundesteuer"),
            ("sperrmül anmelden", "sperrmuell"),
        ]:
            status, body = await get(session, f"/api/kb/search?q={query}")
            assert status == 200 and body["items"][0]["id"] == article, (query, body)
        status, body = await get(session, "/api/kb/articles/personalausweis")
        assert status == 200 and "Bürgeramt" in body["article"]["answer"]
        status, body = await get(session, "/api/kb/articles/personalausweis?lang=en")
        assert body["article"]["language"] == "en"
        assert (await get(session, "/api/kb/search?q="))[0] == 400
        assert (await get(session, "/api/kb/articles/nope"))[0] == 404


async def test_canned_responses_for_the_agents_departments(gateway: Gateway) -> None:
    async with await gateway.session("anna") as session:
        status, body = await get(session, "/api/canned")
        assert status == 200
        items = body["items"]
        ids = {c["id"] for c in items}
        assert {"greeting", "appointment_booking", "certificate_online"} <= ids
        assert "vehicle_ikfz" not in ids  # anna is not in the Straßenverkehrsamt
        assert "Anna Schmidt" in next(c for c in items if c["id"] == "greeting")["text"]
        _, english = await get(session, "/api/canned?lang=en")
        greeting = next(c for c in english["items"] if c["id"] == "greeting")
        assert greeting["text"].startswith("Hello")


async def test_bad_requests_get_a_clear_error(gateway: Gateway) -> None:
    headers = {"Origin": CONSOLE_ORIGIN, "Content-Type": "application/json"}
    async with aiohttp.ClientSession(base_url=gateway.url) as session:
        cases = [
            ("username=anna", {"Origin": CONSOLE_ORIGIN}, 415, "unsupported_media_type"),
            ("{not json", headers, 400, "bad_request"),
            (json.dumps({"username": "a" * 70_000}), headers, 413, "request_entity_too_large"),
            (json.dumps({"username": "anna"}), headers, 400, "invalid"),
            (json.dumps({"username": "an\u0000na", "password": "x" * 12}), headers, 400, "invalid"),
        ]
        for data, sent_headers, status, code in cases:
            async with session.post("/api/login", data=data, headers=sent_headers) as response:
                body = await response.json()
                assert (response.status, body["error"]) == (status, code), data[:40]
                assert "Traceback" not in json.dumps(body)


async def test_pages_send_a_strict_content_security_policy(gateway: Gateway) -> None:
    async with aiohttp.ClientSession(base_url=gateway.url) as session:
        for path in ("/", "/console", "/api/openapi.json", "/widget/citychat.js"):
            async with session.get(path) as response:
                assert response.status == 200, path
                policy = response.headers["Content-Security-Policy"]
                assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
                assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
                assert f"connect-src 'self' {CONSOLE_ORIGIN} ws://chat.musterstadt.test;" in policy
                assert response.headers["X-Content-Type-Options"] == "nosniff"
        async with session.get("/widget/citychat.js") as response:  # embeddable on the city's pages
            assert response.headers["Access-Control-Allow-Origin"] == "*"
