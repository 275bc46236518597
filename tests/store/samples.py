"""Sample rows for store tests: a fixed clock, articles, the Meta / Scale AI investment."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.model import Article, DealEvent, Money, SourceSpec
from bot.ports import EventWrite
from bot.store import SqlStore

T0 = datetime(2025, 6, 13, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
FEED = SourceSpec(kind="rss", url="https://news.example/feed.xml", interval_s=600)


def article(key: str, published: datetime = T0, **changes: Any) -> Article:
    values: dict[str, Any] = {
        "key": key,
        "title": f"Story {key}",
        "summary": f"Summary of {key}",
        "url": f"https://news.example/{key}",
        "publisher": "Example News",
        "published": published,
    }
    values.update(changes)
    return Article(**values)


def investment(status: str = "announced", **changes: Any) -> DealEvent:
    values: dict[str, Any] = {
        "type": "investment",
        "status": status,
        "parties": {"investor": ("Meta",), "target": ("Scale AI",)},
        "amount_usd": 14.3e9,
        "stake_pct": 49.0,
        "amount": Money(14.3, "USD bn"),
        "evidence": "Meta takes a 49% stake in Scale AI",
    }
    values.update(changes)
    return DealEvent(**values)


async def new_article(store: SqlStore, key: str, published: datetime = T0) -> int:
    """An article stored under a throwaway source, returning its id."""
    source = await store.upsert_source(FEED, T0)
    (added,) = await store.add_articles(source.id, [article(key, published)], T0)
    assert added.id is not None
    return added.id


async def new_event(
    store: SqlStore, event: DealEvent | None = None, targets: tuple[str, ...] = ("console",), key: str = "a1"
) -> int:
    article_id = await new_article(store, key)
    return await store.save_event(EventWrite(article_id, event or investment(), "new", targets), T0)


def datetimes(value: Any) -> list[datetime]:
    """Every datetime inside a returned value (dataclasses, mappings, sequences)."""
    if isinstance(value, datetime):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [d for f in dataclasses.fields(value) for d in datetimes(getattr(value, f.name))]
    if isinstance(value, Mapping):
        return [d for v in value.values() for d in datetimes(v)]
    if isinstance(value, list | tuple):
        return [d for v in value for d in datetimes(v)]
    return []


def assert_aware_utc(value: Any) -> int:
    """Fails on any naive or non-UTC datetime in `value`; returns how many were checked."""
    found = datetimes(value)
    for d in found:
        assert d.tzinfo is not None and d.utcoffset() == timedelta(0), d
    return len(found)
