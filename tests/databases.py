"""Database URLs for tests that run a whole process: a SQLite file, or a fresh PostgreSQL database.

A process takes its database from a URL in its config, so PostgreSQL cases get a whole scratch
database rather than the schema that tests/store/backends.py hands to in-process stores.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg

from bot.store import async_url
from tests.store.backends import BACKENDS, pg_url, unavailable

__all__ = ["BACKENDS", "database_url"]


def _dsn(database: str | None = None) -> str:
    url = async_url(pg_url()).set(drivername="postgresql")
    if database is not None:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(_dsn(), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'dealwatch.db'}"
        return
    name = f"dw_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        unavailable(pg_url(), f"{type(exc).__name__}: {exc}")
    try:
        yield _dsn(name)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
