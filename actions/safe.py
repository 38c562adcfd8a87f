"""A base class that keeps action errors away from citizens.

An exception inside an action would make Rasa answer nothing at all. ``SafeAction`` logs it
(without message content) and tells the citizen, in their language, that something went
wrong and a member of staff can help; the gateway shows the offer of a human.
"""

from __future__ import annotations

import logging
from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import contract
from actions.knowledge import language_of

logger = logging.getLogger(__name__)

ERROR_TEXT = {
    "de": "Entschuldigung, bei mir ist gerade ein technischer Fehler aufgetreten. Bitte versuchen Sie es "
    "noch einmal – oder lassen Sie sich mit einer Mitarbeiterin oder einem Mitarbeiter verbinden.",
    "en": "Sorry, a technical error occurred on my side. Please try again, or ask to be connected "
    "to a member of staff.",
}
HUMAN_BUTTON = {"de": "Mit einem Menschen sprechen", "en": "Talk to a person"}


class SafeAction(Action, metaclass=ABCMeta):
    """Subclasses implement ``act`` instead of ``run``. Abstract, so rasa_sdk does not register it."""

    @abstractmethod
    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        raise NotImplementedError

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        try:
            return await self.act(dispatcher, tracker, domain)
        except Exception:
            logger.exception("action %s failed in conversation %s", self.name(), tracker.sender_id)
            dispatcher.messages.clear()
            language = language_of(tracker)
            dispatcher.utter_message(
                json_message=contract.message(
                    ERROR_TEXT[language],
                    [contract.button(HUMAN_BUTTON[language], "/request_human")],
                    error=True,
                )
            )
            return []
