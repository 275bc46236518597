"""Handler fixtures: a real store (SQLite and PostgreSQL), a clock moved by hand, contexts for members and admins."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.store import SqlStore
from handlers.context import Context
from tests.fakes import FakeClock
from tests.handlers.samples import T0, SourceChecker
from tests.store.backends import BACKENDS, open_test_store

MakeContext = Callable[..., Context]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def store(backend: str, tmp_path: Path) -> AsyncIterator[SqlStore]:
    async with open_test_store(backend, tmp_path) as store:
        yield store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def checker() -> SourceChecker:
    return SourceChecker()


@pytest.fixture
def make_ctx(store: SqlStore, clock: FakeClock, checker: SourceChecker) -> MakeContext:
    def make(*, admin: bool = False, channel: str = "slack:C1", user: str = "U1", **changes: object) -> Context:
        values: dict[str, object] = {
            "store": store,
            "clock": clock,
            "platform": "slack",
            "channel": channel,
            "user": user,
            "is_admin": admin,
            "check_source": checker,
            "version": "1.2.3",
        }
        values.update(changes)
        return Context(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def ctx(make_ctx: MakeContext) -> Context:
    return make_ctx()


@pytest.fixture
def admin(make_ctx: MakeContext) -> Context:
    return make_ctx(admin=True)
