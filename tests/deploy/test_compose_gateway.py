"""The gateway as docker-compose.yml configures it, run for real: with .env.example's values
replaced as the file says, an agent logs in to the console and opens its socket; with the
placeholders left in, the gateway refuses to start.

No container engine runs here, so the gateway service's resolved environment is used as it is,
with the containers' host names pointed at this machine: Postgres with the roles and databases
deploy/postgres-init.sh creates (under names of this test run), the redis service's own command
with its password, and no Rasa (a login does not need it).
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator

import aiohttp
import pytest

from tests.conftest import free_port, skip_or_fail
from tests.deploy.test_docker_compose import env_example, resolve
from tests.deploy.test_postgres_init import drop, psql, run_script, unique_names
from tests.deploy.test_redis_service import local_command
from tests.handoff.clients import client, dispose
from tools.stack import ROOT, ManagedProcess

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
PASSWORD = "correct horse battery staple"


def as_documented() -> Dict[str, str]:
    """.env.example with every change-me value replaced by a random secret (`openssl rand -hex 32`)."""
    return {k: secrets.token_hex(32) if "change-me" in v else v for k, v in env_example().items()}


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Dict[str, Any]]:
    """Postgres roles and a password-protected Redis as the compose file sets them up."""
    if shutil.which("psql") is None or psql("SELECT 1").returncode != 0:
        skip_or_fail("Postgres (127.0.0.1:5432) with psql is not reachable")
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server is not installed")
    values = as_documented()
    config = resolve(values)
    names = unique_names()
    created = run_script(
        names, {k: values[k] for k in ("GATEWAY_DB_PASSWORD", "RASA_DB_PASSWORD", "POSTGRES_PASSWORD")}
    )
    assert created.returncode == 0, created.stderr
    port = free_port()
    redis = subprocess.Popen(
        local_command(config["services"]["redis"], port, tmp_path),
        env={**os.environ, "REDIS_PASSWORD": values["REDIS_PASSWORD"]},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield {"values": values, "config": config, "names": names, "redis_port": port}
    finally:
        redis.kill()
        redis.wait(timeout=10)
        drop(names)


def local(environment: Dict[str, str], names: Dict[str, str], redis_port: int, port: int) -> Dict[str, str]:
    """The gateway container's environment, its host names pointed at this machine."""
    env = dict(environment)
    for key, database in (("DATABASE_URL", "gateway"), ("RASA_TRACKER_URL", "rasa")):
        found = re.fullmatch(r"(postgresql\+asyncpg)://(\w+):([^@]+)@postgres:5432/(\w+)", env[key])
        assert found is not None and found.group(2) == "gateway", env[key]  # the gateway's own role
        role, name = names["gateway_role"], names[f"{database}_db"]
        env[key] = f"{found.group(1)}://{role}:{found.group(3)}@127.0.0.1:5432/{name}"
    env["REDIS_URL"] = env["REDIS_URL"].replace("@redis:6379/", f"@127.0.0.1:{redis_port}/")
    env["RASA_URL"] = f"http://127.0.0.1:{free_port()}"  # no Rasa: not needed to log in
    env.update(GATEWAY_HOST="127.0.0.1", GATEWAY_PORT=str(port))
    return env


def process_env(environment: Dict[str, str]) -> Dict[str, str]:
    inherited = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return {**inherited, **environment, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def add_agent(env: Dict[str, str]) -> None:
    command = [sys.executable, "-m", "handoff", "users", "add", "--username", "anna", "--name", "Anna Schmidt"]
    command += ["--role", "agent", "--departments", "buergerservice", "--password-stdin"]
    added = subprocess.run(
        command, input=PASSWORD + "\n", env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert added.returncode == 0, added.stderr


async def test_an_agent_logs_in_to_the_documented_deployment(services: Dict[str, Any], tmp_path: Path) -> None:
    gateway_environment = {k: str(v) for k, v in services["config"]["services"]["gateway"]["environment"].items()}
    port = free_port()
    env = process_env(local(gateway_environment, services["names"], services["redis_port"], port))
    await asyncio.to_thread(add_agent, env)
    gateway = ManagedProcess(
        "compose-gateway",
        [sys.executable, "-m", "handoff"],
        env,
        tmp_path / "gateway.log",
        f"http://127.0.0.1:{port}/healthz",
        60,
    )
    gateway.start()
    try:
        await asyncio.to_thread(gateway.wait_ready)
        console = gateway_environment["CONSOLE_ORIGINS"]  # the public origin behind the TLS proxy
        headers = {"Origin": console, "X-Forwarded-For": "198.51.100.23"}
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"http://127.0.0.1:{port}/api/login", json={"username": "anna", "password": PASSWORD}, headers=headers
            ) as response,
        ):
            assert response.status == 200, await response.text()
            cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("__Host-citychat_session=") and "Secure" in cookie
        sio = client()
        try:
            await sio.connect(
                f"http://127.0.0.1:{port}",
                namespaces=["/agent"],
                transports=["websocket"],
                headers={"Origin": console, "Cookie": cookie.split(";", 1)[0]},
            )
            hello = await sio.call("hello", namespace="/agent", timeout=10)
            assert hello["ok"] and hello["me"]["username"] == "anna"
        finally:
            await dispose(sio)
    finally:
        gateway.stop()


def test_the_gateway_refuses_the_placeholders_of_env_example() -> None:
    gateway_environment = resolve(env_example())["services"]["gateway"]["environment"]
    env = process_env({k: str(v) for k, v in gateway_environment.items()})
    started = subprocess.run(
        [sys.executable, "-m", "handoff"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert started.returncode == 2
    assert "still contains the placeholder" in started.stderr and "change-me" in started.stderr
