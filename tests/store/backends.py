"""Test support for the store: a scratch database on SQLite or PostgreSQL, usable from any test directory.

    from tests.store.backends import BACKENDS, open_test_store

    @pytest.mark.parametrize("backend", BACKENDS)
    async def test_end_to_end(backend, tmp_path):
        async with open_test_store(backend, tmp_path) as store:
            ...

PostgreSQL comes from DEALWATCH_TEST_PG (default postgresql://postgres@127.0.0.1:5432/test); each
scratch database is a fresh schema, dropped afterwards. When the server is unreachable the test is
skipped, or fails when DEALWATCH_REQUIRE_PG=1 (as CI sets it).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from bot.store import SqlStore, async_url, open_store

BACKENDS = ("sqlite", "postgresql")
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"

_unreachable: dict[str, str | None] = {}  # url -> why not, once per test session


def pg_url() -> str:
    return os.environ.get("DEALWATCH_TEST_PG") or DEFAULT_PG


def _dsn(url: str) -> str:
    """What asyncpg itself takes: the URL without SQLAlchemy's driver suffix."""
    return async_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(url: str) -> asyncpg.Connection:
    """A plain connection for creating and dropping schemas; skips (or fails) when there is no server."""
    if _unreachable.get(url) is None:
        try:
            conn: asyncpg.Connection = await asyncpg.connect(_dsn(url), timeout=5)
        except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
            _unreachable[url] = f"{type(exc).__name__}: {exc}"
        else:
            return conn
    unavailable(url, _unreachable[url] or "")
    raise AssertionError("unreachable")  # unavailable() always skips or fails


def unavailable(url: str, reason: str) -> None:
    """Skips the test, or fails it when DEALWATCH_REQUIRE_PG=1 (CI), saying how to get a server."""
    shown = async_url(url).set(drivername="postgresql").render_as_string(hide_password=True)
    message = (
        f"PostgreSQL not reachable at {shown}: run scripts/ensure-postgres (or `pg_ctlcluster "
        f"--skip-systemctl-redirect <version> main start`), or set DEALWATCH_TEST_PG ({reason})"
    )
    if os.environ.get("DEALWATCH_REQUIRE_PG") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass(frozen=True)
class ScratchDatabase:
    """Where one test's data lives; `open` may be called more than once (several instances)."""

    backend: str
    url: str
    schema: str | None = None

    async def open(self, *, migrate: bool = True) -> SqlStore:
        return await open_store(self.url, migrate=migrate, schema=self.schema)


@asynccontextmanager
async def scratch_database(backend: str, tmp_path: Path) -> AsyncIterator[ScratchDatabase]:
    """An empty database for one test: a file under tmp_path, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield ScratchDatabase("sqlite", f"sqlite:///{tmp_path / 'dealwatch.db'}")
        return
    if backend != "postgresql":
        raise ValueError(f"unknown backend {backend!r}; expected one of {BACKENDS}")
    url = pg_url()
    schema = f"dealwatch_test_{uuid.uuid4().hex[:12]}"
    conn = await _admin(url)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        yield ScratchDatabase("postgresql", url, schema)
    finally:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await conn.close()


@asynccontextmanager
async def open_test_store(backend: str, tmp_path: Path) -> AsyncIterator[SqlStore]:
    """A migrated store on a scratch database, closed and removed afterwards."""
    async with scratch_database(backend, tmp_path) as database:
        store = await database.open()
        try:
            yield store
        finally:
            await store.close()
