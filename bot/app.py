"""Wiring: config -> running bot. The composition root: builds every object, runs them, shuts down in reverse."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TextIO

from bot.adapters.console import ConsoleNotifier
from bot.clock import SystemClock
from bot.config import PER_COMPANY_KINDS, Config
from bot.delivery import Deliverer, RetryPolicy, platform_of
from bot.pipeline.extract import extractor_factory
from bot.pipeline.fetch import Fetcher
from bot.pipeline.plan import reconcile_sources
from bot.pipeline.poll import Poller, PollReport, PollSettings
from bot.ports import Clock, Notifier, Store
from bot.scheduler import Scheduler
from bot.sources import ParseError, parse
from bot.sources.sec_tickers import company_tickers, parse_tickers
from bot.store import open_store

log = logging.getLogger(__name__)


def instance_name() -> str:
    """Who holds a lease: unique per process, readable in the sources table."""
    return f"{socket.gethostname()}:{os.getpid()}"


async def seed(store: Store, config: Config, clock: Clock) -> None:
    """Adds the config's watchlist, sources and subscriptions to the store; chat commands add more."""
    for company in config.companies():
        await store.upsert_company(company)
    for spec in config.source_specs():
        if spec.kind not in PER_COMPANY_KINDS:  # the others are templates: see plan.reconcile_sources
            await store.upsert_source(spec, clock.now())
    for sub in config.subscriptions:
        await store.add_subscription(sub.to_subscription())
    await reconcile_sources(store, config.sources, clock.now())


# Fair use of public services: SEC asks for at most 10 requests a second, GDELT for one every 5 s.
SEC_HOSTS = {"www.sec.gov": 0.1, "data.sec.gov": 0.1, "efts.sec.gov": 0.1}
GDELT_HOSTS = {"api.gdeltproject.org": 5.0}
# SEC's ticker file changes rarely: a week-old copy is refreshed; a failed refresh waits an hour.
TICKERS_MAX_AGE = timedelta(days=7)
TICKERS_RETRY = timedelta(hours=1)


@dataclass
class App:
    """One running dealwatch: the store, the fetcher, the pipeline and the notifiers."""

    config: Config
    clock: Clock = field(default_factory=SystemClock)
    out: TextIO | None = None
    as_json: bool = False
    owner: str = field(default_factory=instance_name)
    store: Store | None = None
    _fetchers: dict[str, Fetcher] = field(default_factory=dict)
    _notifiers: dict[str, Notifier] = field(default_factory=dict)
    _poller: Poller | None = None
    _deliverer: Deliverer | None = None
    _tickers_tried: datetime | None = None  # last refresh of the SEC ticker file, kept or failed

    async def start(self) -> None:
        self.store = await open_store(self.config.database)
        await seed(self.store, self.config, self.clock)
        self._fetchers["*"] = Fetcher(self.config.fetch, host_min_interval=GDELT_HOSTS)
        if self.config.edgar.user_agent:
            self._fetchers["edgar"] = Fetcher(
                self.config.fetch, user_agent=self.config.edgar.user_agent, host_min_interval=SEC_HOSTS
            )
        notifiers = self._notifiers = self.notifiers()
        self._poller = Poller(
            self.store,
            self._fetchers,
            extractor_factory(extra_lexicon=self.config.classify.extra_lexicon()),
            self.clock,
            PollSettings(
                dedup_window=timedelta(seconds=self.config.dedup_window),
                max_backoff=timedelta(seconds=self.config.fetch.max_backoff),
            ),
            notify_admin=self._admin_notice(notifiers),
        )
        d = self.config.delivery
        self._deliverer = Deliverer(
            self.store,
            notifiers,
            self.clock,
            owner=self.owner,
            policy=RetryPolicy(max_attempts=d.max_attempts, base_s=d.retry_base, max_s=d.retry_max),
        )

    def _admin_notice(self, notifiers: dict[str, Notifier]) -> Callable[[str], Awaitable[None]]:
        target = self.config.admin_channel

        async def notify(text: str) -> None:
            notifier = notifiers.get(platform_of(target)) or notifiers["console"]
            await notifier.notice(target, text)

        return notify

    async def reconcile(self) -> None:
        """Per-company sources follow the watchlist, which chat commands change at any time."""
        assert self.store is not None
        try:
            await self.refresh_sec_tickers()
        except Exception:  # the lookup only adds edgar sources; the rest of the plan goes on
            log.exception("refreshing SEC's ticker file failed")
        await reconcile_sources(self.store, self.config.sources, self.clock.now())

    async def refresh_sec_tickers(self) -> bool:
        """Fetches SEC's ticker file into the store when a watched company needs it for a CIK (an
        edgar template, no `cik:`, a ticker) and the stored copy is missing or a week old. Through
        the `edgar` fetcher: SEC's declared User-Agent and pacing. A failure is logged and tried
        again after TICKERS_RETRY, not on every tick. True when the copy was replaced."""
        assert self.store is not None
        fetcher = self._fetchers.get("edgar")
        if fetcher is None or not any(t.kind == "edgar" for t in self.config.sources):
            return False
        now = self.clock.now()
        if self._tickers_tried is not None and now - self._tickers_tried < TICKERS_RETRY:
            return False
        if not any(not c.cik and company_tickers(c) for c in await self.store.list_companies()):
            return False
        fetched = await self.store.sec_tickers_fetched_at()
        if fetched is not None and now - fetched < TICKERS_MAX_AGE:
            return False
        self._tickers_tried = now
        url = self.config.edgar.tickers_url
        result = await fetcher.fetch(url)
        try:
            if not result.ok:
                raise ParseError(result.error or f"HTTP {result.status}")
            rows = parse_tickers(result.body)
        except ParseError as exc:
            log.warning("SEC ticker file %s: %s; trying again in %s", url, exc, TICKERS_RETRY)
            return False
        await self.store.replace_sec_tickers(rows, now)
        log.info("SEC ticker file: %d tickers stored", len(rows))
        return True

    def notifiers(self) -> dict[str, Notifier]:
        notifiers: dict[str, Notifier] = {"console": ConsoleNotifier(self.out or sys.stdout, as_json=self.as_json)}
        if self.config.slack.enabled:
            from bot.adapters.slack import SlackNotifier, slack_client

            notifiers["slack"] = SlackNotifier(slack_client(self.config.slack))
        if self.config.discord.enabled:
            from bot.adapters.discord import DiscordNotifier

            notifiers["discord"] = DiscordNotifier.from_config(self.config.discord)
        return notifiers

    async def check_source(self, url: str) -> str | None:
        """A chat `source add`: test-fetch through the guarded fetcher and parse as a feed; None if fine."""
        result = await self._fetchers["*"].fetch(url)
        if not result.ok:
            return result.error or f"HTTP {result.status}"
        try:
            parse("rss", result.body, result.headers, self.clock.now())
        except ParseError as exc:
            return f"not a feed ({exc})"
        return None

    async def close(self) -> None:
        for notifier in self._notifiers.values():
            close = getattr(notifier, "close", None)  # platform notifiers hold a session
            if close is not None:
                try:
                    await close()
                except Exception:  # closing must go on for the rest
                    log.exception("closing a notifier failed")
        for fetcher in self._fetchers.values():
            await fetcher.aclose()
        if self.store is not None:
            await self.store.close()

    async def __aenter__(self) -> App:
        try:
            await self.start()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def poll_once(self) -> list[PollReport]:
        """One pass over every source, due or not, then every alert it produced is delivered."""
        assert self.store is not None and self._poller is not None and self._deliverer is not None
        await self.reconcile()
        sources = await self.store.list_sources()
        gate = asyncio.Semaphore(4)
        poller = self._poller

        async def one(source_id: int) -> PollReport:
            async with gate:
                source = await self.store.get_source(source_id)  # type: ignore[union-attr]
                assert source is not None
                return await poller.poll(source)

        reports: Sequence[PollReport] = await asyncio.gather(*(one(s.id) for s in sources))
        await self._deliverer.run_once()
        return list(reports)

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop` is set: the scheduler polls and delivers; health is served over HTTP."""
        assert self.store is not None and self._poller is not None and self._deliverer is not None
        from bot.web import serve_health

        scheduler = Scheduler(
            self.store, self._poller, self._deliverer, self.clock, owner=self.owner, before_poll=self.reconcile
        )
        slack = None
        if self.config.slack.enabled:
            from bot import __version__
            from bot.adapters.slack import SlackAdapter

            slack = SlackAdapter(
                self.config.slack, self.store, self.clock, check_source=self.check_source, version=__version__
            )
        discord_bot = None
        if self.config.discord.enabled:
            from bot import __version__
            from bot.adapters.discord import DiscordAdapter

            discord_bot = DiscordAdapter(
                self.config.discord, self.store, self.clock, check_source=self.check_source, version=__version__
            )
        web = await serve_health(
            self.store, self.config.http.host, self.config.http.port, routes=slack.routes() if slack else ()
        )
        if slack is not None:
            try:
                await slack.start()
            except BaseException:
                await slack.close()
                await web.cleanup()
                raise
        if discord_bot is not None:
            try:
                await discord_bot.start()
            except BaseException:
                await discord_bot.close()
                if slack is not None:
                    await slack.close()
                await web.cleanup()
                raise
        scheduler.start()
        log.info(
            "dealwatch running as %s; health on http://%s:%s/healthz",
            self.owner,
            self.config.http.host,
            self.config.http.port,
        )
        try:
            await stop.wait()
        finally:
            log.info("shutting down")
            await scheduler.stop()
            if discord_bot is not None:
                await discord_bot.close()
            if slack is not None:
                await slack.close()
            await web.cleanup()
