"""The terminal chat of `make shell` and the stack's settings (pure parts of tools/stack.py)."""

from __future__ import annotations

from tools.stack import StackSettings, render


def test_shell_shows_text_buttons_and_the_turn_contract() -> None:
    shown = render(
        {
            "recipient_id": "x",
            "custom": {
                "text": "Ich bin nicht sicher. Meinen Sie eines dieser Themen?",
                "buttons": [{"title": "Reisepass beantragen", "payload": "/kb_reisepass"}],
                "fallback": True,
                "suggestions": ["reisepass"],
                "handoff": {"reason": "x", "context": {"summary": "internal"}},
            },
        }
    )
    assert shown.splitlines()[0] == "bot> Ich bin nicht sicher. Meinen Sie eines dieser Themen?"
    assert "[Reisepass beantragen]  -> /kb_reisepass" in shown
    assert '"fallback": true' in shown and "internal" not in shown
    assert render({"text": "Hallo!"}) == "bot> Hallo!"


def test_ports_and_token_from_the_environment() -> None:
    settings = StackSettings.from_env({"RASA_PORT": "6005", "GATEWAY_PORT": "9090", "RASA_TOKEN": "secret"})
    assert settings.rasa_url == "http://127.0.0.1:6005" and settings.gateway_url == "http://127.0.0.1:9090"
    assert settings.rasa_token == "secret"
    assert not StackSettings.from_env({}).rasa_token.startswith("-")


def test_the_tests_sign_rasa_s_api_requests_as_the_gateway_does() -> None:
    import jwt

    settings = StackSettings(rasa_token="t" * 48)
    scheme, _, token = settings.rasa_auth_header()["Authorization"].partition(" ")
    assert scheme == "Bearer"
    payload = jwt.decode(token, settings.rasa_token, algorithms=["HS256"])
    assert payload["user"]["role"] == "admin" and payload["exp"] > 0
    assert len(StackSettings().rasa_token) >= 32  # what bot/serve.py asks for
