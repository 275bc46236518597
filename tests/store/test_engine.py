"""Store: URLs, connection settings and migrations."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

from bot.model import Company
from bot.store import async_url, create_engine, open_store, upgrade
from bot.store.migrate import SCRIPTS, current_revision, head_revision
from bot.store.tables import metadata
from tests.store.backends import ScratchDatabase


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///dealwatch.db", "sqlite+aiosqlite:///dealwatch.db"),
        ("sqlite:////var/lib/dealwatch.db", "sqlite+aiosqlite:////var/lib/dealwatch.db"),
        ("sqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://bot@db.internal/deals", "postgresql+asyncpg://bot@db.internal/deals"),
        ("postgres://bot:secret@db:5433/deals", "postgresql+asyncpg://bot:secret@db:5433/deals"),
        ("postgresql+asyncpg://bot@db/deals", "postgresql+asyncpg://bot@db/deals"),
    ],
)
def test_urls_get_the_async_driver(given: str, expected: str) -> None:
    assert async_url(given) == make_url(expected)


@pytest.mark.parametrize("url", ["mysql://db/deals", "postgresql+psycopg://db/deals", "sqlite+pysqlite:///x.db"])
def test_other_databases_and_drivers_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match=r"database|driver"):
        async_url(url)


def test_schema_is_a_postgresql_option(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        create_engine(f"sqlite:///{tmp_path / 'x.db'}", schema="elsewhere")


async def test_in_memory_sqlite_holds_data_across_calls() -> None:
    store = await open_store("sqlite:///:memory:")
    try:
        await store.upsert_company(Company("Scale AI"))
        assert [c.name for c in await store.list_companies()] == ["Scale AI"]
    finally:
        await store.close()


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'deals.db'}")
    try:
        async with store.engine.connect() as conn:
            assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
            assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
            assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar_one() >= 5000
    finally:
        await store.close()


def test_the_scripts_ship_one_head() -> None:
    assert (SCRIPTS / "env.py").is_file()
    assert (SCRIPTS / "script.py.mako").is_file()
    assert head_revision() == "0001"


async def test_migrating_again_is_a_no_op(database: ScratchDatabase) -> None:
    store = await database.open()
    try:
        await store.upsert_company(Company("Scale AI", ("Scale",)))
        await upgrade(database.url, schema=database.schema)
        again = await database.open()  # open_store migrates too
        await again.close()
        assert await current_revision(store.engine) == head_revision()
        assert await store.list_companies() == [Company("Scale AI", ("Scale",))]
        async with store.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM alembic_version"))).scalar() == 1
    finally:
        await store.close()


async def test_instances_starting_together_migrate_once(database: ScratchDatabase) -> None:
    await asyncio.gather(*(upgrade(database.url, schema=database.schema) for _ in range(3)))
    store = await database.open(migrate=False)
    try:
        assert await current_revision(store.engine) == head_revision()
    finally:
        await store.close()


async def test_open_without_migrate_leaves_the_database_alone(database: ScratchDatabase) -> None:
    store = await database.open(migrate=False)
    try:
        assert await current_revision(store.engine) is None
        async with store.engine.connect() as conn:
            assert await conn.run_sync(lambda c: inspect(c).get_table_names()) == []
        await upgrade(database.url, schema=database.schema)
        assert await current_revision(store.engine) == "0001"
    finally:
        await store.close()


def _differences(conn: Connection) -> list[object]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_the_migration_builds_exactly_the_tables_the_code_uses(database: ScratchDatabase) -> None:
    store = await database.open()
    try:
        async with store.engine.connect() as conn:
            assert await conn.run_sync(_differences) == []
    finally:
        await store.close()
