from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionKbFallback
from tests.actions.conftest import custom_of, domain, make_tracker, user_event

UNSURE_RANKING = [
    {"name": "nlu_fallback", "confidence": 0.5},
    {"name": "kb_reisepass", "confidence": 0.31},
    {"name": "greet", "confidence": 0.2},
    {"name": "kb_personalausweis", "confidence": 0.22},
    {"name": "kb_kinderreisepass", "confidence": 0.12},
    {"name": "kb_ausweis_verloren", "confidence": 0.11},
    {"name": "kb_sperrmuell", "confidence": 0.01},
]


async def test_unsure_asks_back_with_the_best_articles(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker(
        "pass oder perso?", "nlu_fallback", 0.5, UNSURE_RANKING, history=[user_event("hallo", "greet")]
    )
    events = await ActionKbFallback().run(dispatcher, tracker, domain())

    custom = custom_of(dispatcher)
    assert events == []
    assert custom["fallback"] is True
    assert custom["suggestions"] == ["reisepass", "personalausweis", "kinderreisepass"]
    assert [b["payload"] for b in custom["buttons"]] == [
        "/kb_reisepass",
        "/kb_personalausweis",
        "/kb_kinderreisepass",
        "/request_human",
    ]
    assert custom["buttons"][0]["title"] == "Reisepass beantragen"


async def test_without_plausible_articles_it_asks_to_rephrase(dispatcher: CollectingDispatcher) -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "kb_sperrmuell", "confidence": 0.01}]
    await ActionKbFallback().run(dispatcher, make_tracker("äh", "nlu_fallback", 0.5, ranking), domain())

    custom = custom_of(dispatcher)
    assert custom["suggestions"] == []
    assert "anders formulieren" in custom["text"]
    assert custom["buttons"] == [{"title": "Mit einem Menschen sprechen", "payload": "/request_human"}]


async def test_out_of_scope_says_what_the_bot_is_for(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker("wie wird das wetter morgen", "out_of_scope", 0.9)
    await ActionKbFallback().run(dispatcher, tracker, domain())

    custom = custom_of(dispatcher)
    assert custom["fallback"] is True and custom["out_of_scope"] is True
    assert custom["suggestions"] == []
    assert "Stadt Musterstadt" in custom["text"]


async def test_second_failure_in_a_row_hands_off(dispatcher: CollectingDispatcher) -> None:
    history = [user_event("blub", "nlu_fallback", 0.5), {"event": "action", "name": "action_kb_fallback"}]
    tracker = make_tracker("wieso verstehst du nix", "nlu_fallback", 0.5, UNSURE_RANKING, history=history)
    events = await ActionKbFallback().run(dispatcher, tracker, domain())

    assert dispatcher.messages == []
    assert {"event": "slot", "name": "handoff_reason", "value": "repeated_fallback", "timestamp": None} in events
    assert {"event": "followup", "name": "action_handoff", "timestamp": None} in events


async def test_a_failure_after_a_good_answer_does_not_hand_off(dispatcher: CollectingDispatcher) -> None:
    history = [user_event("blub", "nlu_fallback", 0.5), user_event("perso kosten", "kb_personalausweis")]
    tracker = make_tracker("und sonst?", "nlu_fallback", 0.5, UNSURE_RANKING, history=history)
    events = await ActionKbFallback().run(dispatcher, tracker, domain())

    assert events == []
    assert custom_of(dispatcher)["fallback"] is True
