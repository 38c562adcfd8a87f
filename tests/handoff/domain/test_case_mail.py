"""E-mail to citizens through the outbox, against a real SMTP server (aiosmtpd) on loopback: the
confirmation of a new case arrives once, a mail server that is down delays mail but loses none,
and two gateway processes never send the same mail twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Iterator

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from handoff.db.models import OutgoingMail
from handoff.domain.cases import CaseRequest
from handoff.mail.outbox import Outbox
from handoff.mail.sender import SmtpSender
from tests.conftest import free_port
from tests.handoff.domain.conftest import SATURDAY_NIGHT, World, with_settings

MAIL_FROM = "chat@musterstadt.de"


@dataclass
class Inbox:
    """What the SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@dataclass
class MailServer:
    inbox: Inbox
    port: int
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    server = MailServer(Inbox(), free_port())
    server.start()
    yield server
    server.stop()


def mailing(world: World, port: int) -> tuple[World, Outbox]:
    """The world with SMTP settings, and the outbox job of one gateway process."""
    mailed = with_settings(
        world, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False, smtp_timeout=3.0, mail_from=MAIL_FROM
    )
    return mailed, Outbox(world.store.engine, SmtpSender(mailed.domain.ctx.settings))


def request(**changes: Any) -> CaseRequest:
    values: dict[str, Any] = {
        "kind": "request",
        "topic": "Sperrmüll",
        "description": "Ich möchte Sperrmüll anmelden: ein Sofa und zwei Stühle.",
        "department": "abfallwirtschaft",
        "contact_email": "erika.mustermann@example.org",
        "consent": True,
    }
    values.update(changes)
    return CaseRequest(**values)


async def test_the_confirmation_of_a_case_arrives_once(world: World, smtp: MailServer) -> None:
    world.clock[0] = SATURDAY_NIGHT.replace(hour=22)
    mailed, outbox = mailing(world, smtp.port)
    created = await mailed.domain.cases.open(request())
    assert await outbox.deliver_due() == (1, 0)
    assert await outbox.deliver_due() == (0, 0)

    [message] = smtp.inbox.messages
    assert smtp.inbox.recipients == [["erika.mustermann@example.org"]]
    assert message["From"] == MAIL_FROM and message["To"] == "erika.mustermann@example.org"
    assert created.reference in message["Subject"] and message["Message-ID"].endswith("@musterstadt.de>")
    body = message.get_content()
    assert created.reference in body and created.department_name in body
    assert "Dienstag, 08.12.2026" in body  # two working days after a Saturday
    assert "Sperrmüll" in body and created.access_key not in body  # the key is shown in the chat only
    assert await outbox.pending() == 0


async def test_an_english_request_gets_an_english_mail_and_no_address_no_mail(world: World, smtp: MailServer) -> None:
    mailed, outbox = mailing(world, smtp.port)
    await mailed.domain.cases.open(request(language="en"))
    await mailed.domain.cases.open(request(contact_email=None, contact_phone="+49 2345 123456"))
    assert await outbox.deliver_due() == (1, 0)
    [message] = smtp.inbox.messages
    assert message["Subject"].startswith("Your request MS-")
    assert "Kind regards" in message.get_content()


async def test_a_mail_server_that_is_down_delays_the_mail_but_loses_none(world: World, smtp: MailServer) -> None:
    smtp.stop()
    mailed, outbox = mailing(world, smtp.port)
    created = await mailed.domain.cases.open(request())
    assert await outbox.deliver_due() == (0, 1)
    assert await outbox.deliver_due() == (0, 0)  # not again before its retry time
    assert await outbox.pending() == 1
    async with outbox.sessions.begin() as session:
        mail = (await session.scalars(select(OutgoingMail))).one()
        assert mail.attempts == 1 and mail.last_error and "@" not in mail.last_error
        # the retry is due
        await session.execute(update(OutgoingMail).values(next_attempt_at=dt.datetime.now(dt.timezone.utc)))
    smtp.start()
    assert await outbox.deliver_due() == (1, 0)
    assert [created.reference in m["Subject"] for m in smtp.inbox.messages] == [True]


async def test_two_processes_send_each_mail_once(world: World, smtp: MailServer) -> None:
    mailed, first = mailing(world, smtp.port)
    _, second = mailing(world, smtp.port)
    created = [await mailed.domain.cases.open(request(description=f"Anliegen {i}")) for i in range(12)]
    results = await asyncio.gather(first.deliver_due(), second.deliver_due())
    assert sum(sent for sent, _ in results) == 12
    subjects = sorted(m["Subject"] for m in smtp.inbox.messages)
    assert len(subjects) == 12 and all(any(c.reference in s for s in subjects) for c in created)


async def test_without_smtp_host_mails_wait_in_the_outbox(world: World) -> None:
    outbox = Outbox(world.store.engine, SmtpSender(world.domain.ctx.settings))
    await world.domain.cases.open(request())
    assert await outbox.deliver_due() == (0, 0)
    assert await outbox.pending() == 1
