"""The seams between the pipeline and the outside world: storage, chat platforms, time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot.model import (
    Alert,
    Article,
    Company,
    DealEvent,
    EventType,
    SourceSpec,
    SourceState,
    Subscription,
)

Extractor = Callable[[Article], list[DealEvent]]
"""Match and classify in one: an article -> the events it reports about watched companies."""

ExtractorFor = Callable[[Sequence[Company], SourceState], Extractor]
"""The extractor for a source's articles, given the current watchlist."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class Notifier(Protocol):
    async def send(self, alert: Alert) -> str | None:
        """Post one alert. Returns the platform's reference to the posted message (used to
        thread later updates), or None. Raises on failure; the outbox retries."""
        ...

    async def notice(self, target: str, text: str) -> None:
        """Post a plain operational notice (a source is broken) to an admin channel."""
        ...


@dataclass(frozen=True)
class EventWrite:
    """Everything one classified article changes about one event, written in one transaction.

    kind "new": insert `event`; "update": `event.id` exists, its status moved on;
    "duplicate": `event.id` exists, only the article is linked. Deliveries are created for
    `targets`: the store marks each "update" when that target already had an alert for the
    event, else "new", and never creates two deliveries for one (event, target, status).
    """

    article_id: int
    event: DealEvent
    kind: Literal["new", "update", "duplicate"]
    targets: tuple[str, ...]


@dataclass(frozen=True)
class PollRecord:
    """The outcome of polling one source, recorded and its lease released in one step."""

    source_id: int
    now: datetime
    next_poll: datetime
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    broken_at: datetime | None = None  # set when an error makes the source count as broken


class Store(Protocol):
    """Durable state. Every method is one transaction; times are aware UTC."""

    async def close(self) -> None: ...

    def event_lock(self) -> AbstractAsyncContextManager[None]:
        """Exclusive, across every process sharing the store, while new articles are stored and
        their events deduplicated and saved (dedup reads, then writes)."""
        ...

    # watchlist
    async def upsert_company(self, company: Company) -> None: ...
    async def remove_company(self, name: str) -> bool: ...
    async def list_companies(self) -> list[Company]: ...

    # SEC's ticker file, cached: how watched companies without a CIK get EDGAR sources
    async def replace_sec_tickers(self, rows: Mapping[str, tuple[str, str]], now: datetime) -> None:
        """Replace the whole cache with `rows` (ticker -> (CIK, title)), stamped fetched at `now`."""
        ...

    async def sec_ticker_ciks(self, tickers: Iterable[str]) -> dict[str, str]:
        """Ticker -> CIK for those of `tickers` the cache has (tickers as `sec_tickers.ticker_key`)."""
        ...

    async def sec_tickers_fetched_at(self) -> datetime | None:
        """When the cache was filled; None when it never was."""
        ...

    # sources and their fetch state
    async def upsert_source(self, spec: SourceSpec, now: datetime) -> SourceState:
        """Insert or update by (kind, url); keeps fetch state of an existing row."""
        ...

    async def remove_source(self, source_id: int) -> bool: ...
    async def list_sources(self) -> list[SourceState]: ...
    async def get_source(self, source_id: int) -> SourceState | None: ...

    async def claim_due_sources(self, owner: str, now: datetime, lease: timedelta, limit: int) -> list[SourceState]:
        """Sources whose next poll is due and whose lease is free or expired, leased to `owner`."""
        ...

    async def record_poll(self, record: PollRecord) -> None:
        """Success resets the error count and sets first_polled; an error counts up and keeps
        failing_since. Either way the lease is released."""
        ...

    # articles
    async def add_articles(self, source_id: int, articles: Sequence[Article], now: datetime) -> list[Article]:
        """Store articles unseen for this source (by key); returns only the new ones, with ids."""
        ...

    async def unprocessed_articles(self, source_id: int) -> list[Article]:
        """Stored articles of the source whose events are not all saved yet (a poll died midway)."""
        ...

    async def mark_processed(self, article_id: int) -> None: ...

    # events
    async def recent_events(self, since: datetime) -> list[DealEvent]:
        """Events seen or updated since `since`, with ids, sources and status history."""
        ...

    async def save_event(self, write: EventWrite, now: datetime) -> int:
        """Apply one EventWrite atomically; returns the event id."""
        ...

    async def get_event(self, event_id: int) -> DealEvent | None: ...

    async def events_for(
        self,
        *,
        since: datetime,
        companies: Sequence[str] | None = None,
        types: Sequence[EventType] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[DealEvent]:
        """Events newest first, optionally only those naming one of `companies` as a party."""
        ...

    # subscriptions
    async def add_subscription(self, sub: Subscription) -> int:
        """Idempotent: an identical subscription returns the existing id."""
        ...

    async def remove_subscription(self, sub_id: int) -> bool: ...
    async def list_subscriptions(self, target: str | None = None) -> list[Subscription]: ...

    # outbox
    async def claim_deliveries(self, owner: str, now: datetime, lease: timedelta, limit: int) -> list[Alert]:
        """Due deliveries, oldest first, leased to `owner`. An update waits until its first
        alert in that target is sent (its `thread_ref` then carries that message's reference)."""
        ...

    async def mark_sent(self, delivery_id: int, ref: str | None, now: datetime) -> None: ...

    async def mark_failed(self, delivery_id: int, error: str, retry_at: datetime | None, now: datetime) -> None:
        """Record a failed attempt; `retry_at` None gives the delivery up for good."""
        ...

    async def count_pending_deliveries(self) -> int: ...
