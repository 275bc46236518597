"""Store: schema migrations, Alembic driven from code (no alembic.ini), brought to head at start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

SCRIPTS = Path(__file__).with_name("migrations")

# Instances starting together on one PostgreSQL database take turns, so only one creates tables.
_PG_LOCK_KEY = 0x6465_616C_7761_7463  # "dealwatc"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, pointing at the scripts inside the installed package."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest revision this code ships."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def upgrade_engine(engine: AsyncEngine) -> None:
    """Apply every missing revision in one transaction; a database already at head is untouched."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)


def _upgrade(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    command.upgrade(alembic_config(conn), "head")


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, None before the first migration."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)


def _current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()
