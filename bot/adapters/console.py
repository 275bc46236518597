"""Console sink: alerts -> stdout, as readable blocks or one JSON line each (`--json`)."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from bot.model import Alert, DealEvent
from bot.render import card_text, render_alert


def event_json(event: DealEvent) -> dict[str, Any]:
    """The event as scripts and checks see it (DESIGN.md, `poll --once --json`)."""
    out: dict[str, Any] = {
        "id": event.id,
        "type": event.type,
        "status": event.status,
        "parties": {role: list(names) for role, names in event.parties.items()},
        "amount_usd": event.amount_usd,
        "stake_pct": event.stake_pct,
        "sources": [
            {
                "title": ref.title,
                "url": ref.url,
                "source": ref.source,
                "published": ref.published.isoformat().replace("+00:00", "Z"),
            }
            for ref in event.sources
        ],
        "evidence": event.evidence,
        "status_history": list(event.status_history),
    }
    if event.amount is not None and event.amount_usd is None:
        out["amount"] = {"value": event.amount.value, "currency": event.amount.currency}
    return out


class ConsoleNotifier:
    """Prints each alert; the default sink when no chat tokens are set."""

    def __init__(self, out: TextIO | None = None, *, as_json: bool = False) -> None:
        self._out = out
        self._json = as_json

    async def send(self, alert: Alert) -> str | None:
        out = self._out or sys.stdout
        if self._json:
            line = {"kind": alert.kind, "target": alert.target, "event": event_json(alert.event)}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        else:
            thread = f" (follows alert {alert.thread_ref})" if alert.thread_ref else ""
            out.write(f"[{alert.target}]{thread}\n{card_text(render_alert(alert))}\n\n")
        out.flush()
        return str(alert.delivery_id)

    async def notice(self, target: str, text: str) -> None:
        out = self._out or sys.stdout
        if self._json:
            out.write(json.dumps({"kind": "notice", "target": target, "text": text}, ensure_ascii=False) + "\n")
        else:
            out.write(f"[{target}] notice: {text}\n\n")
        out.flush()
