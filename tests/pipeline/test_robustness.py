"""Match and classify under messy text: any Unicode never crashes, and the same headline in ALL CAPS,
Title Case, with smart quotes, HTML entities or odd spaces reports the same event."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.evaluate import event_json, load_watchlist
from bot.model import Article
from bot.pipeline.classify import build_classifier
from bot.pipeline.match import Matcher

COMPANIES = load_watchlist(Path(__file__).resolve().parents[1] / "data" / "classify" / "watchlist.yaml")
MATCHER = Matcher(COMPANIES)
CLASSIFY = build_classifier(COMPANIES, strict=True)
OPEN = build_classifier(strict=True, open_world=True)
NO_MATCHER = Matcher([])

# One per type, status and form, each read the same way however it is cased or encoded.
HEADLINES = [
    "Cisco to acquire Splunk for $28 billion in cash",
    "HashiCorp acquired by IBM in $6.4 billion deal",
    "Microsoft in talks to acquire Character.AI, sources say",
    "Adobe and Figma call off $20 billion deal",
    "Databricks has bought Tabular",
    "Walmart takes majority stake in Flipkart",
    "Synopsys agrees to buy Ansys for $35 billion in cash and stock",
    "Amazon and iRobot call off $1.4 billion deal amid EU opposition",
    "Salesforce's talks to acquire Informatica collapse over price",
    "Shell to buy Nature Energy for nearly $2 billion",
    "Oracle to buy Cerner for US$28.3 billion",
    "SoftBank agrees \u00a324bn takeover of Arm",
    "Amazon buys MGM for 8.45 billion dollars",
    "Uber lands $500mn from Toyota",
    "Intel sells 10% stake in Mobileye",
    "Amazon offloads its stake in Rivian",
    "AT&T to sell its DirecTV stake to TPG for $7.6 billion",
    "Anthropic raises $4 billion from Amazon",
    "Mistral AI secures \u20ac600 million in new funding",
    "Nvidia leads $500 million round in Crusoe",
    "Anthropic Is Said to Seek $2 Billion in New Funding",
    "Meta takes 49% stake in Scale AI for $14.3 billion",
    "Amazon to invest up to $4 billion in Anthropic",
    "SoftBank has bought a 5 percent holding in Nvidia",
    "Shell and BG agree $70 billion merger",
    "Zoom and Five9 scrap merger after shareholder vote",
    "Oracle signs $30 billion cloud deal with OpenAI",
    "Nvidia, Microsoft team up on AI supercomputer",
    "OpenAI phases out work with Scale AI",
    "Walmart to stop accepting Visa cards in Canada",
    "TEXACO TO ACQUIRE GETTY OIL FOR 10.1 BLN DLRS",
    "IBM <IBM> SAYS IT AGREED TO ACQUIRE ROLM CORP",
]


def title_case(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))


def entities(text: str) -> str:
    return html.escape(text, quote=True).replace("'", "&#8217;")


def smart_quotes(text: str) -> str:
    return text.replace("'", "\u2019")


def odd_spaces(text: str) -> str:
    return text.replace(" ", "\u00a0", 2).replace(" ", "  ", 1)


CASINGS: list[Callable[[str], str]] = [lambda t: t, str.upper, title_case]
ENCODINGS: list[Callable[[str], str]] = [lambda t: t, entities, smart_quotes, odd_spaces]


def article(title: str, summary: str = "") -> Article:
    return Article("k", title, summary, "https://example.com/a", "Example Wire", datetime(2025, 6, 13, tzinfo=UTC))


def events(title: str) -> list[tuple[Any, ...]]:
    art = article(title)
    out = [event_json(e) for e in CLASSIFY(art, MATCHER.match(art.title, art.summary))]
    return sorted(
        (
            e["type"],
            e["status"],
            tuple(sorted(n.casefold() for ns in e["parties"].values() for n in ns)),
            e["amount_usd"],
        )
        for e in out
    )


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(HEADLINES), st.sampled_from(CASINGS), st.sampled_from(ENCODINGS))
def test_casing_and_encoding_do_not_change_the_event(
    headline: str, casing: Callable[[str], str], encoding: Callable[[str], str]
) -> None:
    want = events(headline)
    assert want, headline
    assert events(encoding(casing(headline))) == want


_ENTITIES = ["&amp;", "&#8217;", "&quot;", "&nbsp;", "&bogus;", "&#x1F600;"]
_ODD_CHARACTERS = ["\u200b", "\u00ad", "\ufeff", "\x00", "\u2028", "\u201c", "\u201d", "\u2014", "\u2013"]
_OTHER_SCRIPTS = ["\U0001f680", "\u0130", "\u00df", "\ufb01", "\u0301", "\t", "\r\n"]
_NOISE = st.sampled_from([*_ENTITIES, *_ODD_CHARACTERS, *_OTHER_SCRIPTS])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(HEADLINES), st.lists(st.tuples(st.integers(0, 200), _NOISE), max_size=6), st.text(max_size=40))
def test_noise_in_real_headlines_never_crashes(headline: str, inserts: list[tuple[int, str]], summary: str) -> None:
    title = headline
    for at, piece in inserts:
        title = title[:at] + piece + title[at:]
    for text in (title, title.upper(), title_case(title)):
        art = article(text, summary)
        for event in CLASSIFY(art, MATCHER.match(text, summary)):
            assert event.parties and event.evidence
        for event in OPEN(art, NO_MATCHER.match(text, summary)):
            assert event.parties and event.evidence


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_arbitrary_unicode_never_crashes_the_watchlist_free_mode(title: str, summary: str) -> None:
    OPEN(article(title, summary), [])
