"""Database operations of the gateway, one transaction each.

State changes are conditional updates (``UPDATE … WHERE state IN (…)``): whichever process runs
one first wins and the others see no row changed. That is what makes accepting a chat atomic
across gateway processes without locks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import Any, Optional, Sequence

from sqlalchemy import ColumnElement, delete, func, insert, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from handoff.accounts.identity import Identity
from handoff.db.cases import CaseStore
from handoff.db.models import (
    AgentDepartment,
    AuditEntry,
    Conversation,
    DeletionJob,
    Feedback,
    LoginSession,
    Message,
    User,
    aware,
    utcnow,
)
from handoff.db.records import ROUTING_COLUMNS, MessageRecord, Routing
from handoff.db.writer import MessageWriter
from handoff.domain import states

DEFAULT_HANDLING_SECONDS = 180.0


def new_session_id() -> str:
    """A citizen's session id: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.writer = MessageWriter(engine)
        self.cases = CaseStore(engine)

    # --- conversations ---------------------------------------------------------------------

    async def create_conversation(self, session_id: str, language: str = "de") -> Conversation:
        conversation = Conversation(id=uuid.uuid4().hex, session_hash=session_hash(session_id), language=language)
        async with self.sessions.begin() as session:
            session.add(conversation)
        return conversation

    async def conversation_by_session(self, session_id: str) -> Optional[Conversation]:
        async with self.sessions() as session:
            return await session.scalar(
                select(Conversation).where(Conversation.session_hash == session_hash(session_id))
            )

    async def routing(self, conversation_id: str) -> Optional[Routing]:
        """The few columns routing a message needs, without building an ORM object."""
        statement = select(*ROUTING_COLUMNS).where(Conversation.id == conversation_id)
        async with self.engine.connect() as connection:
            row = (await connection.execute(statement)).one_or_none()
        return Routing(*row) if row is not None else None

    async def conversation(self, conversation_id: str) -> Optional[Conversation]:
        async with self.sessions() as session:
            return await session.get(Conversation, conversation_id)

    async def transition(
        self, conversation_id: str, action: str, extra: Sequence[ColumnElement[bool]] = (), **values: Any
    ) -> Optional[Conversation]:
        """Apply ``action`` if the conversation is in one of its source states; None otherwise."""
        allowed, target = states.TRANSITIONS[action]
        statement = (
            update(Conversation)
            .where(Conversation.id == conversation_id, Conversation.state.in_(allowed), *extra)
            .values(state=target, last_activity_at=utcnow(), **values)
            .returning(Conversation)
        )
        async with self.sessions.begin() as session:
            return (await session.scalars(statement)).one_or_none()

    async def accept(self, conversation_id: str, agent: Identity) -> Optional[Conversation]:
        """The agent takes a queued chat of one of their departments, within their maximum.

        The agent's row is locked first (Postgres: SELECT … FOR UPDATE), so two accepts of the
        same agent, in any processes, count their open chats one after the other; without it
        both would see the same count under READ COMMITTED and both succeed.
        """
        allowed, target = states.TRANSITIONS["accept"]
        busy = (
            select(func.count())
            .select_from(Conversation)
            .where(Conversation.agent_id == agent.user_id, Conversation.state == states.ASSIGNED)
            .scalar_subquery()
        )
        conditions: list[ColumnElement[bool]] = [
            Conversation.id == conversation_id,
            Conversation.state.in_(allowed),
            busy < agent.max_chats,
        ]
        if not agent.is_supervisor:
            conditions.append(Conversation.department.in_(agent.departments))
        now = utcnow()
        statement = (
            update(Conversation)
            .where(*conditions)
            .values(state=target, agent_id=agent.user_id, assigned_at=now, last_activity_at=now)
            .returning(Conversation)
        )
        async with self.sessions.begin() as session:
            await session.execute(select(User.id).where(User.id == agent.user_id).with_for_update())
            return (await session.scalars(statement)).one_or_none()

    async def case_status_pending(self, conversation_id: str) -> Optional[str]:
        """The case whose status question waits for its proof in this conversation, if any."""
        async with self.sessions() as session:
            row = (
                await session.execute(
                    select(Conversation.case_status_for, Conversation.case_status_until).where(
                        Conversation.id == conversation_id
                    )
                )
            ).one_or_none()
        if row is None or row[0] is None or row[1] is None or aware(row[1]) < utcnow():  # type: ignore[operator]
            return None
        return str(row[0])

    async def update(self, conversation_id: str, **values: Any) -> None:
        async with self.sessions.begin() as session:
            await session.execute(update(Conversation).where(Conversation.id == conversation_id).values(**values))

    async def delete_conversations(
        self, conversation_ids: Sequence[str], still: Sequence[ColumnElement[bool]] = (), rasa_job: bool = False
    ) -> list[str]:
        """Delete conversations with their messages and feedback; returns the ids deleted.

        ``still`` re-checks conditions in the deleting statement itself (retention: still
        expired, still not with a person). With ``rasa_job`` a deletion job for Rasa's tracker
        is written in the same transaction, so Rasa's copy is deleted even if Rasa's database is
        unreachable right now (handoff/retention.py retries the jobs).
        """
        if not conversation_ids:
            return []
        async with self.sessions.begin() as session:
            deleted = list(
                (
                    await session.scalars(
                        delete(Conversation)
                        .where(Conversation.id.in_(conversation_ids), *still)
                        .returning(Conversation.id)
                    )
                ).all()
            )
            if deleted:
                # the foreign keys cascade; said explicitly for databases that were created without them
                await session.execute(delete(Feedback).where(Feedback.conversation_id.in_(deleted)))
                await session.execute(delete(Message).where(Message.conversation_id.in_(deleted)))
                if rasa_job:
                    now = utcnow()
                    await session.execute(
                        insert(DeletionJob),
                        [
                            {"conversation_id": c, "requested_at": now, "attempts": 0, "next_attempt_at": now}
                            for c in deleted
                        ],
                    )
        return deleted

    async def expired_conversations(self, cutoff: dt.datetime, limit: int) -> list[str]:
        async with self.sessions() as session:
            return list(
                (
                    await session.scalars(select(Conversation.id).where(*self.expired_conditions(cutoff)).limit(limit))
                ).all()
            )

    @staticmethod
    def expired_conditions(cutoff: dt.datetime) -> list[ColumnElement[bool]]:
        """Retention: no activity since ``cutoff`` and no person handling it."""
        return [Conversation.last_activity_at < cutoff, Conversation.state.in_((states.BOT, states.CLOSED))]

    async def due_deletion_jobs(self, limit: int = 500) -> list[str]:
        async with self.sessions() as session:
            return list(
                (
                    await session.scalars(
                        select(DeletionJob.conversation_id)
                        .where(DeletionJob.next_attempt_at <= utcnow())
                        .order_by(DeletionJob.next_attempt_at)
                        .limit(limit)
                    )
                ).all()
            )

    async def deletion_jobs_done(self, conversation_ids: Sequence[str]) -> None:
        async with self.sessions.begin() as session:
            await session.execute(delete(DeletionJob).where(DeletionJob.conversation_id.in_(conversation_ids)))

    async def deletion_jobs_failed(self, conversation_ids: Sequence[str], retry_in: dt.timedelta) -> None:
        async with self.sessions.begin() as session:
            await session.execute(
                update(DeletionJob)
                .where(DeletionJob.conversation_id.in_(conversation_ids))
                .values(attempts=DeletionJob.attempts + 1, next_attempt_at=utcnow() + retry_in)
            )

    async def deletion_job_attempts(self, conversation_ids: Sequence[str]) -> int:
        async with self.sessions() as session:
            return int(
                await session.scalar(
                    select(func.max(DeletionJob.attempts)).where(DeletionJob.conversation_id.in_(conversation_ids))
                )
                or 0
            )

    async def deletion_jobs_settled(
        self, conversation_ids: Sequence[str], requested_before: dt.datetime
    ) -> tuple[list[str], list[str]]:
        """Split jobs into those requested before the moment (finished by this purge) and the rest."""
        async with self.sessions() as session:
            rows = (
                await session.execute(
                    select(DeletionJob.conversation_id, DeletionJob.requested_at).where(
                        DeletionJob.conversation_id.in_(conversation_ids)
                    )
                )
            ).all()
        settled = [c for c, at in rows if (aware(at) or requested_before) <= requested_before]
        return settled, [c for c, _ in rows if c not in set(settled)]

    async def deletion_jobs_postpone(self, conversation_ids: Sequence[str], delay: dt.timedelta) -> None:
        async with self.sessions.begin() as session:
            await session.execute(
                update(DeletionJob)
                .where(DeletionJob.conversation_id.in_(conversation_ids))
                .values(next_attempt_at=utcnow() + delay)
            )

    async def pending_deletion_jobs(self) -> int:
        async with self.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(DeletionJob)) or 0)

    async def queue(self, departments: Optional[Sequence[str]] = None) -> list[Conversation]:
        """Queued conversations, returned ones first, then oldest first."""
        statement = select(Conversation).where(Conversation.state == states.QUEUED)
        if departments is not None:
            statement = statement.where(Conversation.department.in_(departments))
        statement = statement.order_by(Conversation.priority.desc(), Conversation.queued_at, Conversation.id)
        async with self.sessions() as session:
            return list((await session.scalars(statement)).all())

    async def queue_length(self, department: str) -> int:
        async with self.sessions() as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(Conversation)
                    .where(Conversation.state == states.QUEUED, Conversation.department == department)
                )
                or 0
            )

    async def still_queued(self, conversation_ids: Sequence[str]) -> set[str]:
        if not conversation_ids:
            return set()
        async with self.sessions() as session:
            rows = await session.scalars(
                select(Conversation.id).where(
                    Conversation.id.in_(conversation_ids), Conversation.state == states.QUEUED
                )
            )
            return set(rows.all())

    async def queue_position(self, conversation: Conversation) -> int:
        if conversation.state != states.QUEUED:
            return 0
        ahead = await self.queue([conversation.department] if conversation.department else None)
        for index, item in enumerate(ahead, start=1):
            if item.id == conversation.id:
                return index
        return len(ahead) + 1

    async def average_handling_seconds(self, department: Optional[str]) -> float:
        """How long agents of the department took per chat lately (for expected waits)."""
        since = utcnow() - dt.timedelta(days=7)
        async with self.sessions() as session:
            rows = (
                await session.execute(
                    select(Conversation.assigned_at, Conversation.closed_at)
                    .where(
                        Conversation.department == department,
                        Conversation.assigned_at.is_not(None),
                        Conversation.closed_at.is_not(None),
                        Conversation.closed_at >= since,
                    )
                    .order_by(Conversation.closed_at.desc())
                    .limit(50)
                )
            ).all()
        durations = [
            (aware(closed) - aware(assigned)).total_seconds()  # type: ignore[operator]
            for assigned, closed in rows
            if assigned and closed
        ]
        return sum(durations) / len(durations) if durations else DEFAULT_HANDLING_SECONDS

    async def assigned(self, agent_id: Optional[int] = None) -> list[Conversation]:
        statement = select(Conversation).where(Conversation.state == states.ASSIGNED)
        if agent_id is not None:
            statement = statement.where(Conversation.agent_id == agent_id)
        async with self.sessions() as session:
            return list((await session.scalars(statement.order_by(Conversation.assigned_at))).all())

    async def agents_with_chats(self, exclude: set[int]) -> list[int]:
        """Agents with assigned chats, other than ``exclude`` (those online): one small query per
        sweep instead of loading every assigned conversation."""
        statement = (
            select(Conversation.agent_id)
            .where(Conversation.state == states.ASSIGNED, Conversation.agent_id.is_not(None))
            .distinct()
        )
        if exclude:
            statement = statement.where(Conversation.agent_id.not_in(exclude))
        async with self.sessions() as session:
            return [agent_id for agent_id in (await session.scalars(statement)).all() if agent_id is not None]

    async def live_bot_conversations(self, within_minutes: int = 30, limit: int = 200) -> list[Conversation]:
        since = utcnow() - dt.timedelta(minutes=within_minutes)
        async with self.sessions() as session:
            rows = await session.scalars(
                select(Conversation)
                .where(Conversation.state == states.BOT, Conversation.last_activity_at >= since)
                .order_by(Conversation.last_activity_at.desc())
                .limit(limit)
            )
            return list(rows.all())

    async def readable_conversation(
        self, conversation_id: str, rule: Optional[ColumnElement[bool]]
    ) -> tuple[Optional[Conversation], bool]:
        """The conversation if it satisfies ``rule`` (who may read it: handoff/domain/access.py),
        and whether it exists at all."""
        statement = select(Conversation, rule if rule is not None else true()).where(Conversation.id == conversation_id)
        async with self.sessions() as session:
            row = (await session.execute(statement)).one_or_none()
        if row is None:
            return None, False
        return (row[0] if row[1] else None), True

    async def search(
        self,
        rule: Optional[ColumnElement[bool]],
        state: Optional[str] = None,
        text: Optional[str] = None,
        limit: int = 50,
        before: Optional[dt.datetime] = None,
    ) -> list[Conversation]:
        """Conversations satisfying ``rule`` (who may read them), newest activity first."""
        statement = select(Conversation)
        if rule is not None:
            statement = statement.where(rule)
        if state:
            statement = statement.where(Conversation.state == state)
        if before is not None:
            statement = statement.where(Conversation.last_activity_at < before)
        if text:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            matching = select(Message.conversation_id).where(Message.text.ilike(pattern, escape="\\"))
            statement = statement.where(or_(Conversation.id.in_(matching), Conversation.id == text))
        statement = statement.order_by(Conversation.last_activity_at.desc()).limit(limit)
        async with self.sessions() as session:
            return list((await session.scalars(statement)).all())

    # --- messages --------------------------------------------------------------------------

    async def add_message(
        self,
        conversation_id: str,
        sender: str,
        text: str,
        data: Optional[dict[str, Any]] = None,
        client_id: Optional[str] = None,
        agent_id: Optional[int] = None,
    ) -> tuple[MessageRecord, bool, Routing]:
        """Store a message; with a ``client_id`` a re-sent message is found, not stored twice.

        Returns the message, whether it was new, and the conversation's routing state; raises
        ConversationMissing when the conversation no longer exists. Committed when this
        returns (group commit with messages arriving at the same time: handoff/writer.py).
        """
        values = {
            "conversation_id": conversation_id,
            "sender": sender,
            "text": text,
            "data": data,
            "client_id": client_id,
            "agent_id": agent_id,
        }
        return await self.writer.add(values)

    async def messages(
        self, conversation_id: str, after: int = 0, limit: int = 500, include_notes: bool = False
    ) -> list[Message]:
        statement = select(Message).where(Message.conversation_id == conversation_id, Message.id > after)
        if not include_notes:
            statement = statement.where(Message.sender != "note")
        async with self.sessions() as session:
            return list((await session.scalars(statement.order_by(Message.id).limit(limit))).all())

    async def latest_messages(
        self, conversation_id: str, limit: int, before: Optional[int] = None, include_notes: bool = False
    ) -> tuple[list[Message], bool]:
        """The newest ``limit`` messages (older than ``before``), oldest first, and whether there are older ones."""
        statement = select(Message).where(Message.conversation_id == conversation_id)
        if before is not None:
            statement = statement.where(Message.id < before)
        if not include_notes:
            statement = statement.where(Message.sender != "note")
        async with self.sessions() as session:
            rows = list((await session.scalars(statement.order_by(Message.id.desc()).limit(limit + 1))).all())
        more = len(rows) > limit
        return list(reversed(rows[:limit])), more

    async def answered_after(self, conversation_id: str, message_id: int) -> bool:
        """Whether anyone (bot, agent, the gateway) said something after this message."""
        async with self.sessions() as session:
            found = await session.scalar(
                select(Message.id)
                .where(
                    Message.conversation_id == conversation_id,
                    Message.id > message_id,
                    Message.sender.in_(("bot", "agent", "system")),
                )
                .limit(1)
            )
        return found is not None

    async def topic_department(self, conversation_id: str, scan: int = 50) -> Optional[str]:
        """The department of the knowledge-base article the bot answered with last: where the
        conversation's topic belongs (docs/bot-contract.md: a `kb_article` names its department)."""
        async with self.sessions() as session:
            data = (
                await session.scalars(
                    select(Message.data)
                    .where(Message.conversation_id == conversation_id, Message.sender == "bot")
                    .order_by(Message.id.desc())
                    .limit(scan)
                )
            ).all()
        for item in data:
            if isinstance(item, dict) and item.get("kb_article") and isinstance(item.get("department"), str):
                return str(item["department"])
        return None

    async def recent_messages(self, conversation_ids: Sequence[str], per_conversation: int) -> dict[str, list[Message]]:
        """The latest messages (no notes) of each conversation, oldest first: one query for a whole queue."""
        if not conversation_ids:
            return {}
        rank = func.row_number().over(partition_by=Message.conversation_id, order_by=Message.id.desc()).label("rank")
        ranked = (
            select(Message.id, rank)
            .where(Message.conversation_id.in_(conversation_ids), Message.sender != "note")
            .subquery()
        )
        statement = (
            select(Message)
            .join(ranked, ranked.c.id == Message.id)
            .where(ranked.c.rank <= per_conversation)
            .order_by(Message.id)
        )
        result: dict[str, list[Message]] = {}
        async with self.sessions() as session:
            for message in (await session.scalars(statement)).all():
                result.setdefault(message.conversation_id, []).append(message)
        return result

    async def message(self, message_id: int) -> Optional[Message]:
        async with self.sessions() as session:
            return await session.get(Message, message_id)

    async def add_feedback(self, conversation_id: str, message_id: int, article: Optional[str], helpful: bool) -> bool:
        try:
            async with self.sessions.begin() as session:
                session.add(
                    Feedback(conversation_id=conversation_id, message_id=message_id, article=article, helpful=helpful)
                )
        except IntegrityError:
            return False
        return True

    # --- accounts --------------------------------------------------------------------------

    async def user(self, user_id: int) -> Optional[User]:
        async with self.sessions() as session:
            return await session.get(User, user_id)

    async def active_user(self, username: str) -> Optional[User]:
        async with self.sessions() as session:
            return await session.scalar(select(User).where(User.username == username, User.active.is_(True)))

    async def users(self) -> list[tuple[User, list[str]]]:
        async with self.sessions() as session:
            users = (await session.scalars(select(User).order_by(User.username))).all()
            departments = (await session.execute(select(AgentDepartment.user_id, AgentDepartment.department))).all()
        by_user: dict[int, list[str]] = {}
        for user_id, department in departments:
            by_user.setdefault(user_id, []).append(department)
        return [(user, sorted(by_user.get(user.id, []))) for user in users]

    async def add_user(
        self,
        username: str,
        display_name: str,
        role: str,
        password_hash: str,
        departments: Sequence[str],
        max_chats: int,
    ) -> User:
        user = User(
            username=username, display_name=display_name, role=role, password_hash=password_hash, max_chats=max_chats
        )
        async with self.sessions.begin() as session:
            session.add(user)
            await session.flush()
            for department in sorted(set(departments)):
                session.add(AgentDepartment(user_id=user.id, department=department))
        return user

    async def set_password(self, username: str, password_hash: str) -> bool:
        """A new password; every login of the account ends (open consoles are closed within seconds)."""
        async with self.sessions.begin() as session:
            user_id = await session.scalar(
                update(User).where(User.username == username).values(password_hash=password_hash).returning(User.id)
            )
            if user_id is None:
                return False
            await session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
        return True

    async def update_user(
        self,
        username: str,
        *,
        display_name: Optional[str] = None,
        role: Optional[str] = None,
        departments: Optional[Sequence[str]] = None,
        max_chats: Optional[int] = None,
        active: Optional[bool] = None,
    ) -> Optional[User]:
        """Change an account; open consoles follow within seconds (handoff/agent.py checks them).
        Deactivating ends every login of the account."""
        values: dict[str, Any] = {
            key: value
            for key, value in (
                ("display_name", display_name),
                ("role", role),
                ("max_chats", max_chats),
                ("active", active),
            )
            if value is not None
        }
        async with self.sessions.begin() as session:
            user = await session.scalar(select(User).where(User.username == username))
            if user is None:
                return None
            if values:
                await session.execute(update(User).where(User.id == user.id).values(**values))
            if departments is not None:
                await session.execute(delete(AgentDepartment).where(AgentDepartment.user_id == user.id))
                for department in sorted(set(departments)):
                    session.add(AgentDepartment(user_id=user.id, department=department))
            if active is False:
                await session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
        async with self.sessions() as session:
            return await session.get(User, user.id)

    async def audit(
        self, actor_id: Optional[int], action: str, target: Optional[str], detail: Optional[dict[str, Any]] = None
    ) -> None:
        async with self.sessions.begin() as session:
            session.add(AuditEntry(actor_id=actor_id, action=action, target=target, detail=detail))
