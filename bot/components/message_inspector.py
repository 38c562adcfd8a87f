"""A Rasa NLU component, last in the pipeline, for input a classifier should not judge.

- Over-long messages get the intent ``input_too_long`` (the bot asks for a shorter message
  instead of guessing from 10,000 characters).
- Messages without a single letter or digit (empty, only emoji or punctuation) become
  ``nlu_fallback`` with no ranking, so no nonsense suggestions are made.
- The language of the message, when clear, is added as entity ``language`` (de/en), which
  fills the ``language`` slot; replies are then given in that language where they exist.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from kb import lang

TOO_LONG_INTENT = "input_too_long"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class MessageInspector(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"max_characters": 2000}

    def __init__(self, config: Dict[str, Any]) -> None:
        self.max_characters = int(config["max_characters"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageInspector:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a button payload, already resolved to its intent
            if len(text) > self.max_characters:
                self._override(message, TOO_LONG_INTENT)
            elif not any(ch.isalnum() for ch in text):
                self._override(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)
            language = lang.guess(text[: self.max_characters])
            if language:
                entities = list(message.get(ENTITIES) or [])
                entities.append(
                    {
                        "entity": "language",
                        "value": language,
                        "start": 0,
                        "end": 0,
                        "confidence_entity": 1.0,
                        "extractor": "MessageInspector",
                    }
                )
                message.set(ENTITIES, entities, add_to_output=True)
        return messages

    @staticmethod
    def _override(message: Message, intent: str) -> None:
        prediction = {"name": intent, "confidence": 1.0}
        message.set(INTENT, prediction, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [prediction], add_to_output=True)
