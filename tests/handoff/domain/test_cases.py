"""Cases in the domain: reference numbers, routing, the attached chat, due dates in working days,
status questions answered only with a proof, and status changes with their timeline."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from handoff.db.engine import create_engine, migrate
from handoff.db.store import Store
from handoff.domain.cases import PROOF_THROTTLE, CaseRequest, Cases, find_reference, key_hash
from handoff.domain.context import Context
from handoff.domain.errors import Refused
from kb.model import CityProfile
from tests.handoff.conftest import scratch_postgres
from tests.handoff.domain.conftest import SATURDAY_NIGHT, World, with_context

BERLIN = dt.timezone(dt.timedelta(hours=1))
ADDRESS = "198.51.100.7"


def request(**changes: object) -> CaseRequest:
    values: dict[str, object] = {
        "kind": "request",
        "topic": "Personalausweis",
        "description": "Mein Ausweis ist abgelaufen, ich brauche einen Termin.",
        "department": "buergeramt",
        "contact_email": "erika.mustermann@example.org",
        "consent": True,
    }
    values.update(changes)
    return CaseRequest(**values)  # type: ignore[arg-type]


async def test_a_request_left_on_saturday_night_becomes_a_routed_case_with_its_chat(world: World) -> None:
    world.clock[0] = SATURDAY_NIGHT.replace(hour=22)
    conversation = await world.conversation()
    await world.say(conversation, "Was kostet ein Personalausweis?")
    created = await world.domain.cases.open(request(conversation_id=conversation.id))

    assert re.fullmatch(r"MS-2026-\d{6}", created.reference)
    assert (created.department, created.department_name) == ("buergeramt", "Bürgeramt")
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){3}", created.access_key)
    # two working days after a Saturday: Monday and Tuesday; due at the end of Tuesday
    assert created.due_at.astimezone(BERLIN) == dt.datetime(2026, 12, 9, 0, 0, tzinfo=BERLIN)
    case = await world.store.cases.by_reference(created.reference)
    assert case is not None and case.status == "new" and case.conversation_id == conversation.id
    assert case.access_key_hash == key_hash(created.access_key) and created.access_key not in str(vars(case))
    events = await world.store.cases.events(case.id)
    chat = next(e for e in events if e.kind == "chat")
    assert chat.data is not None and not chat.public
    texts = [m["text"] for m in chat.data["messages"]]
    assert texts[0] == "Was kostet ein Personalausweis?" and len(texts) >= 2  # the bot's answer too


async def test_numbers_count_up_per_year_and_the_due_date_skips_holidays(world: World) -> None:
    world.clock[0] = dt.datetime(2026, 12, 23, 15, 0, tzinfo=BERLIN)  # Wednesday before Christmas
    first = await world.domain.cases.open(request())
    second = await world.domain.cases.open(request(kind="complaint", department=None))
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1
    assert second.department == "buergerservice"  # no department given: the city's default
    # 24 Dec closing day, 25/26 Dec holidays, then the weekend: Monday 28, Tuesday 29
    assert first.due_at.astimezone(BERLIN).date() == dt.date(2026, 12, 30)
    world.clock[0] = dt.datetime(2027, 1, 4, 9, 0, tzinfo=BERLIN)
    next_year = await world.domain.cases.open(request())
    assert next_year.reference == "MS-2027-000001"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"description": "   "}, "invalid"),
        ({"description": "x" * 4001}, "invalid"),
        ({"kind": "wish"}, "invalid"),
        ({"contact_email": "erika@"}, "invalid"),
        ({"contact_email": None, "contact_phone": "12"}, "invalid"),
        ({"consent": False}, "consent_required"),
    ],
)
async def test_a_bad_request_is_refused_and_stores_nothing(world: World, changes: dict[str, object], code: str) -> None:
    with pytest.raises(Refused) as refused:
        await world.domain.cases.open(request(**changes))
    assert refused.value.code == code
    created = await world.domain.cases.open(request())
    assert created.reference.endswith("-000001")  # the refused one used no number


async def test_the_status_needs_the_key_or_the_email_and_wrong_proofs_are_answered_alike(world: World) -> None:
    created = await world.domain.cases.open(request())
    message = f"Wie ist der Stand von {created.reference.lower()}?"
    reference = find_reference(message)
    assert reference == created.reference

    by_key = await world.domain.cases.status(reference, created.access_key.lower().replace("-", " "), ADDRESS)
    assert by_key is not None and by_key.status == "new" and by_key.department_name == "Bürgeramt"
    by_email = await world.domain.cases.status(reference, " Erika.Mustermann@EXAMPLE.org ", ADDRESS)
    assert by_email is not None and by_email.reference == created.reference
    assert await world.domain.cases.status(reference, "AAAA-BBBB-CCCC-DDDD", ADDRESS) is None
    assert await world.domain.cases.status("MS-2026-999999", created.access_key, ADDRESS) is None
    assert await world.domain.cases.status(reference, "", ADDRESS) is None


async def test_guessing_the_proof_is_slowed_down_but_not_for_other_addresses(world: World) -> None:
    created = await world.domain.cases.open(request())
    for attempt in range(PROOF_THROTTLE.free_attempts + 1):
        assert await world.domain.cases.status(created.reference, f"WRONG-{attempt}", ADDRESS) is None
    with pytest.raises(Refused) as refused:
        await world.domain.cases.status(created.reference, created.access_key, ADDRESS)
    assert refused.value.code == "rate_limited"
    elsewhere = await world.domain.cases.status(created.reference, created.access_key, "203.0.113.9")
    assert elsewhere is not None


async def test_status_changes_keep_a_timeline_and_the_citizen_sees_the_public_update(world: World) -> None:
    created = await world.domain.cases.open(request())
    case = await world.store.cases.by_reference(created.reference)
    assert case is not None
    agent = await world.agent(("buergeramt",))
    await world.domain.cases.change_status(case.id, "in_progress", agent.user_id)
    await world.domain.cases.change_status(case.id, "waiting", agent.user_id, "Bitte senden Sie uns eine Kopie.")
    with pytest.raises(Refused) as refused:
        await world.domain.cases.change_status(case.id, "new", agent.user_id)
    assert refused.value.code == "invalid"
    status = await world.domain.cases.status(created.reference, created.access_key, ADDRESS)
    assert status is not None and status.status == "waiting"
    assert status.last_update == "Bitte senden Sie uns eine Kopie."
    done = await world.domain.cases.change_status(case.id, "done", agent.user_id, "Erledigt.")
    assert done.closed_at is not None
    with pytest.raises(Refused) as conflict:
        await world.domain.cases.change_status(case.id, "waiting", agent.user_id)
    assert conflict.value.code == "conflict"
    kinds = [(e.kind, (e.data or {}).get("status")) for e in await world.store.cases.events(case.id)]
    assert kinds == [
        ("created", None),
        ("mail_out", None),  # the confirmation to the citizen
        ("status", "in_progress"),
        ("status", "waiting"),
        ("status", "done"),
    ]


async def _numbers_from_two_processes(url: str, world: World, city: CityProfile) -> list[str]:
    """Two engines (two connection pools: two gateway processes) creating cases at once."""
    engines = [create_engine(url), create_engine(url)]
    try:
        await migrate(engines[0])
        domains = [
            Cases(
                Context(
                    Store(e),
                    world.domain.ctx.rasa,
                    world.presence,
                    city,
                    world.domain.ctx.settings,
                    world.domain.ctx.now,
                )
            )
            for e in engines
        ]
        created = await asyncio.gather(*(domains[i % 2].open(request()) for i in range(40)))
        return [c.reference for c in created]
    finally:
        for engine in engines:
            await engine.dispose()


async def test_numbers_stay_unique_with_two_processes_on_sqlite(
    world: World, city: CityProfile, tmp_path: Path
) -> None:
    references = await _numbers_from_two_processes(f"sqlite+aiosqlite:///{tmp_path / 'two.db'}", world, city)
    assert sorted(int(r[-6:]) for r in references) == list(range(1, 41))


async def test_numbers_stay_unique_with_two_processes_on_postgres(world: World, city: CityProfile) -> None:
    async with scratch_postgres("citychat_cases") as url:
        references = await _numbers_from_two_processes(url, world, city)
    assert sorted(int(r[-6:]) for r in references) == list(range(1, 41))


async def test_a_complaint_without_a_department_goes_to_the_complaints_office(world: World, city: CityProfile) -> None:
    office = with_context(world, city=dataclasses.replace(city, complaints_department="ordnungsamt"))
    complaint = await office.domain.cases.open(request(kind="complaint", department=None))
    plain = await office.domain.cases.open(request(kind="request", department=None))
    named = await office.domain.cases.open(request(kind="complaint", department="buergeramt"))
    assert (complaint.department, plain.department, named.department) == ("ordnungsamt", "buergerservice", "buergeramt")
