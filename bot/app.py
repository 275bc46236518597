"""Wiring: config -> running bot. The composition root: builds every object, runs them, shuts down in reverse."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TextIO

from bot.adapters.console import ConsoleNotifier
from bot.clock import SystemClock
from bot.config import Config
from bot.delivery import Deliverer, RetryPolicy
from bot.pipeline.extract import extractor_factory
from bot.pipeline.fetch import Fetcher
from bot.pipeline.poll import Poller, PollReport, PollSettings
from bot.ports import Clock, Notifier, Store
from bot.scheduler import Scheduler
from bot.sources import PARSERS
from bot.store import open_store

log = logging.getLogger(__name__)


def instance_name() -> str:
    """Who holds a lease: unique per process, readable in the sources table."""
    return f"{socket.gethostname()}:{os.getpid()}"


async def seed(store: Store, config: Config, clock: Clock) -> list[str]:
    """Adds the config's watchlist, sources and subscriptions to the store; chat commands add more.
    Returns warnings for a person to read."""
    warnings: list[str] = []
    for company in config.companies():
        await store.upsert_company(company)
    for spec in config.source_specs():
        if spec.kind not in PARSERS:
            warnings.append(f"source kind {spec.kind!r} is not available in this version; skipped")
            continue
        await store.upsert_source(spec, clock.now())
    for sub in config.subscriptions:
        await store.add_subscription(sub.to_subscription())
    return warnings


@dataclass
class App:
    """One running dealwatch: the store, the fetcher, the pipeline and the notifiers."""

    config: Config
    clock: Clock = field(default_factory=SystemClock)
    out: TextIO | None = None
    as_json: bool = False
    owner: str = field(default_factory=instance_name)
    store: Store | None = None
    _fetcher: Fetcher | None = None
    _poller: Poller | None = None
    _deliverer: Deliverer | None = None

    async def start(self) -> None:
        self.store = await open_store(self.config.database)
        for warning in await seed(self.store, self.config, self.clock):
            log.warning("%s", warning)
        self._fetcher = Fetcher(self.config.fetch)
        self._poller = Poller(
            self.store,
            self._fetcher,
            extractor_factory(),
            self.clock,
            PollSettings(
                dedup_window=timedelta(seconds=self.config.dedup_window),
                max_backoff=timedelta(seconds=self.config.fetch.max_backoff),
            ),
        )
        d = self.config.delivery
        self._deliverer = Deliverer(
            self.store,
            self.notifiers(),
            self.clock,
            owner=self.owner,
            policy=RetryPolicy(max_attempts=d.max_attempts, base_s=d.retry_base, max_s=d.retry_max),
        )

    def notifiers(self) -> dict[str, Notifier]:
        notifiers: dict[str, Notifier] = {"console": ConsoleNotifier(self.out or sys.stdout, as_json=self.as_json)}
        return notifiers

    async def close(self) -> None:
        if self._fetcher is not None:
            await self._fetcher.aclose()
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

        scheduler = Scheduler(self.store, self._poller, self._deliverer, self.clock, owner=self.owner)
        web = await serve_health(self.store, self.config.http.host, self.config.http.port)
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
            await web.cleanup()
