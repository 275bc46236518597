"""Poll: the one recipe that chains fetch -> parse -> store -> match/classify -> dedup -> route -> outbox."""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.model import Article, FetchResult, SourceState
from bot.pipeline.dedup import dedup
from bot.pipeline.extract import OpenWatchlist
from bot.pipeline.route import ANY_COMPANY, route
from bot.ports import Clock, EventWrite, ExtractorFor, PollRecord, Store
from bot.sources import ParseError, parse

log = logging.getLogger(__name__)


class Fetching(Protocol):
    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult: ...


@dataclass
class PollReport:
    """What one poll of one source did, for logs, `dealwatch sources` and tests."""

    source_id: int
    url: str
    error: str | None = None
    not_modified: bool = False
    unchanged: bool = False
    articles: int = 0
    new_articles: int = 0
    events: dict[str, int] = field(default_factory=lambda: {"new": 0, "update": 0, "duplicate": 0})
    deliveries: int = 0


@dataclass(frozen=True)
class PollSettings:
    dedup_window: timedelta = timedelta(days=30)
    jitter: float = 0.1
    max_backoff: timedelta = timedelta(hours=6)
    stale_after: timedelta = timedelta(days=3)
    broken_after: timedelta = timedelta(days=1)


AdminNotice = Callable[[str], Awaitable[None]]


class Poller:
    """Polls one source at a time; every write goes through the store, one transaction per step."""

    def __init__(
        self,
        store: Store,
        fetchers: Fetching | Mapping[str, Fetching],
        extractor_for: ExtractorFor,
        clock: Clock,
        settings: PollSettings | None = None,
        rng: random.Random | None = None,
        notify_admin: AdminNotice | None = None,
    ) -> None:
        """`fetchers` is one fetcher, or one per source kind with `*` for the rest (EDGAR wants its own
        User-Agent and pace)."""
        self._store = store
        self._fetchers: Mapping[str, Fetching] = fetchers if isinstance(fetchers, Mapping) else {"*": fetchers}
        self._extractor_for = extractor_for
        self._notify_admin = notify_admin
        self._clock = clock
        self._settings = settings or PollSettings()
        self._rng = rng or random.Random()

    async def poll(self, source: SourceState) -> PollReport:
        report = PollReport(source.id, source.url)
        now = self._clock.now()
        fetcher = self._fetchers.get(source.kind) or self._fetchers["*"]
        result = await fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
        if result.error is not None or (not result.ok and not result.not_modified):
            report.error = result.error or f"HTTP {result.status}"
            await self._record_error(source, report.error, now, result.retry_after_s)
            return report
        if result.not_modified:
            report.not_modified = True
            await self._record_ok(source, now, result, source.body_hash)
            return report
        body_hash = hashlib.sha256(result.body).hexdigest()
        if body_hash == source.body_hash:
            report.unchanged = True
            await self._record_ok(source, now, result, body_hash)
            return report
        try:
            articles = parse(source.kind, result.body, result.headers, now)
        except ParseError as exc:
            report.error = f"cannot parse: {exc}"
            await self._record_error(source, report.error, now, None)
            return report
        report.articles = len(articles)
        async with self._store.event_lock():
            report.new_articles = len(await self._store.add_articles(source.id, articles, now))
            # New articles, and any a poll that died midway stored but did not finish.
            pending = await self._store.unprocessed_articles(source.id)
            if pending:
                await self._process(source, pending, now, report)
        await self._record_ok(source, now, result, body_hash)
        return report

    async def _process(self, source: SourceState, articles: list[Article], now: datetime, report: PollReport) -> None:
        companies = await self._store.list_companies()
        subscriptions = await self._store.list_subscriptions()
        # a subscription to `any` company needs deals among unwatched organisations read too
        any_company = any(ANY_COMPANY in {c.casefold() for c in s.companies} for s in subscriptions)
        wanted = OpenWatchlist(companies) if any_company else companies
        extract = self._extractor_for(wanted, source)
        watched = {c.name.casefold() for c in companies}
        recent = await self._store.recent_events(now - self._settings.dedup_window)
        for article in articles:
            assert article.id is not None
            try:
                events = extract(article)
            except Exception:  # a classifier bug must not lose the rest of the feed, nor retry forever
                log.exception("classifying article %s failed", article.key)
                await self._store.mark_processed(article.id)
                continue
            alertable = is_alertable(article, source, now, self._settings.stale_after)
            for event in events:
                decision = dedup(event, recent)
                targets: tuple[str, ...] = ()
                if alertable and decision.kind != "duplicate":
                    targets = route(decision.event, subscriptions, watched)
                event_id = await self._store.save_event(
                    EventWrite(article.id, decision.event, decision.kind, targets), now
                )
                report.events[decision.kind] += 1
                report.deliveries += len(targets)
                stored = await self._store.get_event(event_id)
                if stored is not None:
                    recent = [e for e in recent if e.id != event_id] + [stored]
            await self._store.mark_processed(article.id)

    async def _record_ok(self, source: SourceState, now: datetime, result: FetchResult, body_hash: str | None) -> None:
        await self._store.record_poll(
            PollRecord(
                source_id=source.id,
                now=now,
                next_poll=now + self._jittered(source.interval_s),
                etag=result.etag or source.etag,
                last_modified=result.last_modified or source.last_modified,
                body_hash=body_hash,
            )
        )

    async def _record_error(self, source: SourceState, error: str, now: datetime, retry_after: float | None) -> None:
        delay = backoff(source.interval_s, source.error_count + 1, self._settings.max_backoff)
        if retry_after is not None:
            delay = max(delay, timedelta(seconds=retry_after))
        log.warning("source %s (%s) failed: %s", source.id, source.url, error)
        failing_since = source.failing_since or now
        broken_at = None
        if source.broken_at is None and now - failing_since >= self._settings.broken_after:
            broken_at = now
        await self._store.record_poll(
            PollRecord(source_id=source.id, now=now, next_poll=now + delay, error=error, broken_at=broken_at)
        )
        if broken_at is not None and self._notify_admin is not None:
            since = failing_since.strftime("%Y-%m-%d %H:%M UTC")
            what = f"{source.kind} source {source.id}" + (f" for {source.company}" if source.company else "")
            try:
                await self._notify_admin(
                    f"{what} is broken: failing since {since} ({source.error_count + 1} errors). "
                    f"Last error: {error}. URL: {source.url}"
                )
            except Exception:  # the notice is best effort; the health record already says it
                log.exception("could not send the broken-source notice for source %s", source.id)

    def _jittered(self, interval_s: int) -> timedelta:
        spread = self._settings.jitter
        return timedelta(seconds=interval_s * (1 + self._rng.uniform(-spread, spread)))


def backoff(interval_s: int, errors: int, ceiling: timedelta) -> timedelta:
    """Exponential in consecutive errors, starting at the source's own interval."""
    return min(ceiling, timedelta(seconds=interval_s * 2 ** min(errors - 1, 20)))


def is_alertable(article: Article, source: SourceState, now: datetime, stale_after: timedelta) -> bool:
    """Only fresh news is alerted: adding a feed, or a feed resurfacing old items, never floods a channel.

    On the first poll only items within the source's backfill window count, and an undated item
    (stamped with the fetch time) is history, not news.
    """
    backfill = timedelta(seconds=source.backfill_s)
    if not source.first_polled:
        return bool(backfill) and now - backfill <= article.published < now
    return article.published >= now - max(backfill, stale_after)
