"""The redis service of docker-compose.yml, run for real: its command, resolved by docker-compose,
started with this machine's redis-server on a free port and a temporary directory.

The password is required by the server, is on no process's command line, and the placeholder
from .env.example or a password that would break REDIS_URL stop the service at once.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import redis

from tests.conftest import free_port, skip_or_fail
from tests.deploy.test_docker_compose import command_lines, resolve


@pytest.fixture(scope="module")
def service() -> Dict[str, Any]:
    values = {
        "POSTGRES_PASSWORD": "a" * 40,
        "GATEWAY_DB_PASSWORD": "b" * 40,
        "RASA_DB_PASSWORD": "c" * 40,
        "REDIS_PASSWORD": "d" * 40,
        "RASA_TOKEN": "e" * 40,
        "ALLOWED_ORIGINS": "https://www.musterstadt.de",
        "CONSOLE_ORIGINS": "https://chat.musterstadt.de",
    }
    redis_service: Dict[str, Any] = resolve(values)["services"]["redis"]
    return redis_service


def local_command(service: Dict[str, Any], port: int, directory: Path) -> List[str]:
    """The container's command, with `$$` as the container gets it and a port and directory of ours."""
    command = [word.replace("$$", "$") for word in service["command"]]
    assert command[:2] == ["sh", "-c"] and len(command) == 3
    assert command[2].count("redis-server - ") == 1
    command[2] = command[2].replace("redis-server - ", f"redis-server - --port {port} --dir {directory} ")
    return command


def cmdlines() -> Iterator[str]:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                yield (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue


@pytest.fixture
def redis_server_binary() -> None:
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        skip_or_fail("redis-server is not installed")


@pytest.mark.usefixtures("redis_server_binary")
def test_the_server_requires_the_password_which_is_on_no_command_line(service: Dict[str, Any], tmp_path: Path) -> None:
    password = secrets.token_hex(24)
    port = free_port()
    log = tmp_path / "redis.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            local_command(service, port, tmp_path),
            env={**os.environ, "REDIS_PASSWORD": password},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                assert redis.Redis(port=port, password=password, socket_timeout=2).ping()
                break
            except redis.ConnectionError:
                assert process.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=port, socket_timeout=2).ping()
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=port, password="wrong", socket_timeout=2).ping()
        # `exec`: the shell became redis-server (the container's PID 1 gets SIGTERM itself)
        assert Path(f"/proc/{process.pid}/cmdline").read_bytes().startswith(b"redis-server")
        assert not [line for line in cmdlines() if password in line]
        # the healthcheck, pointed at this port
        check = command_lines(service)[-1].replace("$$", "$").replace("redis-cli", f"redis-cli -p {port}")
        healthy = subprocess.run(["sh", "-c", check], env={**os.environ, "REDIS_PASSWORD": password}, check=False)
        assert healthy.returncode == 0
        unhealthy = subprocess.run(["sh", "-c", check], env={**os.environ, "REDIS_PASSWORD": "wrong"}, check=False)
        assert unhealthy.returncode != 0
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert (tmp_path / "appendonlydir").is_dir()


@pytest.mark.parametrize("password", ["", "change-me-redis-password", "has space", "p@ss/word", "with#hash"], ids=repr)
def test_a_placeholder_or_unsafe_password_stops_the_service(
    service: Dict[str, Any], tmp_path: Path, password: str
) -> None:
    result = subprocess.run(
        local_command(service, free_port(), tmp_path),
        env={**os.environ, "REDIS_PASSWORD": password},
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert result.returncode == 1
    assert "set REDIS_PASSWORD in .env" in result.stderr
