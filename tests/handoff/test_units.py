"""The gateway's pure parts, without sockets: the bot contract, validation, limits, settings."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from handoff import jsonsafe
from handoff.accounts.throttle import delay_after
from handoff.http.middleware import security_headers_for
from handoff.logmask import MaskingFormatter
from handoff.rasa import contract
from handoff.ratelimit import RateLimiter
from handoff.settings import Settings, SettingsError
from handoff.transport import addresses, validation


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


def test_text_that_no_database_can_store_is_refused_everywhere() -> None:
    """NUL (Postgres refuses it, SQLite would store it) and lone surrogates (neither UTF-8 nor the
    WebSocket can carry them) are refused in the text, in customData and in field names."""
    for bad in (
        {"message": "IBAN DE02\x00120300000000202051"},
        {"message": "x\ud800"},
        {"message": "hi", "customData": {"page": "https://www.musterstadt.de/\udc80"}},
        {"message": "hi", "customData": {"note\x00": 1}},
        {"message": "hi", "customData": {"deep": ["ok", "bad\udfff"]}},
    ):
        with pytest.raises(validation.Invalid) as raised:
            validation.user_uttered(bad, 2000)
        assert raised.value.code == "invalid"
    assert validation.user_uttered({"message": "Grüße 👋 \t\n"}, 2000).text == "Grüße 👋 \t\n"
    assert validation.session_request("\udc80" * 20).session_id is None


def test_integers_are_bounded() -> None:
    for bad in ({"after": 10**30}, {"after": 2**53}, {"after": -1}):
        with pytest.raises(validation.Invalid):
            validation.after_id(bad)
    assert validation.after_id({"after": 2**53 - 1}) == 2**53 - 1
    with pytest.raises(validation.Invalid):
        validation.feedback({"message_id": 10**30, "helpful": True})
    with pytest.raises(validation.Invalid):
        validation.user_uttered({"message": "x", "customData": {"n": 10**30}}, 10)
    with pytest.raises(validation.Invalid):
        validation.history_page({"conversation_id": "a" * 32, "before": 10**20})


def test_client_address_behind_trusted_proxies() -> None:
    assert addresses.client_address("10.0.0.2", "203.0.113.7", 0) == "10.0.0.2"  # header ignored: no proxy
    assert addresses.client_address("10.0.0.2", "198.51.100.1, 203.0.113.7", 1) == "203.0.113.7"
    assert addresses.client_address("10.0.0.2", "198.51.100.1, 203.0.113.7, 10.0.0.9", 2) == "203.0.113.7"
    assert addresses.client_address("10.0.0.2", None, 1) == "10.0.0.2"  # the proxy did not say: its address
    assert addresses.client_address(None, None, 0) == "unknown"


def test_login_delays_grow_and_are_capped() -> None:
    assert [delay_after(n, 5, 900) for n in range(1, 6)] == [0, 0, 0, 0, 0]
    assert [delay_after(n, 5, 900) for n in range(6, 10)] == [1, 2, 4, 8]
    assert delay_after(40, 5, 900) == 900 and delay_after(10**6, 5, 900) == 900


def test_json_out_is_total() -> None:
    """What went into the database once must never make a later broadcast fail."""
    lone = "page \udc80 end"
    text = jsonsafe.dumps({"page": lone, "n": float("nan"), "when": object(), lone: [1, float("inf")]})
    text.encode("utf-8")  # sendable on the WebSocket
    decoded = json.loads(text)
    assert decoded["page"] == "page \ufffd end" and decoded["n"] is None and decoded["page \ufffd end"] == [1, None]
    assert jsonsafe.dumps({"text": "ä 👋"}) == '{"text":"ä 👋"}'
    for constant in ("NaN", "Infinity", "-Infinity"):  # not JSON: a malformed packet
        with pytest.raises(ValueError):
            jsonsafe.loads(f'{{"after": 1, "n": {constant}}}')
    assert jsonsafe.dumps({"n": 2**70}) == '{"n":"1180591620717411303424"}'  # beyond 64 bits: replaced


def test_json_refuses_deep_nesting_but_not_brackets_in_strings() -> None:
    with pytest.raises(ValueError, match="depth"):
        jsonsafe.loads("[" * 2000 + "]" * 2000)
    text = json.dumps({"message": "[[[[" * 100})
    assert jsonsafe.loads(text) == {"message": "[[[[" * 100}
    assert jsonsafe.loads(json.dumps([[[1]]])) == [[[1]]]


def test_json_in_reads_an_escaped_lone_surrogate_so_the_event_can_be_refused_with_an_answer() -> None:
    """orjson refuses it, the standard library reads it; the input checks then answer ``invalid``."""
    packet = '["user_uttered",{"message":"Hallo","customData":{"page":"https://x.test/\\udc80"}}]'
    assert jsonsafe.loads(packet)[1]["customData"]["page"] == "https://x.test/\udc80"
    assert jsonsafe.loads(packet.encode())[1]["message"] == "Hallo"
    with pytest.raises(ValueError):
        jsonsafe.loads("[" * 5000 + '"\\udc80"' + "]" * 5000)
    with pytest.raises(ValueError):
        jsonsafe.loads('{"page": "\\udc80", "n": NaN}')
    with pytest.raises(ValueError):
        jsonsafe.loads('{"page": "\\udc80", "n": ')


def test_settings_from_the_environment() -> None:
    settings = Settings.from_env({"GATEWAY_PORT": "9000", "REDIS_URL": "redis://r:6379/0", "RASA_TIMEOUT": "2.5"})
    assert settings.port == 9000 and settings.redis_url == "redis://r:6379/0" and settings.rasa_timeout == 2.5
    assert settings.allowed_origins == ("http://127.0.0.1:9000", "http://localhost:9000")
    assert settings.console_origins == ("http://127.0.0.1:9000", "http://localhost:9000")
    split = Settings.from_env(
        {"ALLOWED_ORIGINS": "https://www.musterstadt.de", "CONSOLE_ORIGINS": "https://chat.musterstadt.de/"}
    )
    assert split.allowed_origins == ("https://www.musterstadt.de",)
    assert split.console_origins == ("https://chat.musterstadt.de",)
    for bad, message in [
        ({"RASA_TOKEN": "change-me-to-a-long-random-token"}, "RASA_TOKEN still contains the placeholder"),
        ({"DATABASE_URL": "postgresql+asyncpg://gateway:CHANGE-ME@db/gateway"}, "DATABASE_URL"),
        ({"REDIS_URL": "redis://:change-me@redis:6379/0"}, "REDIS_URL"),
        ({"CONSOLE_ORIGINS": "*"}, "CONSOLE_ORIGINS"),
        ({"ALLOWED_ORIGINS": "*"}, "'\\*' is not allowed"),
        ({"GATEWAY_PORT": "x"}, "GATEWAY_PORT"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"ALLOWED_ORIGINS": "evil.test"}, "origin"),
        ({"RASA_TIMEOUT": "0"}, "RASA_TIMEOUT"),
        ({"SMTP_HOST": "mail.musterstadt.de"}, "MAIL_FROM must be an e-mail address"),
        ({"SMTP_HOST": "mail.musterstadt.de", "MAIL_FROM": "chat"}, "MAIL_FROM"),
        ({"SMTP_PASSWORD": "change-me-smtp"}, "SMTP_PASSWORD still contains the placeholder"),
        ({"SMTP_PORT": "0"}, "SMTP_PORT"),
        ({"MAIL_REPLY_TO": "antwort+x@musterstadt.de"}, "MAIL_REPLY_TO must be an address without"),
        ({"INBOUND_SMTP_PORT": "2525"}, "INBOUND_SMTP_PORT needs MAIL_REPLY_TO"),
    ]:
        with pytest.raises(SettingsError, match=message):
            Settings.from_env(bad)
    mail = Settings.from_env(
        {"SMTP_HOST": "mail.musterstadt.de", "MAIL_FROM": "chat@musterstadt.de", "SMTP_STARTTLS": "false"}
    )
    assert (mail.smtp_host, mail.smtp_port, mail.smtp_starttls, mail.mail_from) == (
        "mail.musterstadt.de",
        587,
        False,
        "chat@musterstadt.de",
    )
    assert Settings.from_env({}).smtp_host is None and Settings.from_env({}).smtp_starttls


def test_security_headers_name_the_gateways_own_origins() -> None:
    plain = security_headers_for(Settings(console_origins=("http://127.0.0.1:8080",)))
    assert "connect-src 'self' http://127.0.0.1:8080 ws://127.0.0.1:8080;" in plain["Content-Security-Policy"]
    assert " ws: " not in plain["Content-Security-Policy"] and "Strict-Transport-Security" not in plain
    secure = security_headers_for(Settings(console_origins=("https://chat.musterstadt.de",), cookie_secure=True))
    assert "wss://chat.musterstadt.de" in secure["Content-Security-Policy"]
    assert secure["Strict-Transport-Security"].startswith("max-age=")


def test_personal_data_in_a_log_line_is_masked_but_not_its_time() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(MaskingFormatter("%(asctime)s %(message)s"))
    log = logging.getLogger("citychat.test.mask")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning(
            "mail from %s, IBAN %s, phone %s and %s, born %s or %s; port 127.0.0.1:8080, 3 cases, 2026 items",
            "erika.mustermann@example.org",
            "DE02 1203 0000 0000 2020 51",
            "+49 2345 987654",
            "0234 5678901",
            "17.05.1990",
            "1990-05-17",
        )
        try:
            raise ValueError("no account for max@example.org")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    text = stream.getvalue()
    for secret in ("erika", "DE02", "987654", "5678901", "1990", "max@"):
        assert secret not in text, secret
    assert "[e-mail]" in text and "[IBAN]" in text and "[phone]" in text and "[date]" in text
    assert "127.0.0.1:8080" in text and "3 cases, 2026 items" in text
    assert re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", text)  # the timestamp is kept
