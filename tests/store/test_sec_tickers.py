"""Store: the cached SEC ticker file, and the explicit ticker on a watched company."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.model import Company
from bot.store import SqlStore
from tests.store.backends import ScratchDatabase

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

ROWS = {
    "ACME": ("0001900001", "Acme Robotics Inc."),
    "NBLR": ("0001900003", "Nimbler Holdings, Inc."),
    "NBLRW": ("0001900003", "Nimbler Holdings, Inc."),
    "BRK-B": ("0001900011", "Brickworks Holdings"),
    "MLRX": ("0001900006", "Müller Präzision AG"),
}


async def test_an_empty_cache_knows_nothing(store: SqlStore) -> None:
    assert await store.sec_tickers_fetched_at() is None
    assert await store.sec_ticker_ciks(["ACME"]) == {}
    assert await store.sec_ticker_ciks([]) == {}


async def test_replaced_rows_are_looked_up_by_ticker(store: SqlStore) -> None:
    await store.replace_sec_tickers(ROWS, T0)
    assert await store.sec_tickers_fetched_at() == T0
    found = await store.sec_ticker_ciks(["ACME", "BRK-B", "NBLRW", "NOPE", "ACME"])
    assert found == {"ACME": "0001900001", "BRK-B": "0001900011", "NBLRW": "0001900003"}


async def test_a_refresh_replaces_the_whole_cache(store: SqlStore) -> None:
    await store.replace_sec_tickers(ROWS, T0)
    later = T0 + timedelta(days=7, minutes=1)
    await store.replace_sec_tickers({"ACME": ("0001900099", "Acme Robotics Holdings Inc.")}, later)
    assert await store.sec_tickers_fetched_at() == later
    assert await store.sec_ticker_ciks(ROWS) == {"ACME": "0001900099"}


async def test_fetched_at_comes_back_aware_utc(store: SqlStore) -> None:
    from zoneinfo import ZoneInfo

    await store.replace_sec_tickers(ROWS, T0.astimezone(ZoneInfo("America/New_York")))
    fetched = await store.sec_tickers_fetched_at()
    assert fetched == T0 and fetched is not None and fetched.utcoffset() == timedelta(0)


async def test_a_full_sized_file_is_stored_and_looked_up_in_chunks(store: SqlStore) -> None:
    many = {f"T{i:04d}": (f"{1_000_000 + i:010d}", f"Registrant {i}") for i in range(3000)}
    await store.replace_sec_tickers(many, T0)
    found = await store.sec_ticker_ciks(list(many)[::2])
    assert len(found) == 1500 and found["T2998"] == "0001002998"


async def test_instances_refreshing_at_once_leave_one_whole_copy(database: ScratchDatabase, store: SqlStore) -> None:
    others = [await database.open() for _ in range(2)]
    try:
        copies = [{f"{name}{i:03d}": (f"{1_000_000 + i:010d}", name) for i in range(600)} for name in ("A", "B", "C")]
        await asyncio.gather(
            *(s.replace_sec_tickers(rows, T0) for s, rows in zip([store, *others], copies, strict=True))
        )
        found = await store.sec_ticker_ciks([t for rows in copies for t in rows])
        assert len(found) == 600
        assert len({t[0] for t in found}) == 1  # all from one refresh, none mixed
    finally:
        for other in others:
            await other.close()


async def test_a_company_keeps_its_explicit_ticker(store: SqlStore) -> None:
    brick = Company("Brickworks", ("Brickworks Holdings",), ticker="BRK.B")
    await store.upsert_company(brick)
    await store.upsert_company(Company("Acme Robotics", ("ACME",), cik="1900001"))
    assert await store.list_companies() == [Company("Acme Robotics", ("ACME",), cik="1900001"), brick]
    await store.upsert_company(Company("brickworks"))
    assert [c.ticker for c in await store.list_companies()] == [None, None]
