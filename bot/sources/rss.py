"""Parse for `rss` sources (bytes -> Articles): RSS 0.9x, 1.0, 2.0 and Atom via feedparser, never fetching."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from bot.model import Article
from bot.sources import ParseError
from bot.sources.text import (
    article_key,
    canonical_url,
    charset_from_content_type,
    collapse_whitespace,
    html_to_text,
    parse_loose_date,
    repair_xml_encoding,
    truncate,
    utc_from_struct,
)

# Bozo reasons that are about labels, not structure: the feed still parsed as a whole.
_LABEL_PROBLEMS: tuple[type[Exception], ...] = (
    feedparser.CharacterEncodingOverride,
    feedparser.CharacterEncodingUnknown,
    feedparser.NonXMLContentType,
)
_MAX_REASON_CHARS = 160


def parse(body: bytes, headers: Mapping[str, str], fetched_at: datetime) -> list[Article]:
    """Every usable entry of a feed, in feed order, one per key; ParseError if it is not a feed."""
    parsed = _run_feedparser(body, headers)
    entries = [entry for entry in parsed.get("entries", []) if isinstance(entry, Mapping)]
    if not entries:
        _reject_if_not_feed(parsed, body)
    feed = parsed.get("feed", {})
    feed_title = html_to_text(_str(feed.get("title"))) or collapse_whitespace(_str(feed.get("publisher")))
    base = _str(headers.get("content-location")) or _str(feed.get("link"))
    articles: dict[str, Article] = {}
    for entry in entries:
        article = _article(entry, feed_title, base, fetched_at)
        if article is not None and article.key not in articles:
            articles[article.key] = article
    return list(articles.values())


def _run_feedparser(body: bytes, headers: Mapping[str, str]) -> Any:
    """feedparser on bytes it cannot mistake for a URL or a file name, with the charset repaired first."""
    lowered = {name.lower(): value for name, value in headers.items()}
    content_type = lowered.get("content-type", "")
    repaired = repair_xml_encoding(body, charset_from_content_type(content_type))
    if repaired is not None:
        body = repaired
        mime = content_type.partition(";")[0].strip()
        if mime:
            lowered["content-type"] = f"{mime}; charset=utf-8"
    try:
        # A BytesIO, because feedparser opens a bytes value that names an existing file.
        return feedparser.parse(io.BytesIO(body), response_headers=lowered)
    except Exception as exc:  # a third-party parser on untrusted bytes: any failure means "not parseable"
        raise ParseError(f"feedparser failed: {_one_line(repr(exc))}") from exc


def _reject_if_not_feed(parsed: Any, body: bytes) -> None:
    """An empty result is fine for a real feed with no items, and an error for anything else."""
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if parsed.get("version") and (problem is None or isinstance(problem, _LABEL_PROBLEMS)):
        return
    start = body.lstrip()[:64].lower()
    if not start:
        raise ParseError("empty body")
    if start.startswith((b"{", b"[")):
        raise ParseError("not a feed: looks like JSON")
    if start.startswith((b"<!doctype html", b"<html")):
        raise ParseError("not a feed: looks like an HTML page")
    if problem is not None:
        raise ParseError(f"not a feed: {_one_line(str(problem))}")
    raise ParseError("not a feed: no RSS or Atom root element")


def _article(entry: Mapping[str, Any], feed_title: str, base: str, fetched_at: datetime) -> Article | None:
    title = html_to_text(_str(entry.get("title")))
    # FeedBurner rewrites links through its redirector and keeps the publisher's own in origLink.
    link = _str(entry.get("feedburner_origlink")).strip() or _str(entry.get("link")).strip()
    if link and base:
        link = _absolute(base, link)
    if not title and not link:
        return None
    date_text = _str(entry.get("published")) or _str(_own(entry, "updated"))
    published = (
        utc_from_struct(entry.get("published_parsed"))
        or utc_from_struct(_own(entry, "updated_parsed"))
        or (parse_loose_date(date_text) if date_text else None)
        or fetched_at
    )
    key = article_key(_str(entry.get("id")), link, title, date_text)
    return Article(
        key=key,
        title=title,
        summary=truncate(html_to_text(_summary_markup(entry))),
        url=canonical_url(link) if link else "",
        publisher=_publisher(entry) or feed_title,
        published=published,
    )


def _absolute(base: str, link: str) -> str:
    """A relative link resolved against the feed's location; as it stands if either is malformed."""
    try:
        return urljoin(base, link)
    except ValueError:
        return link


def _summary_markup(entry: Mapping[str, Any]) -> str:
    summary = _str(entry.get("summary"))
    if summary:
        return summary
    for content in entry.get("content") or []:
        if isinstance(content, Mapping) and _str(content.get("value")):
            return _str(content.get("value"))
    return ""


def _publisher(entry: Mapping[str, Any]) -> str:
    """Who published this item when the feed aggregates others: its `source` element, or dc:publisher."""
    source = entry.get("source")
    if isinstance(source, Mapping):
        name = html_to_text(_str(source.get("title")))
        if name:
            return name
    return collapse_whitespace(_str(entry.get("publisher")))


def _own(entry: Mapping[str, Any], key: str) -> Any:
    """A key the entry really has: feedparser answers a missing `updated` with `published`, and warns."""
    return entry.get(key) if key in entry else None


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _one_line(text: str) -> str:
    line = collapse_whitespace(text)
    return line if len(line) <= _MAX_REASON_CHARS else line[: _MAX_REASON_CHARS - 1] + "…"
