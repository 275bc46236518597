"""Deliver: outbox rows -> Notifier.send, with leases, retries and backoff, so nothing is lost or sent twice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.model import Alert
from bot.ports import Clock, Notifier, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 12
    base_s: float = 10.0
    max_s: float = 3600.0

    def delay(self, attempts: int) -> float:
        return float(min(self.max_s, self.base_s * 2 ** max(0, attempts)))


def platform_of(target: str) -> str:
    """`slack:C0123` -> `slack`; `console` -> `console`."""
    return target.split(":", 1)[0]


class Deliverer:
    """Claims due deliveries and sends each through the notifier of its target's platform.

    A delivery is leased before it is sent and marked sent right after; a crash in between leaves
    it leased, and it is sent again only once the lease has expired (adapters make that re-send
    idempotent where the platform allows, e.g. Discord nonces).
    """

    def __init__(
        self,
        store: Store,
        notifiers: Mapping[str, Notifier],
        clock: Clock,
        *,
        owner: str,
        policy: RetryPolicy | None = None,
        lease: timedelta = timedelta(minutes=2),
        batch: int = 20,
    ) -> None:
        self._store = store
        self._notifiers = notifiers
        self._clock = clock
        self._owner = owner
        self._policy = policy or RetryPolicy()
        self._lease = lease
        self._batch = batch
        self._warned: set[str] = set()

    async def run_once(self) -> int:
        """Send what is due now; returns how many were sent."""
        sent = 0
        while True:
            alerts = await self._store.claim_deliveries(self._owner, self._clock.now(), self._lease, self._batch)
            if not alerts:
                return sent
            for alert in alerts:
                sent += await self._deliver(alert)

    async def _deliver(self, alert: Alert) -> int:
        platform = platform_of(alert.target)
        notifier = self._notifiers.get(platform)
        if notifier is None:
            if platform not in self._warned:
                self._warned.add(platform)
                log.warning("no %s connection configured; deliveries to %s wait in the outbox", platform, platform)
            await self._fail(alert, f"no {platform} connection configured")
            return 0
        try:
            ref = await notifier.send(alert)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a platform error must not stop the other deliveries
            log.warning("delivery %s to %s failed: %s", alert.delivery_id, alert.target, exc)
            await self._fail(alert, f"{type(exc).__name__}: {exc}")
            return 0
        await self._store.mark_sent(alert.delivery_id, ref, self._clock.now())
        return 1

    async def _fail(self, alert: Alert, error: str) -> None:
        now = self._clock.now()
        attempts = alert.attempts + 1
        retry_at = (
            None
            if attempts >= self._policy.max_attempts
            else now + timedelta(seconds=self._policy.delay(alert.attempts))
        )
        if retry_at is None:
            log.error("giving up on delivery %s to %s after %d attempts", alert.delivery_id, alert.target, attempts)
        await self._store.mark_failed(alert.delivery_id, error[:500], retry_at, now)
