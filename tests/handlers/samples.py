"""Sample data for handler tests, written through the Store API the way the pipeline writes it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.model import Article, Company, DealEvent, SourceSpec, Status
from bot.ports import EventWrite, PollRecord, Store

T0 = datetime(2025, 6, 13, 12, 0, tzinfo=UTC)
FEED = SourceSpec(kind="rss", url="https://news.example/feed.xml", interval_s=600)

WATCHLIST = (
    Company("Scale AI", aliases=("Scale", "scale.com")),
    Company("Meta", aliases=("Meta Platforms",)),
    Company("OpenAI"),
    Company("Mercor"),
)


class SourceChecker:
    """Stands in for the fetch guard's test fetch: answers `error` (None = fine) and remembers the URLs."""

    def __init__(self, error: str | None = None) -> None:
        self.error = error
        self.urls: list[str] = []

    async def __call__(self, url: str) -> str | None:
        self.urls.append(url)
        return self.error


async def watch(store: Store, companies: tuple[Company, ...] = WATCHLIST) -> None:
    for company in companies:
        await store.upsert_company(company)


def investment(**changes: Any) -> DealEvent:
    values: dict[str, Any] = {
        "type": "investment",
        "status": "announced",
        "parties": {"investor": ("Meta",), "target": ("Scale AI",)},
        "amount_usd": 14.3e9,
        "stake_pct": 49.0,
        "evidence": "Meta takes a 49% stake in Scale AI",
    }
    values.update(changes)
    return DealEvent(**values)


def partnership_end(**changes: Any) -> DealEvent:
    values: dict[str, Any] = {
        "type": "partnership_end",
        "status": "announced",
        "parties": {"parties": ("OpenAI", "Scale AI")},
        "evidence": "OpenAI phases out its work with Scale AI",
    }
    values.update(changes)
    return DealEvent(**values)


class Newsroom:
    """Stores articles and the events they report, each at its own time, under one feed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.count = 0

    async def article(self, now: datetime, title: str | None = None) -> int:
        source = await self.store.upsert_source(FEED, T0)
        self.count += 1
        key = f"a{self.count}"
        item = Article(
            key=key,
            title=title or f"Story {key}",
            summary="",
            url=f"https://news.example/{key}",
            publisher=f"Outlet {self.count}",
            published=now,
        )
        (added,) = await self.store.add_articles(source.id, [item], now)
        assert added.id is not None
        return added.id

    async def new(self, event: DealEvent, now: datetime, *, sources: int = 1, targets: tuple[str, ...] = ()) -> int:
        event_id = await self.store.save_event(EventWrite(await self.article(now), event, "new", targets), now)
        for _ in range(sources - 1):
            await self.cite(event_id, now)
        return event_id

    async def cite(self, event_id: int, now: datetime) -> None:
        event = await self.store.get_event(event_id)
        assert event is not None
        await self.store.save_event(EventWrite(await self.article(now), event, "duplicate", ()), now)

    async def update(self, event_id: int, status: Status, now: datetime) -> None:
        event = await self.store.get_event(event_id)
        assert event is not None
        moved = replace(event, status=status)
        await self.store.save_event(EventWrite(await self.article(now), moved, "update", ()), now)


async def poll(store: Store, source_id: int, now: datetime, error: str | None = None) -> None:
    await store.record_poll(PollRecord(source_id, now, now + timedelta(minutes=10), error=error))
