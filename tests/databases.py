"""Database URLs for tests that run a whole process: a SQLite file, or a fresh PostgreSQL database.

PostgreSQL: `DEALWATCH_TEST_PG` (default postgresql://postgres@127.0.0.1:5432/test) must answer;
otherwise those cases skip, or fail when DEALWATCH_REQUIRE_PG=1 (CI). `scripts/ensure-postgres`
starts one.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

PG_URL = os.environ.get("DEALWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg://", "postgresql://"), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL not reachable at {PG_URL} ({reason}): run scripts/ensure-postgres or set DEALWATCH_TEST_PG"
    if os.environ.get("DEALWATCH_REQUIRE_PG") == "1":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'dealwatch.db'}"
        return
    name = f"dw_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        _unavailable(f"{type(exc).__name__}: {exc}")
    try:
        yield _with_database(PG_URL, name)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
