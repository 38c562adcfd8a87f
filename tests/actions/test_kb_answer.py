from rasa_sdk.executor import CollectingDispatcher

from actions.kb_answer import ActionAnswerKb
from actions.knowledge import knowledge_base
from tests.actions.conftest import custom_of, domain, make_tracker


async def test_answers_from_the_article_the_intent_names(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker("Mein Perso läuft nächsten Monat ab, was muss ich machen?", "kb_personalausweis")
    events = await ActionAnswerKb().run(dispatcher, tracker, domain())

    custom = custom_of(dispatcher)
    article = knowledge_base().articles["personalausweis"]
    assert custom["kb_article"] == "personalausweis"
    assert custom["text"] == article.de.answer
    assert custom["department"] == "buergeramt"
    assert custom["department_name"] == "Bürgeramt"
    assert {"label": "Personen ab 24 Jahren", "amount": 46.0} in custom["fees"]
    assert custom["documents"] == list(article.de.documents)
    assert custom["online_service"] == article.online_service
    assert {"event": "slot", "name": "last_article", "value": "personalausweis", "timestamp": None} in events
    assert {"event": "slot", "name": "department", "value": "buergeramt", "timestamp": None} in events


async def test_answers_in_english_when_the_article_has_english(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker("how much is an id card", "kb_personalausweis", slots={"language": "en"})
    await ActionAnswerKb().run(dispatcher, tracker, domain())

    custom = custom_of(dispatcher)
    english = knowledge_base().articles["personalausweis"].en
    assert english is not None
    assert custom["text"] == english.answer
    assert custom["language"] == "en"
    assert custom["department_name"] == "Residents' Registration Office"


async def test_an_intent_without_article_gets_an_apology_not_a_stack_trace(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker("?", "kb_no_such_article")
    events = await ActionAnswerKb().run(dispatcher, tracker, domain())

    custom = custom_of(dispatcher)
    assert events == []
    assert custom["error"] is True
    assert "technischer Fehler" in custom["text"]
    assert "Traceback" not in custom["text"] and "LookupError" not in custom["text"]
    assert custom["buttons"] == [{"title": "Mit einem Menschen sprechen", "payload": "/request_human"}]
