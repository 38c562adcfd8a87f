"""Sending one e-mail over SMTP (aiosmtplib), with STARTTLS and login as configured and a timeout."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib

from handoff.mail.messages import Mail
from handoff.settings import Settings


class MailFailed(Exception):
    """The mail server did not take the mail (unreachable, refused, timed out)."""


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def configured(self) -> bool:
        return bool(self.settings.smtp_host)

    def message(self, mail: Mail, now: dt.datetime) -> EmailMessage:
        message = EmailMessage()  # refuses line breaks in headers: no header injection
        message["From"] = self.settings.mail_from
        message["To"] = mail.to_address
        message["Subject"] = mail.subject
        message["Date"] = format_datetime(now)
        message["Message-ID"] = mail.message_id
        if mail.reply_to:
            message["Reply-To"] = mail.reply_to
        if mail.in_reply_to:
            message["In-Reply-To"] = mail.in_reply_to
            message["References"] = mail.in_reply_to
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(mail.body)
        return message

    async def send(self, mail: Mail, now: dt.datetime) -> None:
        settings = self.settings
        try:
            await aiosmtplib.send(
                self.message(mail, now),
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_user or None,
                password=settings.smtp_password or None,
                start_tls=settings.smtp_starttls,
                timeout=settings.smtp_timeout,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise MailFailed(type(error).__name__) from error
