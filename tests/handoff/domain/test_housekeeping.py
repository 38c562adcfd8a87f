"""Housekeeping and failures: agents gone past the grace period, Redis unreadable, Rasa down."""

from __future__ import annotations

import time

import redis.asyncio as aioredis

from handoff.db.presence import RedisPresence
from handoff.domain.notices import Alert, Status, ToCitizen
from handoff.rasa.client import RasaClient
from tests.conftest import free_port
from tests.handoff.domain.conftest import World, with_context, with_settings


async def test_chats_of_an_agent_gone_past_the_grace_period_return_to_the_queue(world: World) -> None:
    world = with_settings(world, agent_grace_seconds=0.0)
    anna = await world.agent()
    await world.online(anna)
    conversation = await world.queued()
    await world.domain.agents.accept(anna, conversation.id)
    await world.domain.housekeeping.sweep()
    assert (await world.store.conversation(conversation.id)).state == "assigned"  # type: ignore[union-attr]
    await world.presence.disconnected(anna.user_id, f"sid-{anna.user_id}")
    world.recorder.clear()
    await world.domain.housekeeping.sweep()
    back = await world.store.conversation(conversation.id)
    assert back is not None and (back.state, back.agent_id, back.priority) == ("queued", None, 1)
    assert next(n.status.state for n in world.recorder.of(Status)) == "agent_left"
    assert world.recorder.of(Alert)


async def test_unreadable_presence_keeps_every_assignment(world: World) -> None:
    """Redis down: who is online is unknown, which is not "nobody"."""
    anna = await world.agent()
    conversation = await world.queued()
    await world.domain.agents.accept(anna, conversation.id)  # anna is not online in this process
    unreachable = aioredis.Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    presence = RedisPresence(unreachable)
    redis_down = with_context(with_settings(world, agent_grace_seconds=0.0), presence=presence)
    world.recorder.clear()
    started = time.monotonic()
    await redis_down.domain.housekeeping.sweep()
    assert time.monotonic() - started < 5
    assert (await world.store.conversation(conversation.id)).state == "assigned"  # type: ignore[union-attr]
    assert world.recorder.notices == []
    await presence.close()


async def test_with_rasa_down_the_person_offered_is_of_the_topics_department(world: World) -> None:
    await world.online(await world.agent(departments=("standesamt",)))
    conversation = await world.conversation()
    await world.say(conversation, "/article geburtsurkunde standesamt")
    nobody = f"http://127.0.0.1:{free_port()}"  # Rasa is down: nobody listens there
    rasa_down = with_context(world, rasa=RasaClient(world.http, nobody, "t" * 40, 1.0))
    world.recorder.clear()
    await rasa_down.say(conversation, "Und was kostet das?")
    [notice] = [n for n in world.recorder.of(ToCitizen) if n.message.sender == "system"]
    assert notice.message.data and notice.message.data["quick_replies"][0]["payload"] == "/request_human"
    world.recorder.clear()
    await rasa_down.say(conversation, "/request_human")
    [status] = world.recorder.of(Status)
    assert (status.status.state, status.status.department) == ("queued", "standesamt")
