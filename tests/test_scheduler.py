"""The scheduler: due sources are leased and polled once across instances; shutdown finishes in-flight work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import FetchConfig
from bot.delivery import Deliverer
from bot.model import SourceSpec, SourceState
from bot.pipeline.extract import extractor_factory
from bot.pipeline.fetch import Fetcher
from bot.pipeline.poll import Poller, PollReport
from bot.scheduler import Scheduler
from bot.store import SqlStore, open_store
from tests.fakes import FakeClock, RecordingNotifier
from tests.feedserver import Feed, serve_feed


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    s = await open_store(f"sqlite:///{tmp_path / 'dw.db'}")
    yield s
    await s.close()


async def make_scheduler(store: SqlStore, clock: FakeClock, owner: str, fetcher: Fetcher, **kw: Any) -> Scheduler:
    poller = Poller(store, fetcher, extractor_factory(), clock)
    deliverer = Deliverer(store, {"console": RecordingNotifier()}, clock, owner=owner)
    return Scheduler(store, poller, deliverer, clock, owner=owner, **kw)


async def test_two_instances_poll_each_due_source_once(store: SqlStore) -> None:
    clock = FakeClock()
    feed = Feed()
    with serve_feed(feed) as url:
        for i in range(6):
            await store.upsert_source(SourceSpec("rss", f"{url}?n={i}", 600), clock.now())
        async with Fetcher(FetchConfig(allow_private_networks=True)) as fetcher:
            a = await make_scheduler(store, clock, "a", fetcher)
            b = await make_scheduler(store, clock, "b", fetcher)
            reports = await asyncio.gather(a.poll_due(), b.poll_due())
            assert sorted(r.source_id for rs in reports for r in rs) == [1, 2, 3, 4, 5, 6]
            assert len(feed.requests) == 6
            # Nothing is due until the interval has passed (jitter is at most 10%).
            assert await a.poll_due() == []
            clock.advance(seconds=539)
            assert await a.poll_due() == []
            clock.advance(seconds=122)
            assert len(await a.poll_due()) == 6


async def test_failing_source_backs_off(store: SqlStore) -> None:
    clock = FakeClock()
    feed = Feed()
    with serve_feed(feed) as url:
        await store.upsert_source(SourceSpec("rss", url.replace("feed.xml", "missing.xml"), 600), clock.now())
        async with Fetcher(FetchConfig(allow_private_networks=True)) as fetcher:
            s = await make_scheduler(store, clock, "a", fetcher)
            (report,) = await s.poll_due()
            assert report.error == "HTTP 404 Not Found"
            clock.advance(seconds=601)
            (report,) = await s.poll_due()
            # Second failure: twice the interval before the next try.
            clock.advance(seconds=1199)
            assert await s.poll_due() == []
            clock.advance(seconds=2)
            assert len(await s.poll_due()) == 1
    (state,) = await store.list_sources()
    assert state.error_count == 3 and state.failing_since is not None and state.last_error


async def test_heartbeat_polls_and_stop_ends_it(store: SqlStore) -> None:
    clock = FakeClock()
    feed = Feed()
    with serve_feed(feed) as url:
        await store.upsert_source(SourceSpec("rss", url, 600), clock.now())
        async with Fetcher(FetchConfig(allow_private_networks=True)) as fetcher:
            s = await make_scheduler(store, clock, "a", fetcher, tick_s=0.05, deliver_s=0.05)
            s.start()
            for _ in range(100):
                if feed.requests:
                    break
                await asyncio.sleep(0.02)
            await s.stop()
            assert len(feed.requests) == 1
            clock.advance(hours=1)
            await asyncio.sleep(0.15)
            assert len(feed.requests) == 1


class SlowPoller:
    """Stands in for the poller to hold a poll open across shutdown."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.finished = 0

    async def poll(self, source: SourceState) -> PollReport:
        await asyncio.sleep(self.seconds)
        self.finished += 1
        return PollReport(source.id, source.url)


@pytest.mark.parametrize(("poll_s", "grace_s", "finished"), [(0.2, 5.0, 1), (5.0, 0.1, 0)])
async def test_stop_waits_for_inflight_poll_within_grace(
    store: SqlStore, poll_s: float, grace_s: float, finished: int
) -> None:
    clock = FakeClock()
    await store.upsert_source(SourceSpec("rss", "https://feeds.example/a", 600), clock.now())
    slow = SlowPoller(poll_s)
    deliverer = Deliverer(store, {}, clock, owner="a")
    s = Scheduler(store, slow, deliverer, clock, owner="a", lease=timedelta(minutes=1))  # type: ignore[arg-type]
    tick = asyncio.create_task(s.tick())
    await asyncio.sleep(0.05)
    await s.stop(grace_s=grace_s)
    await asyncio.gather(tick, return_exceptions=True)
    assert slow.finished == finished
    if not finished:
        # The cancelled poll left its lease; once it expires another instance takes the source.
        clock.advance(minutes=1, seconds=1)
        assert len(await store.claim_due_sources("b", clock.now(), timedelta(minutes=1), 10)) == 1
