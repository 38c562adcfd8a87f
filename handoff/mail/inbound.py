"""Citizens' e-mail replies: an SMTP listener (aiosmtpd) the city's mail server forwards to.

A reply finds its case by the token in the address it was sent to (``antwort+<token>@…``, the
Reply-To of the case's mails), else by ``In-Reply-To``/``References`` naming one of the case's
mails, else by the case's reference number in the subject together with the case's e-mail
address as sender. It is added to the case's timeline, and a case waiting for the citizen is in
progress again. JPEG and PNG attachments are kept, cleaned of metadata, with the mail; other
attachments are counted, not kept. A mail that matches no case is kept as the default
department's unassigned mail, never dropped. Only addresses of MAIL_REPLY_TO's domain are accepted (no relay), mails
over INBOUND_MAX_BYTES are refused by the SMTP dialogue itself. The log has counts, no addresses.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import os
import re
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any, Optional

from aiosmtpd.smtp import SMTP, Envelope, Session

from handoff.db.cases import NewEvent, NewFile
from handoff.db.models import Case
from handoff.domain.cases import ALLOWED_FROM, IN_PROGRESS, WAITING, find_reference
from handoff.domain.context import Context
from handoff.media.images import ImageRefused, clean_image

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 20_000
MAX_PICTURES = 10  # per mail
TOKEN = re.compile(r"^[^+@]+\+([0-9a-f]{32})@", re.IGNORECASE)


class _Text(HTMLParser):
    """The text of an HTML mail body (scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def body_text(message: EmailMessage) -> str:
    """The mail's text: its plain part, else its HTML part as text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset or a broken encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if part.get_content_type() == "text/html":
        parser = _Text()
        parser.feed(content)
        content = "".join(parser.parts)
    lines = [line.rstrip() for line in content.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()[:MAX_TEXT_CHARS]


def pictures(message: EmailMessage) -> tuple[list[NewFile], int]:
    """The mail's JPEG and PNG attachments, cleaned (handoff/media/images.py), and how many other
    attachments were left out (other types, too large, broken)."""
    files: list[NewFile] = []
    skipped = 0
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or len(files) >= MAX_PICTURES:
            skipped += 1
            continue
        try:
            image = clean_image(payload)
        except ImageRefused:
            skipped += 1
            continue
        name = os.path.basename(str(part.get_filename() or "bild")).strip() or "bild"
        files.append(NewFile(name[:200], image.content_type, image.data))
    return files, skipped


class InboundMailHandler:
    """aiosmtpd's handler: RCPT checks the domain, DATA stores the mail."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.domain = ctx.settings.mail_reply_to.rsplit("@", 1)[-1].lower()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.rsplit("@", 1)[-1].lower() != self.domain:
            return "550 5.7.1 not a mailbox of this service"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode("utf-8", "replace")
        try:
            await self.receive(email.message_from_bytes(raw, policy=email.policy.default), list(envelope.rcpt_tos))
        except Exception:
            logger.exception("inbound mail could not be stored; the sender's server will retry")
            return "451 4.3.0 try again later"
        return "250 Message accepted"

    async def receive(self, message: Any, recipients: list[str]) -> Optional[Case]:
        """Store one mail with its case (returned) or as unassigned mail (None)."""
        sender = email.utils.parseaddr(str(message.get("From", "")))[1][:254]
        subject = str(message.get("Subject", ""))[:200]
        message_id = str(message.get("Message-ID", ""))[:255] or None
        text = body_text(message)
        files, skipped = pictures(message)
        case = await self._case_of(message, recipients, sender, subject)
        store = self.ctx.store
        if case is None:
            department = self.ctx.city.default_department
            await store.cases.unassigned_mail(department, sender, subject, text, message_id, files)
            logger.info("inbound mail: kept one unmatched mail as unassigned")
            return None
        data = {"from": sender, "subject": subject, "message_id": message_id, "skipped_attachments": skipped}
        await store.cases.add_mail_in(case.id, NewEvent("mail_in", text, data=data), files)
        if case.status == WAITING:
            await store.cases.set_status(
                case.id, IN_PROGRESS, ALLOWED_FROM[IN_PROGRESS], NewEvent("status", data={"status": IN_PROGRESS})
            )
        logger.info("inbound mail: added a reply to a case")
        return case

    async def _case_of(self, message: Any, recipients: list[str], sender: str, subject: str) -> Optional[Case]:
        cases = self.ctx.store.cases
        for recipient in recipients:
            token = TOKEN.match(recipient)
            if token:
                found = await cases.by_reply_token(token.group(1).lower())
                if found is not None:
                    return found
        threaded = " ".join(str(message.get(h, "")) for h in ("In-Reply-To", "References"))
        for message_id in re.findall(r"<[^<>\s]+>", threaded):
            found = await cases.by_mail(message_id)
            if found is not None:
                return found
        reference = find_reference(subject)
        if reference is not None and sender:
            found = await cases.by_reference(reference)
            if found is not None and (found.contact_email or "").casefold() == sender.casefold():
                return found
        return None


async def start_listener(ctx: Context) -> asyncio.AbstractServer:
    """The inbound SMTP listener on INBOUND_SMTP_HOST:INBOUND_SMTP_PORT, in this event loop."""
    settings = ctx.settings
    handler = InboundMailHandler(ctx)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, data_size_limit=settings.inbound_max_bytes, enable_SMTPUTF8=True, ident="citychat"),
        host=settings.inbound_smtp_host,
        port=settings.inbound_smtp_port,
    )
    logger.info("inbound mail listener on %s:%d", settings.inbound_smtp_host, settings.inbound_smtp_port)
    return server
