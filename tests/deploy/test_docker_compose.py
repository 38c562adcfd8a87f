"""docker-compose.yml is valid and describes the deployment the docs promise.

No Docker engine runs here: `docker-compose config` (Debian's docker-compose) validates and
resolves it. Secrets: each comes from .env, each is required, none is on a command line, the
services log in as their own database roles and with the Redis password.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, List
from urllib.parse import urlsplit

import pytest
import yaml

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("POSTGRES_PASSWORD", "GATEWAY_DB_PASSWORD", "RASA_DB_PASSWORD", "REDIS_PASSWORD", "RASA_TOKEN")
ORIGINS = ("ALLOWED_ORIGINS", "CONSOLE_ORIGINS")


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


def env_example() -> Dict[str, str]:
    values: Dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def clean_environment() -> Dict[str, str]:
    """This process's environment without any variable the compose file reads."""
    return {k: v for k, v in os.environ.items() if k not in (*SECRETS, *ORIGINS, "GATEWAY_PUBLISH")}


def resolve(values: Dict[str, str]) -> Dict[str, Any]:
    result = compose("config", env={**clean_environment(), **values})
    assert result.returncode == 0, result.stderr
    loaded: Dict[str, Any] = yaml.safe_load(result.stdout)
    return loaded


@pytest.fixture(scope="module")
def example_env() -> Dict[str, str]:
    return {**clean_environment(), **env_example()}


@pytest.fixture(scope="module")
def real_secrets() -> Dict[str, str]:
    """What an operator puts into .env: distinct random values, so each one can be traced."""
    values = {name: secrets.token_hex(20) for name in SECRETS}
    values.update(ALLOWED_ORIGINS="https://www.musterstadt.de", CONSOLE_ORIGINS="https://chat.musterstadt.de")
    return values


@pytest.fixture(scope="module")
def config(real_secrets: Dict[str, str]) -> Dict[str, Any]:
    return resolve(real_secrets)


def test_config_with_the_example_env_is_valid(example_env: Dict[str, str]) -> None:
    result = compose("config", "-q", env=example_env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", [*SECRETS, *ORIGINS])
def test_each_secret_and_origin_is_required(example_env: Dict[str, str], name: str) -> None:
    env = {k: v for k, v in example_env.items() if k != name}
    result = compose("config", "-q", env=env)
    assert result.returncode != 0
    assert name in result.stderr


def test_env_example_lists_every_secret_with_a_placeholder() -> None:
    example = env_example()
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{(\w+):\?", compose))
    optional = set(re.findall(r"\$\{(\w+):-", compose))  # e-mail: the product runs without it
    assert required == set(SECRETS) | set(ORIGINS)
    assert set(example) == required | optional  # every variable the deployment reads is explained
    for name in SECRETS:
        assert example[name].startswith("change-me"), name  # the gateway refuses to start with it
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert "replace every change-me" in text
    assert "CONSOLE_ORIGINS=https://" in text and "ALLOWED_ORIGINS=https://" in text


def mounts(service: Dict[str, Any]) -> Dict[str, str]:
    """target -> source of a service's volumes (short or long syntax, as docker-compose prints them)."""
    result: Dict[str, str] = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            source, _, rest = volume.partition(":")
            result[rest.split(":")[0]] = source
        else:
            result[volume["target"]] = str(volume.get("source", ""))
    return result


def command_lines(service: Dict[str, Any]) -> List[str]:
    words: List[str] = []
    for key in ("command", "entrypoint"):
        value = service.get(key) or []
        words += [value] if isinstance(value, str) else [str(v) for v in value]
    test = (service.get("healthcheck") or {}).get("test") or []
    words += [test] if isinstance(test, str) else [str(v) for v in test]
    return words


def test_no_secret_is_on_a_command_line(config: Dict[str, Any], real_secrets: Dict[str, str]) -> None:
    for name, service in config["services"].items():
        joined = "\n".join(command_lines(service))
        for secret in SECRETS:
            assert real_secrets[secret] not in joined, f"{secret} in the command line of {name}"
        assert "--auth-token" not in joined and "--jwt-secret" not in joined and "token=" not in joined
    for dockerfile in ("bot/Dockerfile", "actions/Dockerfile", "handoff/Dockerfile"):
        text = (ROOT / dockerfile).read_text(encoding="utf-8")
        assert "--auth-token" not in text and "--jwt-secret" not in text and "RASA_TOKEN=" not in text


def test_rasa_runs_from_our_image_through_the_jwt_launcher(
    config: Dict[str, Any], real_secrets: Dict[str, str]
) -> None:
    rasa = config["services"]["rasa"]
    assert "image" not in rasa, "the stock image lacks what bot/components imports"
    assert rasa["build"]["dockerfile"] == "bot/Dockerfile"
    assert "bot/endpoints.docker.yml" in rasa["command"] and "--enable-api" in rasa["command"]
    assert rasa["environment"]["RASA_TOKEN"] == real_secrets["RASA_TOKEN"]
    assert set(mounts(rasa)) == {"/app/models"}, "bot/ and kb/ are in the image, only the model is mounted"
    dockerfile = (ROOT / "bot" / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "\nFROM rasa/rasa:3.6.21-full\n" in dockerfile
    assert 'ENTRYPOINT ["python", "-m", "bot.serve"]' in dockerfile
    assert re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)[-1] not in ("root", "0")
    assert config["services"]["gateway"]["environment"]["RASA_TOKEN"] == real_secrets["RASA_TOKEN"]


def test_the_action_server_pins_come_from_the_lock() -> None:
    dockerfile = (ROOT / "actions" / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM rasa/rasa-sdk:3.6." in dockerfile
    assert "-c requirements/bot.lock" in dockerfile and "==" not in dockerfile
    assert re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)[-1] not in ("root", "0")


def test_only_the_gateway_is_published(config: Dict[str, Any]) -> None:
    for name, service in config["services"].items():
        if name != "gateway":
            assert "ports" not in service, f"{name} must stay on the internal network"
    gateway = config["services"]["gateway"]
    assert gateway["ports"], "the gateway is what browsers talk to"
    environment = gateway["environment"]
    assert environment["ALLOWED_ORIGINS"] != "*" and environment["COOKIE_SECURE"] == "true"
    assert urlsplit(environment["CONSOLE_ORIGINS"]).scheme == "https"
    dockerfile = (ROOT / "handoff" / "Dockerfile").read_text(encoding="utf-8")
    assert "USER 1001" in dockerfile and 'CMD ["python", "-m", "handoff"]' in dockerfile


def test_the_services_use_their_own_database_roles(config: Dict[str, Any], real_secrets: Dict[str, str]) -> None:
    services = config["services"]
    superuser = services["postgres"]["environment"]["POSTGRES_USER"]
    assert superuser == "postgres"
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == real_secrets["POSTGRES_PASSWORD"]
    gateway = services["gateway"]["environment"]
    for key, database in (("DATABASE_URL", "gateway"), ("RASA_TRACKER_URL", "rasa")):
        url = urlsplit(gateway[key])
        assert url.scheme == "postgresql+asyncpg" and url.hostname == "postgres"
        assert url.username == "gateway" and url.username != superuser
        assert url.password == real_secrets["GATEWAY_DB_PASSWORD"]
        assert url.path == f"/{database}"
    rasa = services["rasa"]["environment"]
    assert rasa["DB_USER"] == "rasa" and rasa["DB_NAME"] == "rasa"
    assert rasa["DB_PASSWORD"] == real_secrets["RASA_DB_PASSWORD"]
    for name, service in services.items():
        for value in (service.get("environment") or {}).values():
            assert f"//{superuser}:" not in str(value), f"{name} logs in as the superuser"
    script = mounts(services["postgres"])["/docker-entrypoint-initdb.d/10-citychat-roles.sh"]
    assert Path(script) == ROOT / "deploy" / "postgres-init.sh"
    postgres_env = services["postgres"]["environment"]
    assert postgres_env["GATEWAY_DB_PASSWORD"] == real_secrets["GATEWAY_DB_PASSWORD"]
    assert postgres_env["RASA_DB_PASSWORD"] == real_secrets["RASA_DB_PASSWORD"]


def test_every_redis_client_uses_the_password(config: Dict[str, Any], real_secrets: Dict[str, str]) -> None:
    services = config["services"]
    password = real_secrets["REDIS_PASSWORD"]
    url = urlsplit(services["gateway"]["environment"]["REDIS_URL"])
    assert url.scheme == "redis" and url.hostname == "redis" and url.password == password
    assert services["rasa"]["environment"]["REDIS_PASSWORD"] == password
    assert services["redis"]["environment"]["REDIS_PASSWORD"] == password
    endpoints = yaml.safe_load((ROOT / "bot" / "endpoints.docker.yml").read_text(encoding="utf-8"))
    assert endpoints["lock_store"]["password"] == "${REDIS_PASSWORD}"
    assert "requirepass" in "\n".join(command_lines(services["redis"]))


def test_rasa_uses_postgres_and_redis_there() -> None:
    endpoints = yaml.safe_load((ROOT / "bot" / "endpoints.docker.yml").read_text(encoding="utf-8"))
    assert endpoints["tracker_store"]["type"] == "SQL"
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["tracker_store"]["username"] == "${DB_USER}"
    assert endpoints["lock_store"]["type"] == "redis"
