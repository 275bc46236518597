"""Schedule: the clock -> due sources and due deliveries. The only module that imports APScheduler.

Which source is due, and who polls it, lives in the store as leases, so several instances can
share the work; APScheduler only provides the heartbeat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery import Deliverer
from bot.pipeline.poll import Poller, PollReport
from bot.ports import Clock, Store

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(
        self,
        store: Store,
        poller: Poller,
        deliverer: Deliverer,
        clock: Clock,
        *,
        owner: str,
        tick_s: float = 15.0,
        deliver_s: float = 2.0,
        concurrency: int = 4,
        lease: timedelta = timedelta(minutes=10),
        before_poll: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._store = store
        self._poller = poller
        self._deliverer = deliverer
        self._clock = clock
        self._owner = owner
        self._tick_s = tick_s
        self._deliver_s = deliver_s
        self._concurrency = concurrency
        self._lease = lease
        self._before_poll = before_poll
        self._aps: AsyncIOScheduler | None = None
        self._inflight: set[asyncio.Task[Any]] = set()
        self._stopping = False

    async def poll_due(self) -> list[PollReport]:
        """Claim every due source (leased to this instance) and poll them, a few at a time."""
        sources = await self._store.claim_due_sources(self._owner, self._clock.now(), self._lease, 50)
        gate = asyncio.Semaphore(self._concurrency)

        async def one(source: Any) -> PollReport | None:
            async with gate:
                try:
                    return await self._poller.poll(source)
                except Exception:  # one broken source must not stop the others
                    log.exception("polling source %s failed", source.id)
                    return None

        reports = [r for r in await asyncio.gather(*(one(s) for s in sources)) if r is not None]
        for r in reports:
            if r.error is None:
                log.info(
                    "source %s: %d new articles, events %s, %d deliveries",
                    r.source_id,
                    r.new_articles,
                    r.events,
                    r.deliveries,
                )
        return reports

    async def tick(self) -> None:
        if self._before_poll is not None:
            await self._guard(self._before_poll)
        await self._guard(self.poll_due)
        await self._guard(self._deliverer.run_once)

    async def deliver(self) -> None:
        await self._guard(self._deliverer.run_once)

    async def _guard(self, work: Callable[[], Awaitable[Any]]) -> None:
        """Runs work as a tracked task, so shutdown can wait for it instead of cutting it."""
        if self._stopping:
            return
        task = asyncio.ensure_future(work())
        self._inflight.add(task)
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if self._stopping and task.cancelled():
                return  # stop() gave up waiting for this work; its leases hand it on
            raise
        except Exception:
            log.exception("scheduled work failed")
        finally:
            self._inflight.discard(task)

    def start(self) -> None:
        aps = AsyncIOScheduler(timezone=UTC)
        first = datetime.now(UTC)
        # One run of each job at a time; runs missed while one was busy collapse into one.
        for job_id, job, seconds in (("poll", self.tick, self._tick_s), ("deliver", self.deliver, self._deliver_s)):
            aps.add_job(job, "interval", seconds=seconds, id=job_id, max_instances=1, coalesce=True,
                        next_run_time=first, misfire_grace_time=None)  # fmt: skip
        aps.start()
        self._aps = aps

    async def stop(self, grace_s: float = 8.0) -> None:
        """No new work; in-flight polls and sends finish, or are cancelled after `grace_s` and
        left to their leases (every store write is one transaction, so nothing is half-written)."""
        self._stopping = True
        pending = list(self._inflight)
        if pending:
            _, late = await asyncio.wait(pending, timeout=grace_s)
            for task in late:
                task.cancel()
            if late:
                await asyncio.gather(*late, return_exceptions=True)
        # Jobs have returned by now (no new work starts once stopping), so nothing is cut mid-way.
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
