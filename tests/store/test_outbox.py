"""Store: the outbox of deliveries, its leases, retries and threads."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.model import Alert, DealEvent
from bot.ports import EventWrite
from bot.store import SqlStore
from bot.store.tables import deliveries
from tests.store.backends import ScratchDatabase
from tests.store.samples import LEASE, T0, investment, new_article, new_event

MINUTE = timedelta(minutes=1)


async def _row(store: SqlStore, delivery_id: int) -> Any:
    async with store.engine.connect() as conn:
        return (await conn.execute(select(deliveries).where(deliveries.c.id == delivery_id))).one()


async def _update(store: SqlStore, event_id: int, status: str, key: str, targets: tuple[str, ...]) -> None:
    article_id = await new_article(store, key)
    write = EventWrite(article_id, investment(status, id=event_id), "update", targets)
    await store.save_event(write, T0 + MINUTE)


async def test_a_claimed_delivery_carries_the_whole_event(store: SqlStore) -> None:
    event_id = await new_event(store, targets=("slack:C1",))
    (alert,) = await store.claim_deliveries("worker-a", T0, LEASE, 10)
    assert alert == Alert(
        delivery_id=alert.delivery_id,
        kind="new",
        target="slack:C1",
        event=await store.get_event(event_id),  # type: ignore[arg-type]
        thread_ref=None,
        attempts=0,
    )
    assert alert.event.sources and alert.event.status_history == ("announced",)
    row = await _row(store, alert.delivery_id)
    assert (row.state, row.lease_owner, row.lease_expires) == ("sending", "worker-a", T0 + LEASE)


async def test_a_leased_delivery_is_claimable_again_once_the_lease_expires(store: SqlStore) -> None:
    await new_event(store, targets=("console",))
    (first,) = await store.claim_deliveries("a", T0, LEASE, 10)
    assert await store.claim_deliveries("b", T0 + LEASE - MINUTE, LEASE, 10) == []
    assert await store.count_pending_deliveries() == 1  # sending still counts as work to do
    (again,) = await store.claim_deliveries("b", T0 + LEASE, LEASE, 10)
    assert again.delivery_id == first.delivery_id and again.attempts == 0
    assert (await _row(store, again.delivery_id)).lease_owner == "b"


async def test_sent_deliveries_are_done(store: SqlStore) -> None:
    await new_event(store, targets=("console",))
    (alert,) = await store.claim_deliveries("a", T0, LEASE, 10)
    await store.mark_sent(alert.delivery_id, "msg-1", T0 + MINUTE)
    row = await _row(store, alert.delivery_id)
    assert (row.state, row.platform_ref, row.sent_at, row.lease_owner) == ("sent", "msg-1", T0 + MINUTE, None)
    assert await store.count_pending_deliveries() == 0
    assert await store.claim_deliveries("a", T0 + 2 * LEASE, LEASE, 10) == []


async def test_a_failure_with_retry_waits_until_retry_at(store: SqlStore) -> None:
    await new_event(store, targets=("console",))
    (alert,) = await store.claim_deliveries("a", T0, LEASE, 10)
    await store.mark_failed(alert.delivery_id, "HTTP 429", T0 + 10 * MINUTE, T0 + MINUTE)
    row = await _row(store, alert.delivery_id)
    assert (row.state, row.attempts, row.last_error, row.lease_owner) == ("pending", 1, "HTTP 429", None)
    assert await store.count_pending_deliveries() == 1
    assert await store.claim_deliveries("a", T0 + 9 * MINUTE, LEASE, 10) == []
    (retry,) = await store.claim_deliveries("b", T0 + 10 * MINUTE, LEASE, 10)
    assert (retry.delivery_id, retry.attempts) == (alert.delivery_id, 1)


async def test_a_failure_without_retry_gives_up(store: SqlStore) -> None:
    await new_event(store, targets=("console",))
    (alert,) = await store.claim_deliveries("a", T0, LEASE, 10)
    await store.mark_failed(alert.delivery_id, "channel_not_found", None, T0 + MINUTE)
    row = await _row(store, alert.delivery_id)
    assert (row.state, row.attempts, row.last_error) == ("dead", 1, "channel_not_found")
    assert await store.count_pending_deliveries() == 0
    assert await store.claim_deliveries("a", T0 + 100 * LEASE, LEASE, 10) == []


async def test_an_update_waits_for_the_first_alert_then_threads_under_it(store: SqlStore) -> None:
    event_id = await new_event(store, targets=("slack:C1",))
    (first,) = await store.claim_deliveries("a", T0, LEASE, 10)
    await _update(store, event_id, "completed", "a2", ("slack:C1",))
    assert await store.claim_deliveries("b", T0 + MINUTE, LEASE, 10) == []  # first is still being sent

    await store.mark_failed(first.delivery_id, "timeout", T0 + 2 * MINUTE, T0 + MINUTE)
    assert await store.claim_deliveries("b", T0 + MINUTE, LEASE, 10) == []  # ...and now awaits its retry
    (retry,) = await store.claim_deliveries("b", T0 + 2 * MINUTE, LEASE, 10)
    assert retry.delivery_id == first.delivery_id
    await store.mark_sent(first.delivery_id, "1718280000.000100", T0 + 3 * MINUTE)

    (update,) = await store.claim_deliveries("b", T0 + 3 * MINUTE, LEASE, 10)
    assert (update.kind, update.target, update.thread_ref) == ("update", "slack:C1", "1718280000.000100")
    assert update.event.status == "completed" and update.event.status_history == ("announced", "completed")
    assert len(update.event.sources) == 2


async def test_an_update_to_a_dead_first_alert_goes_out_unthreaded(store: SqlStore) -> None:
    event_id = await new_event(store, targets=("slack:C1",))
    (first,) = await store.claim_deliveries("a", T0, LEASE, 10)
    await _update(store, event_id, "completed", "a2", ("slack:C1",))
    await store.mark_failed(first.delivery_id, "not_in_channel", None, T0 + MINUTE)
    (update,) = await store.claim_deliveries("a", T0 + MINUTE, LEASE, 10)
    assert (update.kind, update.thread_ref) == ("update", None)


async def test_updates_go_out_in_order_and_all_thread_under_the_first(store: SqlStore) -> None:
    event_id = await new_event(store, investment("rumor"), targets=("slack:C1",))
    await _update(store, event_id, "announced", "a2", ("slack:C1",))
    await _update(store, event_id, "completed", "a3", ("slack:C1",))
    claimed: list[Alert] = []
    for step in range(4):
        batch = await store.claim_deliveries("a", T0 + MINUTE, LEASE, 10)
        assert len(batch) == (1 if step < 3 else 0)  # one at a time: each waits for the one before
        for alert in batch:
            await store.mark_sent(alert.delivery_id, f"ref-{alert.delivery_id}", T0 + MINUTE)
        claimed += batch
    first = claimed[0].delivery_id
    assert [(a.kind, a.thread_ref) for a in claimed] == [
        ("new", None),
        ("update", f"ref-{first}"),
        ("update", f"ref-{first}"),
    ]


async def test_targets_do_not_wait_for_each_other(store: SqlStore) -> None:
    event_id = await new_event(store, targets=("slack:C1",))
    await store.claim_deliveries("a", T0, LEASE, 10)  # C1's first alert is in flight
    await _update(store, event_id, "completed", "a2", ("slack:C1", "discord:9"))
    (alert,) = await store.claim_deliveries("a", T0 + MINUTE, LEASE, 10)
    assert (alert.target, alert.kind, alert.event.status) == ("discord:9", "new", "completed")


async def test_claims_take_the_oldest_first_up_to_limit(store: SqlStore) -> None:
    for i in range(4):
        article_id = await new_article(store, f"k{i}")
        event = DealEvent("funding", "announced", {"target": (f"Startup {i}",)})
        await store.save_event(EventWrite(article_id, event, "new", ("console",)), T0 + i * MINUTE)
    assert await store.claim_deliveries("a", T0 - MINUTE, LEASE, 10) == []  # not due yet
    first = await store.claim_deliveries("a", T0 + 10 * MINUTE, LEASE, 3)
    assert [a.event.parties["target"] for a in first] == [("Startup 0",), ("Startup 1",), ("Startup 2",)]
    rest = await store.claim_deliveries("a", T0 + 10 * MINUTE, LEASE, 3)
    assert [a.event.parties["target"] for a in rest] == [("Startup 3",)]
    assert await store.claim_deliveries("a", T0 + 10 * MINUTE, LEASE, 0) == []


async def test_concurrent_instances_never_claim_the_same_delivery(database: ScratchDatabase) -> None:
    stores = [await database.open(), await database.open(migrate=False)]
    try:
        article_id = await new_article(stores[0], "shared")
        for i in range(30):
            event = DealEvent("funding", "announced", {"target": (f"Startup {i}",)})
            await stores[0].save_event(EventWrite(article_id, event, "new", ("console", "slack:C1")), T0)
        for _ in range(2):  # a second round after the leases ran out
            now = T0 if _ == 0 else T0 + LEASE
            claims = await asyncio.gather(
                *(stores[i % 2].claim_deliveries(f"worker-{i}", now, LEASE, limit=9) for i in range(8))
            )
            ids = [a.delivery_id for batch in claims for a in batch]
            assert len(ids) == len(set(ids)) == 60
            assert all(len(batch) <= 9 for batch in claims)
    finally:
        for store in stores:
            await store.close()
