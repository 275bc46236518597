"""URL builders for the per-company source kinds: names in, valid and properly encoded URLs out."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bot.model import Company
from bot.sources.queries import (
    edgar_company_url,
    edgar_submissions_url,
    gdelt_url,
    google_news_url,
    hackernews_url,
    padded_cik,
    search_names,
)

SCALE = Company("Scale AI", aliases=("Scale", "scale.com", "SA"))


def query_of(url: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.netloc
    # Everything outside the ASCII printable set is percent-encoded, spaces included.
    assert url.isascii() and " " not in url and '"' not in url
    return parse_qs(parts.query, keep_blank_values=True)


# ---------------------------------------------------------------------------
# Which names are searched
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("company", "names"),
    [
        (SCALE, ["Scale AI", "Scale", "scale.com"]),
        (Company("GE", aliases=("General Electric", "GE Aerospace")), ["GE", "General Electric", "GE Aerospace"]),
        (Company("Meta", aliases=("META", "Meta Platforms", "FB", "X")), ["Meta", "Meta Platforms"]),
        (Company('The "Best" Co', aliases=('"Best"', "  spaced   out  ")), ["The Best Co", "Best", "spaced out"]),
        (Company("3M", aliases=("3M Company", "M-3", "MMM")), ["3M", "3M Company", "MMM"]),
        (Company("Société Générale", aliases=("SocGen", "SG")), ["Société Générale", "SocGen"]),
    ],
)
def test_search_names(company: Company, names: list[str]) -> None:
    assert search_names(company) == names


def test_a_company_needs_a_name() -> None:
    with pytest.raises(ValueError, match="no name"):
        search_names(Company('""'))


# ---------------------------------------------------------------------------
# Google News
# ---------------------------------------------------------------------------


def test_google_news_url() -> None:
    url = google_news_url(SCALE)
    assert url == (
        "https://news.google.com/rss/search?q=%22Scale+AI%22+OR+%22Scale%22+OR+%22scale.com%22+when%3A1d"
        "&hl=en-US&gl=US&ceid=US%3Aen"
    )
    assert query_of(url) == {
        "q": ['"Scale AI" OR "Scale" OR "scale.com" when:1d'],
        "hl": ["en-US"],
        "gl": ["US"],
        "ceid": ["US:en"],
    }


def test_google_news_non_ascii_quotes_and_other_languages() -> None:
    company = Company('Nestlé "Health" Science', aliases=("ネスレ", "Nestlé & Co"))
    query = query_of(google_news_url(company, lang="ja", region="jp", recency="7d"))
    assert query == {
        "q": ['"Nestlé Health Science" OR "ネスレ" OR "Nestlé & Co" when:7d'],
        "hl": ["ja"],
        "gl": ["JP"],
        "ceid": ["JP:ja"],
    }
    assert query_of(google_news_url(company, lang="en", region="IN"))["ceid"] == ["IN:en"]
    assert "when:" not in query_of(google_news_url(company, recency=None))["q"][0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lang": "en&x=1"},
        {"region": "USA"},
        {"region": ""},
        {"recency": "yesterday"},
        {"recency": "1d&hl=fr"},
    ],
)
def test_google_news_rejects_bad_options(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        google_news_url(SCALE, **kwargs)


# ---------------------------------------------------------------------------
# GDELT, Hacker News
# ---------------------------------------------------------------------------


def test_gdelt_url_groups_ored_names_in_parentheses() -> None:
    query = query_of(gdelt_url(SCALE))
    assert query == {
        "query": ['("Scale AI" OR "Scale" OR "scale.com")'],
        "mode": ["artlist"],
        "format": ["json"],
        "sort": ["datedesc"],
        "timespan": ["1d"],
        "maxrecords": ["75"],
    }
    # A single term in parentheses is an error to GDELT.
    assert query_of(gdelt_url(Company("Mercor"), timespan="15min", max_records=250))["query"] == ['"Mercor"']


@pytest.mark.parametrize("kwargs", [{"timespan": "1 day"}, {"max_records": 0}, {"max_records": 251}])
def test_gdelt_rejects_bad_options(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        gdelt_url(SCALE, **kwargs)  # type: ignore[arg-type]


def test_hackernews_url_searches_the_name_as_a_phrase() -> None:
    url = hackernews_url(Company('Scale "AI"', aliases=("Scale",)), hits=20)
    assert url.startswith("https://hn.algolia.com/api/v1/search_by_date?")
    assert query_of(url) == {
        "query": ['"Scale AI"'],
        "tags": ["story"],
        "hitsPerPage": ["20"],
        "advancedSyntax": ["true"],
    }
    with pytest.raises(ValueError):
        hackernews_url(SCALE, hits=0)


# ---------------------------------------------------------------------------
# EDGAR
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "padded"),
    [("320193", "0000320193"), ("0000320193", "0000320193"), (" CIK0000320193 ", "0000320193"), ("1", "0000000001")],
)
def test_padded_cik(raw: str, padded: str) -> None:
    assert padded_cik(raw) == padded


@pytest.mark.parametrize("raw", ["", "AAPL", "12345678901", "0", "32-0193", "320193&type=4"])
def test_not_a_cik(raw: str) -> None:
    with pytest.raises(ValueError, match="not a CIK"):
        padded_cik(raw)


def test_edgar_urls() -> None:
    url = edgar_company_url("320193")
    assert url == (
        "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0000320193&type=&dateb="
        "&owner=exclude&count=40&output=atom"
    )
    assert query_of(edgar_company_url("320193", count=100))["count"] == ["100"]
    with pytest.raises(ValueError):
        edgar_company_url("320193", count=101)
    assert edgar_submissions_url("320193") == "https://data.sec.gov/submissions/CIK0000320193.json"
