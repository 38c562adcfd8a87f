"""When the assistant is unsure: ask back with the best-matching articles; twice in a row, hand off."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import contract
from actions.knowledge import knowledge_base, language_of, latest_intent
from actions.safe import HUMAN_BUTTON, SafeAction
from kb.model import article_id_of

FAILURE_INTENTS = {"nlu_fallback", "out_of_scope"}
MAX_SUGGESTIONS = 3
MIN_SUGGESTION_CONFIDENCE = 0.05

TEXTS = {
    "unsure": {
        "de": "Ich bin nicht sicher, ob ich Sie richtig verstanden habe. Meinen Sie eines dieser Themen?",
        "en": "I am not sure I understood you. Do you mean one of these topics?",
    },
    "not_understood": {
        "de": "Das habe ich leider nicht verstanden. Können Sie Ihre Frage anders formulieren?",
        "en": "Sorry, I did not understand that. Could you rephrase your question?",
    },
    "out_of_scope": {
        "de": "Dabei kann ich leider nicht helfen: Ich beantworte Fragen zu den Dienstleistungen der "
        "Stadt {city} – zum Beispiel zu Ausweisen, Anmeldung, Abfall oder Steuern.",
        "en": "I am afraid I cannot help with that: I answer questions about the services of the City of "
        "{city} – for example ID cards, registration, waste or local taxes.",
    },
}


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
        human = contract.button(HUMAN_BUTTON[language], "/request_human")
        if latest_intent(tracker) == "out_of_scope":
            text = TEXTS["out_of_scope"][language].format(city=kb.city.city)
            dispatcher.utter_message(json_message=contract.fallback(text, [], [human], out_of_scope=True))
            return []

        suggestions = [s for s in suggestions_from(tracker.latest_message or {}) if kb.article(s)]
        buttons = []
        for article_id in suggestions:
            article = kb.articles[article_id]
            buttons.append(contract.button(article.localized(language).title, "/" + article.intent))
        buttons.append(human)
        text = TEXTS["unsure" if suggestions else "not_understood"][language]
        dispatcher.utter_message(json_message=contract.fallback(text, suggestions, buttons))
        return []
