"""Parse for `gdelt` sources (bytes -> Articles): GDELT DOC 2.0 `mode=artlist&format=json` answers.

GDELT reports trouble as plain text, with HTTP 429 or just as well with 200 ("One or more of your
keywords were too short..."), so whatever is not JSON is a ParseError carrying the text's first
line: the source's health record then says what GDELT said. An empty object is how GDELT says
"no results".
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from bot.model import Article
from bot.sources import ParseError
from bot.sources.text import article_key, canonical_url, collapse_whitespace, html_to_text

_SEENDATE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")
# GDELT hands titles over tokenised: "U . S . firm ' s $ 14 . 3 billion deal , sources say".
_TITLE_REPAIRS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\d) ([.,]) (?=\d)"), r"\1\2"),
    (re.compile(r"([$€£¥]) (?=\d)"), r"\1"),
    (re.compile(r"(\w) (['’]) (?=\w)"), r"\1\2"),
    (re.compile(r"(\w) \.(?=\s|$)"), r"\1."),
    (re.compile(r"\b([A-Z])\. (?=[A-Z]\.)"), r"\1."),
    (re.compile(r"\s+([,;:!?%)\]])"), r"\1"),
    (re.compile(r"([(\[]) "), r"\1"),
)
_MAX_REASON_CHARS = 200


def parse(body: bytes, headers: Mapping[str, str], fetched_at: datetime) -> list[Article]:
    """Every listed article, in GDELT's order, one per URL; ParseError for GDELT's text errors."""
    data = _load(body)
    if not isinstance(data, dict):
        raise ParseError("not a GDELT artlist answer: JSON that is not an object")
    listed = data.get("articles", [])
    if not isinstance(listed, list):
        raise ParseError("not a GDELT artlist answer: `articles` is not a list")
    articles: dict[str, Article] = {}
    for raw in listed:
        article = _article(raw, fetched_at) if isinstance(raw, dict) else None
        if article is not None and article.key not in articles:
            articles[article.key] = article
    return list(articles.values())


def _load(body: bytes) -> Any:
    text = body.decode("utf-8-sig", errors="replace").strip()
    if not text:
        raise ParseError("empty body")
    if text[0] not in "{[":
        raise ParseError(error_line(text))
    try:
        # strict=False: GDELT passes control characters from page titles straight through.
        return json.loads(text, strict=False)
    except ValueError as exc:
        raise ParseError(_clip(f"GDELT answered with broken JSON: {exc}")) from exc


def error_line(text: str) -> str:
    """The first non-blank line of a plain-text answer, trimmed to at most 200 characters."""
    lines = [collapse_whitespace(line) for line in text.splitlines()]
    first = next((line for line in lines if line), "")
    if first.lower().startswith(("<!doctype html", "<html")):
        return "not a GDELT artlist answer: an HTML page"
    return _clip(first)


def _article(raw: Mapping[str, Any], fetched_at: datetime) -> Article | None:
    url = _str(raw.get("url"))
    title = tidy_title(html_to_text(_str(raw.get("title"))))
    if not url and not title:
        return None
    seen = _str(raw.get("seendate"))
    extra = {name: _str(raw.get(name)) for name in ("language", "sourcecountry") if _str(raw.get(name))}
    return Article(
        key=article_key(None, url, title, seen),
        title=title,
        summary="",
        url=canonical_url(url) if url else "",
        publisher=_str(raw.get("domain")) or _host(url),
        published=seendate(seen) or fetched_at,
        extra=extra,
    )


def tidy_title(title: str) -> str:
    """Undo GDELT's tokenising, so amounts read as amounts (`$ 14 . 3` -> `$14.3`) and commas hug words."""
    for pattern, replacement in _TITLE_REPAIRS:
        title = pattern.sub(replacement, title)
    return title


def seendate(text: str) -> datetime | None:
    """`20240615T170000Z` -> 2024-06-15 17:00 UTC; None for anything else."""
    match = _SEENDATE.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _str(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _clip(text: str) -> str:
    line = collapse_whitespace(text)
    return line if len(line) <= _MAX_REASON_CHARS else line[: _MAX_REASON_CHARS - 1] + "…"
