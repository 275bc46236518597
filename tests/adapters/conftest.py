"""Adapter test fixtures: a running fake Slack, a scratch SQLite store, a hand-moved clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import SqlStore
from tests.adapters.fake_slack import FakeSlack
from tests.fakes import FakeClock
from tests.store.backends import open_test_store


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    async with open_test_store("sqlite", tmp_path) as s:
        yield s


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
