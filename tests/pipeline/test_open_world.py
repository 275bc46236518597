"""Subscriptions to `any` company: the poller reads deals among unwatched organisations too, end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import FetchConfig
from bot.model import Company, SourceSpec, Subscription
from bot.pipeline.extract import OpenWatchlist, extractor_factory
from bot.pipeline.fetch import Fetcher
from bot.pipeline.poll import Poller
from bot.store import SqlStore, open_store
from tests.fakes import FakeClock
from tests.feedserver import Feed, Item, serve_feed


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    s = await open_store(f"sqlite:///{tmp_path / 'dw.db'}")
    yield s
    await s.close()


def _feed(clock: FakeClock) -> Feed:
    hour_ago = clock.now() - timedelta(hours=1)
    return Feed(
        [
            Item("Legal AI startup Harvey raises $300 million Series E led by Kleiner Perkins", "Wire", hour_ago),
            Item("Nvidia completes acquisition of Run:ai", "Wire", hour_ago),
            Item("LYFT TO BUY MOTIVATE FOR 250 MLN DLRS", "Wire", hour_ago),
            Item("Harvey launches new drafting tool for lawyers", "Wire", hour_ago),
        ]
    )


async def _poll(store: SqlStore, clock: FakeClock) -> dict[str, list[tuple[str, frozenset[str]]]]:
    """Polls the test feed once; returns target -> (type, parties) of what was queued for it."""
    with serve_feed(_feed(clock)) as url:
        state = await store.upsert_source(SourceSpec("rss", url, 600, backfill_s=86400), clock.now())
        async with Fetcher(FetchConfig(allow_private_networks=True)) as fetcher:
            await Poller(store, fetcher, extractor_factory(), clock).poll(state)
    alerts = await store.claim_deliveries("test", clock.now(), timedelta(minutes=5), 100)
    out: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for alert in alerts:
        out.setdefault(alert.target, []).append((alert.event.type, alert.event.party_names()))
    return out


async def test_any_subscription_hears_of_unwatched_deals(store: SqlStore) -> None:
    clock = FakeClock()
    await store.upsert_company(Company("Nvidia"))
    await store.add_subscription(Subscription("slack:CFUNDING", ("any",), ("funding",)))
    await store.add_subscription(Subscription("slack:CWATCHED", ("*",)))
    sent = await _poll(store, clock)
    assert sent["slack:CFUNDING"] == [("funding", frozenset({"Harvey", "Kleiner Perkins"}))]
    assert sent["slack:CWATCHED"] == [("acquisition", frozenset({"Nvidia", "Run:ai"}))]
    # the ALL-CAPS wire deal between two unwatched companies is stored for `any`, though no one asked for its type
    stored = {(e.type, e.party_names()) for e in await store.recent_events(clock.now() - timedelta(days=1))}
    assert ("acquisition", frozenset({"LYFT", "MOTIVATE"})) in stored


async def test_without_any_subscription_only_watched_deals_are_read(store: SqlStore) -> None:
    clock = FakeClock()
    await store.upsert_company(Company("Nvidia"))
    await store.add_subscription(Subscription("slack:CWATCHED", ("*",)))
    await _poll(store, clock)
    stored = await store.recent_events(clock.now() - timedelta(days=1))
    assert [(e.type, e.party_names()) for e in stored] == [("acquisition", frozenset({"Nvidia", "Run:ai"}))]


def test_open_watchlist_keeps_canonical_names() -> None:
    from datetime import UTC, datetime

    from bot.model import Article, SourceState

    feed = SourceState(id=1, kind="rss", url="", interval_s=600, backfill_s=0, company=None)
    build = extractor_factory()
    article = Article("k", "Facebook to buy Giphy for $400 million", "", "u", "p", datetime(2020, 5, 15, tzinfo=UTC))
    watchlist = [Company("Meta", ("Facebook",))]
    [event] = build(OpenWatchlist(watchlist), feed)(article)
    assert event.parties == {"acquirer": ("Meta",), "target": ("Giphy",)}
    unwatched = Article("k2", "Lyft buys Motivate", "", "u", "p", datetime(2018, 7, 2, tzinfo=UTC))
    assert build(watchlist, feed)(unwatched) == []
    assert [e.type for e in build(OpenWatchlist(watchlist), feed)(unwatched)] == ["acquisition"]
