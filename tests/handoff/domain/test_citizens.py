"""Citizens: writing, the bot's answer, retries, live help or the honest alternative, deleting."""

from __future__ import annotations

import pytest

from handoff.domain.errors import Refused
from handoff.domain.notices import Alert, CitizenWrote, Deleted, QueueChanged, Status, ToAgents, ToCitizen
from handoff.domain.requests import CitizenText
from tests.handoff.domain.conftest import SATURDAY_NIGHT, World, with_settings


async def test_a_message_is_stored_and_answered_by_the_bot(world: World) -> None:
    conversation = await world.conversation()
    receipt = await world.say(conversation, "Hallo", client_id="c-1")
    assert receipt.duplicate is False and receipt.client_id == "c-1"
    written = world.recorder.of(CitizenWrote)
    assert [n.message.text for n in written] == ["Hallo"]  # for the session's other tabs
    answers = world.recorder.of(ToCitizen)
    assert [n.message.text for n in answers] == ["Gern geschehen."] and answers[0].message.sender == "bot"
    history = await world.domain.citizens.history(conversation.id, 0)
    assert [(m.sender, m.text) for m in history] == [("citizen", "Hallo"), ("bot", "Gern geschehen.")]


async def test_a_resent_message_is_stored_and_answered_once(world: World) -> None:
    conversation = await world.conversation()
    first = await world.say(conversation, "Hallo", client_id="same")
    again = await world.say(conversation, "Hallo", client_id="same")
    assert (again.id, again.duplicate) == (first.id, True)
    assert len(world.recorder.of(ToCitizen)) == 1
    assert len(await world.domain.citizens.history(conversation.id, 0)) == 2


async def test_a_message_stored_before_a_crash_is_answered_when_sent_again(world: World) -> None:
    """The gateway committed the message and died before routing it: the retry routes it."""
    conversation = await world.conversation()
    await world.store.add_message(conversation.id, "citizen", "Hallo", None, client_id="lost-routing")
    retry = await world.say(conversation, "Hallo", client_id="lost-routing")
    assert retry.duplicate is True
    assert [n.message.text for n in world.recorder.of(ToCitizen)] == ["Gern geschehen."]


async def test_asking_for_a_person_queues_when_someone_is_there(world: World) -> None:
    agent = await world.agent()
    await world.online(agent)
    conversation = await world.conversation()
    await world.say(conversation, "/handoff buergeramt")
    [status] = world.recorder.of(Status)
    assert (status.status.state, status.status.department, status.status.position) == ("queued", "buergeramt", 1)
    assert [n.department for n in world.recorder.of(Alert)] == ["buergeramt"]
    [queue] = world.recorder.of(QueueChanged)
    assert queue.queue.length == 1 and queue.queue.waiting[0][0] == conversation.id
    said = [n.message.text for n in world.recorder.of(ToCitizen)]
    assert said[0] == "Ich verbinde Sie." and "Warteschlange" in said[1]


@pytest.mark.parametrize(
    ("situation", "reason", "words"),
    [("nobody online", "no_agents", "niemand"), ("closed", "closed", "nicht besetzt"), ("queue full", "busy", "voll")],
)
async def test_without_live_help_the_citizen_hears_why(world: World, situation: str, reason: str, words: str) -> None:
    if situation != "nobody online":
        await world.online(await world.agent())
    if situation == "closed":
        world.clock[0] = SATURDAY_NIGHT
    if situation == "queue full":
        world = with_settings(world, max_queue_length=1)
        await world.queued()
        world.recorder.clear()
    conversation = await world.conversation()
    await world.say(conversation, "/request_human")
    [status] = world.recorder.of(Status)
    assert (status.status.state, status.status.reason) == ("unavailable", reason)
    if reason == "closed":
        assert status.status.next_opening is not None and status.status.next_opening.startswith("2026-12-07")
    system = [n.message.text for n in world.recorder.of(ToCitizen) if n.message.sender == "system"]
    assert len(system) == 1 and words in system[0] and "@" in system[0]
    assert (await world.store.conversation(conversation.id)).state == "bot"  # type: ignore[union-attr]


async def test_one_address_cannot_fill_the_queue(world: World) -> None:
    world = with_settings(world, handoffs_per_hour_per_ip=2)
    await world.online(await world.agent())
    for _ in range(2):
        await world.queued()
    world.recorder.clear()
    conversation = await world.conversation()
    await world.say(conversation, "/request_human")
    [status] = world.recorder.of(Status)
    assert (status.status.state, status.status.reason) == ("unavailable", "rate_limited")


async def test_while_a_person_owns_the_chat_messages_go_to_the_agents_not_the_bot(world: World) -> None:
    await world.online(await world.agent())
    conversation = await world.queued()
    world.recorder.clear()
    await world.say(conversation, "Sind Sie noch da?")
    [relayed] = world.recorder.of(ToAgents)
    assert relayed.message.text == "Sind Sie noch da?" and relayed.routing.state == "queued"
    assert world.recorder.of(ToCitizen) == []  # the bot says nothing


async def test_deleting_tells_everyone_and_leaves_nothing(world: World) -> None:
    await world.online(await world.agent())
    conversation = await world.queued()
    world.recorder.clear()
    outcome = await world.domain.citizens.delete(conversation.id)
    assert outcome.value is True
    assert [type(n) for n in outcome.notices] == [Deleted, QueueChanged]
    assert await world.store.conversation(conversation.id) is None
    assert (await world.domain.citizens.delete(conversation.id)).value is False
    with pytest.raises(Refused) as refused:
        message = CitizenText("Hallo?", None, "after", None, None, {})
        await world.domain.citizens.write(conversation.id, message, None, "198.51.100.1")
    assert refused.value.code == "no_session"


async def test_feedback_once_per_bot_answer(world: World) -> None:
    conversation = await world.conversation()
    await world.say(conversation, "/article hundesteuer steueramt")
    [answer] = world.recorder.of(ToCitizen)
    await world.domain.citizens.feedback(conversation.id, answer.message.id, True)
    for message_id, code in ((answer.message.id, "duplicate"), (answer.message.id + 1000, "not_found")):
        with pytest.raises(Refused) as refused:
            await world.domain.citizens.feedback(conversation.id, message_id, False)
        assert refused.value.code == code
