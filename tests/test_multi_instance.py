"""One story in several feeds polled at once, by one instance or several sharing PostgreSQL:
each source polled once, one event, each alert posted once."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import App
from bot.config import load_config_text
from bot.scheduler import Scheduler
from tests.databases import database_url
from tests.feedserver import serve_feed
from tests.test_end_to_end import story_feed


@pytest.fixture(params=[("sqlite", 1), ("postgresql", 3)], ids=["sqlite-1-instance", "postgresql-3-instances"])
def setup(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, int]]:
    backend, instances = request.param
    with database_url(backend, tmp_path) as url:
        yield url, instances


def config(db: str, feed_url: str) -> str:
    sources = "".join(f"  - kind: rss\n    url: {feed_url}?copy={i}\n    backfill: 2d\n" for i in range(4))
    return (
        f"database: {db}\nfetch:\n  allow_private_networks: true\nsources:\n{sources}"
        "watchlist:\n  - name: Scale AI\n    aliases: [Scale]\n  - name: Meta\n  - name: OpenAI\n"
    )


async def test_instances_share_sources_and_deliveries(setup: tuple[str, int]) -> None:
    db, instances = setup
    feed = story_feed()
    with serve_feed(feed) as url:
        text = config(db, url)
        outs = [io.StringIO() for _ in range(instances)]
        apps = [
            App(load_config_text(text, "c.yaml", env={}), out=o, as_json=True, owner=f"i{n}")
            for n, o in enumerate(outs)
        ]
        for app in apps:
            await app.start()
        try:
            schedulers = [
                Scheduler(app.store, app._poller, app._deliverer, app.clock, owner=app.owner)  # type: ignore[arg-type]
                for app in apps
            ]
            reports = await asyncio.gather(*(s.poll_due() for s in schedulers))
            await asyncio.gather(*(app._deliverer.run_once() for app in apps))  # type: ignore[union-attr]
            await asyncio.gather(*(app._deliverer.run_once() for app in apps))  # type: ignore[union-attr]
        finally:
            for app in apps:
                await app.close()
    polled = sorted(r.source_id for rs in reports for r in rs)
    assert polled == [1, 2, 3, 4]
    assert len(feed.requests) == 4
    alerts = [json.loads(line) for out in outs for line in out.getvalue().splitlines()]
    assert sorted(a["event"]["type"] for a in alerts) == ["investment", "partnership_end"]
