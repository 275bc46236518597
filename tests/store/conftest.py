"""Store test fixtures: every store test runs once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import SqlStore
from tests.store.backends import BACKENDS, ScratchDatabase, scratch_database


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database(backend: str, tmp_path: Path) -> AsyncIterator[ScratchDatabase]:
    async with scratch_database(backend, tmp_path) as database:
        yield database


@pytest.fixture
async def store(database: ScratchDatabase) -> AsyncIterator[SqlStore]:
    store = await database.open()
    try:
        yield store
    finally:
        await store.close()
