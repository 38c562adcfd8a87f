"""The departments' case inbox over the console's HTTP API, in-process: who sees which cases,
the timeline of notes, assignments, transfers and status changes, search, bad requests."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from typing import Any

import aiohttp

from handoff.accounts.identity import Identity
from handoff.domain.cases import CaseCreated, CaseRequest
from handoff.keys import DOMAIN
from handoff.mail.inbound import InboundMailHandler
from tests.handoff.clients import CONSOLE_ORIGIN, ORIGIN
from tests.handoff.http.conftest import Gateway, get
from tests.handoff.test_images import jpeg_with_gps

HEADERS = {"Origin": CONSOLE_ORIGIN}


async def open_case(gateway: Gateway, department: str, topic: str = "Personalausweis", **more: Any) -> CaseCreated:
    request = CaseRequest(
        kind=more.pop("kind", "request"),
        topic=topic,
        description=more.pop("description", f"Bitte um Rückruf wegen {topic} ({uuid.uuid4().hex[:6]})"),
        department=department,
        contact_phone=more.pop("contact_phone", "+49 2345 987654"),
        consent=True,
        **more,
    )
    created: CaseCreated = await gateway.server.app[DOMAIN].cases.open(request)
    return created


async def post(session: aiohttp.ClientSession, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    async with session.post(path, json=body, headers=HEADERS) as response:
        return response.status, await response.json()


async def test_agents_see_the_cases_of_their_departments_only(gateway: Gateway) -> None:
    ours = await open_case(gateway, "buergeramt")
    theirs = await open_case(gateway, "ordnungsamt", "Lärm")
    anna, olga, sara = [await gateway.session(name) for name in ("anna", "olga", "sara")]
    async with anna, olga, sara:
        status, listed = await get(anna, "/api/cases")
        references = [item["reference"] for item in listed["items"]]
        assert status == 200 and ours.reference in references and theirs.reference not in references
        item = next(i for i in listed["items"] if i["reference"] == ours.reference)
        assert (item["status"], item["department_name"], item["kind"]) == ("new", "Bürgeramt", "request")
        assert "contact_phone" not in item  # contact data only in the case itself
        assert (await get(olga, f"/api/cases/{ours.reference}"))[0] == 404  # as if it did not exist
        assert (await get(olga, "/api/cases/MS-2026-999999"))[0] == 404
        assert (await get(olga, "/api/cases?department=buergeramt"))[0] == 403
        status, everything = await get(sara, "/api/cases?status=all")
        assert {ours.reference, theirs.reference} <= {i["reference"] for i in everything["items"]}


async def test_a_case_is_worked_on_through_its_timeline(gateway: Gateway) -> None:
    created = await open_case(gateway, "buergeramt")
    path = f"/api/cases/{created.reference}"
    anna = await gateway.session("anna")
    async with anna:
        status, opened = await get(anna, path)
        assert status == 200 and opened["case"]["contact_phone"] == "+49 2345 987654"
        assert [e["kind"] for e in opened["case"]["timeline"]] == ["created"]

        status, body = await post(anna, f"{path}/assign", {"assignee_id": "me"})
        assert status == 200 and body["case"]["assignee_name"] == "Anna Schmidt"
        status, body = await post(anna, f"{path}/notes", {"text": "Rückruf morgen früh"})
        assert status == 200
        public = "Wir haben Ihnen einen Termin reserviert."
        status, body = await post(anna, f"{path}/status", {"status": "in_progress", "public_text": public})
        assert status == 200 and body["case"]["status"] == "in_progress"
        status, body = await post(anna, f"{path}/transfer", {"department": "standesamt"})
        assert status == 200 and body["case"]["department"] == "standesamt" and body["case"]["status"] == "new"
        assert body["case"]["assignee_id"] is None

        timeline = body["case"]["timeline"]
        assert [e["kind"] for e in timeline] == ["created", "assigned", "note", "status", "transferred"]
        note = timeline[2]
        assert (note["text"], note["public"], note["actor_name"]) == ("Rückruf morgen früh", False, "Anna Schmidt")
        assert timeline[3]["public"] and timeline[3]["text"] == public

    citizen_view = await gateway.server.app[DOMAIN].cases.status(created.reference, created.access_key, "192.0.2.1")
    assert citizen_view is not None and citizen_view.department_name == "Standesamt"
    assert citizen_view.last_update == "Weitergeleitet an: Standesamt"  # never the internal note


async def test_bad_changes_are_refused_with_a_clear_error(gateway: Gateway) -> None:
    created = await open_case(gateway, "buergeramt")
    path = f"/api/cases/{created.reference}"
    anna = await gateway.session("anna")
    async with anna:
        for action, body, expected in (
            ("status", {"status": "paused"}, (400, "invalid")),
            ("status", {"status": 3}, (400, "invalid")),
            ("notes", {"text": ""}, (400, "invalid")),
            ("notes", {"text": "x\x00y"}, (400, "invalid")),
            ("assign", {"assignee_id": 10_000}, (400, "invalid")),
            ("assign", {"assignee_id": True}, (400, "invalid")),
            ("transfer", {"department": "nowhere"}, (400, "invalid")),
        ):
            status, answer = await post(anna, f"{path}/{action}", body)
            assert (status, answer["error"]) == expected, (action, body)
        assert (await post(anna, f"{path}/status", {"status": "done", "public_text": "Erledigt."}))[0] == 200
        status, answer = await post(anna, f"{path}/status", {"status": "waiting"})
        assert (status, answer["error"]) == (409, "conflict")
        elsewhere = {"Origin": ORIGIN}  # a page with the widget is not the console
        async with anna.post(f"{path}/notes", json={"text": "von woanders"}, headers=elsewhere) as response:
            assert response.status == 403
        assert (await get(anna, "/api/cases?status=paused"))[0] == 400
        assert (await get(anna, "/api/cases?q=" + "x" * 201))[0] == 400


async def test_search_status_and_overdue_filters(gateway: Gateway) -> None:
    marker = uuid.uuid4().hex[:10]
    found = await open_case(gateway, "buergeramt", f"Sperrmüll {marker}")
    done = await open_case(gateway, "buergeramt", f"Sperrmüll {marker} erledigt")
    anna = await gateway.session("anna")
    async with anna:
        await post(anna, f"/api/cases/{done.reference}/status", {"status": "done"})
        _, open_ones = await get(anna, f"/api/cases?q={marker}")
        assert [i["reference"] for i in open_ones["items"]] == [found.reference]
        _, all_ones = await get(anna, f"/api/cases?q={marker}&status=all")
        assert {i["reference"] for i in all_ones["items"]} == {found.reference, done.reference}
        _, by_number = await get(anna, f"/api/cases?q={found.reference}")
        assert [i["reference"] for i in by_number["items"]] == [found.reference]
        _, percent = await get(anna, "/api/cases?q=%25")  # a literal "%" matches nothing
        assert percent["items"] == []
        _, overdue = await get(anna, f"/api/cases?q={marker}&overdue=1")
        assert overdue["items"] == []  # due in two working days
        item = open_ones["items"][0]
        assert item["overdue"] is False and item["due_at"] > item["created_at"]


async def test_an_answer_by_mail_is_queued_and_on_the_timeline(gateway: Gateway) -> None:
    by_phone = await open_case(gateway, "buergeramt")
    by_mail = await open_case(gateway, "buergeramt", contact_email="erika.mustermann@example.org")
    anna = await gateway.session("anna")
    async with anna:
        status, answer = await post(anna, f"/api/cases/{by_phone.reference}/reply", {"text": "Hallo"})
        assert (status, answer["error"]) == (400, "no_contact")
        text = "Ihr Termin ist am Montag um 9 Uhr."
        status, answer = await post(anna, f"/api/cases/{by_mail.reference}/reply", {"text": text})
        assert status == 200
        sent = [e for e in answer["case"]["timeline"] if e["kind"] == "mail_out"]
        assert sent[-1]["text"] == text and sent[-1]["public"] and sent[-1]["actor_name"] == "Anna Schmidt"
    outbox = gateway.server.app[DOMAIN].ctx.outbox
    assert outbox is not None and await outbox.pending() >= 2  # no SMTP_HOST here: the mails wait


async def test_a_picture_of_the_case_is_a_download_for_its_department_only(gateway: Gateway) -> None:
    created = await open_case(gateway, "buergeramt", contact_email="erika.mustermann@example.org")
    domain = gateway.server.app[DOMAIN]
    case = await domain.ctx.store.cases.by_reference(created.reference)
    assert case is not None
    message = EmailMessage()
    message["From"] = "erika.mustermann@example.org"
    message["Subject"] = "Foto"
    message.set_content("Hier das Foto.")
    message.add_attachment(jpeg_with_gps(), maintype="image", subtype="jpeg", filename='a"b.jpg')
    await InboundMailHandler(domain.ctx).receive(message, [f"antwort+{case.reply_token}@musterstadt.de"])
    [stored] = await domain.ctx.store.cases.attachments(case.id)
    path = f"/api/cases/{created.reference}/attachments/{stored.id}"
    anna, olga = await gateway.session("anna"), await gateway.session("olga")
    async with anna, olga:
        async with anna.get(path) as response:
            assert response.status == 200 and response.content_type == "image/jpeg"
            assert response.headers["Content-Disposition"] == 'attachment; filename="a_b.jpg"'
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert await response.read() == stored.data
        assert (await get(olga, path))[0] == 404  # another department's case
        assert (await get(anna, f"/api/cases/{created.reference}/attachments/999999"))[0] == 404
        assert (await get(anna, f"/api/cases/{created.reference}/attachments/x"))[0] == 404
        _, opened = await get(anna, f"/api/cases/{created.reference}")
        mail_in = next(e for e in opened["case"]["timeline"] if e["kind"] == "mail_in")
        assert mail_in["data"]["attachments"][0]["id"] == stored.id


async def test_a_call_back_records_its_outcome(gateway: Gateway) -> None:
    by_phone = await open_case(gateway, "buergeramt")
    by_mail = await open_case(gateway, "buergeramt", contact_phone=None, contact_email="erika.mustermann@example.org")
    anna = await gateway.session("anna")
    async with anna:
        path = f"/api/cases/{by_phone.reference}/call"
        assert (await post(anna, path, {"outcome": "busy"}))[1]["error"] == "invalid"
        status, body = await post(anna, path, {"outcome": "not_reached"})
        assert status == 200
        status, body = await post(anna, path, {"outcome": "reached", "note": "Termin vereinbart"})
        calls = [
            (e["data"]["outcome"], e["text"], e["public"]) for e in body["case"]["timeline"] if e["kind"] == "call"
        ]
        assert calls == [("not_reached", "", False), ("reached", "Termin vereinbart", False)]
        status, body = await post(anna, f"/api/cases/{by_mail.reference}/call", {"outcome": "reached"})
        assert (status, body["error"]) == (400, "no_contact")


async def test_unassigned_mail_is_moved_to_its_department_and_joins_a_case(gateway: Gateway) -> None:
    domain = gateway.server.app[DOMAIN]
    marker = uuid.uuid4().hex[:8]
    message = EmailMessage()
    message["From"] = "erika.mustermann@example.org"
    message["Subject"] = f"Mein Ausweis {marker}"
    message.set_content(f"Wo bleibt mein Ausweis? {marker}")
    message.add_attachment(jpeg_with_gps(), maintype="image", subtype="jpeg", filename="ausweis.jpg")
    assert await InboundMailHandler(domain.ctx).receive(message, ["antwort@musterstadt.de"]) is None  # no case
    created = await open_case(gateway, "buergeramt")
    anna, olga, sara = [await gateway.session(name) for name in ("anna", "olga", "sara")]
    async with anna, olga, sara:
        _, listed = await get(sara, "/api/mail/unassigned")
        [mail] = [m for m in listed["items"] if marker in m["subject"]]
        assert mail["department"] == "buergerservice" and mail["from"] == "erika.mustermann@example.org"
        path = f"/api/mail/unassigned/{mail['id']}"
        assert (await post(olga, f"{path}/move", {"department": "buergeramt"}))[0] == 404  # not hers
        assert (await post(sara, f"{path}/move", {"department": "nowhere"}))[0] == 400
        assert (await post(sara, f"{path}/move", {"department": "buergeramt"}))[0] == 200
        status, body = await post(anna, f"{path}/assign", {"reference": created.reference})
        assert status == 200
        mail_in = [e for e in body["case"]["timeline"] if e["kind"] == "mail_in"]
        assert mail_in[-1]["text"] == f"Wo bleibt mein Ausweis? {marker}"
        assert (await post(anna, f"{path}/assign", {"reference": created.reference}))[0] == 404  # gone from the list
        _, listed = await get(sara, "/api/mail/unassigned")
        assert not [m for m in listed["items"] if marker in m["subject"]]
    case = await domain.ctx.store.cases.by_reference(created.reference)
    assert case is not None and [a.filename for a in await domain.ctx.store.cases.attachments(case.id)] == [
        "ausweis.jpg"
    ]


async def test_an_agent_turns_a_chat_into_a_case_and_the_citizen_gets_number_and_key(gateway: Gateway) -> None:
    anna, ben = await gateway.agent("anna"), await gateway.agent("ben")
    citizen = await gateway.citizen()
    await citizen.say("/handoff buergeramt")
    alert = await anna.events.wait_for("handoff_alert")
    conversation_id = alert["conversation_id"]
    assert (await anna.call("accept", {"conversation_id": conversation_id}))["ok"]
    request = {
        "conversation_id": conversation_id,
        "topic": "Ummeldung",
        "description": "Bürgerin braucht eine Meldebescheinigung, Unterlagen fehlen noch.",
        "contact_email": "erika.mustermann@example.org",
        "consent": True,
    }
    refused = await ben.call("create_case", request)  # not ben's chat
    assert (refused["ok"], refused["error"]) == (False, "not_yours")
    assert (await anna.call("create_case", dict(request, description="")))["error"] == "empty"
    assert (await anna.call("create_case", dict(request, consent=False)))["error"] == "consent_required"
    made = await anna.call("create_case", request)
    assert made["ok"] and made["case"]["department"] == "buergeramt"
    reference = made["case"]["reference"]
    told = await citizen.reply(lambda d: d["metadata"].get("system") == "case_created")
    assert reference in told["text"] and told["metadata"]["case"]["reference"] == reference
    key = told["metadata"]["case"]["access_key"]
    assert key in told["text"]
    await citizen.status("closed")
    domain = gateway.server.app[DOMAIN]
    status = await domain.cases.status(reference, key, "192.0.2.7")
    assert status is not None and status.department_name == "Bürgeramt"
    case = await domain.ctx.store.cases.by_reference(reference)
    assert case is not None and case.conversation_id == conversation_id and case.topic == "Ummeldung"
    chat = next(e for e in await domain.ctx.store.cases.events(case.id) if e.kind == "chat")
    assert chat.data is not None and any(m["text"] == "/handoff buergeramt" for m in chat.data["messages"])
    for client in (citizen, anna, ben):
        await client.close()


async def test_changing_requests_are_rate_limited_per_account(gateway: Gateway) -> None:
    created = await open_case(gateway, "buergeramt")
    ben, anna = await gateway.session("ben"), await gateway.session("anna")
    async with ben, anna:
        statuses = [
            (await post(ben, f"/api/cases/{created.reference}/notes", {"text": f"Notiz {i}"}))[0] for i in range(40)
        ]
        assert 429 in statuses and statuses[0] == 200
        assert (await get(ben, f"/api/cases/{created.reference}"))[0] == 200  # reading is not limited
        assert (await post(anna, f"/api/cases/{created.reference}/notes", {"text": "Andere"}))[0] == 200
    _, events = await gateway.server.app[DOMAIN].case_desk.details(
        Identity(0, "x", "x", "supervisor", (), 1), created.reference
    )
    assert len([e for e in events if e.kind == "note"]) == statuses.count(200) + 1
