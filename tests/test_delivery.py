"""The outbox: every delivery sent once, failures retried with backoff, updates threaded under their alert."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.delivery import Deliverer, RetryPolicy
from bot.model import Article, DealEvent, SourceSpec
from bot.ports import EventWrite, Store
from bot.store import open_store
from tests.fakes import FakeClock, RecordingNotifier

STAKE = DealEvent(
    type="investment",
    status="announced",
    parties={"investor": ("Meta",), "target": ("Scale AI",)},
    amount_usd=14.3e9,
    stake_pct=49.0,
    evidence="takes 49% stake",
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await open_store(f"sqlite:///{tmp_path / 'dw.db'}")
    yield s
    await s.close()


async def add_article(store: Store, clock: FakeClock, key: str) -> int:
    src = await store.upsert_source(
        SourceSpec(kind="rss", url="https://news.example/feed", interval_s=600), clock.now()
    )
    art = Article(
        key=key,
        title=f"Story {key}",
        summary="",
        url=f"https://news.example/{key}",
        publisher="Example Wire",
        published=clock.now(),
    )
    (saved,) = await store.add_articles(src.id, [art], clock.now())
    assert saved.id is not None
    return saved.id


async def test_each_delivery_sent_once(store: Store) -> None:
    clock = FakeClock()
    article = await add_article(store, clock, "a1")
    await store.save_event(EventWrite(article, STAKE, "new", ("console", "slack:C1")), clock.now())
    notifiers = {"console": RecordingNotifier(), "slack": RecordingNotifier()}
    deliverer = Deliverer(store, notifiers, clock, owner="t")
    assert await deliverer.run_once() == 2
    assert await deliverer.run_once() == 0
    assert [a.target for a in notifiers["console"].sent] == ["console"]
    assert [a.target for a in notifiers["slack"].sent] == ["slack:C1"]
    alert = notifiers["console"].sent[0]
    assert alert.kind == "new" and alert.event.type == "investment" and alert.event.amount_usd == 14.3e9
    assert [s.title for s in alert.event.sources] == ["Story a1"]
    assert await store.count_pending_deliveries() == 0


async def test_failure_is_retried_with_backoff_then_sent(store: Store) -> None:
    clock = FakeClock()
    article = await add_article(store, clock, "a1")
    await store.save_event(EventWrite(article, STAKE, "new", ("console",)), clock.now())
    flaky = RecordingNotifier(failures=2)
    deliverer = Deliverer(store, {"console": flaky}, clock, owner="t", policy=RetryPolicy(base_s=10, max_s=100))
    assert await deliverer.run_once() == 0
    assert await deliverer.run_once() == 0  # not due yet: backoff
    assert flaky.calls == 1
    clock.advance(seconds=10)
    assert await deliverer.run_once() == 0
    assert flaky.calls == 2
    clock.advance(seconds=19)
    assert await deliverer.run_once() == 0  # second backoff is 20s
    clock.advance(seconds=1)
    assert await deliverer.run_once() == 1
    assert len(flaky.sent) == 1 and flaky.sent[0].attempts == 2


async def test_gives_up_after_max_attempts(store: Store) -> None:
    clock = FakeClock()
    article = await add_article(store, clock, "a1")
    await store.save_event(EventWrite(article, STAKE, "new", ("console",)), clock.now())
    broken = RecordingNotifier(failures=100)
    deliverer = Deliverer(store, {"console": broken}, clock, owner="t", policy=RetryPolicy(max_attempts=3, base_s=1))
    for _ in range(10):
        await deliverer.run_once()
        clock.advance(hours=1)
    assert broken.calls == 3
    assert await store.count_pending_deliveries() == 0


async def test_target_without_connection_waits_in_outbox(store: Store) -> None:
    clock = FakeClock()
    article = await add_article(store, clock, "a1")
    await store.save_event(EventWrite(article, STAKE, "new", ("discord:42",)), clock.now())
    deliverer = Deliverer(store, {"console": RecordingNotifier()}, clock, owner="t")
    assert await deliverer.run_once() == 0
    assert await store.count_pending_deliveries() == 1


async def test_update_waits_for_its_alert_and_is_threaded_under_it(store: Store) -> None:
    clock = FakeClock()
    first = await add_article(store, clock, "a1")
    event_id = await store.save_event(EventWrite(first, STAKE, "new", ("console",)), clock.now())
    clock.advance(minutes=5)
    second = await add_article(store, clock, "a2")
    stored = await store.get_event(event_id)
    assert stored is not None
    done = replace(stored, status="completed")
    await store.save_event(EventWrite(second, done, "update", ("console",)), clock.now())
    down = RecordingNotifier(failures=1)
    deliverer = Deliverer(store, {"console": down}, clock, owner="t", policy=RetryPolicy(base_s=10))
    # The first alert fails; its update must not overtake it.
    assert await deliverer.run_once() == 0
    assert down.sent == []
    clock.advance(seconds=10)
    assert await deliverer.run_once() == 2
    new, update = down.sent
    assert (new.kind, update.kind) == ("new", "update")
    assert update.thread_ref == f"msg-{new.delivery_id}"
    assert update.event.status == "completed"
    assert list(update.event.status_history) == ["announced", "completed"]
    assert len(update.event.sources) == 2


async def test_crash_after_claim_resends_only_after_lease_expiry(store: Store) -> None:
    clock = FakeClock()
    article = await add_article(store, clock, "a1")
    await store.save_event(EventWrite(article, STAKE, "new", ("console",)), clock.now())
    # An instance claims the delivery and dies before marking it sent.
    claimed = await store.claim_deliveries("dead-instance", clock.now(), timedelta(minutes=2), 10)
    assert len(claimed) == 1
    survivor = RecordingNotifier()
    deliverer = Deliverer(store, {"console": survivor}, clock, owner="alive", lease=timedelta(minutes=2))
    assert await deliverer.run_once() == 0
    clock.advance(minutes=2, seconds=1)
    assert await deliverer.run_once() == 1
    assert await deliverer.run_once() == 0
    assert len(survivor.sent) == 1
