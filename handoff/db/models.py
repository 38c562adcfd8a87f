"""The gateway's tables. The transcript, the conversation's state, the queue and the accounts
live here, so a restarted gateway (or another gateway process) continues where one stopped."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Optional

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: DateTime(timezone=True), dict[str, Any]: JSON}


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # sha256 of the citizen's session id: the id itself is a bearer secret and never stored
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="bot", index=True)
    department: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    agent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    handoff_reason: Mapped[Optional[str]] = mapped_column(String(32))
    handoff_context: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(8), default="de")
    page: Mapped[Optional[str]] = mapped_column(String(500))
    queued_at: Mapped[Optional[dt.datetime]] = mapped_column()
    priority: Mapped[int] = mapped_column(Integer, default=0)  # 1: returned to the queue, served first
    assigned_at: Mapped[Optional[dt.datetime]] = mapped_column()
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column()
    outcome: Mapped[Optional[str]] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    # a status question about this case waits for its proof (handoff/domain/case_status.py)
    case_status_for: Mapped[Optional[str]] = mapped_column(String(32))
    case_status_until: Mapped[Optional[dt.datetime]] = mapped_column()

    __table_args__ = (Index("ix_conversations_queue", "state", "department", "priority", "queued_at"),)


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(16))  # citizen | bot | agent | system | note
    agent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    client_id: Mapped[Optional[str]] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("conversation_id", "client_id", name="uq_messages_client_id"),)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))  # agent | supervisor | editor | admin
    password_hash: Mapped[str] = mapped_column(String(255))
    max_chats: Mapped[int] = mapped_column(Integer, default=3)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AgentDepartment(Base):
    __tablename__ = "agent_departments"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    department: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class LoginSession(Base):
    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)  # absolute lifetime
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # idle expiry counts from here


class LoginFailure(Base):
    """Failed logins per account and address, and per address: the growing delays' memory.

    ``key`` is a hash of what is counted (never the address or name in clear); rows expire a day
    after their last failure."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    blocked_until: Mapped[Optional[dt.datetime]] = mapped_column()


class DeletionJob(Base):
    """A deleted conversation whose data in Rasa's tracker store is still to be deleted.

    Written in the same transaction that deletes the gateway's rows, so no deletion is
    forgotten when Rasa's database is unreachable; retried until done."""

    __tablename__ = "deletion_jobs"

    conversation_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[Optional[str]] = mapped_column(String(128))
    detail: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)


class Case(Base):
    """A request, complaint or defect report that an office answers later: it has a reference
    number the citizen can quote and an access key only the citizen knows (stored as a hash)."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)  # MS-2026-000123
    kind: Mapped[str] = mapped_column(String(16))  # request | complaint | defect
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)  # new | in_progress | waiting | done
    department: Mapped[str] = mapped_column(String(64), index=True)
    assignee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    conversation_id: Mapped[Optional[str]] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    topic: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    details: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)  # category, place, ... per kind
    contact_email: Mapped[Optional[str]] = mapped_column(String(254))
    contact_phone: Mapped[Optional[str]] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8), default="de")
    access_key_hash: Mapped[str] = mapped_column(String(64))
    # in the reply address of its mails (antwort+<token>@…): a citizen's reply finds its case
    reply_token: Mapped[str] = mapped_column(String(32), unique=True)
    consent_at: Mapped[Optional[dt.datetime]] = mapped_column()  # consent to store the contact data
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    due_at: Mapped[dt.datetime] = mapped_column(index=True)
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column()

    __table_args__ = (Index("ix_cases_inbox", "department", "status", "due_at"),)


class CaseEvent(Base):
    """One entry of a case's timeline: created, the chat attached, status changes, notes, e-mails.
    ``public`` entries are what the citizen sees when asking for the status."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    public: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)


class CaseCounter(Base):
    """The last reference number given per prefix and year: incremented in the transaction that
    creates the case, so numbers are unique and gapless across gateway processes."""

    __tablename__ = "case_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class OutgoingMail(Base):
    """An e-mail to send (the outbox): written in the transaction of what caused it, sent by the
    gateway's mail job with retries, so no mail is lost when the mail server is down. A process
    claims a mail for a while before sending it; after a crash another process sends it again
    later (at least once; the Message-ID stays the same)."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    reply_to: Mapped[Optional[str]] = mapped_column(String(254))  # the case's reply address
    in_reply_to: Mapped[Optional[str]] = mapped_column(String(255))  # the citizen's mail it answers
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    claimed_until: Mapped[Optional[dt.datetime]] = mapped_column()
    sent_at: Mapped[Optional[dt.datetime]] = mapped_column()
    failed_at: Mapped[Optional[dt.datetime]] = mapped_column()  # gave up after MAX_ATTEMPTS
    last_error: Mapped[Optional[str]] = mapped_column(String(200))  # the kind of error, never content


class InboundMail(Base):
    """An e-mail that reached the gateway's inbound SMTP listener and matched no case: kept for a
    department's unassigned mail (the default department's until someone moves it), never dropped."""

    __tablename__ = "inbound_mail"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    department: Mapped[str] = mapped_column(String(64), index=True)
    from_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[Optional[str]] = mapped_column(String(255))
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))  # once moved


class Attachment(Base):
    """A picture that came with a case (a reply's attachment, a defect report's photo) or with an
    unassigned mail: cleaned before storing (handoff/media/images.py), deleted with its case."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    inbound_mail_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("inbound_mail.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def aware(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """SQLite returns naive datetimes; everything stored here is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.timezone.utc)


class Feedback(Base):
    """'Was this helpful?' on a bot answer, per article: what editors improve first."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    article: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    helpful: Mapped[bool] = mapped_column()
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("message_id", name="uq_feedback_message"),)
