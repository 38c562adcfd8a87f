"""The gateway's pure core, without sockets: states, the bot contract, validation, limits."""

from __future__ import annotations

import json

import pytest

from handoff import contract, jsonsafe, states, validation
from handoff.ratelimit import ConnectionCounter, RateLimiter
from handoff.settings import Settings, SettingsError


def test_state_transitions() -> None:
    assert states.target("handoff", states.BOT) == states.QUEUED
    assert states.target("accept", states.QUEUED) == states.ASSIGNED
    assert states.target("hand_back", states.ASSIGNED) == states.BOT
    assert states.target("reopen", states.CLOSED) == states.BOT
    with pytest.raises(states.InvalidTransition, match="cannot accept a conversation that is assigned"):
        states.target("accept", states.ASSIGNED)
    with pytest.raises(states.InvalidTransition):
        states.target("requeue", states.BOT)
    assert states.human_owns(states.QUEUED) and states.human_owns(states.ASSIGNED)
    assert not states.human_owns(states.BOT)


def test_contract_message_becomes_one_event_without_agent_context() -> None:
    replies = [
        {"recipient_id": "x", "text": "Hallo!"},
        {
            "recipient_id": "x",
            "custom": {
                "text": "Ich verbinde Sie.",
                "buttons": [{"title": "Abbrechen", "payload": "/stop"}],
                "handoff": {
                    "reason": "explicit_request",
                    "department": "buergeramt",
                    "live": True,
                    "context": {"summary": "geheim für Agenten"},
                },
            },
        },
        {"recipient_id": "x", "image": "https://example.org/x.png"},
        "garbage",
        {"custom": {"no_text": True}},
    ]
    messages = contract.from_rest(replies)
    assert [m.text for m in messages] == ["Hallo!", "Ich verbinde Sie.", ""]
    handoff_message = messages[1]
    assert handoff_message.quick_replies == [{"content_type": "text", "title": "Abbrechen", "payload": "/stop"}]
    assert "context" not in handoff_message.metadata["handoff"]
    assert contract.handoff_of(messages) == replies[1]["custom"]["handoff"]  # type: ignore[index]
    assert messages[2].attachment == "https://example.org/x.png"
    assert contract.from_rest({"not": "a list"}) == []


def test_user_uttered_validation() -> None:
    parsed = validation.user_uttered(
        {
            "message": "Hallo",
            "session_id": "a" * 32,
            "client_id": "c-1",
            "customData": {"page": "https://www.musterstadt.de/x", "language": "en"},
        },
        2000,
    )
    assert (parsed.text, parsed.client_id, parsed.page, parsed.language) == (
        "Hallo",
        "c-1",
        "https://www.musterstadt.de/x",
        "en",
    )
    assert parsed.custom == {"page": "https://www.musterstadt.de/x", "language": "en"}
    assert validation.user_uttered({"message": "x", "customData": {"page": "javascript:alert(1)"}}, 10).page is None
    for bad, code in [
        ({"message": "x" * 11}, "too_long"),
        ({"message": " "}, "empty"),
        ({"message": 1}, "invalid"),
        ({"message": "x", "client_id": "a b"}, "invalid"),
        ({"message": "x", "b": b"\x00"}, "invalid"),
    ]:
        with pytest.raises(validation.Invalid) as raised:
            validation.user_uttered(bad, 10)
        assert raised.value.code == code


def test_session_request_never_fails() -> None:
    assert validation.session_request(None).session_id is None
    assert validation.session_request("short").session_id is None
    assert validation.session_request({"session_id": "x" * 40}).session_id == "x" * 40
    assert validation.session_request({"session_id": "../../etc/passwd-xxxxxxxxxxxx"}).session_id is None


def test_transfer_names_exactly_one_target() -> None:
    conversation = "a" * 32
    assert validation.transfer({"conversation_id": conversation, "department": "standesamt"}).department == "standesamt"
    assert validation.transfer({"conversation_id": conversation, "agent_id": 3}).agent_id == 3
    for bad in (
        {"conversation_id": conversation},
        {"conversation_id": conversation, "department": "x_y", "agent_id": 2},
        {"conversation_id": conversation, "agent_id": True},
        {"conversation_id": "nope", "department": "bauamt"},
    ):
        with pytest.raises(validation.Invalid):
            validation.transfer(bad)


def test_token_bucket_allows_bursts_then_the_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=5, burst=10, clock=lambda: now[0])
    assert all(limiter.allow("s") for _ in range(10))
    assert not limiter.allow("s")
    assert limiter.allow("other")
    now[0] += 0.2  # one token back
    assert limiter.allow("s") and not limiter.allow("s")


def test_token_bucket_memory_is_bounded() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=1, burst=1, clock=lambda: now[0], max_keys=100)
    for index in range(1000):
        now[0] += 0.001
        limiter.allow(f"k{index}")
    assert len(limiter._buckets) <= 100


def test_connection_counter() -> None:
    counter = ConnectionCounter(2)
    assert counter.acquire("1.2.3.4") and counter.acquire("1.2.3.4") and not counter.acquire("1.2.3.4")
    counter.release("1.2.3.4")
    assert counter.acquire("1.2.3.4")


def test_json_refuses_deep_nesting_but_not_brackets_in_strings() -> None:
    with pytest.raises(ValueError, match="nested too deeply"):
        jsonsafe.loads("[" * 1000 + "]" * 1000)
    text = json.dumps({"message": "[[[[" * 100})
    assert jsonsafe.loads(text) == {"message": "[[[[" * 100}
    assert jsonsafe.loads(json.dumps([[[1]]])) == [[[1]]]


def test_settings_from_the_environment() -> None:
    settings = Settings.from_env({"GATEWAY_PORT": "9000", "REDIS_URL": "redis://r:6379/0", "RASA_TIMEOUT": "2.5"})
    assert settings.port == 9000 and settings.redis_url == "redis://r:6379/0" and settings.rasa_timeout == 2.5
    assert settings.allowed_origins == ("http://127.0.0.1:9000", "http://localhost:9000")
    for bad, message in [
        ({"ALLOWED_ORIGINS": "*"}, "'\\*' is not allowed"),
        ({"GATEWAY_PORT": "x"}, "GATEWAY_PORT"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"ALLOWED_ORIGINS": "evil.test"}, "origin"),
        ({"RASA_TIMEOUT": "0"}, "RASA_TIMEOUT"),
    ]:
        with pytest.raises(SettingsError, match=message):
            Settings.from_env(bad)
