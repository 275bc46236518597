"""SEC's ticker file: parsing our own copy in its format, and which tickers a watched company is looked up by."""

from __future__ import annotations

import json

import pytest

from bot.model import Company
from bot.sources import ParseError
from bot.sources.sec_tickers import company_tickers, parse_tickers, ticker_key
from tests.sources.fixtures import DATA

FIXTURE = DATA / "sources" / "sec_tickers" / "company_tickers.json"


def rows(*entries: object) -> bytes:
    return json.dumps({str(i): entry for i, entry in enumerate(entries)}).encode()


def test_fixture_parses_to_padded_ciks_and_titles() -> None:
    tickers = parse_tickers(FIXTURE.read_bytes())
    assert len(tickers) == 12
    assert tickers["ACME"] == ("0001900001", "Acme Robotics Inc.")
    assert tickers["Z"] == ("0001900007", "Zephyr Freight Lines Inc")
    # One registrant, several tickers (share classes, warrants): each ticker finds it.
    assert tickers["NBLR"][0] == tickers["NBLRW"][0] == "0001900003"
    assert tickers["HRTH-A"][0] == tickers["HRTH-B"][0] == "0001900004"
    assert tickers["MLRX"][1] == "Müller Präzision AG"  # UTF-8, read as such


def test_tickers_are_keyed_upper_case_with_a_dash_for_the_class() -> None:
    body = rows(
        {"cik_str": 1900011, "ticker": "brk.b", "title": "Brickworks Holdings"},
        {"cik_str": "1900012", "ticker": " wdgt ", "title": " Widget Co "},
    )
    assert parse_tickers(body) == {
        "BRK-B": ("0001900011", "Brickworks Holdings"),
        "WDGT": ("0001900012", "Widget Co"),
    }
    assert ticker_key("BRK.B") == ticker_key("brk-b") == "BRK-B"


def test_a_ticker_listed_twice_keeps_its_first_row_and_a_bom_is_fine() -> None:
    body = rows(
        {"cik_str": 1900013, "ticker": "DUPE", "title": "First Listing Inc"},
        {"cik_str": 1900014, "ticker": "DUPE", "title": "Second Listing Inc"},
    )
    assert parse_tickers(b"\xef\xbb\xbf" + body) == {"DUPE": ("0001900013", "First Listing Inc")}


def test_unusable_rows_are_skipped() -> None:
    body = rows(
        {"cik_str": 1900015, "ticker": "GOOD", "title": "Good Rows Inc"},
        {"cik_str": 0, "ticker": "ZERO", "title": "No CIK"},
        {"cik_str": 12345678901, "ticker": "LONG", "title": "Eleven digits"},
        {"cik_str": True, "ticker": "BOOL", "title": "Not a number"},
        {"cik_str": 1900016, "ticker": "", "title": "No ticker"},
        {"cik_str": 1900017, "title": "No ticker key"},
        {"cik_str": 1900018, "ticker": "X" * 21, "title": "Too long for the store"},
        {"cik_str": 1900019, "ticker": "NOTTL"},
        ["not", "a", "row"],
    )
    assert parse_tickers(body) == {"GOOD": ("0001900015", "Good Rows Inc"), "NOTTL": ("0001900019", "")}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not JSON"),
        (b"<html><body>Request Rate Threshold Exceeded</body></html>", "not JSON"),
        (b'{"0": {"cik_str": 1, "ticker": "A"', "not JSON"),
        (b"\xff\xfe{}", "not JSON"),
        (b'[{"cik_str": 320193, "ticker": "AAPL"}]', "expected an object of rows, got list"),
        (b'"company_tickers"', "expected an object of rows, got str"),
        (b"{}", "no rows"),
        (b'{"fields": ["cik", "name", "ticker"], "data": [[1, "A", "A"]]}', "no rows"),
    ],
)
def test_a_body_of_another_shape_is_a_one_line_parse_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message) as raised:
        parse_tickers(body)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("company", "expected"),
    [
        (Company("Acme Robotics", ("ACME", "Acme")), ("ACME",)),
        (Company("Brickworks", ("BRK.B", "BRK-B", "Brickworks Holdings")), ("BRK-B",)),
        (Company("Zephyr Freight", ("Z", "ZFL", "zephyr")), ("Z", "ZFL")),
        # Not tickers: mixed case, digits, six letters, a domain, a phrase.
        (Company("Meta", ("Meta Platforms", "Facebook", "3M", "ABCDEF", "scale.com", "Ab.C")), ()),
        # An explicit ticker is the only one looked up.
        (Company("Google", ("GOOG", "Alphabet"), ticker="GOOGL"), ("GOOGL",)),
        (Company("Brickworks", ("BRKW",), ticker="brk.b"), ("BRK-B",)),
    ],
)
def test_which_tickers_a_company_is_looked_up_by(company: Company, expected: tuple[str, ...]) -> None:
    assert company_tickers(company) == expected
