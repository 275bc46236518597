"""Per-company sources end to end: adding a company creates its searches; an 8-K Item 1.02 alerts.

A loopback server plays Google News, GDELT, Hacker News and SEC EDGAR, answering in their
formats; the config points each per-company kind at it with `url:`.
"""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.app import App
from bot.config import load_config_text
from bot.model import Company
from tests.loopback import edgar_8k_feed, serve_app

NOW = datetime.now(UTC).replace(microsecond=0)
HOUR = timedelta(hours=1)


def google_news(query: str) -> str:
    items = ""
    if "Scale AI" in query:
        when = format_datetime(NOW - HOUR, usegmt=True)
        items = (
            "<item><title>Meta takes 49% stake in Scale AI for $14.3 billion - Reuters</title>"
            "<link>https://news.google.com/rss/articles/CBMiStakeStory?oc=5</link>"
            '<guid isPermaLink="false">CBMiStakeStory</guid>'
            f"<pubDate>{when}</pubDate>"
            '<description>&lt;a href="https://news.google.com/rss/articles/CBMiStakeStory?oc=5"&gt;Meta takes 49% '
            'stake in Scale AI for $14.3 billion&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font color="#6f6f6f"&gt;Reuters'
            "&lt;/font&gt;</description>"
            '<source url="https://www.reuters.com">Reuters</source></item>'
        )
    return (
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><generator>NFE/5.0</generator>'
        f"<title>&quot;{query}&quot; - Google News</title><link>https://news.google.com/search</link>"
        "<language>en-US</language><webMaster>news-webmaster@google.com</webMaster>"
        f"<description>Google News</description>{items}</channel></rss>"
    )


def gdelt(query: str) -> dict[str, Any]:
    if "Scale AI" not in query:
        return {}
    return {
        "articles": [
            {
                "url": "https://www.reuters.com/technology/meta-scale-ai-stake/",
                "url_mobile": "",
                "title": "Meta takes 49 % stake in Scale AI for $ 14 . 3 billion",
                "seendate": (NOW - HOUR).strftime("%Y%m%dT%H%M%SZ"),
                "socialimage": "",
                "domain": "reuters.com",
                "language": "English",
                "sourcecountry": "United States",
            }
        ]
    }


def hackernews(query: str) -> dict[str, Any]:
    hits = []
    if "Scale AI" in query:
        hits.append(
            {
                "objectID": "44260001",
                "title": "Meta takes 49% stake in Scale AI for $14.3B",
                "url": "https://www.reuters.com/technology/meta-scale-ai-stake-2025/",
                "author": "someone",
                "points": 845,
                "num_comments": 312,
                "created_at": (NOW - HOUR).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "created_at_i": int((NOW - HOUR).timestamp()),
                "_tags": ["story", "author_someone", "story_44260001"],
            }
        )
    return {"hits": hits, "nbHits": len(hits), "page": 0, "nbPages": 1, "hitsPerPage": 50, "query": query}


def edgar_company_feed() -> bytes:
    return edgar_8k_feed(
        cik="0001900001",
        company="ACME ROBOTICS INC",
        accession="0001900001-26-000007",
        filed=NOW - HOUR,
        items=("1.02", "9.01"),
    )


class FakeServices:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str]] = []  # path, query, user agent

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/rss/search", self.google)
        app.router.add_get("/api/v2/doc/doc", self.gdelt)
        app.router.add_get("/api/v1/search_by_date", self.hn)
        app.router.add_get("/cgi-bin/browse-edgar", self.edgar)
        return app

    def _seen(self, request: web.Request) -> str:
        query = request.query.get("q") or request.query.get("query") or request.query.get("CIK") or ""
        self.requests.append((request.path, query, request.headers.get("User-Agent", "")))
        return query

    async def google(self, request: web.Request) -> web.Response:
        return web.Response(body=google_news(self._seen(request)).encode(), content_type="application/rss+xml")

    async def gdelt(self, request: web.Request) -> web.Response:
        return web.json_response(gdelt(self._seen(request)))

    async def hn(self, request: web.Request) -> web.Response:
        return web.json_response(hackernews(self._seen(request)))

    async def edgar(self, request: web.Request) -> web.Response:
        self._seen(request)
        return web.Response(body=edgar_company_feed(), content_type="application/atom+xml", charset="ISO-8859-1")


@pytest.fixture
async def services() -> AsyncIterator[tuple[FakeServices, str]]:
    fake = FakeServices()
    async with serve_app(fake.app()) as base:
        yield fake, base


def config_text(tmp_path: Path, base: str) -> str:
    return f"""
database: sqlite:///{tmp_path / "dw.db"}
fetch:
  allow_private_networks: true
  timeout: 5s
sources:
  - kind: google_news
    url: {base}/rss/search
    interval: 15m
    backfill: 1d
  - kind: gdelt
    url: {base}/api/v2/doc/doc
    interval: 15m
    backfill: 1d
  - kind: hackernews
    url: {base}/api/v1/search_by_date
    interval: 15m
    backfill: 1d
  - kind: edgar
    url: {base}/cgi-bin/browse-edgar
    interval: 15m
    backfill: 1d
edgar:
  user_agent: dealwatch-tests ops@dealwatch.example
watchlist:
  - name: Acme Robotics
    cik: "1900001"
  - name: Meta
subscriptions:
  - target: console
"""


async def test_added_company_gets_its_sources_and_an_8k_item_102_alerts(
    services: tuple[FakeServices, str], tmp_path: Path
) -> None:
    fake, base = services
    out = io.StringIO()
    config = load_config_text(config_text(tmp_path, base), "config.yaml", env={})
    async with App(config, out=out, as_json=True) as app:
        assert app.store is not None
        kinds = sorted((s.company, s.kind) for s in await app.store.list_sources())
        assert kinds == [
            ("Acme Robotics", "edgar"), ("Acme Robotics", "gdelt"), ("Acme Robotics", "google_news"),
            ("Acme Robotics", "hackernews"), ("Meta", "gdelt"), ("Meta", "google_news"), ("Meta", "hackernews"),
        ]  # fmt: skip

        # A member adds Scale AI from chat: its searches appear without a restart (no CIK: no EDGAR).
        await app.store.upsert_company(Company("Scale AI", ("Scale",)))
        reports = await app.poll_once()
        scale = sorted(s.kind for s in await app.store.list_sources() if s.company == "Scale AI")
        assert scale == ["gdelt", "google_news", "hackernews"]
        assert len(reports) == 10 and not [r.error for r in reports if r.error]

        alerts = [json.loads(line) for line in out.getvalue().splitlines()]
        by_type = {a["event"]["type"]: a["event"] for a in alerts}
        assert sorted(by_type) == ["investment", "partnership_end"], alerts
        assert len(alerts) == 2
        ended = by_type["partnership_end"]
        assert ended["parties"] == {"parties": ["Acme Robotics"]}
        assert ended["evidence"].startswith("8-K Item 1.02")
        assert ended["sources"][0]["url"].endswith("0001900001-26-000007-index.htm")
        stake = by_type["investment"]
        assert stake["parties"] == {"investor": ["Meta"], "target": ["Scale AI"]}
        assert stake["amount_usd"] == 14_300_000_000
        # The same story through Google News, GDELT and Hacker News: one alert, its sources together.
        assert sorted(s["source"] for s in stake["sources"]) == ["Reuters", "reuters.com", "reuters.com"]

        # SEC gets the declared User-Agent with its contact; the others get dealwatch's own.
        agents = {path: ua for path, _, ua in fake.requests}
        assert "ops@dealwatch.example" in agents["/cgi-bin/browse-edgar"]
        assert agents["/rss/search"].startswith("dealwatch/")
        queries = [q for path, q, _ in fake.requests if path == "/rss/search"]
        assert any('"Scale AI" OR "Scale"' in q for q in queries)

        # Removing the company removes its searches.
        assert await app.store.remove_company("Scale AI")
        await app.reconcile()
        assert all(s.company != "Scale AI" for s in await app.store.list_sources())
