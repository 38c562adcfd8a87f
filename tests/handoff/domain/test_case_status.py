"""The status question in the chat: answered by the gateway after a proof, never by Rasa, with the
proof masked in the transcript; wrong proofs and unknown numbers answered alike."""

from __future__ import annotations

import datetime as dt

from handoff.db.models import Conversation
from handoff.domain.case_status import MASK
from handoff.domain.cases import CaseCreated, CaseRequest
from handoff.domain.notices import ToAgents
from tests.handoff.domain.conftest import World


async def new_case(world: World, **changes: object) -> CaseCreated:
    values: dict[str, object] = {
        "kind": "request",
        "topic": "Hundesteuer",
        "description": "Ich habe meinen Hund abgegeben und möchte ihn abmelden.",
        "department": "steueramt",
        "contact_email": "erika.mustermann@example.org",
        "consent": True,
    }
    values.update(changes)
    return await world.domain.cases.open(CaseRequest(**values))  # type: ignore[arg-type]


async def said(world: World, conversation: Conversation) -> list[tuple[str, str]]:
    return [(m.sender, m.text) for m in await world.store.messages(conversation.id)]


async def test_the_status_is_answered_after_the_access_key_and_the_key_is_never_stored(world: World) -> None:
    created = await new_case(world)
    conversation = await world.conversation()
    await world.say(conversation, f"Wie ist der Stand von {created.reference}?")
    await world.say(conversation, f"Mein Schlüssel: {created.access_key.lower()}")
    transcript = await said(world, conversation)
    assert [sender for sender, _ in transcript] == ["citizen", "system", "citizen", "system"]  # no bot turn
    assert "Zugangsschlüssel" in transcript[1][1]
    assert transcript[2][1] == f"Mein Schlüssel: {MASK}"
    answer = transcript[3][1]
    assert created.reference in answer and "Steueramt" in answer and "noch nicht in Bearbeitung" in answer
    assert all(created.access_key.lower() not in text.lower() for _, text in transcript)


async def test_reference_and_email_in_one_message_and_the_latest_public_update(world: World) -> None:
    created = await new_case(world)
    case = await world.store.cases.by_reference(created.reference)
    assert case is not None
    await world.domain.cases.change_status(case.id, "waiting", None, "Bitte senden Sie uns die Abgabebescheinigung.")
    conversation = await world.conversation()
    await world.say(conversation, f"{created.reference} erika.mustermann@example.org - wie weit ist das?")
    transcript = await said(world, conversation)
    assert transcript[0][1] == f"{created.reference} {MASK} - wie weit ist das?"
    assert "wartet auf Ihre Rückmeldung" in transcript[1][1]
    assert "Bitte senden Sie uns die Abgabebescheinigung." in transcript[1][1]


async def test_a_wrong_proof_and_an_unknown_number_get_the_same_answer(world: World) -> None:
    created = await new_case(world)
    conversation = await world.conversation()
    await world.say(conversation, f"Stand {created.reference} ABCD-EFGH-2345-JKMN")
    await world.say(conversation, "Stand MS-2026-999999 ABCD-EFGH-2345-JKMN")
    await world.say(conversation, f"Stand {created.reference} someone.else@example.org")
    answers = [text for sender, text in await said(world, conversation) if sender == "system"]
    assert len(answers) == 3 and len(set(answers)) == 1 and "keinen Vorgang gefunden" in answers[0]


async def test_other_messages_go_to_the_bot_as_usual(world: World) -> None:
    created = await new_case(world)
    conversation = await world.conversation()
    await world.say(conversation, f"Wie ist der Stand von {created.reference}?")
    await world.say(conversation, "Was kostet ein Personalausweis?")  # no proof: the bot answers
    senders = [sender for sender, _ in await said(world, conversation)]
    assert senders[:3] == ["citizen", "system", "citizen"] and "bot" in senders[3:]
    # a key-shaped message without a question before it is the bot's too, and stays as written
    other = await world.conversation()
    await world.say(other, "K7QF-M2XD-9PRT-HW4C")
    transcript = await said(world, other)
    assert transcript[0] == ("citizen", "K7QF-M2XD-9PRT-HW4C") and transcript[1][0] == "bot"


async def test_a_question_waits_ten_minutes_for_its_proof(world: World) -> None:
    created = await new_case(world)
    conversation = await world.conversation()
    await world.say(conversation, f"Stand von {created.reference}?")
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    await world.store.update(conversation.id, case_status_until=past)
    await world.say(conversation, created.access_key)
    transcript = await said(world, conversation)
    assert transcript[2] == ("citizen", created.access_key) and transcript[3][0] == "bot"


async def test_with_a_person_in_the_chat_the_person_gets_the_message(world: World) -> None:
    created = await new_case(world)
    conversation = await world.queued()
    world.recorder.clear()
    await world.say(conversation, f"Es geht um {created.reference}")
    transcript = await said(world, conversation)
    assert transcript[-1] == ("citizen", f"Es geht um {created.reference}")
    assert any(n.message.text == transcript[-1][1] for n in world.recorder.of(ToAgents))


async def test_a_complaint_that_mentions_a_reference_stays_the_bots(world: World) -> None:
    created = await new_case(world)
    conversation = await world.conversation()
    complaint = f"Ich beschwere mich über die Sachbearbeitung zu {created.reference}, sehr unfreundlich am Telefon."
    await world.say(conversation, complaint)
    transcript = await said(world, conversation)
    assert transcript[0] == ("citizen", complaint) and transcript[1][0] == "bot"
