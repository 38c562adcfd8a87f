"""Agents: accepting within their departments and maximum, writing, notes, hand-back, closing,
transfers, take-over, and what they may read."""

from __future__ import annotations

import asyncio

import pytest

from handoff.domain.errors import Refused
from handoff.domain.notices import Alert, Assigned, ChatLeft, QueueChanged, Status, ToAgents, ToCitizen
from handoff.domain.requests import AgentText, Transfer
from tests.handoff.domain.conftest import World


async def refused(coroutine: object) -> str:
    with pytest.raises(Refused) as caught:
        await coroutine  # type: ignore[misc]
    return caught.value.code


async def test_accepting_assigns_the_chat_and_tells_the_citizen(world: World) -> None:
    anna = await world.agent()
    await world.online(anna)
    conversation = await world.queued()
    world.recorder.clear()
    outcome = await world.domain.agents.accept(anna, conversation.id)
    assert outcome.value.conversation.state == "assigned" and outcome.value.transcript
    statuses = [n.status for n in outcome.notices if isinstance(n, Status)]
    assert statuses[0].state == "assigned" and statuses[0].agent_name == anna.display_name
    assert [n.agent_id for n in outcome.notices if isinstance(n, Assigned)] == [anna.user_id]
    assert [n.queue.length for n in outcome.notices if isinstance(n, QueueChanged)] == [0]
    joined = [n.message.text for n in outcome.notices if isinstance(n, ToCitizen)]
    assert joined == [f"{anna.display_name} (Bürgerservice (Servicecenter)) ist jetzt für Sie da."]


async def test_only_one_of_two_agents_gets_a_chat(world: World) -> None:
    anna, ben = await world.agent(), await world.agent()
    conversation = await world.queued()
    results = await asyncio.gather(
        world.domain.agents.accept(anna, conversation.id),
        world.domain.agents.accept(ben, conversation.id),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["Outcome", "Refused"]
    assert next(r for r in results if isinstance(r, Refused)).code == "taken"


async def test_accepting_is_refused_outside_the_departments_and_beyond_the_maximum(world: World) -> None:
    olga = await world.agent(departments=("ordnungsamt",), max_chats=1)
    assert await refused(world.domain.agents.accept(olga, (await world.queued("buergerservice")).id)) == "forbidden"
    first, second = await world.queued("ordnungsamt"), await world.queued("ordnungsamt")
    await world.domain.agents.accept(olga, first.id)
    assert await refused(world.domain.agents.accept(olga, second.id)) == "max_chats"
    assert await refused(world.domain.agents.accept(olga, "f" * 32)) == "not_found"
    assert await refused(world.domain.agents.accept(olga, first.id)) == "taken"


async def test_messages_reach_the_citizen_and_notes_do_not(world: World) -> None:
    anna, ben = await world.agent(), await world.agent()
    conversation = await world.queued()
    await world.domain.agents.accept(anna, conversation.id)
    said = await world.domain.agents.write(anna, AgentText(conversation.id, "Wie kann ich helfen?", "a-1"))
    assert [type(n) for n in said.notices] == [ToCitizen, ToAgents]
    noted = await world.domain.agents.write(anna, AgentText(conversation.id, "Bürger wirkt verärgert", None), note=True)
    assert [type(n) for n in noted.notices] == [ToAgents]
    again = await world.domain.agents.write(anna, AgentText(conversation.id, "Wie kann ich helfen?", "a-1"))
    assert again.value.duplicate and again.notices == []
    assert await refused(world.domain.agents.write(ben, AgentText(conversation.id, "Hallo, hier Ben", None))) == (
        "not_yours"
    )
    history = await world.domain.citizens.history(conversation.id, 0)
    assert "Bürger wirkt verärgert" not in [m.text for m in history]


async def test_hand_back_and_close_end_the_chat_for_the_agent(world: World) -> None:
    anna = await world.agent()
    for action in ("hand_back", "close"):
        expected: tuple[str, str | None]
        conversation = await world.queued()
        await world.domain.agents.accept(anna, conversation.id)
        if action == "hand_back":
            outcome = await world.domain.agents.hand_back(anna, conversation.id)
            expected = ("bot", None)
        else:
            outcome = await world.domain.agents.close(anna, conversation.id, "resolved")
            expected = ("closed", "resolved")
        [left] = [n for n in outcome.notices if isinstance(n, ChatLeft)]
        assert (left.state, left.outcome) == expected
        assert (await world.store.conversation(conversation.id)).state == expected[0]  # type: ignore[union-attr]
        assert await refused(world.domain.agents.close(anna, conversation.id, "resolved")) == "not_yours"


async def test_transfers_to_a_department_or_an_online_colleague(world: World) -> None:
    anna, ben = await world.agent(), await world.agent()
    olga = await world.agent(departments=("ordnungsamt",))
    conversation = await world.queued()
    await world.domain.agents.accept(anna, conversation.id)
    assert await refused(world.domain.agents.transfer(anna, Transfer(conversation.id, None, ben.user_id))) == (
        "unavailable"  # ben is not online
    )
    await world.online(ben)
    to_ben = await world.domain.agents.transfer(anna, Transfer(conversation.id, None, ben.user_id))
    assert [n.agent_id for n in to_ben.notices if isinstance(n, Assigned)] == [ben.user_id]
    to_office = await world.domain.agents.transfer(ben, Transfer(conversation.id, "ordnungsamt", None))
    assert [n.department for n in to_office.notices if isinstance(n, Alert)] == ["ordnungsamt"]
    moved = await world.store.conversation(conversation.id)
    assert moved is not None and (moved.state, moved.department, moved.priority) == ("queued", "ordnungsamt", 1)
    assert (await world.domain.agents.accept(olga, conversation.id)).value.conversation.agent_id == olga.user_id


async def test_supervisors_take_over_agents_do_not(world: World) -> None:
    anna = await world.agent()
    sara = await world.agent(role="supervisor")
    conversation = await world.conversation()
    await world.say(conversation, "Hallo")
    assert await refused(world.domain.agents.take_over(anna, conversation.id)) == "forbidden"
    taken = await world.domain.agents.take_over(sara, conversation.id)
    assert taken.value.conversation.agent_id == sara.user_id


async def test_need_to_know_for_reading(world: World) -> None:
    anna, ben = await world.agent(), await world.agent()
    sara = await world.agent(role="supervisor")
    conversation = await world.queued()
    assert (await world.domain.agents.open(ben, conversation.id)).conversation.state == "queued"  # his queue
    await world.domain.agents.accept(anna, conversation.id)
    await world.domain.agents.write(anna, AgentText(conversation.id, "Vertraulich", None), note=True)
    assert await refused(world.domain.agents.open(ben, conversation.id)) == "forbidden"
    assert await refused(world.domain.agents.older(ben, conversation.id, 10**6)) == "forbidden"
    notes = [m.text for m in (await world.domain.agents.open(sara, conversation.id)).transcript or []]
    assert "Vertraulich" in notes
    assert [d.conversation.id for d in await world.domain.agents.search(ben, None, None, 50, None)] == []
