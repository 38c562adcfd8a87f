"""Access to the knowledge base from actions: loaded once, on first use, from ``data/``."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, Dict, Optional

from rasa_sdk import Tracker

import kb
from kb import clock


@lru_cache(maxsize=1)
def knowledge_base() -> kb.KnowledgeBase:
    return kb.load()


def now() -> dt.datetime:
    """The current time in the city's time zone (see kb.clock for the test seam)."""
    return clock.now(knowledge_base().city.timezone)


def language_of(tracker: Tracker) -> str:
    language = tracker.get_slot("language")
    return "en" if language == "en" else "de"


def latest_metadata(tracker: Tracker) -> Dict[str, Any]:
    metadata = tracker.latest_message.get("metadata") if tracker.latest_message else None
    return metadata if isinstance(metadata, dict) else {}


def latest_intent(tracker: Tracker) -> Optional[str]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    name = intent.get("name")
    return name if isinstance(name, str) else None
