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
from kb import texts

logger = logging.getLogger(__name__)


def human_button(language: str) -> contract.Button:
    """The offer of a person, sent back as the intent ``request_human`` when pressed."""
    return contract.button(texts.text("talk_to_person", language), "/request_human")


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
                json_message=contract.message(texts.text("error", language), [human_button(language)], error=True)
            )
            return []
