"""Group commit for messages: whatever arrives while a write is running goes into the next one.

Relaying a message costs a database write (a message is acknowledged only after its commit).
Written one by one, the per-statement overhead caps the gateway at a few hundred messages per
second. Here each batch takes four statements whatever its size — touch the conversations
(which also returns their current state), look up re-sent client ids, insert the new messages,
commit — so throughput grows with load while a lone message is written at once.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Optional

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from handoff.db.models import Conversation, Message, utcnow
from handoff.db.records import ROUTING_COLUMNS, MessageRecord, Routing

logger = logging.getLogger(__name__)
MAX_BATCH = 256

Result = tuple[MessageRecord, bool, Routing]


class ConversationMissing(LookupError):
    """The conversation does not exist (any more): nothing was stored."""


@dataclass
class _Pending:
    values: dict[str, Any]
    future: asyncio.Future[Result] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class MessageWriter:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._insert = postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert
        self._pending: list[_Pending] = []
        self._flusher: Optional[asyncio.Task[None]] = None

    async def add(self, values: dict[str, Any]) -> Result:
        entry = _Pending(values)
        self._pending.append(entry)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await entry.future

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            try:
                results = await self._write(batch)
            except Exception:  # noqa: BLE001 - isolate the failure: write this batch one by one
                logger.warning("a batch of %d messages failed; writing them one by one", len(batch))
                for entry in batch:
                    try:
                        self._resolve(entry, (await self._write([entry]))[0])
                    except Exception as error:  # noqa: BLE001 - handed to the waiting caller
                        entry.future.set_exception(error)
                continue
            for entry, result in zip(batch, results, strict=True):
                self._resolve(entry, result)

    @staticmethod
    def _resolve(entry: _Pending, result: Result | BaseException) -> None:
        if isinstance(result, BaseException):
            entry.future.set_exception(result)
        else:
            entry.future.set_result(result)

    async def _write(self, batch: list[_Pending]) -> list[Result | BaseException]:
        if len(batch) == 1:
            return [await self._write_one(batch[0].values)]
        now = utcnow()
        conversation_ids = sorted({e.values["conversation_id"] for e in batch})
        keys = sorted({(e.values["conversation_id"], e.values["client_id"]) for e in batch if e.values["client_id"]})
        async with self.engine.begin() as connection:
            touched = await connection.execute(
                update(Conversation)
                .where(Conversation.id.in_(conversation_ids))
                .values(last_activity_at=now)
                .returning(*ROUTING_COLUMNS)
            )
            conversations = {row.id: Routing(*row) for row in touched}
            known: dict[tuple[str, str], MessageRecord] = {}
            if keys:
                found = await connection.execute(
                    select(*Message.__table__.columns).where(
                        tuple_(Message.conversation_id, Message.client_id).in_(keys)
                    )
                )
                known = {(row["conversation_id"], row["client_id"]): MessageRecord(**row) for row in found.mappings()}
            results: list[Result | BaseException] = []
            new: list[tuple[int, dict[str, Any]]] = []
            for index, entry in enumerate(batch):
                values = entry.values
                conversation = conversations.get(values["conversation_id"])
                key = (values["conversation_id"], values["client_id"])
                if conversation is None:
                    results.append(ConversationMissing(values["conversation_id"]))
                elif values["client_id"] and key in known:
                    results.append((known[key], False, conversation))  # re-sent: stored once
                else:
                    row = dict(values, created_at=now)
                    message = MessageRecord(id=0, **row)
                    if values["client_id"]:
                        known[key] = message  # a second copy in this same batch finds it
                    results.append((message, True, conversation))
                    new.append((index, row))
            if new:
                inserted = await connection.execute(
                    insert(Message).returning(Message.id, sort_by_parameter_order=True), [row for _, row in new]
                )
                for (index, _), message_id in zip(new, inserted.scalars(), strict=True):
                    result = results[index]
                    assert not isinstance(result, BaseException)
                    result[0].id = message_id
        return results

    async def _write_one(self, values: dict[str, Any]) -> Result | BaseException:
        """A lone message (no load): two statements, a re-sent client id caught by ON CONFLICT."""
        now = utcnow()
        row = dict(values, created_at=now)
        statement = self._insert(Message).values(**row)
        if values["client_id"]:
            statement = statement.on_conflict_do_nothing(index_elements=["conversation_id", "client_id"])
        async with self.engine.begin() as connection:
            touched = await connection.execute(
                update(Conversation)
                .where(Conversation.id == values["conversation_id"])
                .values(last_activity_at=now)
                .returning(*ROUTING_COLUMNS)
            )
            found = touched.one_or_none()
            if found is None:
                return ConversationMissing(values["conversation_id"])
            conversation = Routing(*found)
            new_id = (await connection.execute(statement.returning(Message.id))).scalar_one_or_none()
            if new_id is None:  # re-sent: the unique constraint kept the first copy
                first = await connection.execute(
                    select(*Message.__table__.columns).where(
                        Message.conversation_id == values["conversation_id"], Message.client_id == values["client_id"]
                    )
                )
                return MessageRecord(**first.mappings().one()), False, conversation
        return MessageRecord(id=new_id, **row), True, conversation
