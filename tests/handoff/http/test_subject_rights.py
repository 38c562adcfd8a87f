"""Art. 15 and Art. 17 for admins over the HTTP API, in-process: a case or a conversation
exported completely, deleted everywhere, each time with an audit entry; nobody else may."""

from __future__ import annotations

from typing import Any

import aiohttp
from sqlalchemy import select

from handoff.db.models import AuditEntry
from handoff.domain.cases import CaseCreated, CaseRequest
from handoff.keys import DOMAIN, STORE
from tests.handoff.clients import CONSOLE_ORIGIN
from tests.handoff.domain.conftest import PASSWORD_HASH
from tests.handoff.http.conftest import Gateway, get


async def admin_session(gateway: Gateway) -> aiohttp.ClientSession:
    store = gateway.server.app[STORE]
    if await store.active_user("adam") is None:
        await store.add_user("adam", "Adam Admin", "admin", PASSWORD_HASH, [], 3)
    return await gateway.session("adam")


async def audit_of(gateway: Gateway, action: str, target: str) -> list[AuditEntry]:
    async with gateway.server.app[STORE].sessions() as session:
        query = select(AuditEntry).where(AuditEntry.action == action, AuditEntry.target == target)
        return list((await session.scalars(query)).all())


async def case_from_a_chat(gateway: Gateway) -> tuple[CaseCreated, str]:
    citizen = await gateway.citizen()
    await citizen.say("Ich möchte mein Auto abmelden, das Kennzeichen ist MS-AB 123.")
    await citizen.bot_answer()
    assert citizen.session_id is not None
    conversation = await gateway.server.app[STORE].conversation_by_session(citizen.session_id)
    assert conversation is not None
    conversation_id = conversation.id
    await citizen.close()
    created = await gateway.server.app[DOMAIN].cases.open(
        CaseRequest(
            kind="request",
            topic="Abmeldung eines Fahrzeugs",
            description="Bitte um Rückruf zur Abmeldung.",
            department="strassenverkehrsamt",
            contact_email="erika.mustermann@example.org",
            consent=True,
            conversation_id=conversation_id,
        )
    )
    return created, conversation_id


async def delete(session: aiohttp.ClientSession, path: str) -> tuple[int, Any]:
    async with session.delete(path, headers={"Origin": CONSOLE_ORIGIN}) as response:
        return response.status, await response.json()


async def test_a_case_is_exported_completely_then_deleted_everywhere(gateway: Gateway) -> None:
    created, conversation_id = await case_from_a_chat(gateway)
    admin, agent = await admin_session(gateway), await gateway.session("anna")
    async with admin, agent:
        assert (await get(agent, f"/api/admin/cases/{created.reference}/export"))[0] == 403
        async with admin.get(f"/api/admin/cases/{created.reference}/export") as response:
            assert response.status == 200
            assert response.headers["Content-Disposition"] == f'attachment; filename="{created.reference}.json"'
            document = await response.json()
        case = document["case"]
        assert case["description"] == "Bitte um Rückruf zur Abmeldung."
        assert case["contact_email"] == "erika.mustermann@example.org"
        chat = next(e for e in case["timeline"] if e["kind"] == "chat")
        assert any("Auto abmelden" in m["text"] for m in chat["data"]["messages"])
        assert [m["to"] for m in document["mails"]] == ["erika.mustermann@example.org"]
        assert len(await audit_of(gateway, "case_exported", created.reference)) == 1

        assert await delete(agent, f"/api/admin/cases/{created.reference}") == (
            403,
            {
                "error": "forbidden",
                "message": "your role may not do this",
            },
        )
        assert (await delete(admin, f"/api/admin/cases/{created.reference}"))[0] == 200
        assert (await get(admin, f"/api/cases/{created.reference}"))[0] == 404
        assert await gateway.server.app[STORE].conversation(conversation_id) is None  # its chat too
        assert (await delete(admin, f"/api/admin/cases/{created.reference}"))[0] == 404
    [entry] = await audit_of(gateway, "case_deleted", created.reference)
    assert entry.detail == {"kind": "request"} and entry.actor_id is not None


async def test_a_conversation_is_exported_with_its_notes_then_deleted(gateway: Gateway) -> None:
    anna = await gateway.agent("anna")  # online first: a request for a person needs someone there
    citizen = await gateway.citizen()
    await citizen.say("/request_human")
    alert = await anna.events.wait_for("handoff_alert")
    conversation_id = alert["conversation_id"]
    assert (await anna.call("accept", {"conversation_id": conversation_id}))["ok"]
    assert (await anna.call("note", {"conversation_id": conversation_id, "text": "Bürger wirkt verärgert"}))["ok"]
    admin = await admin_session(gateway)
    async with admin:
        status, document = await get(admin, f"/api/admin/conversations/{conversation_id}/export")
        assert status == 200 and document["conversation"]["conversation_id"] == conversation_id
        texts = [(m["sender"], m["text"]) for m in document["messages"]]
        assert ("citizen", "/request_human") in texts
        assert ("note", "Bürger wirkt verärgert") in texts  # the export is complete
        assert (await delete(admin, f"/api/admin/conversations/{conversation_id}"))[0] == 200
        assert (await get(admin, f"/api/admin/conversations/{conversation_id}/export"))[0] == 404
    assert len(await audit_of(gateway, "conversation_exported", conversation_id)) == 1
    assert len(await audit_of(gateway, "conversation_deleted", conversation_id)) == 1
    await citizen.close()
    await anna.close()
