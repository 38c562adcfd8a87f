"""Helpers for action tests: real rasa_sdk Trackers and CollectingDispatchers, a frozen clock.

These tests run in the bot environment (Python 3.10 with rasa_sdk): `make test` runs
`.venv/bot/bin/python -m pytest tests/actions`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from kb import clock

collect_ignore_glob: List[str] = []


def user_event(
    text: str, intent: str, confidence: float = 0.95, ranking: Optional[List[Dict[str, Any]]] = None
) -> Dict[str, Any]:
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
        "entities": [],
    }
    return {"event": "user", "text": text, "parse_data": parse, "metadata": {}}


def make_tracker(
    text: str = "",
    intent: str = "greet",
    confidence: float = 0.95,
    ranking: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    history: Optional[List[Dict[str, Any]]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
) -> Tracker:
    """A tracker whose latest message is ``text`` classified as ``intent``, after ``history``."""
    latest = user_event(text, intent, confidence, ranking)
    latest["metadata"] = metadata or {}
    latest_message = dict(latest["parse_data"], metadata=metadata or {})
    all_slots = {"language": "de"}
    all_slots.update(slots or {})
    return Tracker(
        sender_id="test-conversation",
        slots=all_slots,
        latest_message=latest_message,
        events=[*list(history or []), latest],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def freeze_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Set "now" for the actions (through kb.clock's file seam, as the e2e tests do)."""
    fake = tmp_path / "now.txt"
    monkeypatch.setenv(clock.FAKE_TIME_ENV, str(fake))

    def freeze(moment: str) -> None:
        fake.write_text(moment, encoding="utf-8")

    return freeze


def custom_of(dispatcher: CollectingDispatcher) -> Dict[str, Any]:
    """The one contract message of the turn."""
    customs: List[Dict[str, Any]] = [m["custom"] for m in dispatcher.messages if m.get("custom")]
    assert len(customs) == 1, dispatcher.messages
    return customs[0]


def domain() -> Dict[str, Any]:
    return {}
