"""Retention per kind of data: done cases and complaints after their own periods (with their
timeline, chat copy and mails), the outbox's old copies; counts in the log and audit, never
content; `python -m handoff purge` does the same from the command line."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select, update

from handoff.db.cases import NewEvent
from handoff.db.models import AuditEntry, CaseEvent, InboundMail, OutgoingMail, utcnow
from handoff.domain import retention
from handoff.domain.cases import CaseCreated, CaseRequest
from tests.handoff.conftest import handoff_command
from tests.handoff.domain.conftest import World


async def done_case(world: World, kind: str, closed_days_ago: float, email: str | None = None) -> CaseCreated:
    created = await world.domain.cases.open(
        CaseRequest(
            kind=kind,
            topic="Straßenlaterne",
            description="Die Laterne vor Hausnummer 12 ist seit einer Woche aus.",
            department="stadtbetrieb",
            contact_email=email,
            consent=email is not None,
        )
    )
    case = await world.store.cases.by_reference(created.reference)
    assert case is not None
    await world.domain.cases.change_status(case.id, "done", None, "Repariert.")
    closed = utcnow() - dt.timedelta(days=closed_days_ago)
    async with world.store.sessions.begin() as session:
        await session.execute(update(OutgoingMail).where(OutgoingMail.case_id == case.id).values(sent_at=closed))
    await world.store.cases.change(case.id, {"closed_at": closed}, NewEvent("note", "Abschlussvermerk"))
    return created


async def test_done_cases_go_after_their_kinds_period_and_complaints_are_kept_longer(world: World) -> None:
    old_request = await done_case(world, "defect", 400, "erika.mustermann@example.org")
    recent_request = await done_case(world, "request", 30)
    old_complaint = await done_case(world, "complaint", 400)
    open_case = await world.domain.cases.open(
        CaseRequest(
            kind="request",
            topic="Sperrmüll",
            description="Sofa abholen.",
            department="abfallwirtschaft",
            contact_email="max@example.org",
            consent=True,
        )
    )
    async with world.store.sessions.begin() as session:  # its confirmation went out 100 days ago
        sent = utcnow() - dt.timedelta(days=100)
        await session.execute(
            update(OutgoingMail).where(OutgoingMail.to_address == "max@example.org").values(sent_at=sent)
        )
    await world.store.cases.unassigned_mail("buergerservice", "x@example.org", "Hallo", "Ohne Vorgang", None)
    async with world.store.sessions.begin() as session:  # a year and more ago
        await session.execute(update(InboundMail).values(received_at=utcnow() - dt.timedelta(days=400)))
    await world.store.cases.unassigned_mail("buergerservice", "y@example.org", "Neu", "Ohne Vorgang", None)
    counts = await retention.expire_cases(world.store, world.domain.ctx.settings)
    assert counts == {"cases": 1, "complaints": 0, "unassigned mails": 1, "mails": 1}
    assert await world.store.cases.by_reference(old_request.reference) is None  # its mail went with it
    async with world.store.sessions() as session:
        assert (await session.scalars(select(OutgoingMail.to_address))).all() == []
    for kept in (recent_request, old_complaint, open_case):
        assert await world.store.cases.by_reference(kept.reference) is not None
    async with world.store.sessions() as session:
        assert (await session.scalars(select(CaseEvent.id).where(CaseEvent.case_id.is_(None)))).all() == []
        audit = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "retention_deleted_cases"))).one()
    assert audit.detail == counts and audit.target is None
    async with world.store.sessions() as session:
        assert (await session.scalars(select(InboundMail.from_address))).all() == ["y@example.org"]

    later = utcnow() + dt.timedelta(days=800)  # three years after the complaint was done
    assert (await retention.expire_cases(world.store, world.domain.ctx.settings, later))["complaints"] == 1


async def test_purge_on_the_command_line_prints_counts_only(world: World) -> None:
    old = await done_case(world, "request", 400, "erika.mustermann@example.org")
    output = await asyncio.to_thread(handoff_command, world.domain.ctx.settings.database_url, "purge")
    assert "deleted 1 cases, 0 complaints, 0 unassigned mails, 0 mails" in output  # its mail went with the case
    assert "erika" not in output and "Laterne" not in output  # counts, never content
    assert await world.store.cases.by_reference(old.reference) is None
