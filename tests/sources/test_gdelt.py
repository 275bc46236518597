"""Parse for `gdelt`: our own DOC 2.0 artlist answers and GDELT's plain-text errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sources import PARSERS, ParseError, parse
from bot.sources.gdelt import error_line, seendate, tidy_title
from bot.sources.text import iso_utc
from tests.sources.fixtures import DATA, FETCHED_AT, expect_fixture, fixtures_of

KIND = "gdelt"
FIXTURES_DIR = DATA / "sources" / KIND
FIXTURES = fixtures_of(KIND)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_parses_as_expected(path: Path) -> None:
    expect_fixture(KIND, path)


def test_registered() -> None:
    assert PARSERS[KIND].__module__ == "bot.sources.gdelt"


def test_no_results_is_an_empty_object() -> None:
    assert parse(KIND, b"{}", {}, FETCHED_AT) == []
    assert parse(KIND, b'{"articles": []}', {}, FETCHED_AT) == []


@pytest.mark.parametrize("name", ["keyword_error_200.txt", "rate_limited_429.txt"])
def test_text_errors_carry_their_first_line(name: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(KIND, (FIXTURES_DIR / name).read_bytes(), {"content-type": "text/html; charset=utf-8"}, FETCHED_AT)
    message = str(caught.value)
    assert "\n" not in message and 0 < len(message) <= 200
    assert "Second line" not in message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("\n\n  Please limit requests.  \nMore.", "Please limit requests."),
        ("x" * 300, "x" * 199 + "…"),
        ("<!DOCTYPE html><html><body>502</body></html>", "not a GDELT artlist answer: an HTML page"),
        ("   ", ""),
    ],
)
def test_error_line(text: str, line: str) -> None:
    assert error_line(text) == line


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty body"),
        (b"\xef\xbb\xbf  ", "empty body"),
        (b"[1, 2]", "JSON that is not an object"),
        (b'{"articles": {"url": "x"}}', "`articles` is not a list"),
        (b'{"articles": [', "broken JSON"),
    ],
)
def test_unreadable_answers(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse(KIND, body, {}, FETCHED_AT)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("20240615T170000Z", "2024-06-15T17:00:00Z"),
        ("20241231T235959Z", "2024-12-31T23:59:59Z"),
        ("20240230T000000Z", None),
        ("2024-06-15T17:00:00Z", None),
        ("20240615T170000", None),
        ("", None),
    ],
)
def test_seendate(raw: str, iso: str | None) -> None:
    parsed = seendate(raw)
    assert (iso_utc(parsed) if parsed else None) == iso
    assert parsed is None or parsed.tzinfo is not None


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        (
            "Meta takes 49 % stake in Scale AI for $ 14 . 3 billion",
            "Meta takes 49% stake in Scale AI for $14.3 billion",
        ),
        ("U . S . regulator ' s review , sources say", "U.S. regulator's review, sources say"),
        ("Sales of 1 , 200 units ( about 5 % )", "Sales of 1,200 units (about 5%)"),
        ("Is it over ?", "Is it over?"),
        (
            "Customs grants approval to Vizhinjam International Seaport",
            "Customs grants approval to Vizhinjam International Seaport",
        ),
        ("AT&T - Time Warner: done", "AT&T - Time Warner: done"),
    ],
)
def test_tidy_title(raw: str, tidy: str) -> None:
    assert tidy_title(raw) == tidy


def test_urls_are_keys_and_a_missing_domain_falls_back_to_the_host() -> None:
    articles = parse(KIND, (FIXTURES_DIR / "artlist_scale_ai.json").read_bytes(), {}, FETCHED_AT)
    assert len(articles) == 3  # four listed, one URL twice
    assert articles[-1].publisher == "news.example.jp"
    assert articles[-1].published == FETCHED_AT  # "not-a-date"


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(value=_JSON_VALUES, body=st.binary(max_size=300))
def test_odd_answers_raise_only_parse_error(value: object, body: bytes) -> None:
    fields = ("url", "title", "seendate", "domain", "language")
    for candidate in (body, json.dumps({"articles": [dict.fromkeys(fields, value), value]}).encode()):
        try:
            articles = parse(KIND, candidate, {}, FETCHED_AT)
        except ParseError as exc:
            assert "\n" not in str(exc) and len(str(exc)) <= 200
            continue
        assert all(a.published.tzinfo is not None for a in articles)
