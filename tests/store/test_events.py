"""Store: articles, events and the deliveries saving an event queues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from bot.model import DealEvent, Money, SourceRef, SourceSpec
from bot.ports import EventWrite
from bot.store import SqlStore
from bot.store.tables import articles, deliveries, event_articles
from tests.store.samples import FEED, LEASE, T0, article, assert_aware_utc, investment, new_article, new_event

HOUR = timedelta(hours=1)


async def _deliveries(store: SqlStore) -> list[tuple[Any, ...]]:
    query = select(deliveries.c.event_id, deliveries.c.target, deliveries.c.kind, deliveries.c.status)
    async with store.engine.connect() as conn:
        return [tuple(row) for row in await conn.execute(query.order_by(deliveries.c.id))]


async def _links(store: SqlStore) -> int:
    async with store.engine.connect() as conn:
        return len((await conn.execute(select(event_articles))).all())


async def test_add_articles_returns_only_unseen_keys_with_ids(store: SqlStore) -> None:
    source = await store.upsert_source(FEED, T0)
    first = await store.add_articles(source.id, [article("a"), article("b")], T0)
    assert [(a.key, a.source_id) for a in first] == [("a", source.id), ("b", source.id)]
    assert all(a.id is not None for a in first) and first[0].id != first[1].id
    assert first[0].title == "Story a" and first[0].published == T0

    again = await store.add_articles(source.id, [article("b"), article("c"), article("a")], T0 + HOUR)
    assert [a.key for a in again] == ["c"]
    assert await store.add_articles(source.id, [article("a"), article("c")], T0 + HOUR) == []
    assert await store.add_articles(source.id, [], T0) == []


async def test_a_key_repeated_in_one_batch_is_stored_once(store: SqlStore) -> None:
    source = await store.upsert_source(FEED, T0)
    added = await store.add_articles(source.id, [article("a"), article("a", title="Other"), article("b")], T0)
    assert [(a.key, a.title) for a in added] == [("a", "Story a"), ("b", "Story b")]


async def test_article_keys_are_per_source(store: SqlStore) -> None:
    one = await store.upsert_source(FEED, T0)
    two = await store.upsert_source(SourceSpec("rss", "https://other.example/rss", 600), T0)
    assert len(await store.add_articles(one.id, [article("a")], T0)) == 1
    elsewhere = article("a", url="https://other.example/a")
    assert [a.source_id for a in await store.add_articles(two.id, [elsewhere], T0)] == [two.id]


async def test_one_story_through_several_feeds_is_one_article(store: SqlStore) -> None:
    one = await store.upsert_source(FEED, T0)
    two = await store.upsert_source(SourceSpec("google_news", "https://news.google.example/rss?q=b", 600), T0)
    assert len(await store.add_articles(one.id, [article("a")], T0)) == 1
    added = await store.add_articles(two.id, [article("x", url="https://news.example/a"), article("b")], T0)
    assert [a.key for a in added] == ["b"]


async def test_article_extra_is_kept(store: SqlStore) -> None:
    source = await store.upsert_source(FEED, T0)
    (saved,) = await store.add_articles(source.id, [article("f", extra={"form": "8-K", "items": "1.02"})], T0)
    async with store.engine.connect() as conn:
        stored = (await conn.execute(select(articles.c.extra).where(articles.c.id == saved.id))).scalar_one()
    assert stored == {"form": "8-K", "items": "1.02"}


async def test_a_new_event_is_stored_with_its_source_and_one_delivery_per_target(store: SqlStore) -> None:
    event_id = await new_event(store, investment(), targets=("slack:C1", "console", "slack:C1"))
    event = await store.get_event(event_id)
    assert event == investment(
        id=event_id,
        first_seen=T0,
        status_history=("announced",),
        sources=(SourceRef("Story a1", "https://news.example/a1", "Example News", T0),),
    )
    assert await _deliveries(store) == [
        (event_id, "slack:C1", "new", "announced"),
        (event_id, "console", "new", "announced"),
    ]
    assert await store.count_pending_deliveries() == 2
    assert await store.get_event(event_id + 1000) is None


async def test_an_update_moves_the_status_on_and_queues_updates(store: SqlStore) -> None:
    rumour = investment("rumor", amount_usd=None, stake_pct=None, amount=None)
    event_id = await new_event(store, rumour, targets=("console",))
    article_id = await new_article(store, "a2", published=T0 + HOUR)
    completed = investment("completed", id=event_id, amount_usd=15e9, stake_pct=49.0, amount=Money(15, "USD bn"))
    write = EventWrite(article_id, completed, "update", ("console", "slack:C1"))
    assert await store.save_event(write, T0 + 2 * HOUR) == event_id

    event = await store.get_event(event_id)
    assert event is not None
    assert event.status == "completed" and event.status_history == ("rumor", "completed")
    assert (event.amount_usd, event.stake_pct, event.amount) == (15e9, 49.0, Money(15, "USD bn"))
    assert event.first_seen == T0
    assert [s.url for s in event.sources] == ["https://news.example/a1", "https://news.example/a2"]
    assert await _deliveries(store) == [
        (event_id, "console", "new", "rumor"),
        (event_id, "console", "update", "completed"),
        (event_id, "slack:C1", "new", "completed"),  # this target never heard of it
    ]
    # saving the same update again changes nothing
    await store.save_event(write, T0 + 3 * HOUR)
    assert len(await _deliveries(store)) == 3 and await _links(store) == 2
    assert (await store.get_event(event_id)) == event


async def test_an_update_never_overwrites_known_figures(store: SqlStore) -> None:
    event_id = await new_event(store)
    article_id = await new_article(store, "a2")
    other = investment("completed", id=event_id, amount_usd=1.0, stake_pct=2.0, amount=Money(3, "EUR"))
    await store.save_event(EventWrite(article_id, other, "update", ()), T0 + HOUR)
    event = await store.get_event(event_id)
    assert event is not None and event.status == "completed"
    assert (event.amount_usd, event.stake_pct, event.amount) == (14.3e9, 49.0, Money(14.3, "USD bn"))


async def test_a_duplicate_only_links_the_article_and_fills_a_missing_amount(store: SqlStore) -> None:
    event_id = await new_event(store, investment(amount_usd=None, amount=None), targets=("console",))
    article_id = await new_article(store, "a2", published=T0 - HOUR)
    duplicate = investment("completed", id=event_id, amount_usd=14.3e9, evidence="other words")
    await store.save_event(EventWrite(article_id, duplicate, "duplicate", ("console",)), T0 + HOUR)
    await store.save_event(EventWrite(article_id, duplicate, "duplicate", ("console",)), T0 + HOUR)

    event = await store.get_event(event_id)
    assert event is not None
    assert event.status == "announced" and event.status_history == ("announced",)
    assert event.amount_usd == 14.3e9 and event.evidence == investment().evidence
    assert [s.url for s in event.sources] == [
        "https://news.example/a2",
        "https://news.example/a1",
    ]  # oldest first
    assert await _links(store) == 2
    assert await _deliveries(store) == [(event_id, "console", "new", "announced")]
    assert await store.recent_events(T0 + HOUR) == []  # a duplicate does not make the event newer


async def test_a_duplicate_for_a_new_subscriber_queues_its_first_alert(store: SqlStore) -> None:
    event_id = await new_event(store, targets=("console",))
    article_id = await new_article(store, "a2")
    write = EventWrite(article_id, investment(id=event_id), "duplicate", ("console", "discord:7"))
    await store.save_event(write, T0 + HOUR)
    assert await _deliveries(store) == [
        (event_id, "console", "new", "announced"),
        (event_id, "discord:7", "new", "announced"),
    ]


async def test_writes_to_a_missing_event_fail_and_change_nothing(store: SqlStore) -> None:
    article_id = await new_article(store, "a1")
    with pytest.raises(LookupError):
        await store.save_event(EventWrite(article_id, investment(id=404), "update", ("console",)), T0)
    with pytest.raises(ValueError, match=r"event\.id"):
        await store.save_event(EventWrite(article_id, investment(), "duplicate", ("console",)), T0)
    assert await _deliveries(store) == [] and await _links(store) == 0


async def test_recent_events_are_those_updated_since(store: SqlStore) -> None:
    old = await new_event(store, investment(), key="a1")
    article_id = await new_article(store, "a2")
    deal = DealEvent("acquisition", "rumor", {"acquirer": ("Meta",), "target": ("Mercor",)})
    newer = await store.save_event(EventWrite(article_id, deal, "new", ()), T0 + 2 * HOUR)
    assert [e.id for e in await store.recent_events(T0)] == [old, newer]
    recent = await store.recent_events(T0 + HOUR)
    assert [(e.id, e.status_history, len(e.sources)) for e in recent] == [(newer, ("rumor",), 1)]

    third = await new_article(store, "a3")
    await store.save_event(EventWrite(third, investment("completed", id=old), "update", ()), T0 + 3 * HOUR)
    assert [e.id for e in await store.recent_events(T0 + 3 * HOUR)] == [old]


async def _three_events(store: SqlStore) -> list[int]:
    """Oldest to newest: Meta invests in Scale AI, OpenAI ends its Scale AI work, OpenAI partners Mercor."""
    ids = []
    events = [
        investment(),
        DealEvent("partnership_end", "announced", {"parties": ("OpenAI", "Scale AI")}),
        DealEvent("partnership", "announced", {"parties": ("OpenAI", "Mercor")}),
    ]
    for i, event in enumerate(events):
        article_id = await new_article(store, f"e{i}")
        ids.append(await store.save_event(EventWrite(article_id, event, "new", ()), T0 + i * HOUR))
    return ids


async def test_events_for_newest_first_by_company_and_type(store: SqlStore) -> None:
    invest, ended, partner = await _three_events(store)
    since = T0 - HOUR

    async def ids(**kw: Any) -> list[int | None]:
        return [e.id for e in await store.events_for(since=since, **kw)]

    assert await ids() == [partner, ended, invest]
    assert await ids(companies=["scale ai"]) == [ended, invest]
    assert await ids(companies=["MERCOR", "Meta"]) == [partner, invest]
    assert await ids(companies=["Nobody"]) == []
    assert await ids(companies=[]) == [] and await ids(types=[]) == []
    assert await ids(types=["partnership", "partnership_end"]) == [partner, ended]
    assert await ids(companies=["OpenAI"], types=["partnership_end"]) == [ended]
    assert [e.id for e in await store.events_for(since=T0 + HOUR)] == [partner, ended]

    # an update makes an event the newest
    article_id = await new_article(store, "late")
    await store.save_event(EventWrite(article_id, investment("completed", id=invest), "update", ()), T0 + 5 * HOUR)
    assert await ids() == [invest, partner, ended]


async def test_events_for_pages(store: SqlStore) -> None:
    invest, ended, partner = await _three_events(store)
    since = T0 - HOUR
    pages = [[e.id for e in await store.events_for(since=since, limit=2, offset=offset)] for offset in (0, 2, 4)]
    assert pages == [[partner, ended], [invest], []]
    events = await store.events_for(since=since, companies=["OpenAI"], limit=1, offset=1)
    assert [(e.id, e.parties) for e in events] == [(ended, {"parties": ("OpenAI", "Scale AI")})]


async def test_times_in_any_zone_come_back_as_the_same_instant_in_utc(store: SqlStore) -> None:
    tokyo = timezone(timedelta(hours=9))
    published = datetime(2025, 6, 13, 21, 30, tzinfo=tokyo)  # 12:30 UTC
    source = await store.upsert_source(FEED, T0.astimezone(tokyo))
    (added,) = await store.add_articles(source.id, [article("z", published)], T0.astimezone(tokyo))
    assert added.id is not None
    event_id = await store.save_event(EventWrite(added.id, investment(), "new", ()), T0.astimezone(tokyo))
    event = await store.get_event(event_id)
    assert event is not None and event.sources[0].published == datetime(2025, 6, 13, 12, 30, tzinfo=UTC)
    assert event.sources[0].published.utcoffset() == timedelta(0)
    assert event.first_seen == T0 and event.first_seen.tzinfo is not None
    # comparisons happen in UTC too: 20:59 in Tokyo is before the event was written
    assert [e.id for e in await store.recent_events(datetime(2025, 6, 13, 20, 59, tzinfo=tokyo))] == [event_id]
    assert await store.recent_events(datetime(2025, 6, 13, 21, 1, tzinfo=tokyo)) == []


async def test_naive_datetimes_are_refused(store: SqlStore) -> None:
    source = await store.upsert_source(FEED, T0)
    with pytest.raises(Exception, match="naive datetime"):
        await store.add_articles(source.id, [article("n", datetime(2025, 6, 13, 12, 0))], T0)  # noqa: DTZ001
    assert await store.add_articles(source.id, [article("n")], T0) != []


async def test_every_returned_datetime_is_aware_utc(store: SqlStore) -> None:
    event_id = await new_event(store, targets=("console",))
    article_id = await new_article(store, "a2")
    await store.save_event(EventWrite(article_id, investment("completed", id=event_id), "update", ()), T0)
    source = await store.upsert_source(SourceSpec("rss", "https://x.example", 60), T0)
    returned = [
        await store.get_event(event_id),
        await store.recent_events(T0),
        await store.events_for(since=T0),
        await store.add_articles(source.id, [article("t")], T0),
        await store.claim_deliveries("a", T0, LEASE, 10),
    ]
    assert assert_aware_utc(returned) >= 12
