"""The assistant's own texts: one table per language, the same keys and placeholders in each."""

from __future__ import annotations

import datetime as dt
import string
from typing import Set

import pytest

from kb import texts
from kb.model import WEEKDAYS


def placeholders(template: str) -> Set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_german_and_english_have_the_same_keys_and_placeholders() -> None:
    assert set(texts.GERMAN) == set(texts.ENGLISH)
    for key, german in texts.GERMAN.items():
        assert placeholders(german) == placeholders(texts.ENGLISH[key]), key
    assert {f"day_{day}" for day in WEEKDAYS} <= set(texts.GERMAN)


def test_text_fills_named_placeholders_and_falls_back_to_german() -> None:
    moment = dt.datetime(2026, 11, 30, 14, 0)
    assert texts.text("moment_later", "de", day="Montag", time=moment) == "Montag, 30.11., um 14:00 Uhr"
    assert texts.text("moment_later", "en", day="Monday", time=moment) == "Monday, 30/11, at 14:00"
    assert texts.text("talk_to_person", "fr") == texts.text("talk_to_person", "de") == "Mit einem Menschen sprechen"
    with pytest.raises(KeyError):
        texts.text("out_of_scope", "de")  # {city} not given


def test_the_agents_summary_is_german() -> None:
    reason = texts.for_agents("reason_complaint")
    assert texts.for_agents("summary_reason", reason=reason) == "Grund: Beschwerde."
