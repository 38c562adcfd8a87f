"""Answer a question from the knowledge-base article its intent names."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import contract
from actions.knowledge import knowledge_base, language_of, latest_intent
from actions.safe import SafeAction
from kb.model import article_id_of


class ActionAnswerKb(SafeAction):
    def name(self) -> str:
        return "action_answer_kb"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        kb = knowledge_base()
        article = kb.article(article_id_of(latest_intent(tracker)))
        if article is None:
            # The model knows an intent the KB no longer has: the model is older than the KB.
            raise LookupError(f"no KB article for intent {latest_intent(tracker)!r}")
        department = kb.city.department(article.department)
        dispatcher.utter_message(json_message=contract.kb_answer(article, department, language_of(tracker)))
        return [SlotSet("last_article", article.id), SlotSet("department", department.id)]
