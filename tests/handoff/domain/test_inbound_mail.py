"""Answering a case by e-mail and the citizen's reply coming back, with real SMTP on loopback:
the city's mail server (aiosmtpd) receives the agent's answer, and the gateway's own inbound
listener receives the citizen's reply (sent with aiosmtplib, as a mail server would forward it)."""

from __future__ import annotations

import asyncio
import io
from email.message import EmailMessage
from email.utils import make_msgid
from typing import AsyncIterator

import aiosmtplib
import pytest
from PIL import Image
from sqlalchemy import select

from handoff.accounts.identity import Identity
from handoff.db.models import InboundMail
from handoff.domain.cases import CaseCreated, CaseRequest
from handoff.domain.errors import Refused
from handoff.mail.inbound import start_listener
from handoff.mail.outbox import Outbox
from handoff.mail.sender import SmtpSender
from tests.conftest import free_port
from tests.handoff.domain.conftest import World, with_settings
from tests.handoff.domain.test_case_mail import MAIL_FROM, MailServer, smtp  # noqa: F401 - the fixture
from tests.handoff.test_images import jpeg_with_gps

REPLY_TO = "antwort@musterstadt.de"
CITIZEN = "erika.mustermann@example.org"


@pytest.fixture
async def mailing(world: World, smtp: MailServer) -> AsyncIterator[tuple[World, Outbox, int]]:  # noqa: F811
    """The world with outgoing mail to the city's mail server and the gateway's inbound listener."""
    port = free_port()
    mailed = with_settings(
        world,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_starttls=False,
        mail_from=MAIL_FROM,
        mail_reply_to=REPLY_TO,
        inbound_smtp_port=port,
        inbound_max_bytes=64 * 1024,
    )
    listener = await start_listener(mailed.domain.ctx)
    try:
        yield mailed, Outbox(world.store.engine, SmtpSender(mailed.domain.ctx.settings)), port
    finally:
        listener.close()
        await listener.wait_closed()


async def new_case(world: World, email: str | None = CITIZEN) -> CaseCreated:
    return await world.domain.cases.open(
        CaseRequest(
            kind="request",
            topic="Wohngeld",
            description="Ich habe Fragen zu meinem Wohngeldantrag.",
            department="sozialamt",
            contact_email=email,
            contact_phone=None if email else "+49 2345 555555",
            consent=True,
        )
    )


async def citizen_writes(port: int, to: str, subject: str, text: str, **headers: str) -> None:
    message = EmailMessage()
    message["From"] = f"Erika Mustermann <{CITIZEN}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("Message_ID", make_msgid("erika", "example.org"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    await aiosmtplib.send(message, hostname="127.0.0.1", port=port, timeout=5)


def to_the_case(token: str, subject: str) -> EmailMessage:
    """A citizen's mail to a case's reply address, without a body yet."""
    message = EmailMessage()
    message["From"] = CITIZEN
    message["To"] = f"antwort+{token}@musterstadt.de"
    message["Subject"] = subject
    return message


async def timeline(world: World, reference: str) -> list[tuple[str, str]]:
    case = await world.store.cases.by_reference(reference)
    assert case is not None
    return [(e.kind, e.text) for e in await world.store.cases.events(case.id)]


async def agent_of(world: World) -> Identity:
    return await world.agent(("sozialamt",))


async def test_an_agent_answers_by_mail_and_the_citizens_reply_finds_the_case(
    mailing: tuple[World, Outbox, int],
    smtp: MailServer,  # noqa: F811
) -> None:
    world, outbox, port = mailing
    created = await new_case(world)
    agent = await agent_of(world)
    case = await world.store.cases.by_reference(created.reference)
    assert case is not None
    await world.domain.cases.change_status(case.id, "waiting", agent.user_id)
    await world.domain.case_desk.reply_by_mail(agent, created.reference, "Bitte senden Sie uns Ihren Mietvertrag.")
    assert await outbox.deliver_due() == (2, 0)  # the confirmation and the answer
    confirmation, answer = smtp.inbox.messages
    reply_address = f"antwort+{case.reply_token}@musterstadt.de"
    assert confirmation["Reply-To"] == answer["Reply-To"] == reply_address
    assert "Bitte senden Sie uns Ihren Mietvertrag." in answer.get_content()
    assert agent.display_name in answer.get_content() and created.reference in answer["Subject"]

    citizens_mail = make_msgid("erika", "example.org")
    await citizen_writes(
        port, reply_address, f"Re: {answer['Subject']}", "Der Mietvertrag kommt per Post.", Message_ID=citizens_mail
    )
    events = await timeline(world, created.reference)
    assert ("mail_in", "Der Mietvertrag kommt per Post.") in events
    again = await world.store.cases.by_reference(created.reference)
    assert again is not None and again.status == "in_progress"  # it was waiting for the citizen

    # the next answer is threaded to the citizen's mail
    await world.domain.case_desk.reply_by_mail(agent, created.reference, "Danke, ist angekommen.")
    await outbox.deliver_due()
    assert smtp.inbox.messages[-1]["In-Reply-To"] == citizens_mail


async def test_a_reply_to_the_plain_address_is_matched_by_in_reply_to_or_reference_and_sender(
    mailing: tuple[World, Outbox, int],
    smtp: MailServer,  # noqa: F811
) -> None:
    world, outbox, port = mailing
    created = await new_case(world)
    await outbox.deliver_due()
    [confirmation] = smtp.inbox.messages
    await citizen_writes(port, REPLY_TO, "Nachtrag", "Noch eine Frage.", In_Reply_To=confirmation["Message-ID"])
    await citizen_writes(port, REPLY_TO, f"Frage zu {created.reference}", "Und noch eine.")
    kinds = [text for kind, text in await timeline(world, created.reference) if kind == "mail_in"]
    assert kinds == ["Noch eine Frage.", "Und noch eine."]


async def test_a_mail_that_matches_no_case_is_kept_as_unassigned(mailing: tuple[World, Outbox, int]) -> None:
    world, _, port = mailing
    created = await new_case(world)
    # the reference alone is not enough when someone else writes: never attach to a stranger's case
    message = EmailMessage()
    message["From"] = "someone@example.net"
    message["To"] = REPLY_TO
    message["Subject"] = f"Zu {created.reference}"
    message.set_content("<p>Hallo</p>")
    await aiosmtplib.send(message, hostname="127.0.0.1", port=port, timeout=5)
    await citizen_writes(port, f"antwort+{'0' * 32}@musterstadt.de", "Hallo", "Ohne Vorgang.")
    async with world.store.sessions() as session:
        kept = (await session.scalars(select(InboundMail).order_by(InboundMail.id))).all()
    assert [(m.from_address, m.department, m.body) for m in kept] == [
        ("someone@example.net", "buergerservice", "<p>Hallo</p>"),
        (CITIZEN, "buergerservice", "Ohne Vorgang."),
    ]
    assert not [kind for kind, _ in await timeline(world, created.reference) if kind == "mail_in"]


async def test_the_listener_accepts_only_its_own_domain_and_limits_size(mailing: tuple[World, Outbox, int]) -> None:
    _, _, port = mailing
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await citizen_writes(port, "someone@example.com", "Relay?", "Bitte weiterleiten.")
    with pytest.raises(aiosmtplib.SMTPResponseException) as too_big:
        await citizen_writes(port, REPLY_TO, "Groß", "x" * 100_000)
    assert too_big.value.code == 552


async def test_an_html_mail_is_kept_as_text(mailing: tuple[World, Outbox, int]) -> None:
    world, _, port = mailing
    created = await new_case(world)
    case = await world.store.cases.by_reference(created.reference)
    assert case is not None
    message = to_the_case(case.reply_token, "Antwort")
    message.set_content("<html><style>p{}</style><p>Erste Zeile</p><p>Zweite <b>Zeile</b></p></html>", subtype="html")
    await aiosmtplib.send(message, hostname="127.0.0.1", port=port, timeout=5)
    [text] = [text for kind, text in await timeline(world, created.reference) if kind == "mail_in"]
    assert text == "Erste Zeile\nZweite Zeile"


async def test_no_answer_by_mail_without_an_address(mailing: tuple[World, Outbox, int]) -> None:
    world, _, _ = mailing
    created = await new_case(world, email=None)
    with pytest.raises(Refused) as refused:
        await world.domain.case_desk.reply_by_mail(await agent_of(world), created.reference, "Hallo")
    assert refused.value.code == "no_contact"
    await asyncio.sleep(0)


async def test_pictures_in_a_reply_are_kept_without_metadata_and_other_files_counted(
    mailing: tuple[World, Outbox, int],
) -> None:
    world, _, port = mailing
    created = await new_case(world)
    case = await world.store.cases.by_reference(created.reference)
    assert case is not None
    message = to_the_case(case.reply_token, "Fotos")
    message.set_content("Anbei das Foto und der Bescheid.")
    message.add_attachment(jpeg_with_gps(), maintype="image", subtype="jpeg", filename="../../IMG 0001.jpg")
    message.add_attachment(b"%PDF-1.7", maintype="application", subtype="pdf", filename="bescheid.pdf")
    await aiosmtplib.send(message, hostname="127.0.0.1", port=port, timeout=5)
    events = await world.store.cases.events(case.id)
    mail_in = next(e for e in events if e.kind == "mail_in")
    assert mail_in.data is not None and mail_in.data["skipped_attachments"] == 1
    [listed] = mail_in.data["attachments"]
    assert (listed["filename"], listed["content_type"]) == ("IMG 0001.jpg", "image/jpeg")
    [stored] = await world.store.cases.attachments(case.id)
    assert stored.id == listed["id"] and b"PhoneMaker" not in stored.data
    assert len(Image.open(io.BytesIO(stored.data)).getexif()) == 0
