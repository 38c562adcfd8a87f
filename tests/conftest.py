"""Session-wide test helpers. Standard library only: the bot environment loads this file too.

- ``bot``: Rasa with the trained model and the action server, started once per test session
  on free loopback ports (gateways are started by tests/handoff/conftest.py).
- ``fake_now``: moves the clock of the running action server and gateway (kb.clock's seam).
- ``CITYCHAT_REQUIRE_SERVICES=1`` (set by .ci/run) turns "service not reachable" skips into
  failures, because CI has Postgres, Redis and Chromium.
"""

from __future__ import annotations

import importlib.util
import os
import socket
from pathlib import Path
from typing import Callable, Iterator, List

import pytest

from tools.stack import ROOT, Stack, StackSettings

collect_ignore: List[str] = []
if importlib.util.find_spec("rasa_sdk") is None:
    collect_ignore.append("actions")  # run by the bot environment: make test does both

REQUIRE_SERVICES = os.environ.get("CITYCHAT_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service is missing, or fail it where the services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CITYCHAT_REQUIRE_SERVICES=1: CI must have it)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session")
def fake_time_file(var_dir: Path) -> Path:
    path = var_dir / "fake-now.txt"
    path.write_text("", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def bot_settings(var_dir: Path, fake_time_file: Path) -> StackSettings:
    model = ROOT / "models" / "citybot.tar.gz"
    if not model.exists():
        pytest.fail("no trained model: run `make train` (make test trains it before the tests)")
    return StackSettings(
        rasa_port=free_port(),
        actions_port=free_port(),
        gateway_port=free_port(),
        var_dir=var_dir,
        extra_env={"CITYCHAT_FAKE_TIME_FILE": str(fake_time_file)},
        with_gateway=False,
    )


@pytest.fixture(scope="session")
def bot(bot_settings: StackSettings) -> Iterator[Stack]:
    """Rasa with the trained model and the action server, once per test session."""
    with Stack(bot_settings) as running:
        yield running


@pytest.fixture
def fake_now(fake_time_file: Path) -> Iterator[Callable[[str], None]]:
    """Freeze "now" for the running stack; real time again after the test."""

    def freeze(moment: str) -> None:
        fake_time_file.write_text(moment, encoding="utf-8")

    yield freeze
    fake_time_file.write_text("", encoding="utf-8")
