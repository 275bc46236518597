"""Classify throughput on one core: items/s for match + classify over labelled headlines."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.evaluate import load_watchlist
from bot.model import Article, SourceState
from bot.pipeline.extract import extractor_factory

ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = ROOT.parent / "shared" / "eval"
OWN_ITEMS = ROOT / "tests" / "data" / "classify"


def load_items() -> tuple[list[Article], Path]:
    """The shared dev set when it is beside the checkout, else the project's own labelled items."""
    files = [SHARED_EVAL / "dev.jsonl"] if (SHARED_EVAL / "dev.jsonl").exists() else sorted(OWN_ITEMS.glob("*.jsonl"))
    when = datetime(2025, 1, 1, tzinfo=UTC)
    items = []
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                items.append(
                    Article(
                        key=str(raw.get("id")),
                        title=raw.get("title") or "",
                        summary=raw.get("summary") or "",
                        url="",
                        publisher=raw.get("source") or "",
                        published=when,
                    )
                )
    return items, files[0]


def run(budget_s: float) -> float:
    items, origin = load_items()
    watchlist = SHARED_EVAL / "watchlist.yaml"
    if not watchlist.exists():
        watchlist = OWN_ITEMS / "watchlist.yaml"
    companies = load_watchlist(str(watchlist))
    feed = SourceState(id=1, kind="rss", url="", interval_s=600, backfill_s=0, company=None)
    extract = extractor_factory()(companies, feed)
    for item in items:  # warm up caches and compiled patterns
        extract(item)
    done, events = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < budget_s:
        for item in items:
            events += len(extract(item))
        done += len(items)
    elapsed = time.perf_counter() - start
    rate = done / elapsed
    print(
        f"classify: {rate:,.0f} items/s on one core ({done:,} items from {origin.name}, {len(companies)} companies,"
        f" {elapsed:.1f}s, {events / done:.2f} events/item)"
    )
    return rate
