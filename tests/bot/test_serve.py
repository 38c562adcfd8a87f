"""bot/serve.py: where the JWT secret may come from, and where not.

Starting Rasa with it is tested in test_rasa_auth.py (the session's Rasa runs through it);
here the refusals, which stop before a model is loaded.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest

from bot.serve import LaunchError, rasa_argv, read_secret
from tests.conftest import skip_or_fail
from tools.stack import BOT_BIN, ROOT, StackSettings, rasa_process

SECRET = "0123456789abcdef" * 3


def test_the_secret_from_the_environment_or_a_file(tmp_path: Path) -> None:
    assert read_secret({"RASA_TOKEN": SECRET}) == SECRET
    secret_file = tmp_path / "rasa_token"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")  # as `echo ... > file` writes it
    assert read_secret({"RASA_TOKEN_FILE": str(secret_file)}) == SECRET


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "must be set"),
        ({"RASA_TOKEN": ""}, "must be set"),
        ({"RASA_TOKEN": "change-me-rasa-jwt-secret-at-least-32-characters"}, "placeholder"),
        ({"RASA_TOKEN": "x" * 31}, "at least 32 bytes"),
        ({"RASA_TOKEN": SECRET, "RASA_TOKEN_FILE": "/run/secrets/rasa_token"}, "not both"),
        ({"RASA_TOKEN_FILE": "/nonexistent/rasa_token"}, "cannot read /nonexistent/rasa_token"),
    ],
    ids=["missing", "empty", "placeholder", "short", "both", "unreadable file"],
)
def test_no_usable_secret_refuses_to_start(environ: Dict[str, str], message: str) -> None:
    with pytest.raises(LaunchError, match=message) as refused:
        read_secret(environ)
    assert SECRET not in str(refused.value)


def test_rasa_gets_the_secret_as_one_argument_even_when_it_starts_with_a_dash() -> None:
    argv = rasa_argv(["--enable-api", "--port", "5005"], "-" + SECRET)
    assert argv == ["rasa", "run", "--enable-api", "--port", "5005", "--jwt-method=HS256", f"--jwt-secret=-{SECRET}"]


def test_the_stack_starts_rasa_through_it_with_the_token_in_the_environment(tmp_path: Path) -> None:
    settings = StackSettings(var_dir=tmp_path, model=Path(__file__))  # any existing file will do here
    process = rasa_process(settings)
    assert process.argv[1:3] == ["-m", "bot.serve"] and "--enable-api" in process.argv
    assert settings.rasa_token not in " ".join(process.argv)
    assert process.env["RASA_TOKEN"] == settings.rasa_token and "RASA_TOKEN_FILE" not in process.env


def launch(arguments: List[str], token: str = SECRET) -> subprocess.CompletedProcess[str]:
    python = BOT_BIN / "python"
    if not python.exists():
        skip_or_fail("no bot environment (.venv/bot): make envs")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASA_TOKEN")}
    env.update(RASA_TOKEN=token, RASA_TELEMETRY_ENABLED="false")
    return subprocess.run(
        [str(python), "-m", "bot.serve", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("arguments", "option"),
    [
        (["--enable-api", "--auth-token", "tok"], "--auth-token"),
        (["--enable-api", "-ttok"], "--auth-token"),
        (["--jwt-s=abc", "--enable-api"], "--jwt-secret"),  # argparse takes abbreviations
    ],
    ids=["--auth-token", "-t", "abbreviated --jwt-secret"],
)
def test_secrets_on_the_command_line_are_refused(arguments: List[str], option: str) -> None:
    result = launch(["--model", "models/none.tar.gz", *arguments])
    assert result.returncode == 2
    assert f"bot.serve: {option} must not be given on the command line" in result.stderr


def test_a_placeholder_token_stops_it_before_rasa_starts() -> None:
    result = launch(
        ["--model", "models/none.tar.gz", "--enable-api"], token="change-me-rasa-jwt-secret-at-least-32-characters"
    )
    assert result.returncode == 2
    assert "bot.serve: RASA_TOKEN still holds the placeholder" in result.stderr
    assert "Starting Rasa server" not in result.stdout + result.stderr
