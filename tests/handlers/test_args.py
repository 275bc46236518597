"""Reading what people type: tokens, quotes, durations, types, statuses and company names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.model import Company
from handlers.args import (
    MAX_LOOKBACK,
    find_company,
    format_duration,
    is_quoted,
    parse_duration,
    parse_id,
    parse_page,
    parse_since,
    parse_status,
    parse_type,
    quote,
    split_companies,
    suggest_companies,
    take_option,
    tokenize,
)
from tests.handlers.samples import WATCHLIST

NOW = datetime(2025, 6, 13, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "words", "quoted"),
    [
        ("history Scale AI", ["history", "Scale", "AI"], [False, False, False]),
        ('watch add "Scale AI" Scale scale.com', ["watch", "add", "Scale AI", "Scale", "scale.com"], [0, 0, 1, 0, 0]),
        ("watch add “Scale AI” Scale", ["watch", "add", "Scale AI", "Scale"], [0, 0, 1, 0]),
        ("watch add 'Scale AI' Scale", ["watch", "add", "Scale AI", "Scale"], [0, 0, 1, 0]),
        ("watch add ‘Scale AI’", ["watch", "add", "Scale AI"], [0, 0, 1]),
        ('history "Scale AI', ["history", "Scale AI"], [0, 1]),
        ("history McDonald's since 7d", ["history", "McDonald's", "since", "7d"], [0, 0, 0, 0]),
        ("history 'open", ["history", "'open"], [0, 0]),
        ('a"b c"d', ["ab cd"], [1]),
        ('x "" y', ["x", "y"], [0, 0]),
        ("  spaced\tout\nlines  ", ["spaced", "out", "lines"], [0, 0, 0]),
        ("nul\x00byte", ["nul", "byte"], [0, 0]),
        ("", [], []),
    ],
)
def test_tokenize_splits_like_a_shell_but_forgives(text: str, words: list[str], quoted: list[int]) -> None:
    tokens = tokenize(text)
    assert tokens == words
    assert [t.quoted for t in tokens] == [bool(q) for q in quoted]


@given(st.text())
def test_tokenize_never_fails_and_yields_clean_words(text: str) -> None:
    for token in tokenize(text):
        assert token.strip()
        assert "\x00" not in token


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1))
def test_quote_round_trips_through_tokenize(name: str) -> None:
    cleaned = " ".join(name.replace('"', "").split())
    if not cleaned or any(ch in cleaned for ch in "“”„‟«»"):
        return
    assert " ".join(tokenize(quote(cleaned))) == cleaned


def test_is_quoted_knows_tokens_and_plain_strings_with_spaces() -> None:
    quoted, plain = tokenize('"Scale AI" Scale')
    assert is_quoted(quoted) and not is_quoted(plain)
    assert is_quoted("Scale AI") and not is_quoted("Scale")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30d", 30 * 86400),
        ("12h", 43200),
        ("1h30m", 5400),
        ("2w", 1209600),
        ("45s", 45),
        ("10min", 600),
        ("1.5h", 5400),
    ],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "30", "d", "0m", "-5m", "5x", "5m junk", "m5", "1e9d"])
def test_parse_duration_refuses_what_is_no_duration(text: str) -> None:
    assert parse_duration(text) is None


def test_parse_since_takes_durations_and_dates_and_clamps_the_far_past() -> None:
    assert parse_since("30d", NOW) == NOW - timedelta(days=30)
    assert parse_since("2025-06-01", NOW) == datetime(2025, 6, 1, tzinfo=UTC)
    assert parse_since("999999999d", NOW) == NOW - MAX_LOOKBACK
    assert parse_since("1900-01-01", NOW) == NOW - MAX_LOOKBACK
    assert parse_since("yesterday", NOW) is None


def test_format_duration_reads_back() -> None:
    assert [format_duration(s) for s in (0, 45, 600, 5400, 90061)] == ["0s", "45s", "10m", "1h30m", "1d1h"]


def test_pages_and_ids() -> None:
    assert parse_page("2") == 2 and parse_page("0") is None and parse_page("x") is None and parse_page("99999") is None
    assert parse_id("#7") == 7 and parse_id("7") == 7 and parse_id("seven") is None


def test_take_option_pulls_keyword_pairs_out() -> None:
    assert take_option(["Scale", "since", "7d", "AI"], "since") == ("7d", ["Scale", "AI"], False)
    assert take_option(["Scale", "since"], "since") == (None, ["Scale"], True)
    quoted = tokenize('"since" 7d')
    assert take_option(quoted, "since") == (None, ["since", "7d"], False)


def test_types_and_statuses_have_forgiving_spellings() -> None:
    assert parse_type("Acquisitions") == "acquisition"
    assert parse_type("partnership-end") == "partnership_end"
    assert parse_type("rounds") == "funding"
    assert parse_type("banana") is None
    assert parse_status("Rumour") == "rumor" and parse_status("closed") == "completed"
    assert parse_type(tokenize('"merger"')[0]) is None  # quoted words are names, never keywords


def test_find_company_by_case_alias_and_spacing() -> None:
    for name in ("scale ai", "SCALE", "scale.com", "Scale  AI", "ScaleAI", "scale-ai"):
        found = find_company(name, WATCHLIST)
        assert found is not None and found.name == "Scale AI", name
    assert find_company("Scael AI", WATCHLIST) is None
    assert find_company("", WATCHLIST) is None


def test_suggestions_for_near_misses() -> None:
    assert suggest_companies("Scael AI", WATCHLIST) == ["Scale AI"]
    assert suggest_companies("OpenIA", WATCHLIST) == ["OpenAI"]
    assert suggest_companies("Zebra", WATCHLIST) == []


def test_split_companies_reads_several_unquoted_names() -> None:
    split = split_companies(["Scale", "AI", "Meta", "open", "ai"], WATCHLIST)
    assert [c.name for c in split.companies] == ["Scale AI", "Meta", "OpenAI"] and split.unknown is None
    split = split_companies(tokenize('"Meta Platforms" Scael AI'), WATCHLIST)
    assert [c.name for c in split.companies] == ["Meta"] and split.unknown == "Scael AI"
    assert split_companies(["Zebra", "Meta"], [Company("Meta")]).unknown == "Zebra"
