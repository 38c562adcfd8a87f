"""Group commit of messages: each message stored exactly once, failures stay with their message."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest

from handoff.db.models import aware
from handoff.db.store import Store
from handoff.db.writer import ConversationMissing


def utc(value: dt.datetime) -> dt.datetime:
    result = aware(value)
    assert result is not None
    return result


async def test_concurrent_messages_are_each_stored_once_in_order(store: Store) -> None:
    conversations = [await store.create_conversation(uuid.uuid4().hex * 2) for _ in range(20)]
    results = await asyncio.gather(
        *(store.add_message(conversations[i % 20].id, "citizen", f"Nachricht {i}", None, f"c-{i}") for i in range(500))
    )
    assert all(created for _, created, _ in results)
    ids = [message.id for message, _, _ in results]
    assert len(set(ids)) == 500
    stored = await store.messages(conversations[3].id)
    assert [m.text for m in stored] == [f"Nachricht {i}" for i in range(3, 500, 20)]
    assert [m.id for m in stored] == sorted(m.id for m in stored)
    for message, _, conversation in results[:5]:
        assert conversation is not None and conversation.id == message.conversation_id


async def test_resent_client_ids_in_one_batch_and_later(store: Store) -> None:
    conversation = await store.create_conversation(uuid.uuid4().hex * 2)
    first, again = await asyncio.gather(
        store.add_message(conversation.id, "citizen", "Hallo", None, "same"),
        store.add_message(conversation.id, "citizen", "Hallo", None, "same"),
    )
    later = await store.add_message(conversation.id, "citizen", "Hallo", None, "same")
    assert first[1] is True and again[1] is False and later[1] is False
    assert first[0].id == again[0].id == later[0].id
    assert len(await store.messages(conversation.id)) == 1
    # two copies of a message stored by an earlier batch, between new ones (reconnect of two tabs)
    before, copy, other, copy_again = await asyncio.gather(
        store.add_message(conversation.id, "citizen", "Vorher", None, None),
        store.add_message(conversation.id, "citizen", "Hallo", None, "same"),
        store.add_message(conversation.id, "citizen", "Neu", None, "new"),
        store.add_message(conversation.id, "citizen", "Hallo", None, "same"),
    )
    assert (copy[1], copy_again[1], before[1], other[1]) == (False, False, True, True)
    assert copy[0].id == copy_again[0].id == first[0].id and copy[0].text == "Hallo"
    assert [m.text for m in await store.messages(conversation.id)] == ["Hallo", "Vorher", "Neu"]


async def test_a_deleted_conversation_fails_alone(store: Store) -> None:
    alive = await store.create_conversation(uuid.uuid4().hex * 2)
    gone = await store.create_conversation(uuid.uuid4().hex * 2)
    await store.delete_conversations([gone.id])
    results = await asyncio.gather(
        *(store.add_message(alive.id, "citizen", f"ok {i}", None, None) for i in range(5)),
        store.add_message(gone.id, "citizen", "weg", None, None),
        return_exceptions=True,
    )
    assert isinstance(results[-1], ConversationMissing)
    assert all(not isinstance(r, BaseException) for r in results[:-1])
    assert len(await store.messages(alive.id)) == 5
    with pytest.raises(ConversationMissing):
        await store.add_message(gone.id, "citizen", "weg", None, "x")


async def test_a_written_message_reads_back_the_same_everywhere(store: Store) -> None:
    """The writer's rows (plain SQL on SQLite) are what the rest of the gateway reads."""
    conversation = await store.create_conversation(uuid.uuid4().hex * 2)
    written, _, routing = await store.add_message(
        conversation.id, "citizen", "Grüße 👋 <b>", {"page": "https://www.musterstadt.de/ä?x=1"}, "c-1"
    )
    plain, _, _ = await store.add_message(conversation.id, "bot", "Antwort", None, None)
    again, created, _ = await store.add_message(conversation.id, "citizen", "Grüße 👋 <b>", None, "c-1")
    assert routing.id == conversation.id and routing.state == "bot"
    assert not created and (again.id, again.text, again.data) == (written.id, written.text, written.data)
    assert utc(again.created_at) == utc(written.created_at)
    first, second = await store.messages(conversation.id)
    assert (first.id, first.sender, first.text, first.data, first.client_id) == (
        written.id,
        "citizen",
        "Grüße 👋 <b>",
        {"page": "https://www.musterstadt.de/ä?x=1"},
        "c-1",
    )
    assert (second.id, second.data, second.client_id) == (plain.id, None, None)
    assert abs(utc(first.created_at) - utc(written.created_at)) < dt.timedelta(milliseconds=1)
    touched = await store.conversation(conversation.id)
    assert touched is not None and utc(touched.last_activity_at) >= utc(conversation.last_activity_at)
