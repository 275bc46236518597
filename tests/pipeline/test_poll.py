"""The poll recipe: first-run backfill, unchanged bodies, parse errors, backoff and the broken-source notice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import web

from bot.config import FetchConfig
from bot.model import Article, SourceSpec, SourceState
from bot.pipeline.extract import extractor_factory
from bot.pipeline.fetch import Fetcher
from bot.pipeline.poll import Poller, is_alertable
from bot.store import SqlStore, open_store
from tests.fakes import FakeClock
from tests.feedserver import Feed, Item, serve_feed
from tests.loopback import serve_app


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    s = await open_store(f"sqlite:///{tmp_path / 'dw.db'}")
    yield s
    await s.close()


def source(**kw: object) -> SourceState:
    values: dict[str, object] = {
        "id": 1,
        "kind": "rss",
        "url": "u",
        "interval_s": 600,
        "backfill_s": 0,
        "company": None,
        "first_polled": True,
    }
    values.update(kw)
    return SourceState(**values)  # type: ignore[arg-type]


def art(age: timedelta, clock: FakeClock) -> Article:
    return Article("k", "t", "", "u", "p", clock.now() - age)


@pytest.mark.parametrize(
    ("first_polled", "backfill_h", "age_h", "alert"),
    [
        (False, 0, 1, False),  # a new feed without backfill alerts on nothing it already had
        (False, 0, 0, False),  # undated (stamped with the fetch time) on the first poll: history
        (False, 24, 5, True),
        (False, 24, 30, False),
        (True, 0, 1, True),  # afterwards, fresh items alert
        (True, 0, 80, False),  # an old item surfacing later does not
        (True, 168, 80, True),  # unless the backfill reaches back that far
    ],
)
def test_is_alertable(first_polled: bool, backfill_h: int, age_h: int, alert: bool) -> None:
    clock = FakeClock()
    src = source(first_polled=first_polled, backfill_s=backfill_h * 3600)
    assert is_alertable(art(timedelta(hours=age_h), clock), src, clock.now(), timedelta(days=3)) is alert


async def test_unchanged_body_is_not_parsed_again(store: SqlStore) -> None:
    clock = FakeClock()
    feed = Feed([Item("Acme to buy Widget Co for $10 million", "Wire", clock.now())])
    with serve_feed(feed) as url:
        state = await store.upsert_source(SourceSpec("rss", url, 600), clock.now())
        async with Fetcher(FetchConfig(allow_private_networks=True)) as fetcher:
            poller = Poller(store, fetcher, extractor_factory(), clock)
            first = await poller.poll(state)
            assert first.articles == 1 and first.new_articles == 1
            (state,) = await store.list_sources()
            # As if the server forgot its ETag: the same bytes come back and are recognised by their hash.
            again = await poller.poll(replace(state, etag=None))
            assert again.unchanged and again.articles == 0


async def test_parse_error_is_a_source_error(store: SqlStore, tmp_path: Path) -> None:
    clock = FakeClock()

    async def html(_: web.Request) -> web.Response:
        return web.Response(text="<html><body>Sorry, not a feed</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/", html)
    async with serve_app(app) as base:
        state = await store.upsert_source(SourceSpec("rss", f"{base}/", 600), clock.now())
        async with Fetcher(FetchConfig(allow_private_networks=True)) as fetcher:
            report = await Poller(store, fetcher, extractor_factory(), clock).poll(state)
    assert report.error is not None and report.error.startswith("cannot parse:")
    (after,) = await store.list_sources()
    assert after.error_count == 1 and after.last_error == report.error
    assert after.next_poll == clock.now() + timedelta(seconds=600)


async def test_broken_after_a_day_notifies_admins_once(store: SqlStore) -> None:
    clock = FakeClock()
    notices: list[str] = []

    async def notify(text: str) -> None:
        notices.append(text)

    with serve_feed(Feed()) as url:
        await store.upsert_source(SourceSpec("rss", url.replace("feed.xml", "gone.xml"), 3600), clock.now())
        async with Fetcher(FetchConfig(allow_private_networks=True)) as fetcher:
            poller = Poller(store, fetcher, extractor_factory(), clock, notify_admin=notify)
            for _ in range(8):
                (state,) = await store.list_sources()
                await poller.poll(state)
                clock.advance(hours=6)
            (state,) = await store.list_sources()
    assert state.broken_at is not None and state.error_count == 8
    assert len(notices) == 1
    assert "rss source 1 is broken: failing since 2025-06-13 09:00 UTC" in notices[0]
    assert "HTTP 404" in notices[0]
