"""Before fetch: the URL each per-company source kind polls, built from a watched company's names.

Pure string builders; the fetch step requests what they return. Which names are searched:
the company's name always, and each alias that can stand alone in a search, which excludes
aliases of fewer than three letters or digits ("GE", "X", "3M"-style two-character tickers):
they match far more than the company and would crowd the results out. Names that are common
words ("Scale", "Block") are still searched; the match step downstream decides which hits are
really about the company. Embedded double quotes are dropped, since every name is searched as a
quoted phrase; names the same apart from case are searched once.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from bot.model import Company

GOOGLE_NEWS_SEARCH = "https://news.google.com/rss/search"
GDELT_DOC_API = "https://api.gdeltproject.org/api/v2/doc/doc"
HN_SEARCH_BY_DATE = "https://hn.algolia.com/api/v1/search_by_date"
EDGAR_BROWSE = "https://www.sec.gov/cgi-bin/browse-edgar"
EDGAR_SUBMISSIONS = "https://data.sec.gov/submissions"

MIN_ALIAS_CHARS = 3
_RECENCY = re.compile(r"^\d+[hdmy]$")
_GDELT_TIMESPAN = re.compile(r"^\d+(?:min|h|d|w|m)?$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
_REGION = re.compile(r"^[A-Za-z]{2}$")


def search_names(company: Company) -> list[str]:
    """The company's name and its searchable aliases, cleaned, in order, once each (case-insensitively)."""
    names: list[str] = []
    seen: set[str] = set()
    for position, raw in enumerate(company.names):
        name = " ".join(raw.replace('"', " ").split())
        if not name or name.casefold() in seen:
            continue
        if position > 0 and sum(ch.isalnum() for ch in name) < MIN_ALIAS_CHARS:
            continue
        seen.add(name.casefold())
        names.append(name)
    if not names:
        raise ValueError(f"company {company.name!r} has no name to search for")
    return names


def _phrases(names: list[str]) -> str:
    return " OR ".join(f'"{name}"' for name in names)


def google_news_url(company: Company, *, lang: str = "en", region: str = "US", recency: str | None = "1d") -> str:
    """A Google News RSS search for the company's names as quoted phrases, ORed, from the last `recency`.

    `lang` is a language code (`en`, `de`, `pt-419`) and `region` a country code; English gets the
    regional variant Google itself uses (`hl=en-US`, `ceid=US:en`), other languages go as given
    (`hl=de`, `ceid=DE:de`). `recency` is Google's `when:` operator (`1h`, `1d`, `7d`); None for none.
    """
    if not _LANG.match(lang) or not _REGION.match(region):
        raise ValueError(f"bad language or region for Google News: {lang!r}, {region!r}")
    if recency is not None and not _RECENCY.match(recency):
        raise ValueError(f"bad Google News recency {recency!r} (like 1h, 1d, 7d)")
    region = region.upper()
    hl = f"{lang}-{region}" if lang.lower() == "en" else lang
    query = _phrases(search_names(company))
    if recency:
        query += f" when:{recency}"
    return f"{GOOGLE_NEWS_SEARCH}?{urlencode({'q': query, 'hl': hl, 'gl': region, 'ceid': f'{region}:{lang}'})}"


def gdelt_url(company: Company, *, timespan: str = "1d", max_records: int = 75) -> str:
    """A GDELT DOC 2.0 article list (JSON, newest first) for the company's names over `timespan`.

    GDELT wants ORed terms in parentheses and rejects parentheses around a single term.
    """
    if not _GDELT_TIMESPAN.match(timespan):
        raise ValueError(f"bad GDELT timespan {timespan!r} (like 15min, 6h, 1d, 1w)")
    if not 1 <= max_records <= 250:
        raise ValueError("GDELT returns between 1 and 250 records")
    names = search_names(company)
    query = _phrases(names) if len(names) == 1 else f"({_phrases(names)})"
    params = {
        "query": query,
        "mode": "artlist",
        "format": "json",
        "sort": "datedesc",
        "timespan": timespan,
        "maxrecords": str(max_records),
    }
    return f"{GDELT_DOC_API}?{urlencode(params)}"


def hackernews_url(company: Company, *, tags: str = "story", hits: int = 50) -> str:
    """An HN Algolia search, newest first, for the company's name as an exact phrase.

    Algolia has no OR between phrases, so only the name is searched; aliases would need a
    request each.
    """
    if not 1 <= hits <= 1000:
        raise ValueError("HN search returns between 1 and 1000 hits per page")
    params = {
        "query": f'"{search_names(company)[0]}"',
        "tags": tags,
        "hitsPerPage": str(hits),
        "advancedSyntax": "true",
    }
    return f"{HN_SEARCH_BY_DATE}?{urlencode(params)}"


def padded_cik(cik: str) -> str:
    """A CIK as EDGAR's URLs want it: ten digits, zero-padded."""
    digits = cik.strip().upper().removeprefix("CIK")
    if not digits.isdigit() or len(digits) > 10 or not digits.strip("0"):
        raise ValueError(f"not a CIK: {cik!r} (up to ten digits)")
    return digits.zfill(10)


def edgar_company_url(cik: str, *, count: int = 40) -> str:
    """The company's filings as Atom, newest first, without insider forms 3/4/5 (`owner=exclude`)."""
    if not 1 <= count <= 100:
        raise ValueError("EDGAR lists between 1 and 100 filings per page")
    params = {
        "action": "getcompany",
        "CIK": padded_cik(cik),
        "type": "",
        "dateb": "",
        "owner": "exclude",
        "count": str(count),
        "output": "atom",
    }
    return f"{EDGAR_BROWSE}?{urlencode(params)}"


def edgar_submissions_url(cik: str) -> str:
    """The company's submissions JSON: its recent filings as columns."""
    return f"{EDGAR_SUBMISSIONS}/CIK{padded_cik(cik)}.json"
