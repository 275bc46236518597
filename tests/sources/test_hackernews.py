"""Parse for `hackernews`: our own Algolia answers in the current and the older format, stories only."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.model import Article
from bot.sources import PARSERS, ParseError, parse
from bot.sources.hackernews import ITEM_URL, PUBLISHER, is_story
from bot.sources.text import iso_utc
from tests.sources.fixtures import DATA, FETCHED_AT, expect_fixture, fixtures_of

KIND = "hackernews"
FIXTURES_DIR = DATA / "sources" / KIND
FIXTURES = fixtures_of(KIND)


def parse_hits(*hits: dict[str, Any]) -> list[Article]:
    return parse(KIND, json.dumps({"hits": list(hits)}).encode(), {}, FETCHED_AT)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_parses_as_expected(path: Path) -> None:
    expect_fixture(KIND, path)


def test_registered() -> None:
    assert PARSERS[KIND].__module__ == "bot.sources.hackernews"


def test_comments_jobs_and_repeats_are_left_out() -> None:
    current = parse(KIND, (FIXTURES_DIR / "search_current_backend.json").read_bytes(), {}, FETCHED_AT)
    assert [a.key for a in current] == ["44260001", "44270002"]  # not the comment 44260102, not the job
    legacy = parse(KIND, (FIXTURES_DIR / "search_legacy_backend.json").read_bytes(), {}, FETCHED_AT)
    assert [a.key for a in legacy] == ["12210001", "12215555"]  # the story listed twice once, no comment


def test_a_story_without_url_links_to_its_discussion() -> None:
    (article,) = parse_hits({"objectID": "7", "title": "Ask HN: Anyone at Globex?", "_tags": ["story", "ask_hn"]})
    assert article.url == f"{ITEM_URL}7"
    assert article.publisher == PUBLISHER
    assert article.published == FETCHED_AT


def test_story_text_is_plain_text() -> None:
    (article,) = parse_hits(
        {"objectID": "8", "title": "T", "_tags": ["story"], "story_text": "a &amp; b<p>c &#x27;d&#x27;"}
    )
    assert article.summary == "a & b c 'd'"


def test_titles_are_text_not_markup() -> None:
    (article,) = parse_hits({"objectID": "9", "title": "Why <div> soup  &amp; AT&T", "_tags": ["story"]})
    assert article.title == "Why <div> soup &amp; AT&T"


@pytest.mark.parametrize(
    ("hit", "iso"),
    [
        ({"created_at_i": 1749825665, "created_at": "2000-01-01T00:00:00Z"}, "2025-06-13T14:41:05Z"),
        ({"created_at": "2016-10-11T15:00:38.000Z"}, "2016-10-11T15:00:38Z"),
        ({"created_at": "2016-12-08T19:39:07Z"}, "2016-12-08T19:39:07Z"),
        ({"created_at": "2016-12-08T19:39:07"}, "2016-12-08T19:39:07Z"),
        ({"created_at_i": "1749825665", "created_at": "bad"}, "2026-01-15T12:00:00Z"),
        ({"created_at_i": 10**15}, "2026-01-15T12:00:00Z"),
    ],
)
def test_dates_from_either_field(hit: dict[str, Any], iso: str) -> None:
    (article,) = parse_hits({"objectID": "1", "title": "T", "_tags": ["story"], **hit})
    assert iso_utc(article.published) == iso


@pytest.mark.parametrize(
    ("hit", "story"),
    [
        ({"_tags": ["story", "author_x"]}, True),
        ({"_tags": ["story", "show_hn"]}, True),
        ({"_tags": ["comment", "story_1"]}, False),
        ({"_tags": ["job"]}, False),
        ({"_tags": ["poll", "story"]}, False),
        ({"title": "Untagged story"}, True),
        ({"title": None, "comment_text": "a comment"}, False),
        ({"title": "T", "comment_text": "a comment"}, False),
    ],
)
def test_is_story(hit: dict[str, Any], story: bool) -> None:
    assert is_story(hit) is story


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty body"),
        (b"<html>502 Bad Gateway</html>", "not JSON: <html>502 Bad Gateway</html>"),
        (b"[]", "JSON that is not an object"),
        (b'{"nbHits": 0}', "no `hits` list"),
        (b'{"message": "Too many requests", "status": 429}', "answered with an error: Too many requests"),
    ],
)
def test_unreadable_answers(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse(KIND, body, {}, FETCHED_AT)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(value=_JSON_VALUES)
def test_odd_values_raise_only_parse_error(value: object) -> None:
    fields = ("title", "url", "created_at", "created_at_i", "story_text", "points", "num_comments", "_tags")
    hit = {"objectID": "1", "title": "T", "_tags": ["story"], **dict.fromkeys(fields, value)}
    try:
        articles = parse(KIND, json.dumps({"hits": [hit, value]}).encode(), {}, FETCHED_AT)
    except ParseError as exc:
        assert "\n" not in str(exc)
        return
    assert all(a.published.tzinfo is not None for a in articles)
