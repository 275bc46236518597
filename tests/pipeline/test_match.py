"""Match step: aliases, word boundaries, case rules and offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.model import Company
from bot.pipeline.match import Matcher, case_style, normalise

COMPANIES = [
    Company("Scale AI", ("Scale", "Scale API")),
    Company("Meta", ("Meta Platforms", "Facebook")),
    Company("Apple", ("Apple Inc",)),
    Company("Arm", ("ARM Holdings", "Arm Ltd")),
    Company("AT&T", ("AT&T Inc",)),
    Company("T-Mobile", ("T-Mobile US",)),
    Company("JPMorgan Chase", ("JPMorgan", "J.P. Morgan", "Chase")),
    Company("Salesforce", ("salesforce.com",)),
    Company("Mercury", ("Mercury Technologies",)),
    Company("Oracle", ("Oracle Corp",)),
    Company("Target", ("Target Corp",)),
    Company("Block", ("Square",)),
    Company("Nvidia", ("NVDA",)),
    Company("Slack"),
    Company("OpenAI"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(COMPANIES)


def names(matcher: Matcher, title: str, summary: str = "") -> list[str]:
    return [m.company for m in matcher.match(title, summary)]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Meta takes 49% stake in Scale AI", ["Meta", "Scale AI"]),
        ("Meta's $14.3B Scale AI stake", ["Meta", "Scale AI"]),
        ("AT&T to sell DirecTV stake", ["AT&T"]),
        ("T-Mobile-Sprint merger cleared", ["T-Mobile"]),
        ("J.P. Morgan advises on the deal", ["JPMorgan Chase"]),
        ("salesforce.com posts record quarter", ["Salesforce"]),
        ("Nvidia (NVDA) shares rise", ["Nvidia", "Nvidia"]),
        ("Intel to make ARM-based chips", ["Arm"]),
        ("Goldman-led round values OpenAI at $80 billion", ["OpenAI"]),
    ],
)
def test_aliases_and_boundaries(matcher: Matcher, title: str, expected: list[str]) -> None:
    assert names(matcher, title) == expected


@pytest.mark.parametrize(
    "title",
    [
        "Scaled-down plans for the Army base",
        "How companies scale AI from pilot to production",
        "Meta-analysis links coffee to longer life",
        "Mercury Systems to acquire Avalex",
        "Freddie Mercury statue unveiled in Montreux",
        "Mercury levels in tuna have fallen, study finds",
        "Oracle of Omaha keeps buying",
        "Shell-shocked investors dump stocks",
        "Fed sees plenty of slack in the labor market",
        "Target misses its own profit target",
        "Block party draws a crowd",
        "Apple orchards report record harvest",
    ],
)
def test_common_words_are_not_companies(matcher: Matcher, title: str) -> None:
    assert "Meta" not in names(matcher, title)
    found = set(names(matcher, title))
    assert not found & {"Scale AI", "Mercury", "Oracle", "Slack", "Arm", "Apple", "Block"}


def test_longest_alias_wins(matcher: Matcher) -> None:
    [m] = matcher.match("Scale AI raises $1 billion", "")
    assert (m.company, m.alias, m.start, m.end) == ("Scale AI", "Scale AI", 0, 8)
    [m] = matcher.match("JPMorgan Chase buys First Republic", "")
    assert m.alias == "JPMorgan Chase"


def test_ambiguous_names_need_context_where_capitals_say_nothing(matcher: Matcher) -> None:
    assert names(matcher, "salesforce closes slack acquisition") == ["Salesforce", "Slack"]
    assert names(matcher, "SALESFORCE TO BUY SLACK") == ["Salesforce", "Slack"]
    assert names(matcher, "scale, the data-labeling startup, lands $100m") == ["Scale AI"]
    assert names(matcher, "fed officials see slack in the labor market") == []
    assert names(matcher, "Apple to buy Beats") == ["Apple"]
    assert names(matcher, "Square Announces Strategic Investment From Visa") == ["Block"]


def test_case_sensitive_and_context_flags_are_respected() -> None:
    strict = Matcher([Company("Linear", case_sensitive=True, context_required=True)])
    assert strict.match("linear growth ahead", "") == []
    assert strict.match("Linear raises $35 million", "")[0].company == "Linear"
    assert strict.match("Linear algebra for beginners", "") == []
    loose = Matcher([Company("Target", case_sensitive=False, context_required=False)])
    assert loose.match("profit target missed", "")[0].company == "Target"


def test_offsets_point_into_the_original_text(matcher: Matcher) -> None:
    title = "AT&amp;T and Meta\u2019s deal \u2014 Slack"
    mentions = matcher.match(title, "OpenAI said so.")
    got = {
        (m.company, m.field, title[m.start : m.end] if m.field == "title" else "OpenAI said so."[m.start : m.end])
        for m in mentions
    }
    assert got == {
        ("AT&T", "title", "AT&amp;T"),
        ("Meta", "title", "Meta"),
        ("Slack", "title", "Slack"),
        ("OpenAI", "summary", "OpenAI"),
    }


def test_normalise_maps_offsets_both_ways() -> None:
    norm = normalise("A&amp;B \u201cquoted\u201d")
    assert norm.text == 'A&B "quoted"'
    assert norm.to_original(2) == 6 and norm.from_original(6) == 2
    assert norm.to_original(4) == 8


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("Microsoft Announces Agreement to Acquire Activision Blizzard", "title"),
        ("PFIZER AND ALLERGAN SCRAP MERGER", "upper"),
        ("salesforce closes slack acquisition", "lower"),
        ("Uber in talks to raise new funds -WSJ", "normal"),
    ],
)
def test_case_style(text: str, style: str) -> None:
    assert case_style(text) == style


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_arbitrary_text_never_crashes(title: str, summary: str) -> None:
    matcher = Matcher(COMPANIES)
    for m in matcher.match(title, summary):
        text = title if m.field == "title" else summary
        assert 0 <= m.start <= m.end <= len(text)


def test_watchlist_flags_change_matching_as_documented() -> None:
    """config.example.yaml's watchlist comment: what `case_sensitive` and `context_required` do."""
    phrase = "How thinking machines could change office work"
    default = Matcher([Company("Thinking Machines Lab", ("Thinking Machines",))])
    strict = Matcher([Company("Thinking Machines Lab", ("Thinking Machines",), case_sensitive=True)])
    assert [m.company for m in default.match(phrase, "")] == ["Thinking Machines Lab"]  # an ordinary name: any case
    assert strict.match(phrase, "") == []  # case_sensitive: only as written
    assert strict.match("Thinking Machines Lab raises $2 billion", "")
    assert strict.match("THINKING MACHINES LAB RAISES 2 BLN DLRS", "")  # where capitals say nothing, any case

    # a name on the lexicon's list of common words is case-sensitive and needs context where capitals say nothing
    figure = Matcher([Company("Figure AI", ("Figure",))])
    assert figure.match("Figure skating gold for Japan", "") == []
    assert [m.company for m in figure.match("Figure raises $1 billion at $39 billion valuation", "")] == ["Figure AI"]
    assert figure.match("the figure was higher than expected", "") == []

    # context_required: true asks company context of any name; false trusts every match of an ambiguous one
    harvey = Matcher([Company("Harvey", context_required=True)])
    assert harvey.match("Harvey sings at the opera tonight", "") == []
    assert harvey.match("Harvey raises $300 million", "")
    trusting = Matcher([Company("Figure AI", ("Figure",), context_required=False)])
    assert [m.company for m in trusting.match("Figure skating gold for Japan", "")] == ["Figure AI"]
