"""Parse for `google_news`: our own search-feed fixtures with their expected items, and each quirk alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.model import Article
from bot.sources import PARSERS, ParseError, parse
from bot.sources.google_news import FALLBACK_PUBLISHER, story_key, strip_publisher, summary_text
from tests.sources.fixtures import DATA, FETCHED_AT, expect_fixture, fixtures_of

KIND = "google_news"
FIXTURES_DIR = DATA / "sources" / KIND
FIXTURES = fixtures_of(KIND)


def articles_of(name: str) -> list[Article]:
    return parse(KIND, (FIXTURES_DIR / name).read_bytes(), {}, FETCHED_AT)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_parses_as_expected(path: Path) -> None:
    expect_fixture(KIND, path)


def test_registered() -> None:
    assert PARSERS[KIND].__module__ == "bot.sources.google_news"


# ---------------------------------------------------------------------------
# The quirks, one at a time
# ---------------------------------------------------------------------------


def test_the_same_story_from_two_companies_feeds_has_one_key() -> None:
    scale = {a.key: a for a in articles_of("search_scale_ai.xml")}
    meta = {a.key: a for a in articles_of("search_meta_same_story.xml")}
    shared = set(scale) & set(meta)
    assert shared == {"CBMiTmh0dHBzOi8vZGVhbHdhdGNoLnRlc3QvbWV0YS1zY2FsZQ"}
    (key,) = shared
    # The links differ (the British edition adds its own parameters); the key does not follow them.
    assert scale[key].url != meta[key].url
    assert scale[key].title == meta[key].title


def test_a_story_repeated_within_a_feed_is_one_article() -> None:
    articles = articles_of("search_scale_ai.xml")
    assert len(articles) == 4
    assert len({a.key for a in articles}) == 4


def test_without_a_guid_the_key_is_the_article_token_of_the_link() -> None:
    keys = [a.key for a in articles_of("no_guid_key_from_link.xml")]
    assert keys == [
        "CBMibGh0dHBzOi8vZGVhbHdhdGNoLnRlc3QvZ2xvYmV4LWluaXRlY2g",
        "CBMicGh0dHBzOi8vZGVhbHdhdGNoLnRlc3QvZ2xvYmV4LWFrdGll",
    ]


def test_links_are_googles_redirects_kept_as_they_are() -> None:
    for article in articles_of("search_scale_ai.xml"):
        assert article.url.startswith("https://news.google.com/rss/articles/CBMi")
        assert article.url.endswith("?oc=5")


def test_double_escaped_entities_are_repaired() -> None:
    titles = [a.title for a in articles_of("search_scale_ai.xml")]
    assert "OpenAI winds down Scale AI work, turns to Mercor & other rivals" in titles
    assert "Scale AI's interim CEO says the company stays independent - report" in titles
    assert not any("&amp;" in t or "&#39;" in t for t in titles)


def test_a_cluster_of_related_stories_is_not_the_summary() -> None:
    (article,) = articles_of("cluster_ol_description.xml")
    assert article.summary == ""
    assert "xAI" not in article.summary and "Google" not in article.summary
    assert article.publisher == "Bloomberg"


def test_an_item_without_source_keeps_its_title_whole() -> None:
    (article,) = articles_of("no_source_element.xml")
    assert article.publisher == FALLBACK_PUBLISHER
    assert article.title == "Hooli and Pied Piper sign cloud partnership - Hooli Newsroom"


@pytest.mark.parametrize(
    ("title", "publisher", "stripped"),
    [
        ("Meta takes stake in Scale AI - Reuters", "Reuters", "Meta takes stake in Scale AI"),
        ("Deal done - report - TechCrunch", "TechCrunch", "Deal done - report"),
        ("Mercor raises $100M - a marketplace", "Forbes", "Mercor raises $100M - a marketplace"),
        ("Globex buys Initech - reuters", "Reuters", "Globex buys Initech - reuters"),
        ("Globex buys Initech -Reuters", "Reuters", "Globex buys Initech -Reuters"),
        (" - Reuters", "Reuters", " - Reuters"),
        ("Anything - ", "", "Anything - "),
        ("박홍근 발언 - 조선일보", "조선일보", "박홍근 발언"),
    ],
)
def test_strip_publisher_only_removes_the_matching_suffix(title: str, publisher: str, stripped: str) -> None:
    assert strip_publisher(title, publisher) == stripped


@pytest.mark.parametrize(
    ("markup", "summary"),
    [
        ('<a href="x">Globex buys Initech</a>&nbsp;&nbsp;<font color="#6f6f6f">Reuters</font>', ""),
        ('<a href="x">Globex buys Initech</a>&nbsp;&nbsp;Reuters', ""),
        ('<a href="x">Globex buys</a>', ""),
        ("<ol><li><a>Globex buys Initech</a> <font>Reuters</font></li><li><a>Other</a></li></ol>", ""),
        ("Initech holders get $45 a share in cash.", "Initech holders get $45 a share in cash."),
        ("", ""),
    ],
)
def test_summary_is_what_the_description_adds(markup: str, summary: str) -> None:
    titles = ("Globex buys Initech", "Globex buys Initech - Reuters")
    assert summary_text(markup, titles, "Reuters") == summary


@pytest.mark.parametrize(
    ("guid", "link", "key"),
    [
        ("CBMiAbc", "https://news.google.com/rss/articles/CBMiXyz?oc=5", "CBMiAbc"),
        ("", "https://news.google.com/rss/articles/CBMiXyz?oc=5&hl=en-US", "CBMiXyz"),
        ("", "https://news.google.com/articles/CBMiXyz", "CBMiXyz"),
        ("", "https://example.com/story?utm_source=x", "https://example.com/story"),
        ("", "http://[broken", "http://[broken"),
    ],
)
def test_story_key(guid: str, link: str, key: str) -> None:
    assert story_key(guid, link, "t", "d") == key


def test_not_a_feed_is_a_one_line_parse_error() -> None:
    for body in (b"", b'{"items": []}', (FIXTURES_DIR / "sorry_page.html").read_bytes()):
        with pytest.raises(ParseError) as caught:
            parse(KIND, body, {}, FETCHED_AT)
        assert str(caught.value) and "\n" not in str(caught.value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=1500))
def test_arbitrary_bytes_raise_only_parse_error(body: bytes) -> None:
    try:
        articles = parse(KIND, body, {}, FETCHED_AT)
    except ParseError as exc:
        assert "\n" not in str(exc)
        return
    assert all(a.published.tzinfo is not None for a in articles)
