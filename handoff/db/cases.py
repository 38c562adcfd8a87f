"""Cases in the database: creating one with its reference number, reading it, its timeline.

A reference number is the case's prefix, the year and a sequence per prefix and year
(``MS-2026-000123``). The sequence lives in ``case_counters`` and is incremented in the same
transaction that inserts the case: on Postgres the counter row's lock orders concurrent
creations of every gateway process, on SQLite the database's write lock does. So numbers are
unique without retries, and a failed creation gives its number back.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from handoff.accounts.identity import Identity, identity_of
from handoff.db.models import Attachment, Case, CaseCounter, CaseEvent, InboundMail, OutgoingMail, User, utcnow
from handoff.mail import outbox
from handoff.mail.messages import Mail

SEQUENCE_DIGITS = 6


def reference_of(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:0{SEQUENCE_DIGITS}d}"


@dataclass(frozen=True)
class NewCase:
    """What a case starts with; the reference number is added when it is stored."""

    kind: str
    department: str
    topic: str
    description: str
    access_key_hash: str
    received_at: dt.datetime  # by the office clock that also sets the due date
    due_at: dt.datetime
    language: str = "de"
    conversation_id: Optional[str] = None
    contact_email: Optional[str] = None
    contact_phone: Optional[str] = None
    consent_at: Optional[dt.datetime] = None
    details: Optional[dict[str, Any]] = None


@dataclass(frozen=True)
class NewEvent:
    kind: str
    text: str = ""
    public: bool = False
    actor_id: Optional[int] = None
    data: Optional[dict[str, Any]] = None


class CaseStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._insert = postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert

    async def create(
        self,
        new: NewCase,
        prefix: str,
        year: int,
        events: Sequence[NewEvent],
        mail: Optional[Callable[[Case], Optional[Mail]]] = None,
    ) -> Case:
        """Store the case with the next reference number of ``prefix`` and ``year``, its first
        timeline entries and the mail ``mail`` writes for it (the outbox), in one transaction."""
        now = utcnow()
        async with self.sessions.begin() as session:
            await session.execute(
                self._insert(CaseCounter).values(prefix=prefix, year=year, last=0).on_conflict_do_nothing()
            )
            number = (
                await session.execute(
                    update(CaseCounter)
                    .where(CaseCounter.prefix == prefix, CaseCounter.year == year)
                    .values(last=CaseCounter.last + 1)
                    .returning(CaseCounter.last)
                )
            ).scalar_one()
            case = Case(
                reference=reference_of(prefix, year, number),
                kind=new.kind,
                status="new",
                department=new.department,
                conversation_id=new.conversation_id,
                topic=new.topic,
                description=new.description,
                details=new.details,
                contact_email=new.contact_email,
                contact_phone=new.contact_phone,
                language=new.language,
                access_key_hash=new.access_key_hash,
                reply_token=secrets.token_hex(16),
                consent_at=new.consent_at,
                created_at=new.received_at,
                updated_at=new.received_at,
                due_at=new.due_at,
            )
            session.add(case)
            await session.flush()
            session.add_all(_event_rows(case.id, events, now))
            confirmation = mail(case) if mail is not None else None
            if confirmation is not None:
                outbox.queue(session, confirmation, case.id)
                session.add_all(_event_rows(case.id, [NewEvent("mail_out", confirmation.subject)], now))
        return case

    async def by_reference(self, reference: str) -> Optional[Case]:
        async with self.sessions() as session:
            return (await session.scalars(select(Case).where(Case.reference == reference))).one_or_none()

    async def by_reply_token(self, token: str) -> Optional[Case]:
        async with self.sessions() as session:
            return (await session.scalars(select(Case).where(Case.reply_token == token))).one_or_none()

    async def by_mail(self, message_id: str) -> Optional[Case]:
        """The case one of whose mails had this Message-ID."""
        async with self.sessions() as session:
            query = select(Case).join(OutgoingMail, OutgoingMail.case_id == Case.id)
            return (await session.scalars(query.where(OutgoingMail.message_id == message_id))).first()

    async def unassigned_mail(
        self,
        department: str,
        sender: str,
        subject: str,
        body: str,
        message_id: Optional[str],
        files: Sequence[NewFile] = (),
    ) -> None:
        async with self.sessions.begin() as session:
            mail = InboundMail(
                department=department, from_address=sender, subject=subject, body=body, message_id=message_id
            )
            session.add(mail)
            await session.flush()
            session.add_all(_attachment_rows(files, inbound_mail_id=mail.id))

    async def unassigned(self, departments: Optional[Sequence[str]], limit: int) -> list[InboundMail]:
        async with self.sessions() as session:
            query = select(InboundMail).where(InboundMail.case_id.is_(None))
            if departments is not None:
                query = query.where(InboundMail.department.in_(departments))
            return list((await session.scalars(query.order_by(InboundMail.received_at).limit(limit))).all())

    async def inbound(self, mail_id: int) -> Optional[InboundMail]:
        async with self.sessions() as session:
            return await session.get(InboundMail, mail_id)

    async def move_inbound(self, mail_id: int, department: str) -> bool:
        async with self.sessions.begin() as session:
            query = update(InboundMail).where(InboundMail.id == mail_id, InboundMail.case_id.is_(None))
            return (
                await session.execute(query.values(department=department).returning(InboundMail.id))
            ).first() is not None

    async def attach_inbound(self, mail_id: int, case_id: int, event: NewEvent) -> bool:
        """An unassigned mail joins a case: its text on the timeline, its pictures with the case."""
        now = utcnow()
        async with self.sessions.begin() as session:
            claimed = (
                await session.execute(
                    update(InboundMail)
                    .where(InboundMail.id == mail_id, InboundMail.case_id.is_(None))
                    .values(case_id=case_id)
                    .returning(InboundMail.id)
                )
            ).first()
            if claimed is None:
                return False
            await session.execute(
                update(Attachment).where(Attachment.inbound_mail_id == mail_id).values(case_id=case_id)
            )
            session.add_all(_event_rows(case_id, [event], now))
            await session.execute(update(Case).where(Case.id == case_id).values(updated_at=now))
        return True

    async def add_mail_in(self, case_id: int, event: NewEvent, files: Sequence[NewFile]) -> list[int]:
        """A citizen's mail on the case's timeline with its (cleaned) pictures; their ids."""
        async with self.sessions.begin() as session:
            rows = _attachment_rows(files, case_id=case_id)
            session.add_all(rows)
            await session.flush()
            ids = [row.id for row in rows]
            listed = [
                {"id": i, "filename": f.filename, "content_type": f.content_type}
                for i, f in zip(ids, files, strict=True)
            ]
            data = dict(event.data or {}, attachments=listed)
            session.add_all(
                _event_rows(case_id, [NewEvent(event.kind, event.text, event.public, event.actor_id, data)], utcnow())
            )
            await session.execute(update(Case).where(Case.id == case_id).values(updated_at=utcnow()))
        return ids

    async def attachment(self, case_id: int, attachment_id: int) -> Optional[Attachment]:
        async with self.sessions() as session:
            query = select(Attachment).where(Attachment.id == attachment_id, Attachment.case_id == case_id)
            return (await session.scalars(query)).one_or_none()

    async def attachments(self, case_id: int) -> list[Attachment]:
        async with self.sessions() as session:
            query = select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)
            return list((await session.scalars(query)).all())

    async def of_conversation(self, conversation_id: str) -> list[Case]:
        async with self.sessions() as session:
            query = select(Case).where(Case.conversation_id == conversation_id).order_by(Case.id)
            return list((await session.scalars(query)).all())

    async def get(self, case_id: int) -> Optional[Case]:
        async with self.sessions() as session:
            return await session.get(Case, case_id)

    async def events(self, case_id: int, public_only: bool = False) -> list[CaseEvent]:
        query = select(CaseEvent).where(CaseEvent.case_id == case_id)
        if public_only:
            query = query.where(CaseEvent.public.is_(True))
        async with self.sessions() as session:
            return list((await session.scalars(query.order_by(CaseEvent.at, CaseEvent.id))).all())

    async def inbox(
        self,
        departments: Optional[Sequence[str]],
        statuses: Sequence[str],
        text: Optional[str],
        due_before: Optional[dt.datetime],
        limit: int,
    ) -> list[Case]:
        """Cases of ``departments`` (None: all) in ``statuses``, the most urgent first; ``text``
        is looked for in the reference, the topic and the description."""
        query = select(Case).where(Case.status.in_(statuses))
        if departments is not None:
            query = query.where(Case.department.in_(departments))
        if due_before is not None:
            query = query.where(Case.due_at < due_before)
        if text:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(
                or_(
                    Case.reference.ilike(pattern, escape="\\"),
                    Case.topic.ilike(pattern, escape="\\"),
                    Case.description.ilike(pattern, escape="\\"),
                )
            )
        async with self.sessions() as session:
            return list((await session.scalars(query.order_by(Case.due_at, Case.id).limit(limit))).all())

    async def change(self, case_id: int, values: dict[str, Any], event: NewEvent) -> Optional[Case]:
        """Set ``values`` on the case, with its timeline entry, in one transaction (None: no such case)."""
        now = utcnow()
        async with self.sessions.begin() as session:
            changed = (
                await session.scalars(
                    update(Case).where(Case.id == case_id).values(**values, updated_at=now).returning(Case)
                )
            ).one_or_none()
            if changed is None:
                return None
            session.add_all(_event_rows(case_id, [event], now))
        return changed

    async def handler(self, user_id: int) -> Optional[Identity]:
        """The active account ``user_id`` with its departments (a case's possible assignee)."""
        async with self.sessions() as session:
            user = await session.get(User, user_id)
            if user is None or not user.active:
                return None
            return await identity_of(session, user)

    async def names(self, user_ids: set[int]) -> dict[int, str]:
        """Display names of accounts (assignees, authors of timeline entries)."""
        if not user_ids:
            return {}
        async with self.sessions() as session:
            rows = await session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
            return {user_id: name for user_id, name in rows}

    async def send_mail(self, case_id: int, mail: Mail, event: NewEvent) -> None:
        """Queue ``mail`` for the case and note it on the timeline, in one transaction."""
        now = utcnow()
        async with self.sessions.begin() as session:
            outbox.queue(session, mail, case_id)
            session.add_all(_event_rows(case_id, [event], now))
            await session.execute(update(Case).where(Case.id == case_id).values(updated_at=now))

    async def add_event(self, case_id: int, event: NewEvent) -> None:
        async with self.sessions.begin() as session:
            session.add_all(_event_rows(case_id, [event], utcnow()))

    async def delete_done(self, kinds: Sequence[str], closed_before: dt.datetime) -> list[str]:
        """Delete cases of ``kinds`` done before ``closed_before`` with their timeline and mails;
        returns their reference numbers."""
        async with self.sessions.begin() as session:
            return list(
                (
                    await session.scalars(
                        delete(Case)
                        .where(Case.kind.in_(kinds), Case.status == "done", Case.closed_at < closed_before)
                        .returning(Case.reference)
                    )
                ).all()
            )

    async def delete(self, case_id: int) -> bool:
        """Delete one case with its timeline and mails (Art. 17)."""
        async with self.sessions.begin() as session:
            return (
                await session.execute(delete(Case).where(Case.id == case_id).returning(Case.id))
            ).first() is not None

    async def mails(self, case_id: int) -> list[OutgoingMail]:
        async with self.sessions() as session:
            query = select(OutgoingMail).where(OutgoingMail.case_id == case_id).order_by(OutgoingMail.id)
            return list((await session.scalars(query)).all())

    async def forget_unassigned_mail(self, before: dt.datetime) -> int:
        """Delete unassigned inbound mail (with its pictures) received before ``before``."""
        async with self.sessions.begin() as session:
            query = delete(InboundMail).where(InboundMail.case_id.is_(None), InboundMail.received_at < before)
            return len((await session.scalars(query.returning(InboundMail.id))).all())

    async def forget_mails(self, before: dt.datetime) -> int:
        """Delete the outbox's copies of mails sent or given up before ``before``."""
        async with self.sessions.begin() as session:
            done = or_(OutgoingMail.sent_at < before, OutgoingMail.failed_at < before)
            return len((await session.scalars(delete(OutgoingMail).where(done).returning(OutgoingMail.id))).all())

    async def set_status(
        self, case_id: int, status: str, allowed_from: Sequence[str], event: NewEvent
    ) -> Optional[Case]:
        """Change the status if it is one of ``allowed_from`` now (None otherwise), with its
        timeline entry, in one transaction."""
        now = utcnow()
        values: dict[str, Any] = {"status": status, "updated_at": now, "closed_at": now if status == "done" else None}
        async with self.sessions.begin() as session:
            changed = (
                await session.scalars(
                    update(Case)
                    .where(Case.id == case_id, Case.status.in_(allowed_from))
                    .values(**values)
                    .returning(Case)
                )
            ).one_or_none()
            if changed is None:
                return None
            session.add_all(_event_rows(case_id, [event], now))
        return changed


@dataclass(frozen=True)
class NewFile:
    filename: str
    content_type: str
    data: bytes


def _attachment_rows(
    files: Sequence[NewFile], case_id: Optional[int] = None, inbound_mail_id: Optional[int] = None
) -> list[Attachment]:
    return [
        Attachment(
            case_id=case_id,
            inbound_mail_id=inbound_mail_id,
            filename=f.filename[:200],
            content_type=f.content_type,
            size=len(f.data),
            data=f.data,
        )
        for f in files
    ]


def _event_rows(case_id: int, events: Sequence[NewEvent], at: dt.datetime) -> list[CaseEvent]:
    return [
        CaseEvent(
            case_id=case_id,
            at=at,
            kind=e.kind,
            text=e.text,
            public=e.public,
            actor_id=e.actor_id,
            data=e.data,
        )
        for e in events
    ]
