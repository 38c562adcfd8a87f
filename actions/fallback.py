"""When the assistant is unsure: ask back with the best-matching articles; twice in a row, hand off."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import contract
from actions.knowledge import knowledge_base, language_of, latest_intent
from actions.safe import SafeAction, human_button
from kb import texts
from kb.model import article_id_of

FAILURE_INTENTS = {"nlu_fallback", "out_of_scope"}
MAX_SUGGESTIONS = 3
MIN_SUGGESTION_CONFIDENCE = 0.05


def suggestions_from(latest_message: Dict[str, Any]) -> List[str]:
    """The article ids of the best-ranked KB intents of an unsure prediction."""
    ranking = latest_message.get("intent_ranking") or []
    found: List[str] = []
    for entry in ranking:
        article_id = article_id_of(entry.get("name"))
        if article_id and (entry.get("confidence") or 0.0) >= MIN_SUGGESTION_CONFIDENCE:
            found.append(article_id)
        if len(found) == MAX_SUGGESTIONS:
            break
    return found


def previous_user_intent(tracker: Tracker) -> Optional[str]:
    """The intent of the user message before the latest one, if any."""
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    if len(user_events) < 2:
        return None
    intent = (user_events[-2].get("parse_data") or {}).get("intent") or {}
    name = intent.get("name")
    return name if isinstance(name, str) else None


class ActionKbFallback(SafeAction):
    def name(self) -> str:
        return "action_kb_fallback"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        if previous_user_intent(tracker) in FAILURE_INTENTS:
            return [SlotSet("handoff_reason", "repeated_fallback"), FollowupAction("action_handoff")]

        kb = knowledge_base()
        language = language_of(tracker)
        human = human_button(language)
        if latest_intent(tracker) == "out_of_scope":
            refusal = texts.text("out_of_scope", language, city=kb.city.city)
            dispatcher.utter_message(json_message=contract.fallback(refusal, [], [human], out_of_scope=True))
            return []

        suggestions = [s for s in suggestions_from(tracker.latest_message or {}) if kb.article(s)]
        buttons = []
        for article_id in suggestions:
            article = kb.articles[article_id]
            buttons.append(contract.button(article.localized(language).title, "/" + article.intent))
        buttons.append(human)
        question = texts.text("unsure" if suggestions else "not_understood", language)
        dispatcher.utter_message(json_message=contract.fallback(question, suggestions, buttons))
        return []
