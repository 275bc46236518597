"""Before planning: SEC's ticker file (bytes -> ticker -> CIK), so a watched company without `cik:` still gets EDGAR.

SEC publishes every listed registrant's ticker at `company_tickers.json`: a JSON object whose
values are `{"cik_str": 320193, "ticker": "AAPL", "title": "Apple Inc."}`. The app fetches it
now and then through the `edgar` fetcher, keeps it in the store, and the plan step looks up the
tickers a company has: its explicit `ticker:`, else those of its aliases that look like tickers.
Pure functions, no I/O.
"""

from __future__ import annotations

import json
import re

from bot.model import Company
from bot.sources import ParseError
from bot.sources.queries import padded_cik

TICKERS_URL = "https://www.sec.gov/files/company_tickers.json"

# 1-5 capital letters, optionally a share class after a dot or dash: ACME, X, BRK.B, BF-A.
TICKER = re.compile(r"^[A-Z]{1,5}(?:[.-][A-Z]{1,2})?$")
MAX_TICKER_CHARS = 20  # what the store's column holds; real tickers are far shorter


def ticker_key(ticker: str) -> str:
    """How tickers are compared: upper-cased, a class suffix spelt with a dash as SEC does (BRK.B is BRK-B)."""
    return ticker.strip().upper().replace(".", "-")


def company_tickers(company: Company) -> tuple[str, ...]:
    """The tickers to look the company up by, as keys; an explicit `ticker` wins over ticker-like aliases."""
    if company.ticker:
        return (ticker_key(company.ticker),)
    return tuple(dict.fromkeys(ticker_key(a) for a in company.aliases if TICKER.fullmatch(a.strip())))


def parse_tickers(body: bytes) -> dict[str, tuple[str, str]]:
    """Ticker (as `ticker_key`) -> (ten-digit CIK, registrant name) from the body of SEC's ticker file.

    Rows without a usable ticker or CIK are skipped; a ticker listed twice keeps its first row.
    A body with no usable row at all is a ParseError, so a broken download never empties the cache.
    """
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ParseError(f"SEC ticker file is not JSON: {_one_line(str(exc))}") from None
    if not isinstance(data, dict):
        raise ParseError(f"SEC ticker file: expected an object of rows, got {type(data).__name__}")
    found: dict[str, tuple[str, str]] = {}
    for row in data.values():
        if not isinstance(row, dict):
            continue
        ticker, cik, title = row.get("ticker"), row.get("cik_str"), row.get("title")
        if not isinstance(ticker, str) or not 0 < len(ticker_key(ticker)) <= MAX_TICKER_CHARS:
            continue
        if isinstance(cik, bool) or not isinstance(cik, int | str):
            continue
        try:
            padded = padded_cik(str(cik))
        except ValueError:
            continue
        found.setdefault(ticker_key(ticker), (padded, title.strip() if isinstance(title, str) else ""))
    if not found:
        raise ParseError("SEC ticker file has no rows with a ticker and a CIK")
    return found


def _one_line(text: str, limit: int = 200) -> str:
    return " ".join(text.split())[:limit]
