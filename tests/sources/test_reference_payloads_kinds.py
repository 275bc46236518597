"""Parse for the per-company kinds against the shared real-world payloads, via `dealwatch parse` and over loopback.

The shared reference payloads sit beside the checkout (`../shared/reference-payloads`); the tests that
need them skip, saying so, when they are absent. Every file of the four folders is listed in KNOWN with
its item count and one item read from the file by hand, so a new file there fails until it is described.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.config import FetchConfig
from bot.model import Article
from bot.pipeline.fetch import Fetcher
from bot.sources import ParseError, parse
from bot.sources.files import parse_files
from bot.sources.text import iso_utc
from tests.sources.fixtures import REFERENCE, looks_like_mojibake, reference_files

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "sources"
FETCHED_AT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

KIND_OF_FOLDER = {"google-news": "google_news", "sec-edgar": "edgar", "gdelt": "gdelt", "hn-algolia": "hackernews"}

# Per file: item count, then one item as (title, publisher, published) that must be among them.
Known = tuple[int, tuple[str, str, str] | None]
KNOWN: dict[str, Known] = {
    "google-news/item_ja-JP_cluster-description-ol_2026-08-05_trimmed.xml": (
        1,
        ("台風13号 沖縄・奄美で風が強まる", "NHKニュース", "2026-08-05T21:23:15Z"),
    ),
    "google-news/search_ITC-stock_en-IN_2026-09_deal-headline_trimmed.xml": (
        2,
        (
            "ITC Infotech to acquire 22.1% stake in Happiest Minds for ₹1,330 crore",
            "smallcapspotlight.in",
            "2026-09-11T07:00:00Z",
        ),
    ),
    "google-news/search_bitcoin_en-US_2026-09-22_trimmed.xml": (
        2,
        (
            "Live updates: Bitcoin trades near $86,000 as U.S. stocks post small gains",
            "CoinDesk",
            "2026-09-22T14:35:00Z",
        ),
    ),
    "google-news/search_breaking-OR-crisis_en-US_2026-09-25_trimmed.xml": (
        2,
        (
            "Ketanji Brown Jackson criticizes supreme court’s handling of emergency docket",
            "The Guardian",
            "2026-09-25T16:11:00Z",
        ),
    ),
    "google-news/search_ko-KR_bandoche_2026-09-27_3items.xml": (
        3,
        ('박홍근 "호남 반도체, 기업 팔 비틀기 아냐…팹 증설도 구상"', "조선일보", "2026-09-27T02:32:00Z"),
    ),
    # A list of companies, not filings: no articles (see bot/sources/edgar.py).
    "sec-edgar/browse-edgar_company-search_delhaize_atom_2021-04-18.xml": (0, None),
    "sec-edgar/browse-edgar_getcompany_AAPL_atom_2021-04-18.xml": (
        40,
        ("8-K: Apple Inc. — Item 5.07", "SEC EDGAR", "2021-02-24T21:31:21Z"),
    ),
    "sec-edgar/browse-edgar_getcompany_AAPL_type10-K_dateb20170801_atom_2021-04-18.xml": (
        25,
        ("10-K: Apple Inc.", "SEC EDGAR", "2016-10-26T20:42:16Z"),
    ),
    # 40 entries, 15 filings: each is listed once per party.
    "sec-edgar/browse-edgar_getcurrent_atom_2021-04-18.xml": (
        15,
        ("3/A: Coinbase Global, Inc.", "SEC EDGAR", "2021-04-17T01:53:26Z"),
    ),
    "sec-edgar/efts_search-index_0-hits_2025-04-19.json": (0, None),
    "sec-edgar/efts_search-index_1-hit_2025-04-19.json": (
        1,
        ("ARS: BrightSpring Health Services, Inc.", "SEC EDGAR", "2025-04-18T00:00:00Z"),
    ),
    "sec-edgar/efts_search-index_ford_10000-hits-gte_2025-04-19.json": (
        100,
        ("10-Q: FORD MOTOR CREDIT CO LLC", "SEC EDGAR", "2022-04-28T00:00:00Z"),
    ),
    # Hits are documents: 21 of them in 20 filings, 6 in 5.
    "sec-edgar/efts_search-index_intel_transition-report_10-K_10-Q_2021-04.json": (
        20,
        ("10-Q: INTEL CORP", "SEC EDGAR", "2017-04-27T00:00:00Z"),
    ),
    "sec-edgar/efts_search-index_intel_transition-report_10-K_2021-04.json": (
        5,
        ("10-K: INTEL CORP", "SEC EDGAR", "2020-01-24T00:00:00Z"),
    ),
    # An older page names no company: titles fall back to the accession number.
    "sec-edgar/submissions_CIK0000320193-submissions-001_2023-08.json": (
        988,
        ("DEFA14A: filing 0001193125-13-043745", "SEC EDGAR", "2013-02-07T22:03:29Z"),
    ),
    "sec-edgar/submissions_CIK0000320193_2023-08.json": (
        1000,
        ("8-K: Apple Inc. — Item 5.07", "SEC EDGAR", "2021-02-24T21:31:21Z"),
    ),
    "gdelt/doc-artlist_vizhinjam_2024.json": (
        4,
        ("Customs grants approval to Vizhinjam International Seaport", "thehindu.com", "2024-06-15T17:00:00Z"),
    ),
    "hn-algolia/search_javascript_legacy-backend.json": (
        5,
        ("Yarn – A new package manager for JavaScript", "code.facebook.com", "2016-10-11T15:00:38Z"),
    ),
    "hn-algolia/search_story_2024-09_new-backend.json": (
        1,
        ("Ask HN: How would I visualize URL propagation in the blogosphere?", "Hacker News", "2016-12-08T19:39:07Z"),
    ),
}

# GDELT's plain-text errors: a ParseError carrying the first line (at most 200 characters).
ERRORS: dict[str, str] = {
    "gdelt/doc_200-keyword-error_body.txt": (
        "One or more of your keywords were too short, too long or too common: (locationcc:br)"
    ),
    "gdelt/doc_429-rate-limited_body.txt": (
        "Please limit requests to one every 5 seconds or contact kalev.leetaru5@gmail.com"
    ),
}


def _reference(relative: str) -> Path:
    path = REFERENCE / relative
    if not path.is_file():
        pytest.skip(f"shared reference payload not found: {path}")
    return path


@pytest.mark.parametrize("path", reference_files(KIND_OF_FOLDER))
def test_reference_payload(path: Path) -> None:
    relative = str(path.relative_to(REFERENCE))
    kind = KIND_OF_FOLDER[relative.split("/", 1)[0]]
    body = path.read_bytes()
    if relative in ERRORS:
        with pytest.raises(ParseError) as caught:
            parse(kind, body, {}, FETCHED_AT)
        message = str(caught.value)
        assert message.startswith(ERRORS[relative]) and "\n" not in message and len(message) <= 200
        return
    assert relative in KNOWN, f"{relative}: add its expected count and one item to KNOWN"
    articles = parse(kind, body, {}, FETCHED_AT)
    count, item = KNOWN[relative]
    assert len(articles) == count
    assert len({a.key for a in articles}) == count
    for article in articles:
        assert article.published.tzinfo is not None
        assert article.published != FETCHED_AT, f"{relative}: {article.title!r} has no date of its own"
        assert article.title and article.publisher
        assert not looks_like_mojibake(article.title), f"{relative}: {article.title!r}"
        assert not looks_like_mojibake(article.summary), f"{relative}: {article.summary!r}"
    if item is not None:
        title, publisher, published = item
        matching = [(a.publisher, iso_utc(a.published)) for a in articles if a.title == title]
        assert matching, f"{title!r} not among {[a.title for a in articles][:5]}"
        assert (publisher, published) in matching


def parse_reference(kind: str, relative: str) -> list[Article]:
    return parse(kind, _reference(relative).read_bytes(), {}, FETCHED_AT)


def test_reference_google_news_quirks() -> None:
    itc = parse_reference("google_news", "google-news/search_ITC-stock_en-IN_2026-09_deal-headline_trimmed.xml")
    # The double-escaped `&amp;amp;` item, which also has no <guid>: its key is the link's article token.
    assert itc[1].title == "ITC Share Price Today (ITC) | Live Chart, News & Stock Market"
    assert (itc[1].publisher, itc[1].key) == ("TechGraph", "CBMioAFBVV95cUxONkxY")
    assert itc[1].url == "https://news.google.com/rss/articles/CBMioAFBVV95cUxONkxY?oc=5"
    cluster = parse_reference("google_news", "google-news/item_ja-JP_cluster-description-ol_2026-08-05_trimmed.xml")
    assert cluster[0].summary == "" and cluster[0].key == "CBMiX0FV"
    bitcoin = parse_reference("google_news", "google-news/search_bitcoin_en-US_2026-09-22_trimmed.xml")
    # The author replaced item 2's description with text of their own: that text is kept.
    assert [a.summary for a in bitcoin] == ["", "bitcoin market update"]


def test_reference_edgar_atom_and_submissions_agree() -> None:
    atom = parse_reference("edgar", "sec-edgar/browse-edgar_getcompany_AAPL_atom_2021-04-18.xml")
    submissions = parse_reference("edgar", "sec-edgar/submissions_CIK0000320193_2023-08.json")
    by_key = {a.key: a for a in submissions}
    shared = [a for a in atom if a.key in by_key]
    assert len(shared) == 40
    for article in shared:
        other = by_key[article.key]
        # The submissions' "Z" times are Washington wall-clock times, as the Atom feed's offsets show.
        assert (article.published, article.url, article.extra["form"]) == (
            other.published,
            other.url,
            other.extra["form"],
        )
        assert article.extra["items"] == other.extra["items"]


# ---------------------------------------------------------------------------
# `dealwatch parse --kind KIND FILE...`
# ---------------------------------------------------------------------------


def run(kind: str, *paths: Path) -> tuple[int, list[dict[str, str]], list[str]]:
    out, err = io.StringIO(), io.StringIO()
    status = parse_files(kind, [str(p) for p in paths], out, err, now=FETCHED_AT)
    return status, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue().splitlines()


@pytest.mark.parametrize("folder", sorted(KIND_OF_FOLDER))
def test_dealwatch_parse_each_reference_folder(folder: str) -> None:
    paths = sorted(p for p in (REFERENCE / folder).glob("*") if p.is_file()) if REFERENCE.is_dir() else []
    if not paths:
        pytest.skip(f"shared reference payloads not found at {REFERENCE / folder}")
    status, items, errors = run(KIND_OF_FOLDER[folder], *paths)
    expected_errors = [name for name in ERRORS if name.startswith(f"{folder}/")]
    assert status == (2 if expected_errors else 0)
    assert len(errors) == len(expected_errors)
    for line, name in zip(errors, expected_errors, strict=True):
        assert line.startswith(f"{REFERENCE / name}: {ERRORS[name]}")
    assert len(items) == sum(
        KNOWN[str(p.relative_to(REFERENCE))][0] for p in paths if str(p.relative_to(REFERENCE)) in KNOWN
    )
    assert all(set(item) == {"id", "title", "summary", "url", "source", "published"} for item in items)


@pytest.mark.parametrize("kind", sorted(KIND_OF_FOLDER.values()))
def test_dealwatch_parse_our_fixtures(kind: str) -> None:
    for path in sorted(p for p in (FIXTURES / kind).iterdir() if not p.name.endswith(".expected.json")):
        expected = json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))
        status, items, errors = run(kind, path)
        if "error" in expected:
            assert (status, items) == (2, []), path.name
            assert errors == [f"{path}: {expected['error']}"]
        else:
            assert (status, errors) == (0, []), path.name
            assert [(i["id"], i["title"], i["source"], i["published"]) for i in items] == [
                (a["key"], a["title"], a["publisher"], a["published"]) for a in expected["articles"]
            ]


# ---------------------------------------------------------------------------
# Our fixtures served over loopback HTTP, through the real fetch step
# ---------------------------------------------------------------------------

CONTENT_TYPES = {
    ".xml": "application/xml",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/html; charset=utf-8",  # GDELT labels its plain-text errors as HTML
    ".html": "text/html; charset=utf-8",
}


@pytest.fixture(scope="module")
def fixture_server() -> Iterator[str]:
    """Serves tests/data/sources/<kind>/<file> at http://127.0.0.1:PORT/<kind>/<file>.

    A file named `*_429.*` is answered with status 429, as GDELT answers when asked too often.
    """

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = (FIXTURES / self.path.lstrip("/")).resolve()
            if not path.is_relative_to(FIXTURES) or not path.is_file():
                self.send_response(404)
                self.end_headers()
                return
            body = path.read_bytes()
            self.send_response(429 if re.search(r"_429\.\w+$", path.name) else 200)
            self.send_header("Content-Type", CONTENT_TYPES.get(path.suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _served() -> list[Any]:
    return [
        pytest.param(kind, path, id=f"{kind}/{path.name}")
        for kind in sorted(KIND_OF_FOLDER.values())
        for path in sorted((FIXTURES / kind).iterdir())
        if not path.name.endswith(".expected.json")
    ]


@pytest.mark.parametrize(("kind", "path"), _served())
async def test_fixture_fetched_over_loopback_parses_as_expected(fixture_server: str, kind: str, path: Path) -> None:
    expected = json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))
    async with Fetcher(FetchConfig(allow_private_networks=True, timeout=5.0)) as fetcher:
        result = await fetcher.fetch(f"{fixture_server}/{kind}/{path.name}")
    if path.name.endswith(("_429.txt", "_429.json")):
        # The fetch step turns a 429 into a source error by itself (with Retry-After); nothing to parse.
        assert (result.status, result.ok) == (429, False)
        return
    assert result.ok, result.error
    assert result.body == path.read_bytes()
    if "error" in expected:
        with pytest.raises(ParseError, match=re.escape(expected["error"])):
            parse(kind, result.body, result.headers, FETCHED_AT)
        return
    articles = parse(kind, result.body, result.headers, FETCHED_AT)
    assert [(a.key, a.title, a.publisher, iso_utc(a.published), a.summary, a.url) for a in articles] == [
        (a["key"], a["title"], a["publisher"], a["published"], a["summary"], a["url"]) for a in expected["articles"]
    ]
