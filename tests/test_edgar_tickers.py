"""EDGAR by ticker end to end: a watched company without `cik:` finds its CIK in SEC's ticker file.

A loopback server plays SEC: the ticker file at `/files/company_tickers.json` (our own fixture)
and the company Atom feed; the config points `edgar.tickers_url` and the edgar template at it.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import TICKERS_MAX_AGE, TICKERS_RETRY, App
from bot.config import ConfigError, SourceConfig, load_config_text
from bot.model import Company
from bot.pipeline.plan import plan_sources
from bot.sources.sec_tickers import TICKERS_URL
from tests.conftest import DATA
from tests.fakes import FakeClock
from tests.loopback import edgar_8k_feed, serve_app

START = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
TICKER_FILE = DATA / "sources" / "sec_tickers" / "company_tickers.json"
ACME_CIK = "0001900001"


def acme_feed(filed: datetime) -> bytes:
    """The company Atom feed of Acme Robotics (CIK 1900001): one 8-K with Item 1.02."""
    return edgar_8k_feed(
        cik=ACME_CIK, company="ACME ROBOTICS INC", accession="0001900001-26-000011", filed=filed, items=("1.02", "9.01")
    )


class FakeSec:
    """SEC over loopback; `tickers_status` other than 200 makes the ticker file fail."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str]] = []  # path, CIK asked for, user agent
        self.tickers_status = 200
        self.filed = START - timedelta(hours=1)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/files/company_tickers.json", self.tickers)
        app.router.add_get("/cgi-bin/browse-edgar", self.browse)
        return app

    def _seen(self, request: web.Request) -> None:
        self.requests.append((request.path, request.query.get("CIK", ""), request.headers.get("User-Agent", "")))

    def asked(self, path: str) -> int:
        return sum(1 for p, _, _ in self.requests if p == path)

    async def tickers(self, request: web.Request) -> web.Response:
        self._seen(request)
        if self.tickers_status != 200:
            return web.Response(status=self.tickers_status, text="<html>Service Unavailable</html>")
        return web.Response(body=TICKER_FILE.read_bytes(), content_type="application/json")

    async def browse(self, request: web.Request) -> web.Response:
        self._seen(request)
        if request.query.get("CIK") != ACME_CIK:
            return web.Response(status=404, text="No matching CIK")
        return web.Response(body=acme_feed(self.filed), content_type="application/atom+xml", charset="ISO-8859-1")


@pytest.fixture
async def sec() -> AsyncIterator[tuple[FakeSec, str]]:
    fake = FakeSec()
    async with serve_app(fake.app()) as base:
        yield fake, base


def config_text(tmp_path: Path, base: str, watchlist: str) -> str:
    return f"""
database: sqlite:///{tmp_path / "dw.db"}
fetch:
  allow_private_networks: true
  timeout: 5s
sources:
  - kind: edgar
    url: {base}/cgi-bin/browse-edgar
    interval: 15m
    backfill: 1d
edgar:
  user_agent: dealwatch-tests ops@dealwatch.example
  tickers_url: {base}/files/company_tickers.json
watchlist:
{watchlist}
subscriptions:
  - target: console
"""


ACME = """
  - name: Acme Robotics
    aliases: [ACME, Acme]
  - name: Meta
"""

TICKERS = "/files/company_tickers.json"
BROWSE = "/cgi-bin/browse-edgar"


async def test_a_company_with_a_ticker_alias_gets_edgar_and_its_8k_item_102_alerts(
    sec: tuple[FakeSec, str], tmp_path: Path
) -> None:
    fake, base = sec
    out, clock = io.StringIO(), FakeClock(START)
    config = load_config_text(config_text(tmp_path, base, ACME), "config.yaml", env={})
    async with App(config, clock=clock, out=out, as_json=True) as app:
        assert app.store is not None
        assert await app.store.list_sources() == []  # nothing cached yet: no CIK, no edgar source
        assert fake.requests == []  # and starting fetches nothing

        reports = await app.poll_once()  # reconciles first: the ticker file, then the plan
        assert [r.error for r in reports] == [None]
        (source,) = await app.store.list_sources()
        assert (source.company, source.kind) == ("Acme Robotics", "edgar")
        assert f"CIK={ACME_CIK}" in source.url

        alerts = [json.loads(line) for line in out.getvalue().splitlines()]
        assert [a["event"]["type"] for a in alerts] == ["partnership_end"]
        ended = alerts[0]["event"]
        assert ended["parties"] == {"parties": ["Acme Robotics"]}
        assert ended["evidence"].startswith("8-K Item 1.02")
        assert ended["sources"][0]["url"].endswith("0001900001-26-000011-index.htm")

        # Reconciling again, every tick, uses the stored copy: the file is fetched once.
        for _ in range(3):
            await app.reconcile()
            clock.advance(minutes=15)
        await app.poll_once()
        assert fake.asked(TICKERS) == 1
        assert len(await app.store.list_sources()) == 1
        assert len(out.getvalue().splitlines()) == 1  # the same filing does not alert twice

        # SEC gets the declared User-Agent with its contact, for the ticker file as for filings.
        agents = {path: ua for path, _, ua in fake.requests}
        assert "ops@dealwatch.example" in agents[TICKERS]
        assert "ops@dealwatch.example" in agents[BROWSE]

        # A week later the copy is refreshed.
        clock.advance(seconds=TICKERS_MAX_AGE.total_seconds())
        await app.reconcile()
        assert fake.asked(TICKERS) == 2
        assert await app.store.sec_tickers_fetched_at() == clock.now()


async def test_the_edgar_source_survives_a_restart_without_a_new_fetch(
    sec: tuple[FakeSec, str], tmp_path: Path
) -> None:
    fake, base = sec
    clock = FakeClock(START)
    config = load_config_text(config_text(tmp_path, base, ACME), "config.yaml", env={})
    async with App(config, clock=clock, out=io.StringIO()) as app:
        await app.reconcile()
        assert app.store is not None
        before = await app.store.list_sources()
    clock.advance(hours=2)
    async with App(config, clock=clock, out=io.StringIO()) as app:
        assert app.store is not None
        assert await app.store.list_sources() == before  # seeding plans from the cache: kept, not re-made
        await app.reconcile()
        assert await app.store.list_sources() == before
    assert fake.asked(TICKERS) == 1


async def test_a_failed_fetch_is_logged_once_and_retried_later_not_every_tick(
    sec: tuple[FakeSec, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake, base = sec
    fake.tickers_status = 503
    clock = FakeClock(START)
    config = load_config_text(config_text(tmp_path, base, ACME), "config.yaml", env={})
    async with App(config, clock=clock, out=io.StringIO()) as app:
        assert app.store is not None
        with caplog.at_level(logging.WARNING, logger="bot.app"):
            for _ in range(4):
                await app.reconcile()
                clock.advance(minutes=10)
        assert fake.asked(TICKERS) == 1
        failures = [r for r in caplog.records if "SEC ticker file" in r.getMessage()]
        assert len(failures) == 1 and "503" in failures[0].getMessage()
        assert await app.store.list_sources() == []
        assert await app.store.sec_tickers_fetched_at() is None

        fake.tickers_status = 200
        clock.advance(seconds=TICKERS_RETRY.total_seconds())
        await app.reconcile()
        assert fake.asked(TICKERS) == 2
        assert [s.company for s in await app.store.list_sources()] == ["Acme Robotics"]


async def test_the_file_is_not_fetched_when_no_company_needs_it(sec: tuple[FakeSec, str], tmp_path: Path) -> None:
    fake, base = sec
    watchlist = """
  - name: Acme Robotics
    aliases: [ACME]
    cik: "1900001"
  - name: Scale AI
    aliases: [Scale, scale.com]
"""
    config = load_config_text(config_text(tmp_path, base, watchlist), "config.yaml", env={})
    async with App(config, clock=FakeClock(START), out=io.StringIO()) as app:
        await app.poll_once()
        assert app.store is not None
        # A company added from chat with a ticker alias, but unknown to SEC: fetched, no source.
        await app.store.upsert_company(Company("Ghost Works", ("GHST",)))
        await app.reconcile()
    assert fake.asked(TICKERS) == 1
    assert fake.asked(BROWSE) == 1


async def test_an_explicit_ticker_wins_over_ticker_like_aliases(sec: tuple[FakeSec, str], tmp_path: Path) -> None:
    _, base = sec
    watchlist = """
  - name: Hearth and Home
    aliases: [ACME, Hearth]
    ticker: hrth.b
"""
    config = load_config_text(config_text(tmp_path, base, watchlist), "config.yaml", env={})
    assert config.companies()[0].ticker == "HRTH.B"
    async with App(config, clock=FakeClock(START), out=io.StringIO()) as app:
        await app.reconcile()
        assert app.store is not None
        (source,) = await app.store.list_sources()
        assert "CIK=0001900004" in source.url


def test_plan_uses_looked_up_ciks_only_where_the_company_has_none() -> None:
    edgar = SourceConfig(kind="edgar", interval=900)
    companies = [
        Company("Acme Robotics", ("ACME",)),
        Company("Nimbler", ("NBLR",), cik="1900099"),
        Company("Meta"),
    ]
    assert plan_sources(companies, [edgar]) == [plan_sources([companies[1]], [edgar])[0]]
    ciks = {"Acme Robotics": "0001900001", "Nimbler": "0001900003"}
    urls = {s.company: s.url for s in plan_sources(companies, [edgar], ciks)}
    assert set(urls) == {"Acme Robotics", "Nimbler"}
    assert "CIK=0001900001" in urls["Acme Robotics"]
    assert "CIK=0001900099" in urls["Nimbler"]  # its own cik wins


def test_config_ticker_and_tickers_url() -> None:
    default = load_config_text("watchlist:\n  - name: Acme\n", "c.yaml", env={})
    assert default.edgar.tickers_url == TICKERS_URL
    assert default.companies()[0].ticker is None
    with pytest.raises(ConfigError, match=r"watchlist\[0\]\.ticker: 'Acme Robotics' is not a ticker"):
        load_config_text("watchlist:\n  - name: Acme\n    ticker: Acme Robotics\n", "c.yaml", env={})
    with pytest.raises(ConfigError, match=r"edgar\.tickers_url: 'ftp://x' is not an http"):
        load_config_text("edgar:\n  tickers_url: ftp://x\n", "c.yaml", env={})
