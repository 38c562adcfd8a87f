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

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from handoff import states
from handoff.auth import Identity
from handoff.db.models import AgentDepartment, AuditEntry, Conversation, Feedback, Message, User, aware, utcnow
from handoff.records import ConversationState, MessageRecord
from handoff.writer import ROUTING, MessageWriter

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

    async def routing(self, conversation_id: str) -> Optional[ConversationState]:
        """The few columns routing a message needs, without building an ORM object."""
        statement = select(*ROUTING).where(Conversation.id == conversation_id)
        async with self.engine.connect() as connection:
            row = (await connection.execute(statement)).one_or_none()
        return ConversationState(*row) if row is not None else None

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
        """The agent takes a queued chat of one of their departments, within their maximum."""
        busy = (
            select(func.count())
            .select_from(Conversation)
            .where(Conversation.agent_id == agent.user_id, Conversation.state == states.ASSIGNED)
            .scalar_subquery()
        )
        conditions: list[ColumnElement[bool]] = [busy < agent.max_chats]
        if not agent.is_supervisor:
            conditions.append(Conversation.department.in_(agent.departments))
        return await self.transition(
            conversation_id, "accept", conditions, agent_id=agent.user_id, assigned_at=utcnow()
        )

    async def update(self, conversation_id: str, **values: Any) -> None:
        async with self.sessions.begin() as session:
            await session.execute(update(Conversation).where(Conversation.id == conversation_id).values(**values))

    async def delete_conversation(self, conversation_id: str) -> None:
        async with self.sessions.begin() as session:
            await session.execute(delete(Feedback).where(Feedback.conversation_id == conversation_id))
            await session.execute(delete(Message).where(Message.conversation_id == conversation_id))
            await session.execute(delete(Conversation).where(Conversation.id == conversation_id))

    async def queue(self, departments: Optional[Sequence[str]] = None) -> list[Conversation]:
        """Queued conversations, returned ones first, then oldest first."""
        statement = select(Conversation).where(Conversation.state == states.QUEUED)
        if departments is not None:
            statement = statement.where(Conversation.department.in_(departments))
        statement = statement.order_by(Conversation.priority.desc(), Conversation.queued_at, Conversation.id)
        async with self.sessions() as session:
            return list((await session.scalars(statement)).all())

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

    async def search(
        self,
        departments: Optional[Sequence[str]],
        state: Optional[str] = None,
        text: Optional[str] = None,
        limit: int = 50,
        before: Optional[dt.datetime] = None,
    ) -> list[Conversation]:
        statement = select(Conversation)
        if departments is not None:
            statement = statement.where(Conversation.department.in_(departments))
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
    ) -> tuple[MessageRecord, bool, ConversationState]:
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
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(User).where(User.username == username).values(password_hash=password_hash)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def audit(
        self, actor_id: Optional[int], action: str, target: Optional[str], detail: Optional[dict[str, Any]] = None
    ) -> None:
        async with self.sessions.begin() as session:
            session.add(AuditEntry(actor_id=actor_id, action=action, target=target, detail=detail))
