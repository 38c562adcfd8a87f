"""docker-compose.yml is valid and describes the deployment the docs promise.

No Docker engine runs here: `docker-compose config` (Debian's docker-compose) validates it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]


def compose(*args: str, env: Dict[str, str]) -> subprocess.CompletedProcess[str]:
    if shutil.which("docker-compose") is None:
        skip_or_fail("docker-compose is not installed (make test installs the Debian package)")
    return subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def example_env() -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("POSTGRES_PASSWORD", "RASA_TOKEN", "ALLOWED_ORIGINS")}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    return env


@pytest.fixture(scope="module")
def config(example_env: Dict[str, str]) -> Dict[str, Any]:
    result = compose("config", env=example_env)
    assert result.returncode == 0, result.stderr
    loaded: Dict[str, Any] = yaml.safe_load(result.stdout)
    return loaded


def test_config_is_valid(example_env: Dict[str, str]) -> None:
    result = compose("config", "-q", env=example_env)
    assert result.returncode == 0, result.stderr


def test_secrets_are_required() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("POSTGRES_PASSWORD", "RASA_TOKEN", "ALLOWED_ORIGINS")}
    result = compose("config", "-q", env=env)
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr


def test_services(config: Dict[str, Any]) -> None:
    services = config["services"]
    assert {"rasa", "actions", "postgres", "redis", "gateway"} <= set(services)
    assert services["rasa"]["image"] == "rasa/rasa:3.6.21-full"
    assert "bot/endpoints.docker.yml" in services["rasa"]["command"]
    assert services["actions"]["build"]["dockerfile"] == "actions/Dockerfile"
    dockerfile = (ROOT / "actions" / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "FROM rasa/rasa-sdk:3.6." in dockerfile


def test_only_the_gateway_is_published(config: Dict[str, Any]) -> None:
    for name, service in config["services"].items():
        if name != "gateway":
            assert "ports" not in service, f"{name} must stay on the internal network"
    gateway = config["services"]["gateway"]
    assert gateway["ports"], "the gateway is what browsers talk to"
    environment = gateway["environment"]
    assert environment["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert environment["REDIS_URL"].startswith("redis://")
    assert environment["ALLOWED_ORIGINS"] != "*" and environment["COOKIE_SECURE"] == "true"
    dockerfile = (ROOT / "handoff" / "Dockerfile").read_text(encoding="utf-8")
    assert "USER 1001" in dockerfile and 'CMD ["python", "-m", "handoff"]' in dockerfile


def test_rasa_uses_postgres_and_redis_there() -> None:
    endpoints = yaml.safe_load((ROOT / "bot" / "endpoints.docker.yml").read_text(encoding="utf-8"))
    assert endpoints["tracker_store"]["type"] == "SQL"
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["lock_store"]["type"] == "redis"
