"""deploy/postgres-init.sh, run for real against this machine's Postgres (127.0.0.1:5432).

The script runs as the superuser, as the postgres image runs it, with role and database names
of this test run (a unique prefix), which are dropped afterwards. Then: Rasa's own SQL tracker
store creates its `events` table as role `rasa`, role `gateway` reads and deletes there and
nothing more, creates its own tables in `gateway`, neither role is a superuser, and the
passwords are those of the environment.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Dict, Iterator, Optional

import pytest

from tests.conftest import skip_or_fail

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "postgres-init.sh"
HOST, PORT, SUPERUSER = "127.0.0.1", "5432", "postgres"
PSQL = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", HOST, "-p", PORT]
BOT_PYTHON = ROOT / ".venv" / "bot" / "bin" / "python"

# Rasa 3.6's SQL tracker store, as role `rasa`: creates the `events` table, saves two trackers.
RASA_TRACKER_STORE = """
import asyncio, os
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

store = SQLTrackerStore(Domain.empty(), dialect="postgresql", host=os.environ["T_HOST"], port=os.environ["T_PORT"],
                        db=os.environ["T_DB"], username=os.environ["T_USER"], password=os.environ["T_PASSWORD"])
for sender in ("delete-me", "keep-me"):
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, [UserUttered("Hallo")])))
"""


def psql(sql: str, user: str = SUPERUSER, database: str = "postgres") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PSQL, "-U", user, "-d", database, "-c", sql],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def value(sql: str, user: str = SUPERUSER, database: str = "postgres") -> str:
    result = psql(sql, user, database)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def refused(sql: str, user: str, database: str = "postgres") -> str:
    result = psql(sql, user, database)
    assert result.returncode != 0, f"{user} may: {sql}"
    return result.stderr


def run_script(names: Dict[str, str], passwords: Dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "POSTGRES_", "CITYCHAT_"))}
    env.update(
        PGHOST=HOST,
        PGPORT=PORT,
        POSTGRES_USER=SUPERUSER,
        POSTGRES_DB="postgres",
        CITYCHAT_GATEWAY_ROLE=names["gateway_role"],
        CITYCHAT_GATEWAY_DB=names["gateway_db"],
        CITYCHAT_RASA_ROLE=names["rasa_role"],
        CITYCHAT_RASA_DB=names["rasa_db"],
        **passwords,
    )
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False)


def unique_names() -> Dict[str, str]:
    prefix = f"citychat_test_{uuid.uuid4().hex[:10]}"
    return {
        "gateway_role": f"{prefix}_gateway",
        "gateway_db": f"{prefix}_gateway_db",
        "rasa_role": f"{prefix}_rasa",
        "rasa_db": f"{prefix}_rasa_db",
    }


def drop(names: Dict[str, str]) -> None:
    for database in (names["gateway_db"], names["rasa_db"]):
        psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    for role in (names["gateway_role"], names["rasa_role"]):
        psql(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture(scope="module")
def postgres() -> None:
    if shutil.which("psql") is None:
        skip_or_fail("psql is not installed")
    if psql("SELECT 1").returncode != 0:
        skip_or_fail(f"Postgres ({HOST}:{PORT}, user {SUPERUSER}) is not reachable")


@pytest.fixture(scope="module")
def passwords() -> Dict[str, str]:
    return {"GATEWAY_DB_PASSWORD": secrets.token_hex(20), "RASA_DB_PASSWORD": secrets.token_hex(20)}


@pytest.fixture(scope="module")
def names(postgres: None, passwords: Dict[str, str]) -> Iterator[Dict[str, str]]:
    names = unique_names()
    try:
        # an installation from before the roles: the superuser made the database and its tables
        value(f'CREATE DATABASE "{names["gateway_db"]}"')
        value("CREATE TABLE legacy (id serial PRIMARY KEY, note text)", database=names["gateway_db"])
        result = run_script(names, passwords)
        assert result.returncode == 0, result.stderr
        yield names
    finally:
        drop(names)
    assert value(f"SELECT count(*) FROM pg_roles WHERE rolname LIKE '{names['rasa_role'][:-5]}%'") == "0"


def scram_matches(verifier: str, password: str) -> bool:
    """Does a stored SCRAM-SHA-256 verifier belong to this password? (trust auth here checks none)"""
    method, _, rest = verifier.partition("$")
    iterations_salt, _, keys = rest.partition("$")
    iterations, _, salt = iterations_salt.partition(":")
    stored_key, _, server_key = keys.partition(":")
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return (
        method == "SCRAM-SHA-256"
        and base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key
        and base64.b64encode(hmac.new(salted, b"Server Key", hashlib.sha256).digest()).decode() == server_key
    )


def test_two_login_roles_without_special_rights(names: Dict[str, str], passwords: Dict[str, str]) -> None:
    for role, variable in ((names["gateway_role"], "GATEWAY_DB_PASSWORD"), (names["rasa_role"], "RASA_DB_PASSWORD")):
        attributes = value(
            "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls "
            f"FROM pg_roles WHERE rolname = '{role}'"
        )
        assert attributes == "t|f|f|f|f|f", role
        verifier = value(f"SELECT rolpassword FROM pg_authid WHERE rolname = '{role}'")
        assert scram_matches(verifier, passwords[variable]), f"{role} has not the password of {variable}"
        assert not scram_matches(verifier, "something else")


def test_each_database_belongs_to_its_role_and_is_closed_to_others(names: Dict[str, str]) -> None:
    for database, role in ((names["gateway_db"], names["gateway_role"]), (names["rasa_db"], names["rasa_role"])):
        assert value(f"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{database}'") == role
        assert value(f"SELECT has_database_privilege('public', '{database}', 'CONNECT')") == "f"
    assert "permission denied" in refused("SELECT 1", names["rasa_role"], names["gateway_db"])


def test_the_gateway_owns_its_database(names: Dict[str, str]) -> None:
    gateway, database = names["gateway_role"], names["gateway_db"]
    value("CREATE TABLE conversations (id text PRIMARY KEY); DROP TABLE conversations", gateway, database)
    # what the superuser had created there before is the gateway's now
    assert value("SELECT tableowner FROM pg_tables WHERE tablename = 'legacy'", database=database) == gateway
    value("INSERT INTO legacy (note) VALUES ('x'); ALTER TABLE legacy ADD COLUMN more text", gateway, database)


def test_rasa_creates_its_tracker_store_and_the_gateway_may_only_read_and_delete_there(
    names: Dict[str, str], passwords: Dict[str, str]
) -> None:
    if not BOT_PYTHON.exists():
        skip_or_fail("no bot environment (.venv/bot): make envs")
    gateway, rasa, database = names["gateway_role"], names["rasa_role"], names["rasa_db"]
    env = {
        **os.environ,
        "T_HOST": HOST,
        "T_PORT": PORT,
        "T_DB": database,
        "T_USER": rasa,
        "T_PASSWORD": passwords["RASA_DB_PASSWORD"],
        "RASA_TELEMETRY_ENABLED": "false",
    }
    created = subprocess.run(
        [str(BOT_PYTHON), "-c", RASA_TRACKER_STORE], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert created.returncode == 0, created.stderr
    assert value("SELECT tableowner FROM pg_tables WHERE tablename = 'events'", database=database) == rasa

    # what the gateway does on deletion (handoff/retention.py): is there a table, then delete
    assert value("SELECT to_regclass('public.events') IS NOT NULL", gateway, database) == "t"
    deleted = value("WITH d AS (DELETE FROM events WHERE sender_id IN ('delete-me') RETURNING 1) "
                    "SELECT count(*) FROM d", gateway, database)  # fmt: skip
    assert int(deleted) >= 1
    assert value("SELECT DISTINCT sender_id FROM events", gateway, database) == "keep-me"

    # and nothing else
    refused("INSERT INTO events (sender_id, type_name) VALUES ('x', 'user')", gateway, database)
    refused("UPDATE events SET sender_id = 'x'", gateway, database)
    refused("TRUNCATE events", gateway, database)
    refused("DROP TABLE events", gateway, database)
    refused("CREATE TABLE mine (id int)", gateway, database)
    refused("CREATE DATABASE another", gateway)
    refused("CREATE ROLE another", rasa)


def test_running_it_again_changes_nothing_but_the_passwords(names: Dict[str, str]) -> None:
    new = {"GATEWAY_DB_PASSWORD": secrets.token_hex(20), "RASA_DB_PASSWORD": secrets.token_hex(20)}
    result = run_script(names, new)
    assert result.returncode == 0, result.stderr
    verifier = value(f"SELECT rolpassword FROM pg_authid WHERE rolname = '{names['gateway_role']}'")
    assert scram_matches(verifier, new["GATEWAY_DB_PASSWORD"])
    assert value(f"SELECT rolsuper FROM pg_roles WHERE rolname = '{names['rasa_role']}'") == "f"


@pytest.mark.parametrize(
    ("gateway_password", "rasa_password"),
    [
        ("change-me-gateway-database-password", "a" * 40),
        ("a" * 40, ""),
        ("a" * 40, "p@ss/word#1"),
        (None, "a" * 40),
    ],
    ids=["placeholder", "empty", "not-url-safe", "missing"],
)
def test_placeholders_and_missing_passwords_are_refused(
    postgres: None, gateway_password: Optional[str], rasa_password: str
) -> None:
    names = unique_names()
    passwords = {"RASA_DB_PASSWORD": rasa_password}
    if gateway_password is not None:
        passwords["GATEWAY_DB_PASSWORD"] = gateway_password
    try:
        result = run_script(names, passwords)
        assert result.returncode != 0
        assert "postgres-init:" in result.stderr
        assert value(f"SELECT count(*) FROM pg_roles WHERE rolname LIKE '{names['gateway_role'][:-8]}%'") == "0"
    finally:
        drop(names)
