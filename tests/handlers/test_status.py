"""status: source health counts, the newest successful poll, pending deliveries, version."""

from __future__ import annotations

from datetime import timedelta

from bot.model import SourceSpec
from bot.store import SqlStore
from handlers import dispatch
from handlers.context import Context
from tests.handlers.conftest import MakeContext
from tests.handlers.samples import T0, Newsroom, investment, poll, watch


async def test_status_counts_sources_and_pending_deliveries(ctx: Context, store: SqlStore) -> None:
    await watch(store)
    spec = SourceSpec("rss", "https://{}.example/feed", 600)
    ok, failing, broken = [
        await store.upsert_source(SourceSpec(spec.kind, spec.url.format(name), 600), T0)
        for name in ("ok", "failing", "broken")
    ]
    await poll(store, ok.id, T0 - timedelta(minutes=7))
    await poll(store, failing.id, T0 - timedelta(minutes=30))
    await poll(store, failing.id, T0 - timedelta(minutes=3), error="HTTP 500")
    await poll(store, broken.id, T0 - timedelta(days=3), error="HTTP 404")
    await Newsroom(store).new(investment(), T0, targets=("slack:C1", "discord:42"))

    reply = await dispatch(ctx, "status")
    assert not reply.ephemeral
    assert reply.text.splitlines() == [
        "Sources: 4 (2 ok, 1 failing, 1 broken)",  # the Newsroom's own feed was never polled
        "Last poll: 2025-06-13 11:53 UTC (7m ago)",
        "Pending deliveries: 2",
        "Watching: 4 companies",
        "Version: 1.2.3",
        "See sources for the failing ones.",
    ]


async def test_status_of_a_fresh_install(make_ctx: MakeContext) -> None:
    reply = await dispatch(make_ctx(version=""), "status")
    assert reply.text.splitlines() == [
        "Sources: 0 (0 ok, 0 failing, 0 broken)",
        "Last poll: never",
        "Pending deliveries: 0",
        "Watching: 0 companies",
        "Version: unknown",
    ]
    assert (await dispatch(make_ctx(), "status now")).text == "Usage: status"
