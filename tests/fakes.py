"""Fakes for the far edge only: a clock tests move by hand, and a notifier that records what it was sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.model import Alert


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2025, 6, 13, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


class RecordingNotifier:
    """Stands in for a chat platform: remembers every alert; can fail the first `failures` sends."""

    def __init__(self, failures: int = 0) -> None:
        self.sent: list[Alert] = []
        self.failures = failures
        self.calls = 0

    async def send(self, alert: Alert) -> str | None:
        self.calls += 1
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("platform unavailable")
        self.sent.append(alert)
        return f"msg-{alert.delivery_id}"
