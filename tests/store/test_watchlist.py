"""Store: the watchlist and subscriptions."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.model import Company, Subscription
from bot.store import SqlStore
from bot.store.tables import company_aliases


async def _alias_rows(store: SqlStore) -> int:
    async with store.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(company_aliases))).scalar_one())


async def test_upserting_a_company_twice_keeps_one(store: SqlStore) -> None:
    scale = Company("Scale AI", ("Scale", "scale.com"), case_sensitive=True, context_required=True, cik="0001")
    await store.upsert_company(scale)
    await store.upsert_company(scale)
    await store.upsert_company(Company("Mercor"))
    assert await store.list_companies() == [Company("Mercor"), scale]
    assert await _alias_rows(store) == 2


async def test_upsert_replaces_flags_and_aliases_and_ignores_case(store: SqlStore) -> None:
    await store.upsert_company(Company("Scale AI", ("Scale", "scale.com"), case_sensitive=True))
    await store.upsert_company(Company("scale ai", ("Scale AI Inc",), context_required=False, cik="1234"))
    assert await store.list_companies() == [
        Company("scale ai", ("Scale AI Inc",), case_sensitive=None, context_required=False, cik="1234")
    ]


async def test_remove_company_takes_its_aliases(store: SqlStore) -> None:
    await store.upsert_company(Company("Scale AI", ("Scale",)))
    await store.upsert_company(Company("OpenAI", ("Open AI",)))
    assert await store.remove_company("SCALE AI") is True
    assert await store.remove_company("Scale AI") is False
    assert await store.list_companies() == [Company("OpenAI", ("Open AI",))]
    assert await _alias_rows(store) == 1


async def test_an_identical_subscription_is_not_duplicated(store: SqlStore) -> None:
    sub = Subscription("slack:C1", ("Scale AI", "Meta"), ("investment", "acquisition"), "announced")
    first = await store.add_subscription(sub)
    assert await store.add_subscription(sub) == first
    reordered = Subscription("slack:C1", ("Meta", "Scale AI"), ("acquisition", "investment"), "announced")
    assert await store.add_subscription(reordered) == first
    stricter = await store.add_subscription(
        Subscription("slack:C1", ("Scale AI", "Meta"), ("investment", "acquisition"), "completed")
    )
    elsewhere = await store.add_subscription(
        Subscription("discord:9", ("Scale AI", "Meta"), ("investment", "acquisition"), "announced")
    )
    assert len({first, stricter, elsewhere}) == 3
    assert [s.id for s in await store.list_subscriptions()] == [first, stricter, elsewhere]


async def test_subscriptions_round_trip_and_filter_by_target(store: SqlStore) -> None:
    console = Subscription("console")
    channel = Subscription("slack:C1", ("Scale AI",), ("partnership_end",), "rumor")
    console_id = await store.add_subscription(console)
    channel_id = await store.add_subscription(channel)
    assert await store.list_subscriptions() == [
        Subscription("console", id=console_id),
        Subscription("slack:C1", ("Scale AI",), ("partnership_end",), "rumor", id=channel_id),
    ]
    assert [s.id for s in await store.list_subscriptions("slack:C1")] == [channel_id]
    assert await store.list_subscriptions("discord:1") == []


async def test_remove_subscription(store: SqlStore) -> None:
    sub_id = await store.add_subscription(Subscription("console"))
    assert await store.remove_subscription(sub_id) is True
    assert await store.remove_subscription(sub_id) is False
    assert await store.list_subscriptions() == []
    again = await store.add_subscription(Subscription("console"))
    assert [s.id for s in await store.list_subscriptions()] == [again]
