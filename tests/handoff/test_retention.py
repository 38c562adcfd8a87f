"""Deleting a conversation deletes it everywhere, and old conversations expire."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Callable

import pytest

from tests.handoff.clients import Citizen
from tests.handoff.conftest import Gateway, handoff_command
from tools.stack import Stack

pytestmark = pytest.mark.stack


def rasa_events(tracker: Path, sender: str) -> int:
    with sqlite3.connect(tracker) as db:
        return int(db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0])


def conversation_id_of(database: Path, text: str) -> str:
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT conversation_id FROM messages WHERE text = ?", (text,)).fetchone()
    assert row is not None
    return str(row[0])


async def test_delete_my_conversation_also_deletes_rasas_events(
    spawn_gateway: Callable[..., Gateway], bot: Stack, var_dir: Path
) -> None:
    tracker = var_dir / "rasa" / "tracker.db"
    database = var_dir / "gateway-delete.db"
    gateway = spawn_gateway(database=str(database), RASA_TRACKER_URL=f"sqlite+aiosqlite:///{tracker}")
    citizen = await Citizen(gateway.url).connect()
    await citizen.start()
    text = "Ich heiße Erika Mustermann und mein Hund heißt Bello. Was kostet die Hundesteuer?"
    await citizen.say(text)
    await citizen.bot_answer()
    conversation_id = conversation_id_of(database, text)
    assert rasa_events(tracker, conversation_id) > 0  # Rasa stored the conversation
    assert (await citizen.call("delete_conversation"))["ok"]
    await citizen.events.wait_for("session_deleted")
    assert rasa_events(tracker, conversation_id) == 0
    with sqlite3.connect(database) as db:
        assert (
            db.execute("SELECT count(*) FROM messages WHERE conversation_id = ?", (conversation_id,)).fetchone()[0] == 0
        )
        audit = db.execute("SELECT action FROM audit_log WHERE target = ?", (conversation_id,)).fetchall()
    assert audit == [("citizen_deleted_conversation",)]
    await citizen.close()


async def test_retention_deletes_old_conversations(
    spawn_gateway: Callable[..., Gateway], bot: Stack, var_dir: Path
) -> None:
    tracker = var_dir / "rasa" / "tracker.db"
    database = var_dir / "gateway-retention.db"
    gateway = spawn_gateway(database=str(database))
    old, recent = await Citizen(gateway.url).connect(), await Citizen(gateway.url).connect()
    for client, text in ((old, "Alte Frage zum Reisepass, bitte"), (recent, "Neue Frage zum Reisepass, bitte")):
        await client.start()
        await client.say(text)
        await client.bot_answer()
        await client.close()
    old_id = conversation_id_of(database, "Alte Frage zum Reisepass, bitte")
    recent_id = conversation_id_of(database, "Neue Frage zum Reisepass, bitte")
    with sqlite3.connect(database) as db:
        db.execute("UPDATE conversations SET last_activity_at = '2026-01-01 00:00:00' WHERE id = ?", (old_id,))
    output = await asyncio.to_thread(
        handoff_command,
        f"sqlite+aiosqlite:///{database}",
        "purge",
        RETENTION_DAYS="90",
        RASA_TRACKER_URL=f"sqlite+aiosqlite:///{tracker}",
    )
    assert "deleted 1 conversation(s)" in output
    with sqlite3.connect(database) as db:
        remaining = {row[0] for row in db.execute("SELECT id FROM conversations")}
    assert old_id not in remaining and recent_id in remaining
    assert rasa_events(tracker, old_id) == 0 and rasa_events(tracker, recent_id) > 0
