"""End to end through Rasa's REST channel: the trained model, Rasa and the action server, real.

Each test talks as its own citizen (a fresh sender id) and asserts on the bot-turn contract
(docs/bot-contract.md): the ``custom`` object of the turn's messages.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any, Callable, Dict, List

import pytest

from tools.stack import Stack

pytestmark = pytest.mark.stack


class Citizen:
    def __init__(self, stack: Stack) -> None:
        self.url = f"{stack.settings.rasa_url}/webhooks/rest/webhook"
        self.sender = f"test-{uuid.uuid4().hex}"

    def say(self, text: str, metadata: Dict[str, Any] | None = None) -> List[Dict[str, Any]]:
        body = {"sender": self.sender, "message": text, "metadata": metadata or {}}
        request = urllib.request.Request(
            self.url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            replies = json.loads(response.read())
        assert isinstance(replies, list)
        return replies

    def turn(self, text: str) -> Dict[str, Any]:
        """The contract object of the bot's answer to ``text``."""
        replies = self.say(text)
        customs: List[Dict[str, Any]] = [r["custom"] for r in replies if isinstance(r.get("custom"), dict)]
        assert len(customs) == 1, replies
        return customs[0]


@pytest.fixture
def citizen(bot: Stack) -> Citizen:
    return Citizen(bot)


def test_the_citizen_at_22_00_gets_the_id_card_article(citizen: Citizen) -> None:
    custom = citizen.turn("Mein Perso läuft nächsten Monat ab, was muss ich machen?")
    assert custom["kb_article"] == "personalausweis"
    assert "Bürgeramt" in custom["text"]
    assert custom["department"] == "buergeramt"


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("Wann wird mein Sperrmüll abgeholt und wie melde ich ihn an?", "sperrmuell"),
        ("wie melde ich meinen hund an", "hundesteuer"),
        ("Ich bin umgezogen und muss mich ummelden", "wohnsitz_anmelden"),
        ("Wo kann ich ein Schlagloch melden?", "maengel_melden"),
        ("Ich brauche ein Führungszeugnis für meinen neuen Job", "fuehrungszeugnis"),
    ],
)
def test_kb_questions_get_their_article(citizen: Citizen, question: str, article: str) -> None:
    assert citizen.turn(question)["kb_article"] == article


def test_asking_for_a_human_hands_off(citizen: Citizen) -> None:
    custom = citizen.turn("Ich möchte mit einem Menschen sprechen")
    handoff = custom["handoff"]
    assert handoff["reason"] == "explicit_request"
    assert handoff["department"] == "buergerservice"
    assert isinstance(handoff["live"], bool)
    assert handoff["context"]["intents"][-1]["name"] == "request_human"


def test_a_smart_home_command_gets_a_fallback(citizen: Citizen) -> None:
    custom = citizen.turn("Schalte das Licht im Wohnzimmer an")
    assert custom["fallback"] is True
    assert "kb_article" not in custom


def test_office_hours_on_a_public_holiday(citizen: Citizen, fake_now: Callable[[str], None]) -> None:
    fake_now("2026-12-25T10:00:00+01:00")
    custom = citizen.turn("Wann habt ihr geöffnet?")
    assert custom["kb_article"] == "oeffnungszeiten"
    assert custom["open_now"] is False
    assert custom["closed_reason"] == "Erster Weihnachtstag"
    assert "Alle Ämter der Stadt sind geschlossen" in custom["text"]


def test_office_hours_on_a_working_day(citizen: Citizen, fake_now: Callable[[str], None]) -> None:
    fake_now("2026-11-30T10:00:00+01:00")  # Monday
    custom = citizen.turn("Wann hat das Standesamt geöffnet?")
    assert custom["kb_article"] == "oeffnungszeiten"
    assert custom["department"] == "standesamt"
    assert custom["open_now"] is True


def test_handoff_outside_office_hours_is_honest(citizen: Citizen, fake_now: Callable[[str], None]) -> None:
    fake_now("2026-11-27T22:00:00+01:00")  # Friday night
    citizen.turn("Was kostet ein Personalausweis?")
    custom = citizen.turn("Ich möchte mit einem Menschen sprechen")
    assert custom["handoff"]["live"] is False
    assert custom["handoff"]["department"] == "buergeramt"
    assert "geschlossen" in custom["text"]
    assert "buergeramt@musterstadt.de" in custom["text"]


def test_second_failure_in_a_row_hands_off(citizen: Citizen) -> None:
    first = citizen.turn("Schalte das Licht im Wohnzimmer an")
    assert first["fallback"] is True
    second = citizen.turn("Spiel mein Lieblingslied ab")
    assert second["handoff"]["reason"] == "repeated_fallback"


def test_the_complaint_intake(citizen: Citizen, fake_now: Callable[[str], None]) -> None:
    fake_now("2026-11-30T10:00:00+01:00")
    start = citizen.say("Ich möchte mich beschweren")
    assert [r["custom"]["form"] for r in start if "custom" in r] == ["complaint"]
    assert "Um welches Amt" in start[-1]["text"]  # the form's first question
    asked_contact = citizen.say("Im Standesamt musste ich zwei Stunden warten, obwohl ich einen Termin hatte.")
    assert "E-Mail" in asked_contact[-1]["text"]
    asked_again = citizen.say("weiß ich nicht")
    assert "E-Mail-Adresse oder Telefonnummer" in asked_again[0]["text"]
    custom = citizen.turn("anna@example.org")
    handoff = custom["handoff"]
    assert handoff["reason"] == "complaint"
    assert handoff["department"] == "standesamt"
    assert handoff["context"]["form"]["complaint_contact"] == "anna@example.org"
    assert handoff["live"] is True


def test_the_complaint_can_be_cancelled(citizen: Citizen) -> None:
    citizen.say("Ich will mich über einen Mitarbeiter beschweren")
    replies = citizen.say("abbrechen")
    assert "abgebrochen" in replies[-1]["text"]
    assert citizen.turn("Was kostet ein Reisepass?")["kb_article"] == "reisepass"


def test_a_button_payload_answers_directly(citizen: Citizen) -> None:
    assert citizen.turn("/kb_sperrmuell")["kb_article"] == "sperrmuell"


def test_english_question_gets_the_english_answer(citizen: Citizen) -> None:
    custom = citizen.turn("How much does an ID card cost?")
    assert custom["kb_article"] == "personalausweis"
    assert custom["language"] == "en"
    assert "Bürgeramt" in custom["text"] and "identity card" in custom["text"]


BAD_INPUT = [
    "",
    "   ",
    "x" * 10_000,
    "Personalausweis " * 700,
    "😀😂🙈🎉" * 50,
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE events; --",
    "1' OR '1'='1",
    "Hallo, I need einen neuen passport bitte schnell!!!",
    "\u202eevil\u200b\u200d",
    '{"json": true}',
    '/unknown_intent{"slot": "x"}',
    '/kb_personalausweis{"department": "standesamt"}',
]


@pytest.mark.parametrize("text", BAD_INPUT, ids=range(len(BAD_INPUT)))
def test_bad_input_gets_an_answer_and_no_stack_trace(citizen: Citizen, text: str) -> None:
    replies = citizen.say(text)
    assert replies, "the bot must answer"
    dump = json.dumps(replies)
    assert "Traceback" not in dump and "Exception" not in dump
    # the bot still works for this citizen afterwards
    assert citizen.turn("Was kostet ein Reisepass?")["kb_article"] == "reisepass"


def test_a_very_long_message_gets_the_limit_message(citizen: Citizen) -> None:
    replies = citizen.say("Personalausweis " * 700)
    assert replies[0]["text"].startswith("Ihre Nachricht ist sehr lang")


def test_only_emoji_gets_a_fallback(citizen: Citizen) -> None:
    custom = citizen.turn("😀😂🙈🎉")
    assert custom["fallback"] is True and custom["suggestions"] == []
