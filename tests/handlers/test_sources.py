"""sources / source add / source remove: health, the test fetch before saving, ids."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.model import SourceSpec
from bot.store import SqlStore
from handlers import dispatch
from handlers.context import Context
from tests.fakes import FakeClock
from tests.handlers.conftest import MakeContext
from tests.handlers.samples import T0, SourceChecker, poll


async def test_source_add_saves_after_a_successful_check(
    admin: Context, store: SqlStore, checker: SourceChecker
) -> None:
    reply = await dispatch(admin, "source add https://feeds.example/deals.xml 15m")
    assert checker.urls == ["https://feeds.example/deals.xml"]
    (source,) = await store.list_sources()
    assert (source.kind, source.url, source.interval_s) == ("rss", "https://feeds.example/deals.xml", 900)
    assert (
        reply.text == f"Added source #{source.id} (rss, every 15m): https://feeds.example/deals.xml. First poll soon."
    )


async def test_source_add_defaults_to_ten_minutes_and_unwraps_angle_brackets(admin: Context, store: SqlStore) -> None:
    await dispatch(admin, "source add <https://feeds.example/deals.xml>")
    (source,) = await store.list_sources()
    assert (source.url, source.interval_s) == ("https://feeds.example/deals.xml", 600)


async def test_source_add_saves_nothing_when_the_check_fails(
    make_ctx: MakeContext, store: SqlStore, checker: SourceChecker
) -> None:
    checker.error = "private address 10.0.0.1 refused"
    reply = await dispatch(make_ctx(admin=True), "source add http://intranet.example/feed 10m")
    assert reply.ephemeral
    assert (
        reply.text == "Could not add http://intranet.example/feed: private address 10.0.0.1 refused. Nothing was saved."
    )
    assert await store.list_sources() == []


async def test_a_check_that_raises_saves_nothing(make_ctx: MakeContext, store: SqlStore) -> None:
    async def explode(url: str) -> str | None:
        raise ConnectionError("boom")

    reply = await dispatch(make_ctx(admin=True, check_source=explode), "source add https://feeds.example/x")
    assert reply.ephemeral and "Nothing was saved" in reply.text and "ConnectionError" in reply.text
    assert await store.list_sources() == []


async def test_without_a_checker_sources_cannot_be_added_from_chat(make_ctx: MakeContext, store: SqlStore) -> None:
    reply = await dispatch(make_ctx(admin=True, check_source=None), "source add https://feeds.example/x")
    assert reply.ephemeral and "not available" in reply.text
    assert await store.list_sources() == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("source add", None),
        ("source add ftp://feeds.example/x", "https://"),
        ("source add feeds.example/x", "https://"),
        ("source add https:// 10m", "https://"),
        ("source add https://feeds.example/x 10s", "between 30s and 7d"),
        ("source add https://feeds.example/x 30d", "between 30s and 7d"),
        ("source add https://feeds.example/x often", "interval like 10m"),
        ("source add https://feeds.example/x 10m extra", None),
        ("source add http://[::1 10m", "URL"),
    ],
)
async def test_source_add_bad_arguments_get_usage_and_no_fetch(
    text: str, problem: str | None, admin: Context, store: SqlStore, checker: SourceChecker
) -> None:
    reply = await dispatch(admin, text)
    assert reply.ephemeral and reply.text.startswith("Usage: source add <url> [interval")
    if problem:
        assert problem in reply.text
    assert checker.urls == [] and await store.list_sources() == []


async def test_adding_a_known_source_again_changes_its_interval(admin: Context, store: SqlStore) -> None:
    first = await store.upsert_source(SourceSpec("rss", "https://feeds.example/x", 600), T0)
    reply = await dispatch(admin, "source add https://feeds.example/x 1h")
    assert reply.text == f"Source #{first.id} was already there; it is now polled every 1h."
    (source,) = await store.list_sources()
    assert source.interval_s == 3600


async def test_source_remove_by_id(admin: Context, store: SqlStore) -> None:
    source = await store.upsert_source(SourceSpec("rss", "https://feeds.example/x", 600), T0)
    assert (await dispatch(admin, f"source remove #{source.id}")).text == (
        f"Removed source #{source.id}: https://feeds.example/x"
    )
    assert await store.list_sources() == []
    missing = await dispatch(admin, f"source remove {source.id}")
    assert missing.ephemeral and f"no source #{source.id}" in missing.text
    bad = await dispatch(admin, "source remove feeds.example")
    assert bad.ephemeral and bad.text.startswith("Usage: source remove <id>")


async def test_sources_show_ok_failing_and_broken(ctx: Context, store: SqlStore, clock: FakeClock) -> None:
    ok = await store.upsert_source(SourceSpec("rss", "https://ok.example/feed", 600), T0)
    failing = await store.upsert_source(SourceSpec("rss", "https://failing.example/feed", 300), T0)
    broken = await store.upsert_source(SourceSpec("google_news", "https://news.example/q", 900, company="Meta"), T0)
    fresh = await store.upsert_source(SourceSpec("rss", "https://fresh.example/feed", 600), T0)
    await poll(store, ok.id, T0 - timedelta(minutes=5))
    for minutes in (30, 20, 10):
        await poll(store, failing.id, T0 - timedelta(minutes=minutes), error="HTTP 503")
    await poll(store, broken.id, T0 - timedelta(days=2), error="timeout after 20s")
    await poll(store, broken.id, T0 - timedelta(hours=1), error="DNS lookup failed\nfor news.example")

    reply = await dispatch(ctx, "sources")
    assert not reply.ephemeral and reply.more is None
    blocks = reply.text.split("\n#")
    assert blocks[0] == "4 sources: 2 ok, 1 failing, 1 broken"
    assert blocks[1].splitlines() == [
        f"{ok.id} rss every 10m: https://ok.example/feed",
        "  ok, last success 5m ago",
        "  next poll in 5m",
    ]
    assert blocks[2].splitlines() == [
        f"{failing.id} rss every 5m: https://failing.example/feed",
        "  failing since 2025-06-13 11:30 UTC (3 errors)",
        "  last error: HTTP 503",
        "  next poll: due now",
    ]
    assert blocks[3].splitlines() == [
        f"{broken.id} google_news (Meta) every 15m: https://news.example/q",
        "  broken (failing for over a day) since 2025-06-11 12:00 UTC (2 errors)",
        "  last error: DNS lookup failed for news.example",
        "  next poll: due now",
    ]
    assert blocks[4].splitlines() == [
        f"{fresh.id} rss every 10m: https://fresh.example/feed",
        "  ok, not polled yet",
        "  next poll: due now",
    ]


async def test_sources_are_paged(ctx: Context, store: SqlStore) -> None:
    for i in range(12):
        await store.upsert_source(SourceSpec("rss", f"https://feeds.example/{i}", 600), T0)
    first = await dispatch(ctx, "sources")
    assert first.more == "sources page 2"
    assert first.text.count("\n#") == 10 and "Showing 1-10 of 12." in first.text
    second = await dispatch(ctx, first.more)
    assert second.text.count("\n#") == 2 and second.more is None
    assert (await dispatch(ctx, "sources page 3")).text.startswith("Usage: sources")
    assert (await dispatch(ctx, "sources everything")).text == "Usage: sources [page N]"


async def test_no_sources_yet(ctx: Context) -> None:
    assert (await dispatch(ctx, "sources")).text.startswith("No sources yet.")
