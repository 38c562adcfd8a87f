"""Rasa keeps conversations in its SQL tracker store: a restart of Rasa loses nothing."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

from tests.conftest import free_port
from tools.stack import Stack, rasa_process

pytestmark = pytest.mark.stack


def call(url: str, body: Any = None, headers: Optional[Dict[str, str]] = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_a_restarted_rasa_remembers_the_conversation(bot: Stack, tmp_path: Path) -> None:
    # a Rasa of its own (same model, same action server, its own tracker file) to restart
    settings = replace(bot.settings, rasa_port=free_port(), var_dir=tmp_path)
    base = settings.rasa_url
    first = rasa_process(settings)
    first.start()
    try:
        first.wait_ready()
        replies = call(
            f"{base}/webhooks/rest/webhook", {"sender": "restart-test", "message": "Was kostet ein Reisepass?"}
        )
        assert replies[0]["custom"]["kb_article"] == "reisepass"
    finally:
        first.stop()
    second = rasa_process(settings)
    second.start()
    try:
        second.wait_ready()
        tracker = call(f"{base}/conversations/restart-test/tracker", headers=settings.rasa_auth_header())
        assert tracker["slots"]["last_article"] == "reisepass"
        texts = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
        assert texts == ["Was kostet ein Reisepass?"]
    finally:
        second.stop()
