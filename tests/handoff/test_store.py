"""The store's guarantees, on SQLite and on Postgres: limits that hold under concurrency, the
need-to-know rule, retention that re-checks, durable deletion, logins and their throttle."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import update

from handoff.accounts.identity import Identity
from handoff.accounts.logins import Lifetimes, Logins
from handoff.accounts.passwords import hash_password
from handoff.accounts.throttle import LoginThrottle, ThrottleSettings
from handoff.db.models import Base, Conversation, DeletionJob, LoginSession, utcnow
from handoff.db.store import Store
from handoff.domain import retention, states
from handoff.domain.access import readable as rule_of
from handoff.rasa.tracker import RasaTracker


async def agent(store: Store, max_chats: int = 3, departments: tuple[str, ...] = ("buergeramt",)) -> Identity:
    name = f"agent-{uuid.uuid4().hex[:8]}"
    user = await store.add_user(
        name, name.title(), "agent", hash_password("a long test password"), departments, max_chats
    )
    return Identity(user.id, user.username, user.display_name, "agent", departments, max_chats)


async def conversation_in(store: Store, state: str, **values: object) -> str:
    created = await store.create_conversation(uuid.uuid4().hex * 2)
    async with store.sessions.begin() as session:
        await session.execute(update(Conversation).where(Conversation.id == created.id).values(state=state, **values))
    return created.id


async def test_max_chats_holds_under_concurrent_accepts(store: Store) -> None:
    """Ten accepts of one agent at the same moment, on separate connections: one chat, not ten."""
    olga = await agent(store, max_chats=1)
    queued = [
        await conversation_in(store, states.QUEUED, department="buergeramt", queued_at=utcnow()) for _ in range(10)
    ]
    results = await asyncio.gather(*(store.accept(c, olga) for c in queued))
    assert sum(r is not None for r in results) == 1
    assert len(await store.assigned(olga.user_id)) == 1
    two = await agent(store, max_chats=2)
    more = [await conversation_in(store, states.QUEUED, department="buergeramt", queued_at=utcnow()) for _ in range(6)]
    results = await asyncio.gather(*(store.accept(c, two) for c in more))
    assert sum(r is not None for r in results) == 2


async def test_need_to_know(store: Store) -> None:
    anna = await agent(store, departments=("buergeramt",))
    ben = await agent(store, departments=("buergeramt",))
    supervisor = Identity(0, "sara", "Sara", "supervisor", ("buergerservice",), 3)
    mine = await conversation_in(store, states.ASSIGNED, department="buergeramt", agent_id=anna.user_id)
    colleagues = await conversation_in(store, states.ASSIGNED, department="buergeramt", agent_id=ben.user_id)
    waiting = await conversation_in(store, states.QUEUED, department="buergeramt", queued_at=utcnow())
    elsewhere = await conversation_in(store, states.QUEUED, department="standesamt", queued_at=utcnow())
    handled = await conversation_in(store, states.CLOSED, department="buergeramt", agent_id=ben.user_id)
    await store.add_message(handled, "note", "intern", None, agent_id=anna.user_id)  # anna worked on it too
    untouched = await conversation_in(store, states.CLOSED, department="buergeramt")
    readable = {
        c: (await store.readable_conversation(c, rule_of(anna)))[0] is not None
        for c in (mine, colleagues, waiting, elsewhere, handled, untouched)
    }
    assert readable == {
        mine: True,
        colleagues: False,  # a colleague's live chat: the supervisor's, not anna's
        waiting: True,
        elsewhere: False,
        handled: True,
        untouched: False,
    }
    assert await store.readable_conversation(uuid.uuid4().hex, rule_of(anna)) == (None, False)
    assert (await store.readable_conversation(colleagues, rule_of(anna)))[1] is True  # exists: forbidden, not missing
    found = {c.id for c in await store.search(rule_of(anna), limit=200)}
    assert {mine, waiting, handled} <= found and not found & {colleagues, elsewhere, untouched}
    assert {mine, colleagues, waiting, elsewhere, handled, untouched} <= {
        c.id for c in await store.search(rule_of(supervisor), limit=200)
    }


async def test_latest_messages_come_first_and_older_ones_page(store: Store) -> None:
    conversation = await conversation_in(store, states.ASSIGNED)
    ids = [(await store.add_message(conversation, "citizen", f"m{i}", None))[0].id for i in range(250)]
    latest, more = await store.latest_messages(conversation, 200)
    assert [m.text for m in latest] == [f"m{i}" for i in range(50, 250)] and more
    older, more = await store.latest_messages(conversation, 200, before=latest[0].id)
    assert [m.id for m in older] == ids[:50] and not more


async def test_retention_rechecks_in_the_deleting_statement(store: Store) -> None:
    old = await conversation_in(store, states.BOT, last_activity_at=utcnow() - dt.timedelta(days=100))
    revived = await conversation_in(store, states.BOT, last_activity_at=utcnow() - dt.timedelta(days=100))
    taken = await conversation_in(store, states.BOT, last_activity_at=utcnow() - dt.timedelta(days=100))
    cutoff = utcnow() - dt.timedelta(days=90)
    found = set(await store.expired_conversations(cutoff, 100))
    assert {old, revived, taken} <= found
    await store.add_message(revived, "citizen", "Ich bin wieder da", None)  # activity after the search
    async with store.sessions.begin() as session:
        await session.execute(update(Conversation).where(Conversation.id == taken).values(state=states.ASSIGNED))
    deleted = await store.delete_conversations(sorted(found), still=store.expired_conditions(cutoff))
    assert old in deleted and revived not in deleted and taken not in deleted
    assert await store.conversation(revived) is not None and await store.conversation(taken) is not None


async def test_a_deletion_reaches_rasa_even_when_its_database_was_down(store: Store, tmp_path: Path) -> None:
    conversation = await conversation_in(store, states.BOT)
    await store.add_message(conversation, "citizen", "Mein Name ist Erika Mustermann", None)
    tracker_file = tmp_path / "rasa" / "tracker.db"  # its directory does not exist yet: unreachable
    tracker = RasaTracker(f"sqlite+aiosqlite:///{tracker_file}")
    try:
        assert await retention.delete_now(store, tracker, [conversation]) == [conversation]
        assert await store.conversation(conversation) is None  # the gateway's copy is gone at once
        assert await store.pending_deletion_jobs() == 1  # Rasa's copy is remembered, not forgotten
        tracker_file.parent.mkdir()
        async with tracker.engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT)")
            await connection.exec_driver_sql(f"INSERT INTO events (sender_id) VALUES ('{conversation}'), ('other')")
        assert await retention.run_jobs(store, tracker, [conversation]) == 0  # purged, settles for a while
        async with tracker.engine.connect() as connection:
            left = (await connection.exec_driver_sql("SELECT sender_id FROM events")).all()
        assert left == [("other",)]
        await store.deletion_jobs_postpone([conversation], dt.timedelta(0))
        async with store.sessions.begin() as session:  # as if the request was long ago
            await session.execute(
                update(DeletionJob).values(requested_at=utcnow() - retention.SETTLE - dt.timedelta(seconds=1))
            )
        assert await retention.run_jobs(store, tracker) == 1
        assert await store.pending_deletion_jobs() == 0
    finally:
        await tracker.close()


async def test_logins_end_when_idle_or_expired(store: Store) -> None:
    anna = await agent(store)
    user = await store.user(anna.user_id)
    assert user is not None
    logins = Logins(store.sessions, Lifetimes(dt.timedelta(hours=12), dt.timedelta(minutes=30)))
    token, identity = await logins.start(user)
    assert identity.username == anna.username and await logins.identity(token) == identity
    async with store.sessions.begin() as session:
        await session.execute(update(LoginSession).values(last_seen_at=utcnow() - dt.timedelta(minutes=31)))
    assert await logins.identity(token) is None  # idle too long
    fresh, _ = await logins.start(user)
    async with store.sessions.begin() as session:
        await session.execute(update(LoginSession).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    assert await logins.identity(fresh) is None  # past its absolute lifetime, however busy
    again, _ = await logins.start(user)
    assert await store.set_password(anna.username, hash_password("another long password"))
    assert await logins.identity(again) is None  # a new password ends every login
    last, _ = await logins.start(user)
    await store.update_user(anna.username, active=False)
    assert await logins.identity(last) is None


async def test_login_throttle_slows_guessing_but_not_the_owner(store: Store) -> None:
    throttle = LoginThrottle(store.engine, ThrottleSettings(3, 10, 900))
    for _ in range(3):
        assert await throttle.wait_seconds("anna", "203.0.113.9") == 0
        await throttle.failed("anna", "203.0.113.9")
    await throttle.failed("anna", "203.0.113.9")  # the 4th failure: wait a second
    assert 0 < await throttle.wait_seconds("anna", "203.0.113.9") <= 1
    await throttle.failed("anna", "203.0.113.9")
    assert 1 < await throttle.wait_seconds("Anna", "203.0.113.9") <= 2  # names are case-insensitive
    assert await throttle.wait_seconds("anna", "198.51.100.4") == 0  # the owner at their own address
    assert await throttle.wait_seconds("ben", "203.0.113.9") == 0  # other accounts from there: not yet
    for index in range(6):  # many accounts from one address: the address slows down
        await throttle.failed(f"user{index}", "203.0.113.9")
    assert await throttle.wait_seconds("ben", "203.0.113.9") > 0
    await throttle.succeeded("anna", "198.51.100.4")
    assert await throttle.wait_seconds("anna", "198.51.100.4") == 0


async def test_the_migrations_build_exactly_the_tables_of_the_models(store: Store) -> None:
    """A model changed without its migration (or the other way round) would differ here."""
    async with store.engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    assert differences == []
