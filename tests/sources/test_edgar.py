"""Parse for `edgar`: our own EDGAR payloads with their expected filings, and filing -> deal event."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.model import ROLES, Article, DealEvent
from bot.sources import PARSERS, ParseError, parse
from bot.sources.edgar import PUBLISHER, filing_event, filing_title, index_url, same_company
from bot.sources.text import iso_utc
from tests.sources.fixtures import DATA, FETCHED_AT, expect_fixture, fixtures_of

KIND = "edgar"
FIXTURES_DIR = DATA / "sources" / KIND
FIXTURES = fixtures_of(KIND)


def articles_of(name: str, headers: Mapping[str, str] | None = None) -> list[Article]:
    return parse(KIND, (FIXTURES_DIR / name).read_bytes(), headers or {}, FETCHED_AT)


def by_key(name: str) -> dict[str, Article]:
    return {a.key: a for a in articles_of(name)}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_parses_as_expected(path: Path) -> None:
    articles = expect_fixture(KIND, path)
    for article in articles:
        assert article.publisher == PUBLISHER
        assert article.key == article.extra["accession"]


def test_registered() -> None:
    assert PARSERS[KIND].__module__ == "bot.sources.edgar"


# ---------------------------------------------------------------------------
# The payload quirks
# ---------------------------------------------------------------------------


def test_latin1_company_feed_reads_without_mojibake() -> None:
    articles = articles_of("getcompany_atom_latin1.xml")
    assert {a.extra["company"] for a in articles} == {"Échelle Données Inc."}
    # The declared charset, not a guess, decides: the same text arrives whatever the HTTP header says.
    with_header = articles_of("getcompany_atom_latin1.xml", {"content-type": "application/atom+xml; charset=utf-8"})
    assert [a.title for a in with_header] == [a.title for a in articles]


def test_latest_filings_list_a_filing_once_per_party_and_are_merged() -> None:
    articles = articles_of("getcurrent_atom_one_filing_per_party.xml")
    assert len(articles) == 4  # seven entries, four accession numbers
    thirteen_d = by_key("getcurrent_atom_one_filing_per_party.xml")["0001326801-25-000081"]
    # Told under the subject company, whoever is listed first, naming the filer.
    assert thirteen_d.extra["company"] == "Scale AI, Inc."
    assert thirteen_d.extra["cik"] == "0001900001"
    assert thirteen_d.extra["filed_by"] == "Meta Platforms, Inc."
    form4 = by_key("getcurrent_atom_one_filing_per_party.xml")["0001209191-25-031001"]
    assert form4.extra["company"] == "Globex Corp" and form4.extra["filed_by"] == "Doe Jane"


def test_company_search_results_are_companies_not_filings() -> None:
    assert articles_of("company_search_atom.xml") == []


def test_items_come_from_the_summary_when_the_feed_has_no_items_desc() -> None:
    article = by_key("getcompany_atom_latin1.xml")["0001900001-25-000004"]
    assert article.extra["items"] == "1.02"
    assert article.title == "8-K: Échelle Données Inc. — Item 1.02"


def test_submissions_acceptance_times_are_washington_wall_clock() -> None:
    filings = by_key("submissions_recent.json")
    # "2025-06-16T16:05:00.000Z" is 16:05 EDT; "2025-02-14T10:12:44.000Z" is 10:12:44 EST.
    assert iso_utc(filings["0001900001-25-000052"].published) == "2025-06-16T20:05:00Z"
    assert iso_utc(filings["0000950123-25-001504"].published) == "2025-02-14T15:12:44Z"
    # Without an acceptance time, the filing date.
    assert iso_utc(filings["0001900001-24-000090"].published) == "2024-11-08T00:00:00Z"


def test_the_atom_feed_and_the_submissions_agree_on_a_filing() -> None:
    atom = by_key("getcompany_atom_latin1.xml")["0001900001-25-000041"]
    submissions = by_key("submissions_recent.json")["0001900001-25-000041"]
    assert atom.published == submissions.published
    assert atom.url == submissions.url
    assert atom.extra["items"] == submissions.extra["items"] == "1.01,9.01"


@pytest.mark.parametrize(
    ("wall_clock", "utc"),
    [
        ("2025-03-09T01:59:59.000Z", "2025-03-09T06:59:59Z"),  # EST, just before the change
        ("2025-03-09T03:00:00.000Z", "2025-03-09T07:00:00Z"),  # EDT from 2 am on the second Sunday of March
        ("2025-11-02T00:30:00.000Z", "2025-11-02T04:30:00Z"),  # still EDT
        ("2025-11-02T02:30:00.000Z", "2025-11-02T07:30:00Z"),  # EST from 2 am on the first Sunday of November
        ("2006-04-02T03:00:00.000Z", "2006-04-02T07:00:00Z"),  # the rules before 2007: first Sunday of April
        ("2006-10-28T12:00:00.000Z", "2006-10-28T16:00:00Z"),  # ... to the last Sunday of October
        ("2006-10-29T12:00:00.000Z", "2006-10-29T17:00:00Z"),
    ],
)
def test_eastern_time_follows_the_daylight_saving_rules(wall_clock: str, utc: str) -> None:
    body = json.dumps(
        {"accessionNumber": ["0000000001-25-000001"], "acceptanceDateTime": [wall_clock], "form": ["8-K"]}
    ).encode()
    (article,) = parse(KIND, body, {}, FETCHED_AT)
    assert iso_utc(article.published) == utc


def test_an_older_submissions_page_gets_links_only_when_its_url_names_the_cik() -> None:
    bare = articles_of("submissions_older_page.json")
    assert {a.url for a in bare} == {""}
    located = articles_of(
        "submissions_older_page.json",
        {"content-location": "https://data.sec.gov/submissions/CIK0001900001-submissions-001.json"},
    )
    assert located[0].url == (
        "https://www.sec.gov/Archives/edgar/data/1900001/000190000122000077/0001900001-22-000077-index.htm"
    )
    assert located[0].extra["cik"] == "0001900001"


def test_full_text_search_documents_of_one_filing_are_one_article() -> None:
    articles = articles_of("efts_2021_schema.json")
    assert [a.key for a in articles] == ["0001600003-21-000044", "0001600003-21-000012"]
    assert articles[0].extra["company"] == "GLOBEX CORP"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty body"),
        (b"   \n", "empty body"),
        (b"Service Unavailable", "not an EDGAR payload: Service Unavailable"),
        (b'{"foo": 1}', "JSON without filings or hits"),
        (b"[1, 2]", "JSON that is not an object"),
        (b'{"error": "Invalid request"}', "EDGAR answered with an error: Invalid request"),
        (b'{"hits": {"total": 3}}', "without hits.hits"),
        (b'{"filings": {"files": []}}', "without filings.recent"),
        (b"{not json", "not valid JSON"),
        (b"<feed><entry>", "not well-formed XML"),
        (b"<rss><channel/></rss>", "root element <rss>"),
        (b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa">]><feed>&a;</feed>', "DOCTYPE"),
        (b"<html><head><title>Access Denied</title></head></html>", "an HTML page (Access Denied)"),
    ],
)
def test_unreadable_payloads_are_one_line_parse_errors(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)) as caught:
        parse(KIND, body, {}, FETCHED_AT)
    assert "\n" not in str(caught.value) and len(str(caught.value)) <= 200


def test_index_url_and_title() -> None:
    assert index_url("0000320193", "0000320193-21-000009") == (
        "https://www.sec.gov/Archives/edgar/data/320193/000032019321000009/0000320193-21-000009-index.htm"
    )
    assert index_url("", "0000320193-21-000009") == ""
    assert index_url("0000320193", "not-an-accession") == ""
    assert filing_title("8-K", "Apple Inc.", ["1.01", "9.01"], "x") == "8-K: Apple Inc. — Items 1.01, 9.01"
    assert filing_title("10-K", "", [], "0000320193-21-000009") == "10-K: filing 0000320193-21-000009"


# ---------------------------------------------------------------------------
# Filing -> deal event
# ---------------------------------------------------------------------------


def filing(form: str, items: str = "", **extra: str) -> Article:
    return Article(
        key="0001900001-25-000099",
        title=f"{form}: Scale AI, Inc.",
        summary="",
        url="https://www.sec.gov/Archives/edgar/data/1900001/000190000125000099/0001900001-25-000099-index.htm",
        publisher=PUBLISHER,
        published=FETCHED_AT,
        extra={"form": form, "items": items, "company": "Scale AI, Inc.", **extra},
    )


@pytest.mark.parametrize(
    ("form", "items", "extra", "expected"),
    [
        (
            "8-K",
            "1.01,9.01",
            {},
            ("partnership", "announced", {"parties": ("Scale AI",)}, None, "8-K Item 1.01 (Entry into a Material"),
        ),
        (
            "8-K",
            "1.02",
            {},
            ("partnership_end", "announced", {"parties": ("Scale AI",)}, None, "8-K Item 1.02 (Termination of a"),
        ),
        (
            "8-K",
            "2.01,9.01",
            {},
            ("acquisition", "completed", {"acquirer": ("Scale AI",)}, None, "8-K Item 2.01 (Completion of"),
        ),
        # Completion wins over the agreement it completes; a new agreement over the one it replaces.
        ("8-K", "1.01,2.01", {}, ("acquisition", "completed", {"acquirer": ("Scale AI",)}, None, "Item 2.01")),
        ("8-K", "1.02,1.01", {}, ("partnership", "announced", {"parties": ("Scale AI",)}, None, "Item 1.01")),
        (
            "SC 13D",
            "",
            {"filed_by": "Meta Platforms, Inc.", "percent": "49"},
            (
                "investment",
                "announced",
                {"investor": ("Meta Platforms, Inc.",), "target": ("Scale AI",)},
                49.0,
                "SC 13D (beneficial ownership of more than 5%, active investor), 49%",
            ),
        ),
        ("SC 13G/A", "", {}, ("investment", "announced", {"target": ("Scale AI",)}, None, "SC 13G/A (")),
        ("SC 13D/A", "", {"percent": "n/a"}, ("investment", "announced", {"target": ("Scale AI",)}, None, "SC 13D/A")),
        (
            "SCHEDULE 13G",
            "",
            {"percent": "7.5%"},
            ("investment", "announced", {"target": ("Scale AI",)}, 7.5, "passive investor), 7.5%"),
        ),
        ("SCHEDULE 13D/A", "", {}, ("investment", "announced", {"target": ("Scale AI",)}, None, "SCHEDULE 13D/A")),
        ("D", "06b", {}, ("funding", "completed", {"target": ("Scale AI",)}, None, "Form D (notice of an exempt")),
        ("S-4", "", {}, ("merger", "announced", {"parties": ("Scale AI",)}, None, "S-4 (registration")),
        ("DEFM14A", "", {}, ("merger", "announced", {"parties": ("Scale AI",)}, None, "DEFM14A (definitive proxy")),
        ("425", "", {}, ("merger", "announced", {"parties": ("Scale AI",)}, None, "425 (communication")),
    ],
)
def test_forms_that_state_a_deal(
    form: str,
    items: str,
    extra: dict[str, str],
    expected: tuple[str, str, dict[str, tuple[str, ...]], float | None, str],
) -> None:
    event = filing_event(filing(form, items, **extra), "Scale AI")
    assert isinstance(event, DealEvent)
    event_type, status, parties, stake, evidence = expected
    assert (event.type, event.status, dict(event.parties), event.stake_pct) == (event_type, status, parties, stake)
    assert evidence in event.evidence
    assert set(event.parties) <= set(ROLES[event.type])
    assert event.amount_usd is None


@pytest.mark.parametrize(
    ("form", "items"),
    [
        ("8-K", "2.02,9.01"),
        ("8-K", "5.02"),
        ("8-K", ""),
        ("8-K/A", "2.01"),
        ("10-K", ""),
        ("10-Q", ""),
        ("4", ""),
        ("D/A", ""),
        ("S-4/A", ""),
        ("DEF 14A", ""),
        ("SC TO-T", ""),
        ("", ""),
    ],
)
def test_forms_that_say_nothing_about_a_deal(form: str, items: str) -> None:
    assert filing_event(filing(form, items), "Scale AI") is None


def test_a_stake_the_watched_company_took_is_told_from_its_side() -> None:
    article = filing("SC 13D", filed_by="Meta Platforms, Inc.")
    event = filing_event(article, "Meta")
    assert event is not None
    assert dict(event.parties) == {"investor": ("Meta",), "target": ("Scale AI, Inc.",)}


@pytest.mark.parametrize(
    ("watched", "edgar_name", "same"),
    [
        ("Meta", "META PLATFORMS, INC.", True),
        ("Scale AI", "Scale AI, Inc.", True),
        ("Apple", "Apple Inc.", True),
        ("Scale AI", "SCALE DATA CORP", False),
        ("Meta", "Metabolic Holdings Inc", False),
        ("", "Anything", False),
    ],
)
def test_same_company(watched: str, edgar_name: str, same: bool) -> None:
    assert same_company(watched, edgar_name) is same


def test_a_fixture_8k_item_102_becomes_a_partnership_end() -> None:
    article = by_key("submissions_recent.json")["0001900001-25-000052"]
    event = filing_event(article, "Scale AI")
    assert event is not None
    assert (event.type, event.status, dict(event.parties)) == (
        "partnership_end",
        "announced",
        {"parties": ("Scale AI",)},
    )
    assert event.evidence == "8-K Item 1.02 (Termination of a Material Definitive Agreement)"


def test_events_from_every_fixture_filing() -> None:
    """Each fixture form that states a deal yields its event; the rest yield none."""
    found: dict[str, str] = {}
    for name in ("getcompany_atom_latin1.xml", "submissions_recent.json"):
        for article in articles_of(name):
            event = filing_event(article, "Scale AI")
            found[f"{name}:{article.extra['form']}:{article.extra['items']}"] = event.type if event else "-"
    assert found == {
        "getcompany_atom_latin1.xml:8-K:1.01,9.01": "partnership",
        "getcompany_atom_latin1.xml:SC 13D/A:": "investment",
        "getcompany_atom_latin1.xml:8-K/A:2.01": "-",
        "getcompany_atom_latin1.xml:8-K:2.01,9.01": "acquisition",
        "getcompany_atom_latin1.xml:D:": "funding",
        "getcompany_atom_latin1.xml:8-K:1.02": "partnership_end",
        "getcompany_atom_latin1.xml:10-Q:": "-",
        "submissions_recent.json:8-K:1.02": "partnership_end",
        "submissions_recent.json:SCHEDULE 13D:": "investment",
        "submissions_recent.json:8-K:1.01,9.01": "partnership",
        "submissions_recent.json:425:": "merger",
        "submissions_recent.json:S-4:": "merger",
        "submissions_recent.json:DEFM14A:": "merger",
        "submissions_recent.json:SC 13G:": "investment",
        "submissions_recent.json:D:06b,3C": "funding",
        "submissions_recent.json:10-Q:": "-",
    }


# ---------------------------------------------------------------------------
# Fuzzing: whatever the bytes, the answer is articles or ParseError
# ---------------------------------------------------------------------------

_SEEDS = [
    (FIXTURES_DIR / n).read_bytes() for n in ("getcurrent_atom_one_filing_per_party.xml", "efts_2025_schema.json")
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(_SEEDS), cut=st.integers(min_value=0, max_value=4000), junk=st.binary(max_size=32))
def test_damaged_payloads_raise_only_parse_error(seed: bytes, cut: int, junk: bytes) -> None:
    body = seed[:cut] + junk + seed[cut + len(junk) :]
    try:
        articles = parse(KIND, body, {}, FETCHED_AT)
    except ParseError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert all(a.published.tzinfo is not None and a.key for a in articles)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(value=_JSON_VALUES, shape=st.sampled_from(["search", "submissions", "page"]))
def test_odd_values_in_the_json_raise_only_parse_error(value: object, shape: str) -> None:
    accession = "0000000001-25-000001"
    doc: object
    if shape == "search":
        fields = ("ciks", "display_names", "items", "form", "file_date")
        doc = {"hits": {"hits": [{"_id": value, "_source": {"adsh": accession, **dict.fromkeys(fields, value)}}]}}
    elif shape == "submissions":
        doc = {"cik": value, "name": value, "filings": {"recent": {"accessionNumber": [accession], "form": value}}}
    else:
        doc = {"accessionNumber": [accession, value], "items": value, "acceptanceDateTime": [value]}
    try:
        articles = parse(KIND, json.dumps(doc).encode(), {}, FETCHED_AT)
    except ParseError as exc:
        assert "\n" not in str(exc)
        return
    assert [a.key for a in articles] == [accession]
