"""Classify throughput on one core: items/s for match + classify over labelled headlines.

The figure is CPU time of this process (one core, whatever else the machine runs), best of
several rounds as `timeit` advises: the fastest round is the one least disturbed by others.
`--against DIR` measures another checkout (say, the last commit exported with `git archive`)
in a child process, rounds interleaved with this one's, so a before/after comparison shares
the same machine state.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.evaluate import load_watchlist
from bot.model import Article, SourceState
from bot.pipeline.extract import extractor_factory

ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = ROOT.parent / "shared" / "eval"
OWN_ITEMS = ROOT / "tests" / "data" / "classify"


def item_files() -> list[Path]:
    """The shared dev set when it is beside the checkout, else the project's own labelled items."""
    if (SHARED_EVAL / "dev.jsonl").exists():
        return [SHARED_EVAL / "dev.jsonl"]
    return sorted(OWN_ITEMS.glob("*.jsonl"))


def watchlist_file() -> Path:
    shared = SHARED_EVAL / "watchlist.yaml"
    return shared if shared.exists() else OWN_ITEMS / "watchlist.yaml"


def load_items(files: list[Path]) -> list[Article]:
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
    return items


def measure(items_from: list[Path], watchlist: Path, seconds: float) -> tuple[float, float]:
    """(items/s, events/item) for one round of about `seconds` CPU seconds."""
    items = load_items(items_from)
    companies = load_watchlist(str(watchlist))
    feed = SourceState(id=1, kind="rss", url="", interval_s=600, backfill_s=0, company=None)
    extract = extractor_factory()(companies, feed)
    for item in items:  # warm up caches and compiled patterns
        extract(item)
    done, events = 0, 0
    start = time.process_time()
    while time.process_time() - start < seconds:
        for item in items:
            events += len(extract(item))
        done += len(items)
    return done / (time.process_time() - start), events / done


# One round of the same loop in a fresh interpreter that imports another checkout's `bot`; it needs
# only the public names every version has, so any commit can be measured.
_ROUND = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from datetime import UTC, datetime
from bot.evaluate import load_watchlist
from bot.model import Article, SourceState
from bot.pipeline.extract import extractor_factory
items = []
for f in sys.argv[4:]:
    for line in open(f, encoding="utf-8"):
        if line.strip():
            r = json.loads(line)
            items.append(Article(str(r.get("id")), r.get("title") or "", r.get("summary") or "", "", "",
                                 datetime(2025, 1, 1, tzinfo=UTC)))
feed = SourceState(id=1, kind="rss", url="", interval_s=600, backfill_s=0, company=None)
extract = extractor_factory()(load_watchlist(sys.argv[2]), feed)
for item in items:
    extract(item)
done = 0
start = time.process_time()
while time.process_time() - start < float(sys.argv[3]):
    for item in items:
        extract(item)
    done += len(items)
print(done / (time.process_time() - start), flush=True)
"""


def _child_round(checkout: Path, files: list[Path], watchlist: Path, seconds: float) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _ROUND, str(checkout), str(watchlist), str(seconds), *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
        cwd=checkout,
    )
    return float(out.stdout.split()[0])


def run(budget_s: float, rounds: int = 5, against: Path | None = None) -> float:
    """Best items/s over `rounds` rounds sharing `budget_s` CPU seconds; prints the figure."""
    files, watchlist = item_files(), watchlist_file()
    per_round = max(budget_s / rounds, 0.2)
    rates: list[float] = []
    others: list[float] = []
    per_item = 0.0
    for _ in range(rounds):
        if against is not None:
            others.append(_child_round(against, files, watchlist, per_round))
        rate, per_item = measure(files, watchlist, per_round)
        rates.append(rate)
    best = max(rates)
    companies = len(load_watchlist(str(watchlist)))
    print(
        f"classify: {best:,.0f} items/s on one core (best of {rounds} rounds of {per_round:.1f} CPU s; median"
        f" {sorted(rates)[len(rates) // 2]:,.0f}; items from {', '.join(f.name for f in files)}, {companies} companies,"
        f" {per_item:.2f} events/item)"
    )
    if against is not None:
        ref = max(others)
        print(
            f"  against {against}: {ref:,.0f} items/s (median {sorted(others)[len(others) // 2]:,.0f});"
            f" this checkout is {best / ref:.2f}x"
        )
    return best
