"""Group commit for messages: whatever arrives while a write is running goes into the next one.

Relaying a message costs a database write (a message is acknowledged only after its commit).
Written one by one, the per-statement overhead caps the gateway at a few hundred messages per
second. Here each batch takes four statements whatever its size — touch the conversations
(which also returns their current state), look up re-sent client ids, insert the new messages,
commit — so throughput grows with load while a lone message is written at once.

On SQLite the batch bypasses SQLAlchemy and talks to the pooled aiosqlite connection directly
(plain SQL, one thread hop per statement). Through SQLAlchemy each statement took several hops
between the event loop and aiosqlite's thread plus per-row processing on the event loop, and
the relay spent 60 % of its time there (measured with py-spy; README, "Where the time goes").
Postgres (asyncpg, no thread) keeps the SQLAlchemy statements.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Optional

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from handoff import jsonsafe
from handoff.db.models import Conversation, Message, utcnow
from handoff.db.records import ROUTING_COLUMNS, MessageRecord, Routing

logger = logging.getLogger(__name__)
MAX_BATCH = 256

Result = tuple[MessageRecord, bool, Routing]

SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite
SQLITE_ROUTING = "id, state, agent_id, department, page, language"  # ROUTING_COLUMNS
SQLITE_MESSAGE = "id, conversation_id, sender, text, data, client_id, agent_id, created_at"  # MessageRecord
SQLITE_INSERTED = "conversation_id, sender, text, data, client_id, agent_id, created_at"


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
        self._sqlite = engine.dialect.name == "sqlite"
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
        if self._sqlite:
            return await self._write_sqlite(batch)
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
            results, new = _sort_out(batch, conversations, known, now)
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

    async def _write_sqlite(self, batch: list[_Pending]) -> list[Result | BaseException]:
        """The batch in plain SQL on the pooled aiosqlite connection: three round trips to its
        thread (touch, insert, commit), a fourth only when a re-sent client id was stored by an
        earlier batch. Same rows as SQLAlchemy writes: its DateTime text format, JSON through
        the same serialiser."""
        now = utcnow()
        stamp = now.strftime(SQLITE_TIME)
        conversation_ids = sorted({e.values["conversation_id"] for e in batch})
        async with self.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            db = raw.driver_connection  # aiosqlite.Connection
            assert db is not None
            try:
                touched = await db.execute_fetchall(_sqlite_touch(len(conversation_ids)), [stamp, *conversation_ids])
                conversations = {row[0]: Routing(*row) for row in touched}
                results, new = _sort_out(batch, conversations, {}, now)
                if new:
                    parameters = []
                    for _, row in new:
                        parameters += [row["conversation_id"], row["sender"], row["text"], jsonsafe.dumps(row["data"])]
                        parameters += [row["client_id"], row["agent_id"], stamp]
                    # Rows of one INSERT get ascending ids in the order of its VALUES, and a row
                    # whose client id is stored already is skipped; RETURNING itself promises no
                    # order, so the returned rows are sorted by id (as SQLAlchemy does).
                    inserted = sorted(await db.execute_fetchall(_sqlite_insert(len(new)), parameters))
                    stored_before: list[MessageRecord] = []
                    position = 0
                    for index, row in new:
                        result = results[index]
                        assert not isinstance(result, BaseException)
                        returned = inserted[position] if position < len(inserted) else None
                        if returned is not None and returned[1:] == (row["conversation_id"], row["client_id"]):
                            result[0].id = returned[0]
                            position += 1
                        else:  # re-sent after an earlier batch had stored it
                            results[index] = (result[0], False, result[2])
                            stored_before.append(result[0])
                    if stored_before:
                        await _fill_in_stored(db, stored_before)
                await db.commit()
            except BaseException:
                await db.rollback()
                raise
        return results


async def _fill_in_stored(db: Any, records: list[MessageRecord]) -> None:
    """Turn each placeholder into the message stored earlier under its client id (in place: a
    second copy of it in the same batch holds the same record)."""
    keys = [(record.conversation_id, record.client_id) for record in records]
    rows = await db.execute_fetchall(_sqlite_known(len(keys)), [part for key in keys for part in key])
    found = {(row[1], row[5]): _sqlite_record(row) for row in rows}
    for record in records:
        stored = found[(record.conversation_id, record.client_id)]
        for name in MessageRecord.__slots__:
            setattr(record, name, getattr(stored, name))


def _sort_out(
    batch: list[_Pending],
    conversations: dict[str, Routing],
    known: dict[tuple[str, str], MessageRecord],
    now: dt.datetime,
) -> tuple[list[Result | BaseException], list[tuple[int, dict[str, Any]]]]:
    """Each entry's result (its id still 0 when new), and the rows to insert with their index."""
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
    return results, new


# The statements are built from the constants above and placeholder counts only (never values).
def _sqlite_touch(conversations: int) -> str:
    marks = ", ".join(["?"] * conversations)
    return f"UPDATE conversations SET last_activity_at = ? WHERE id IN ({marks}) RETURNING {SQLITE_ROUTING}"  # noqa: S608


def _sqlite_known(keys: int) -> str:
    pairs = ", ".join(["(?, ?)"] * keys)
    return f"SELECT {SQLITE_MESSAGE} FROM messages WHERE (conversation_id, client_id) IN (VALUES {pairs})"  # noqa: S608


def _sqlite_insert(rows: int) -> str:
    values = ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * rows)
    return (
        f"INSERT INTO messages ({SQLITE_INSERTED}) VALUES {values} "  # noqa: S608
        "ON CONFLICT (conversation_id, client_id) DO NOTHING RETURNING id, conversation_id, client_id"
    )


def _sqlite_record(row: Any) -> MessageRecord:
    data = json.loads(row[4]) if row[4] is not None else None
    return MessageRecord(row[0], row[1], row[2], row[3], data, row[5], row[6], dt.datetime.fromisoformat(row[7]))
