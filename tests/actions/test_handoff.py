from typing import Callable

from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandoff
from tests.actions.conftest import custom_of, domain, make_tracker, user_event

HISTORY = [
    user_event("Mein Perso läuft ab", "kb_personalausweis", 0.97),
    {"event": "action", "name": "action_answer_kb"},
]


async def test_explicit_request_in_office_hours_is_live_with_full_context(
    dispatcher: CollectingDispatcher, freeze_time: Callable[[str], None]
) -> None:
    freeze_time("2026-11-30T09:00:00+01:00")  # Monday morning
    tracker = make_tracker(
        "Ich möchte mit einem Menschen sprechen",
        "request_human",
        0.93,
        slots={"department": "buergeramt", "last_article": "personalausweis"},
        history=HISTORY,
        metadata={"page": "https://www.musterstadt.de/buergeramt"},
    )
    events = await ActionHandoff().run(dispatcher, tracker, domain())

    handoff = custom_of(dispatcher)["handoff"]
    assert handoff["reason"] == "explicit_request"
    assert handoff["department"] == "buergeramt"
    assert handoff["live"] is True
    context = handoff["context"]
    assert [i["name"] for i in context["intents"]] == ["kb_personalausweis", "request_human"]
    assert context["intents"][0]["confidence"] == 0.97
    assert context["slots"]["last_article"] == "personalausweis"
    assert context["language"] == "de"
    assert context["page"] == "https://www.musterstadt.de/buergeramt"
    assert "Personalausweis beantragen" in context["summary"]
    assert "Wunsch nach persönlicher Beratung" in context["summary"]
    assert "Ich verbinde Sie" in custom_of(dispatcher)["text"]
    assert {"event": "slot", "name": "handoff_reason", "value": None, "timestamp": None} in events


async def test_outside_office_hours_it_says_so_and_names_the_alternative(
    dispatcher: CollectingDispatcher, freeze_time: Callable[[str], None]
) -> None:
    freeze_time("2026-11-27T22:00:00+01:00")  # Friday night
    tracker = make_tracker("kann ich mit jemandem reden", "request_human", slots={"department": "buergeramt"})
    await ActionHandoff().run(dispatcher, tracker, domain())

    custom = custom_of(dispatcher)
    assert custom["handoff"]["live"] is False
    assert "Bürgeramt ist gerade geschlossen" in custom["text"]
    assert "Samstag, 28.11., um 09:00 Uhr" in custom["text"] or "morgen um 09:00 Uhr" in custom["text"]
    assert "buergeramt@musterstadt.de" in custom["text"]


async def test_without_a_topic_the_service_centre_takes_it(
    dispatcher: CollectingDispatcher, freeze_time: Callable[[str], None]
) -> None:
    freeze_time("2026-11-30T09:00:00+01:00")
    await ActionHandoff().run(dispatcher, make_tracker("Mensch bitte", "request_human"), domain())

    assert custom_of(dispatcher)["handoff"]["department"] == "buergerservice"


async def test_negative_feedback_reason(dispatcher: CollectingDispatcher, freeze_time: Callable[[str], None]) -> None:
    freeze_time("2026-11-30T09:00:00+01:00")
    tracker = make_tracker(
        "das hilft mir nicht", "feedback_negative", slots={"department": "steueramt"}, history=HISTORY
    )
    await ActionHandoff().run(dispatcher, tracker, domain())

    handoff = custom_of(dispatcher)["handoff"]
    assert handoff["reason"] == "negative_feedback"
    assert handoff["department"] == "steueramt"


async def test_complaint_carries_the_form_and_routes_by_its_text(
    dispatcher: CollectingDispatcher, freeze_time: Callable[[str], None]
) -> None:
    freeze_time("2026-11-30T09:00:00+01:00")
    tracker = make_tracker(
        "anna@example.org",
        "nlu_fallback",
        slots={
            "handoff_reason": "complaint",
            "complaint_text": "Im Standesamt wurde ich unfreundlich behandelt.",
            "complaint_contact": "anna@example.org",
        },
    )
    events = await ActionHandoff().run(dispatcher, tracker, domain())

    handoff = custom_of(dispatcher)["handoff"]
    assert handoff["reason"] == "complaint"
    assert handoff["department"] == "standesamt"
    assert handoff["context"]["form"] == {
        "complaint_text": "Im Standesamt wurde ich unfreundlich behandelt.",
        "complaint_contact": "anna@example.org",
    }
    assert "Beschwerde: „Im Standesamt" in handoff["context"]["summary"]
    assert {"event": "slot", "name": "complaint_text", "value": None, "timestamp": None} in events


async def test_an_active_form_is_closed(dispatcher: CollectingDispatcher, freeze_time: Callable[[str], None]) -> None:
    freeze_time("2026-11-30T09:00:00+01:00")
    tracker = make_tracker("Mitarbeiter bitte", "request_human", active_loop="complaint_form")
    events = await ActionHandoff().run(dispatcher, tracker, domain())

    assert {"event": "active_loop", "name": None, "timestamp": None} in events


async def test_english_handoff_text(dispatcher: CollectingDispatcher, freeze_time: Callable[[str], None]) -> None:
    freeze_time("2026-11-30T09:00:00+01:00")
    tracker = make_tracker("I want to talk to a person", "request_human", slots={"language": "en"})
    await ActionHandoff().run(dispatcher, tracker, domain())

    assert custom_of(dispatcher)["text"].startswith("I am connecting you")
