"""End to end: a real feed over loopback HTTP -> `dealwatch poll --once --json` -> exactly the expected alerts."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.databases import BACKENDS, database_url
from tests.feedserver import Feed, Item, serve_feed

NOW = datetime.now(UTC).replace(microsecond=0)


def story_feed() -> Feed:
    """Three outlets report Meta's Scale AI stake, one reports OpenAI phasing Scale out; the rest is noise."""
    h = timedelta(hours=1)
    return Feed(
        items=[
            Item(
                "Meta takes 49% stake in Scale AI for $14.3 billion",
                "Example Wire",
                NOW - 5 * h,
                "The deal values the data-labelling startup at more than $29 billion.",
            ),
            Item(
                "Meta to invest $14.3 billion in Scale AI",
                "Tech Daily",
                NOW - 4 * h,
                "Scale's founder Alexandr Wang will join Meta to work on superintelligence.",
            ),
            Item("Scale AI confirms $14.3 billion investment from Meta", "Biz Journal", NOW - 3 * h),
            Item(
                "OpenAI is phasing out its work with Scale AI after Meta deal",
                "Tech Daily",
                NOW - 2 * h,
                "OpenAI had already been winding down its use of Scale's data services.",
            ),
            Item("Meta unveils new Llama models at its developer conference", "Example Wire", NOW - 2 * h),
            Item(
                "How AI labs scale their data pipelines",
                "Biz Journal",
                NOW - 2 * h,
                "Engineers describe the tooling needed to scale labelling work.",
            ),
            Item(
                "Scale AI chief talks about AI safety at summit",
                "Tech Daily",
                NOW - 90 * timedelta(minutes=1),
            ),
            Item("OpenAI sued by news publishers over training data", "Example Wire", NOW - h),
            Item("Mercury Systems wins $50 million Navy radar contract", "Biz Journal", NOW - h),
            Item("Meta shares rise after quarterly earnings beat estimates", "Example Wire", NOW - h),
        ]
    )


def dealwatch_command() -> list[str]:
    script = Path(sys.executable).parent / "dealwatch"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def write_config(tmp_path: Path, db: str, feed_url: str) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(
        textwrap.dedent(
            f"""\
            database: {db}
            fetch:
              timeout: 5s
              allow_private_networks: true
            sources:
              - kind: rss
                url: {feed_url}
                interval: 10m
                backfill: 2d
            watchlist:
              - name: Scale AI
                aliases: [Scale]
              - name: Meta
                aliases: [Meta Platforms, Facebook]
              - name: OpenAI
              - name: Mercor
            subscriptions:
              - target: console
                companies: ["*"]
                min_status: announced
            """
        )
    )
    return config


def poll_once(config: Path) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [*dealwatch_command(), "poll", "--once", "--json", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=config.parent,
    )
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


def test_story_gives_exactly_the_expected_alerts_then_304_then_one_update(db_url: str, tmp_path: Path) -> None:
    feed = story_feed()
    with serve_feed(feed) as url:
        config = write_config(tmp_path, db_url, url)

        alerts = poll_once(config)
        summary = sorted((a["kind"], a["event"]["type"], a["event"]["status"]) for a in alerts)
        assert summary == [("new", "investment", "announced"), ("new", "partnership_end", "announced")]
        stake = next(a["event"] for a in alerts if a["event"]["type"] == "investment")
        assert stake["parties"] == {"investor": ["Meta"], "target": ["Scale AI"]}
        assert stake["amount_usd"] == 14_300_000_000
        assert stake["stake_pct"] == 49
        assert len(stake["sources"]) == 3
        assert {s["source"] for s in stake["sources"]} == {"Example Wire", "Tech Daily", "Biz Journal"}
        assert all("utm_" not in s["url"] for s in stake["sources"])
        phase_out = next(a["event"] for a in alerts if a["event"]["type"] == "partnership_end")
        assert sorted(phase_out["parties"]["parties"]) == ["OpenAI", "Scale AI"]
        assert all(a["target"] == "console" for a in alerts)

        # Nothing changed: the server answers 304 and nothing is posted.
        assert poll_once(config) == []
        assert feed.statuses[-1] == 304
        assert feed.requests[-1].get("if-none-match")

        # The deal closes: one update of the first alert, not a new alert.
        feed.items.append(Item("Meta completes $14.3 billion investment in Scale AI", "Example Wire", NOW))
        (update,) = poll_once(config)
        assert update["kind"] == "update"
        assert update["event"]["id"] == stake["id"]
        assert update["event"]["status"] == "completed"
        assert update["event"]["status_history"] == ["announced", "completed"]
        assert len(update["event"]["sources"]) == 4

        # And again nothing.
        assert poll_once(config) == []


def test_new_source_does_not_flood_with_old_news(tmp_path: Path) -> None:
    feed = story_feed()
    with serve_feed(feed) as url:
        config = write_config(tmp_path, f"sqlite:///{tmp_path / 'dw.db'}", url)
        config.write_text(config.read_text().replace("    backfill: 2d\n", ""))
        assert poll_once(config) == []
        feed.items.append(Item("Meta completes $14.3 billion investment in Scale AI", "Example Wire", NOW))
        (alert,) = poll_once(config)
        # The earlier reports were stored silently, so the closing arrives as a first alert with all sources.
        assert alert["kind"] == "new" and alert["event"]["status"] == "completed"
        assert len(alert["event"]["sources"]) == 4


KILL_AFTER_OUTBOX = """
import asyncio, os, signal, sys
from bot.app import App
from bot.config import load_config

async def main() -> None:
    app = App(load_config(sys.argv[1]))
    await app.start()
    for source in await app.store.list_sources():
        await app._poller.poll(source)
    # The outbox is written; die before anything is sent.
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""


def test_killed_between_outbox_and_send_sends_each_pending_delivery_once(tmp_path: Path) -> None:
    feed = story_feed()
    with serve_feed(feed) as url:
        config = write_config(tmp_path, f"sqlite:///{tmp_path / 'dw.db'}", url)
        proc = subprocess.run(
            [sys.executable, "-c", KILL_AFTER_OUTBOX, str(config)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        assert proc.stdout == ""
        alerts = poll_once(config)
        assert sorted(a["event"]["type"] for a in alerts) == ["investment", "partnership_end"]
        assert all(a["kind"] == "new" for a in alerts)
        assert poll_once(config) == []


KILL_WHILE_CLASSIFYING = """
import asyncio, os, signal, sys
from bot.app import App
from bot.config import load_config

async def main() -> None:
    app = App(load_config(sys.argv[1]))
    await app.start()
    real = app._poller._extractor_for
    seen = []

    def dying(companies, source):
        extract = real(companies, source)

        def wrapped(article):
            seen.append(article.key)
            if len(seen) == 3:  # two articles classified and saved; die in the middle of the feed
                os.kill(os.getpid(), signal.SIGKILL)
            return extract(article)

        return wrapped

    app._poller._extractor_for = dying
    for source in await app.store.list_sources():
        await app._poller.poll(source)

asyncio.run(main())
"""


def test_killed_while_classifying_resumes_the_feed_on_next_poll(tmp_path: Path) -> None:
    feed = story_feed()
    with serve_feed(feed) as url:
        config = write_config(tmp_path, f"sqlite:///{tmp_path / 'dw.db'}", url)
        proc = subprocess.run(
            [sys.executable, "-c", KILL_WHILE_CLASSIFYING, str(config)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        alerts = poll_once(config)
        summary = sorted((a["kind"], a["event"]["type"], len(a["event"]["sources"])) for a in alerts)
        assert summary == [("new", "investment", 3), ("new", "partnership_end", 1)]
        assert poll_once(config) == []
