"""The database engine and session factory, and schema migrations on start-up."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from handoff import jsonsafe

logger = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# Postgres advisory lock: only one gateway process migrates at a time.
MIGRATION_LOCK_ID = 7_355_608


def create_engine(database_url: str) -> AsyncEngine:
    """The gateway's engine. ``hide_parameters``: a failing statement is logged without its
    values, which may be a citizen's text; the JSON columns use the total serialiser."""
    common: dict[str, Any] = {"hide_parameters": True, "json_serializer": jsonsafe.dumps}
    if database_url.startswith("sqlite"):
        Path(database_url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        # One connection: SQLite has one writer anyway, and writers competing for its lock would
        # wait in SQLite's sleeping busy handler; queueing for the connection in asyncio is fair and fast.
        engine = create_async_engine(
            database_url, connect_args={"timeout": 15}, pool_size=1, max_overflow=0, pool_timeout=30, **common
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()

        return engine
    return create_async_engine(
        database_url,
        pool_size=10,
        max_overflow=10,
        pool_pre_ping=True,
        pool_timeout=10,
        connect_args={"timeout": 10, "command_timeout": 10},
        **common,
    )


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK_ID})")
    try:
        command.upgrade(_alembic_config(connection), "head")
    finally:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK_ID})")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision (Alembic), safe with several processes."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)
    logger.info("database schema is up to date")


def run_migrations(database_url: str) -> None:
    async def _run() -> None:
        engine = create_engine(database_url)
        try:
            await migrate(engine)
        finally:
            await engine.dispose()

    asyncio.run(_run())
