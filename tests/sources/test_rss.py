"""Parse for `rss`: our own fixtures with their expected items, the shared reference payloads, fuzzing."""

from __future__ import annotations

import json
import re
import socket
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.model import Article
from bot.sources import PARSERS, ParseError, parse
from bot.sources.text import (
    article_key,
    canonical_url,
    html_to_text,
    iso_utc,
    parse_loose_date,
    repair_xml_encoding,
    truncate,
)
from tests.sources.fixtures import FETCHED_AT, REFERENCE, looks_like_mojibake, reference_files

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"


def as_dict(article: Article) -> dict[str, str]:
    return {
        "key": article.key,
        "title": article.title,
        "summary": article.summary,
        "url": article.url,
        "publisher": article.publisher,
        "published": iso_utc(article.published),
    }


# ---------------------------------------------------------------------------
# Our fixtures, each with <name>.expected.json beside it
# ---------------------------------------------------------------------------

FIXTURES = sorted(p for p in FEEDS.iterdir() if not p.name.endswith(".expected.json"))


def test_every_fixture_has_an_expectation() -> None:
    assert FIXTURES
    for path in FIXTURES:
        assert Path(f"{path}.expected.json").is_file(), path.name


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_parses_as_expected(path: Path) -> None:
    expected = json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))
    headers = expected.get("headers", {})
    if "error" in expected:
        with pytest.raises(ParseError, match=re.escape(expected["error"])):
            parse("rss", path.read_bytes(), headers, FETCHED_AT)
        return
    articles = parse("rss", path.read_bytes(), headers, FETCHED_AT)
    assert [as_dict(a) for a in articles] == expected["articles"]
    for article in articles:
        assert article.published.tzinfo is not None
        assert not looks_like_mojibake(article.title), article.title
        assert not looks_like_mojibake(article.summary), article.summary


def test_keys_are_stable_across_fetches() -> None:
    body = (FEEDS / "missing_and_duplicates.xml").read_bytes()
    first = parse("rss", body, {}, FETCHED_AT)
    later = parse("rss", body, {}, FETCHED_AT + timedelta(hours=3))
    assert [a.key for a in first] == [a.key for a in later]
    undated = [(a, b) for a, b in zip(first, later, strict=True) if a.title == "Rumour: Initech eyes Globex"]
    assert undated and undated[0][0].published != undated[0][1].published


def test_http_charset_decides_when_the_document_is_silent() -> None:
    body = (FEEDS / "http_charset_windows1251.xml").read_bytes()
    with_header = parse("rss", body, {"Content-Type": "text/xml; charset=windows-1251"}, FETCHED_AT)
    assert with_header[0].title == "Яндекс покупает долю в стартапе"
    # Without the header nothing says windows-1251, so the bytes fall back to windows-1252.
    without = parse("rss", body, {}, FETCHED_AT)
    assert without[0].title != with_header[0].title


def test_a_body_that_names_a_file_is_not_opened(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes((FEEDS / "rss2_deals.xml").read_bytes())
    with pytest.raises(ParseError):
        parse("rss", str(feed).encode(), {}, FETCHED_AT)


def test_parsing_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the parser tried to connect")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    body = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/rss.dtd" [<!ENTITY ext SYSTEM "http://127.0.0.1:9/x">]>
<rss version="2.0"><channel><title>T</title>
<item><title>Item &ext;</title><link>https://example.com/a</link></item></channel></rss>"""
    articles = parse("rss", body, {}, FETCHED_AT)
    assert [a.url for a in articles] == ["https://example.com/a"]


def test_malformed_links_are_kept_as_they_stand() -> None:
    body = b"""<rss version="2.0"><channel><title>T</title><link>https://[broken/</link>
<item><title>A</title><link>/relative</link></item>
<item><title>B</title><link>http://[::1</link></item></channel></rss>"""
    assert [a.url for a in parse("rss", body, {}, FETCHED_AT)] == ["/relative", "http://[::1"]


def test_unknown_kind_and_naive_fetch_time() -> None:
    body = (FEEDS / "rss2_deals.xml").read_bytes()
    with pytest.raises(ParseError, match="no parser"):
        parse("carrier-pigeon", body, {}, FETCHED_AT)
    with pytest.raises(ValueError, match="timezone-aware"):
        parse("rss", body, {}, datetime(2026, 1, 15, 12, 0))  # noqa: DTZ001
    assert "rss" in PARSERS


# ---------------------------------------------------------------------------
# The text helpers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://Example.COM/a/b?utm_source=x&id=1#frag", "https://example.com/a/b?id=1"),
        ("http://example.com:80/x?fbclid=1&gclid=2", "http://example.com/x"),
        ("https://example.com:8443/x?b=2&a=1", "https://example.com:8443/x?b=2&a=1"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/p?q=a%20b&UTM_Campaign=c&mc_cid=9", "https://example.com/p?q=a%20b"),
        ("  https://example.com/x  ", "https://example.com/x"),
        (
            "https://www.google.com/url?rct=j&url=https://Site.example/a%3Futm_medium%3Dx&ct=ga",
            "https://site.example/a",
        ),
        ("https://www.google.com/url?q=not-a-url", "https://www.google.com/url?q=not-a-url"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("http://[::1", "http://[::1"),
        ("not a url", "not a url"),
    ],
)
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


def test_article_key_prefers_guid_then_url_then_hash() -> None:
    assert article_key(" g-1 ", "https://example.com/a", "t", "d") == "g-1"
    assert article_key(None, "https://example.com/a?utm_source=z", "t", "d") == "https://example.com/a"
    hashed = article_key("", "", "Title", "Mon, 02 Jun 2025")
    assert hashed.startswith("sha256:") and hashed == article_key(None, None, "Title", "Mon, 02 Jun 2025")
    assert hashed != article_key(None, None, "Title", "Tue, 03 Jun 2025")


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>One</p><p>Two</p>", "One Two"),
        ("a&nbsp;b &amp; c &hellip;", "a b & c …"),
        ("M&amp;amp;A", "M&A"),
        ("&lt;b&gt;bold&lt;/b&gt; move", "bold move"),
        ("x<br/>y", "x y"),
        ("<script>alert(1)</script><style>p{}</style>kept", "kept"),
        ("  spaced \n\t out  ", "spaced out"),
        ("AT&T buys Time Warner", "AT&T buys Time Warner"),
        ("3 < 4 and 5 > 2", "3 < 4 and 5 > 2"),
        ("", ""),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


def test_truncate_cuts_at_a_word() -> None:
    text = " ".join(["word"] * 400)
    short = truncate(text, 100)
    assert len(short) <= 100 and short.endswith("word…")
    assert truncate("short", 100) == "short"


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24T22:42:40Z"),
        ("03 Apr 02 1500 GMT", "2002-04-03T15:00:00Z"),
        ("mar., 5 févr. 2019 10:00:00 +0100", "2019-02-05T09:00:00Z"),
        ("Dienstag, 3 März 2020 08:30 MEZ", None),
        ("Di, 3 März 2020 08:30 +0100", "2020-03-03T07:30:00Z"),
        ("June 4, 2025 9:15 PDT", "2025-06-04T16:15:00Z"),
        ("12 juil 2021", "2021-07-12T00:00:00Z"),
        ("31 Feb 2021 10:00 GMT", None),
        ("sometime last week", None),
        ("", None),
    ],
)
def test_parse_loose_date(raw: str, iso: str | None) -> None:
    parsed = parse_loose_date(raw)
    assert (iso_utc(parsed) if parsed else None) == iso


def test_repair_reads_utf8_under_a_single_byte_declaration() -> None:
    body = '<?xml version="1.0" encoding="windows-1252"?>\n<rss version="2.0"><channel><title>Euro €</title>'
    repaired = repair_xml_encoding(body.encode("utf-8") + b"</channel></rss>", None)
    assert repaired is not None
    assert feedparser.parse(repaired).feed.title == "Euro €"


def test_repair_leaves_utf16_and_non_xml_alone() -> None:
    assert repair_xml_encoding('<?xml version="1.0" encoding="utf-16"?><rss/>'.encode("utf-16"), None) is None
    assert repair_xml_encoding(b'{"json": true}', None) is None


# ---------------------------------------------------------------------------
# The shared reference payloads beside the checkout
# ---------------------------------------------------------------------------

WALKED = ("news-sites", "tricky", "feedparser-corpus", "google-alerts")

# Per real-world file: item count, then (a title that must be among them, the publisher of that item).
KNOWN: dict[str, tuple[int, str | None, str | None]] = {
    "news-sites/reuters_worldNews_feedburner_rss_2018-01-30.xml": (
        10,
        "U.S. general says North Korea not demonstrated all components of ICBM",
        "Reuters: World News",
    ),
    "news-sites/techcrunch_feedburner_rss_2011-11-02.xml": (
        20,
        "Gilt City, A Subsidiary Of Gilt Groupe, Officially Acquires BuyWithMe",
        "TechCrunch",
    ),
    "google-alerts/google-alerts_atom_Slack_2019-07-10.xml": (
        20,
        "Slack Stock Has a Compelling Story and the Numbers to Back It Up",
        "Google Alert - Slack",
    ),
    "tricky/uolNoticias_latin1-bytes-no-xml-decl.rss": (
        15,
        "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno",
        "UOL Noticias",
    ),
    "tricky/rss092_oreilly-example_nonstandard-date.rss": (2, "The First Item", "Another Site"),
    "tricky/miniflux_no-xml-decl_latin1-bytes_le-cercle-psy.xml": (
        9,  # ten <item>s, one of them with an empty title and link
        "La criminalité liée surtout à... l'ennui ?",
        "Flux RSS du magazine de psychologie Le Cercle Psy",
    ),
    "tricky/miniflux_golem-de_iso-8859-1-declared.xml": (
        40,
        "Red Dead Redemption 2: Hinweise auf PC-Umsetzung in App von Rockstar Games",
        "Golem.de",
    ),
    "tricky/miniflux_ibash_windows-1251-declared.xml": (50, "Цитата #17703", "iBash.Org.Ru"),
    "tricky/miniflux_prolog-says-iso-8859-1_bytes-utf8.xml": (1, "Café", "테스트 피드"),
    # A channel with a title ("Euro €") and no items; the title is checked through the repair below.
    "tricky/miniflux_prolog-says-windows-1252_bytes-utf8.xml": (0, None, None),
}


def _simulated_headers(body: bytes) -> dict[str, str]:
    """feedparser's test notation: a `Header: Name: value` line in the leading comment."""
    match = re.search(rb"Header:\s*([A-Za-z-]+):\s*([^\r\n]*)", body[:1000])
    if match is None:
        return {}
    return {match.group(1).decode("ascii").lower(): match.group(2).decode("latin-1").strip()}


@pytest.mark.parametrize("path", reference_files(WALKED))
def test_reference_payload(path: Path) -> None:
    relative = str(path.relative_to(REFERENCE))
    body = path.read_bytes()
    try:
        articles = parse("rss", body, _simulated_headers(body), FETCHED_AT)
    except ParseError as exc:
        assert relative.startswith("feedparser-corpus/"), f"{relative}: {exc}"
        assert "\n" not in str(exc)
        return
    for article in articles:
        # The chardet samples (CJK, KOI8-R, TIS-620, windows-1255 with no label anywhere) cannot be
        # told from windows-1252 without a statistical detector; they come out wrong but not as
        # UTF-8 mojibake, which is what this catches.
        assert not looks_like_mojibake(article.title), f"{relative}: {article.title!r}"
        assert article.published.tzinfo is not None
    if relative.startswith("feedparser-corpus/"):
        return
    assert relative in KNOWN, f"{relative}: add its expected count and title to KNOWN"
    count, title, publisher = KNOWN[relative]
    assert len(articles) == count
    if title is not None:
        matching = [a for a in articles if a.title == title]
        assert matching, f"{title!r} not among {[a.title for a in articles][:5]}"
        assert matching[0].publisher == publisher


def _reference(relative: str) -> Path:
    path = REFERENCE / relative
    if not path.is_file():
        pytest.skip(f"shared reference payload not found: {path}")
    return path


def test_reference_windows_1252_prolog_over_utf8_bytes() -> None:
    body = _reference("tricky/miniflux_prolog-says-windows-1252_bytes-utf8.xml").read_bytes()
    repaired = repair_xml_encoding(body, None)
    assert repaired is not None
    assert feedparser.parse(repaired).feed.title == "Euro €"
    assert parse("rss", body, {}, FETCHED_AT) == []


def test_reference_dates_feedparser_cannot_read() -> None:
    uol_body = _reference("tricky/uolNoticias_latin1-bytes-no-xml-decl.rss").read_bytes()
    uol = parse("rss", uol_body, {}, FETCHED_AT)
    assert iso_utc(uol[0].published) == "2018-09-24T22:42:40Z"
    # RSS 0.92 items without dates take the fetch time; their keys come from their links.
    oreilly = _reference("tricky/rss092_oreilly-example_nonstandard-date.rss").read_bytes()
    items = parse("rss", oreilly, {}, FETCHED_AT)
    assert {a.published for a in items} == {FETCHED_AT}
    assert [a.key for a in items] == [
        "http://www.oreilly.com/example/001.html",
        "http://www.oreilly.com/example/002.html",
    ]


def test_reference_feedburner_and_google_links_point_at_the_publisher() -> None:
    reuters = _reference("news-sites/reuters_worldNews_feedburner_rss_2018-01-30.xml").read_bytes()
    reuters_urls = [a.url for a in parse("rss", reuters, {}, FETCHED_AT)]
    assert all(url.startswith("http://www.reuters.com/article/") for url in reuters_urls)
    alerts = _reference("google-alerts/google-alerts_atom_Slack_2019-07-10.xml").read_bytes()
    urls = [a.url for a in parse("rss", alerts, {}, FETCHED_AT)]
    assert "https://investorplace.com/2019/07/slack-stock-truly-compelling/" in urls
    assert not any("google.com/url" in url for url in urls)


# ---------------------------------------------------------------------------
# Fuzzing: whatever the bytes, the answer is articles or ParseError
# ---------------------------------------------------------------------------

_SEED = (FEEDS / "rss2_deals.xml").read_bytes()


def _parse_or_reject(body: bytes, headers: dict[str, str]) -> None:
    try:
        articles = parse("rss", body, headers, FETCHED_AT)
    except ParseError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert all(isinstance(a, Article) and a.published.tzinfo is not None for a in articles)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_parse_error(body: bytes) -> None:
    _parse_or_reject(body, {})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.integers(min_value=0, max_value=len(_SEED)),
    junk=st.binary(max_size=64),
    at=st.integers(min_value=0, max_value=len(_SEED)),
    charset=st.sampled_from(["", "utf-8", "iso-8859-1", "windows-1251", "shift_jis", "utf-16", "bogus"]),
)
def test_damaged_feeds_raise_only_parse_error(cut: int, junk: bytes, at: int, charset: str) -> None:
    body = (_SEED[:at] + junk + _SEED[at:])[: cut + len(junk)]
    headers = {"content-type": f"application/rss+xml; charset={charset}"} if charset else {}
    _parse_or_reject(body, headers)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_text_in_a_feed_never_crashes(text: str) -> None:
    escaped = text.replace("]]>", "")
    body = (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title><item>"
        f"<title><![CDATA[{escaped}]]></title><link>{escaped}</link><pubDate>{escaped}</pubDate>"
        f"<description><![CDATA[{escaped}]]></description></item></channel></rss>"
    ).encode("utf-8", errors="surrogatepass")
    _parse_or_reject(body, {})
