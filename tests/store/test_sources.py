"""Store: sources, their leases and their fetch state."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.model import SourceSpec
from bot.ports import PollRecord
from bot.store import SqlStore
from tests.store.backends import ScratchDatabase
from tests.store.samples import FEED, LEASE, T0, assert_aware_utc, investment, new_event

MINUTE = timedelta(minutes=1)


async def test_upsert_source_inserts_then_updates_settings_only(store: SqlStore) -> None:
    created = await store.upsert_source(FEED, T0)
    assert (created.kind, created.url, created.interval_s, created.backfill_s) == ("rss", FEED.url, 600, 0)
    assert created.created_at == T0 and created.next_poll is None and not created.first_polled
    await store.record_poll(PollRecord(created.id, T0, T0 + 10 * MINUTE, etag='"v1"', body_hash="h1"))

    changed = SourceSpec("rss", FEED.url, interval_s=120, backfill_s=3600, company="Scale AI")
    updated = await store.upsert_source(changed, T0 + MINUTE)
    assert updated.id == created.id
    assert (updated.interval_s, updated.backfill_s, updated.company) == (120, 3600, "Scale AI")
    assert (updated.etag, updated.body_hash, updated.next_poll) == ('"v1"', "h1", T0 + 10 * MINUTE)
    assert updated.first_polled and updated.created_at == T0
    assert await store.list_sources() == [updated]
    assert await store.get_source(created.id) == updated


async def test_same_url_of_another_kind_is_another_source(store: SqlStore) -> None:
    rss = await store.upsert_source(FEED, T0)
    gdelt = await store.upsert_source(SourceSpec("gdelt", FEED.url, 900), T0)
    assert rss.id != gdelt.id
    assert [s.kind for s in await store.list_sources()] == ["rss", "gdelt"]


async def test_remove_source(store: SqlStore) -> None:
    source = await store.upsert_source(FEED, T0)
    assert await store.remove_source(source.id) is True
    assert await store.remove_source(source.id) is False
    assert await store.get_source(source.id) is None
    assert await store.list_sources() == []


async def test_removing_a_source_keeps_the_articles_events_cite(store: SqlStore) -> None:
    event_id = await new_event(store, investment())
    (source,) = await store.list_sources()
    assert await store.remove_source(source.id)
    event = await store.get_event(event_id)
    assert event is not None and [s.url for s in event.sources] == ["https://news.example/a1"]


async def test_claim_due_sources_leases_them(store: SqlStore) -> None:
    fresh = await store.upsert_source(FEED, T0)
    later = await store.upsert_source(SourceSpec("rss", "https://later.example/rss", 600), T0)
    await store.record_poll(PollRecord(later.id, T0, next_poll=T0 + 10 * MINUTE))

    claimed = await store.claim_due_sources("a", T0, LEASE, limit=10)
    assert [s.id for s in claimed] == [fresh.id]  # never polled: due at once; the other is not due
    assert await store.claim_due_sources("b", T0 + MINUTE, LEASE, limit=10) == []  # leased to a
    again = await store.claim_due_sources("b", T0 + LEASE, LEASE, limit=10)  # a's lease ran out
    assert [s.id for s in again] == [fresh.id]
    # at +10 minutes the other one is due, and b's lease on the first has run out as well
    claimed_by_c = await store.claim_due_sources("c", T0 + 10 * MINUTE, LEASE, limit=10)
    assert claimed_by_c == [await store.get_source(fresh.id), await store.get_source(later.id)]


async def test_claim_due_sources_takes_the_most_overdue_first_up_to_limit(store: SqlStore) -> None:
    ids = []
    for i, due in enumerate([T0 - 1 * MINUTE, T0 - 5 * MINUTE, T0 - 3 * MINUTE]):
        source = await store.upsert_source(SourceSpec("rss", f"https://{i}.example/rss", 600), T0)
        await store.record_poll(PollRecord(source.id, T0, next_poll=due))
        ids.append(source.id)
    never = await store.upsert_source(SourceSpec("rss", "https://new.example/rss", 600), T0)
    first = await store.claim_due_sources("a", T0, LEASE, limit=3)
    assert [s.id for s in first] == [never.id, ids[1], ids[2]]
    assert [s.id for s in await store.claim_due_sources("a", T0, LEASE, limit=3)] == [ids[0]]
    assert await store.claim_due_sources("a", T0, LEASE, limit=0) == []


async def test_successful_poll_resets_health_and_releases_the_lease(store: SqlStore) -> None:
    source = await store.upsert_source(FEED, T0)
    await store.claim_due_sources("a", T0, LEASE, 1)
    await store.record_poll(PollRecord(source.id, T0, T0 + MINUTE, error="timeout"))
    await store.claim_due_sources("a", T0 + MINUTE, LEASE, 1)
    ok = PollRecord(source.id, T0 + 2 * MINUTE, T0 + 12 * MINUTE, None, '"e1"', "Sat, 14 Jun 2025", "hash1")
    await store.record_poll(ok)

    state = await store.get_source(source.id)
    assert state is not None
    assert (state.error_count, state.last_error, state.failing_since) == (0, None, None)
    assert state.last_success == T0 + 2 * MINUTE and state.first_polled
    assert (state.etag, state.last_modified, state.body_hash) == ('"e1"', "Sat, 14 Jun 2025", "hash1")
    assert state.next_poll == T0 + 12 * MINUTE
    # released: due again at next_poll although the last lease would have run until +6 minutes
    assert [s.id for s in await store.claim_due_sources("b", T0 + 12 * MINUTE, LEASE, 1)] == [source.id]


async def test_a_poll_without_validators_keeps_the_stored_ones(store: SqlStore) -> None:
    source = await store.upsert_source(FEED, T0)
    await store.record_poll(PollRecord(source.id, T0, T0 + MINUTE, etag='"e1"', body_hash="h1"))
    await store.record_poll(PollRecord(source.id, T0 + MINUTE, T0 + 2 * MINUTE, last_modified="Mon"))
    state = await store.get_source(source.id)
    assert state is not None and (state.etag, state.last_modified, state.body_hash) == ('"e1"', "Mon", "h1")


async def test_failed_polls_count_up_and_keep_failing_since(store: SqlStore) -> None:
    source = await store.upsert_source(FEED, T0)
    await store.record_poll(PollRecord(source.id, T0, T0 + MINUTE, etag='"e1"'))
    await store.claim_due_sources("a", T0 + MINUTE, LEASE, 1)
    await store.record_poll(PollRecord(source.id, T0 + MINUTE, T0 + 3 * MINUTE, error="HTTP 503"))
    await store.record_poll(PollRecord(source.id, T0 + 3 * MINUTE, T0 + 7 * MINUTE, error="timeout"))
    state = await store.get_source(source.id)
    assert state is not None
    assert (state.error_count, state.last_error) == (2, "timeout")
    assert state.failing_since == T0 + MINUTE
    assert state.last_success == T0 and state.first_polled and state.etag == '"e1"'
    assert state.next_poll == T0 + 7 * MINUTE
    assert [s.id for s in await store.claim_due_sources("b", T0 + 7 * MINUTE, LEASE, 1)] == [source.id]


async def test_a_failure_before_any_success_leaves_first_polled_false(store: SqlStore) -> None:
    source = await store.upsert_source(FEED, T0)
    await store.record_poll(PollRecord(source.id, T0, T0 + MINUTE, error="DNS"))
    state = await store.get_source(source.id)
    assert state is not None and not state.first_polled and state.last_success is None


async def test_source_times_are_aware_utc(store: SqlStore) -> None:
    source = await store.upsert_source(FEED, T0)
    await store.record_poll(PollRecord(source.id, T0, T0 + MINUTE, error="x"))
    await store.record_poll(PollRecord(source.id, T0 + MINUTE, T0 + 2 * MINUTE))
    claimed = await store.claim_due_sources("a", T0 + 2 * MINUTE, LEASE, 1)
    assert assert_aware_utc([await store.list_sources(), await store.get_source(source.id), claimed]) >= 9


async def test_concurrent_instances_never_claim_the_same_source(database: ScratchDatabase) -> None:
    stores = [await database.open(), await database.open(migrate=False)]
    try:
        for i in range(40):
            await stores[0].upsert_source(SourceSpec("rss", f"https://{i}.example/rss", 600), T0)
        claims = await asyncio.gather(
            *(stores[i % 2].claim_due_sources(f"worker-{i}", T0, LEASE, limit=7) for i in range(8))
        )
        claimed = [s.id for batch in claims for s in batch]
        assert len(claimed) == len(set(claimed)) == 40
        assert all(len(batch) <= 7 for batch in claims)
    finally:
        for store in stores:
            await store.close()
