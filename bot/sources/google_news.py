"""Parse for `google_news` sources (bytes -> Articles): Google News RSS search feeds, one per watched company."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from bot.model import Article
from bot.sources.rss import _reject_if_not_feed, _run_feedparser
from bot.sources.text import article_key, html_to_text, parse_loose_date, utc_from_struct

# Where an item has no <source>, the feed itself is the only publisher we can name.
FALLBACK_PUBLISHER = "Google News"

# The token in `news.google.com/rss/articles/<token>` is the item's GUID: the same story has the
# same token whichever search found it.
_ARTICLE_PATH = re.compile(r"^/(?:rss/)?articles/([A-Za-z0-9_-]+)$")
_PUBLISHER_TAG = re.compile(r"<font\b[^>]*>.*?</font\s*>", re.IGNORECASE | re.DOTALL)
_CLUSTER_TAG = re.compile(r"<(?:ol|ul|li)\b", re.IGNORECASE)


def parse(body: bytes, headers: Mapping[str, str], fetched_at: datetime) -> list[Article]:
    """Every item of a search feed, in feed order, one per key; ParseError if it is not a feed."""
    parsed = _run_feedparser(body, headers)
    entries = [entry for entry in parsed.get("entries", []) if isinstance(entry, Mapping)]
    if not entries:
        _reject_if_not_feed(parsed, body)
    articles: dict[str, Article] = {}
    for entry in entries:
        article = _article(entry, fetched_at)
        if article is not None and article.key not in articles:
            articles[article.key] = article
    return list(articles.values())


def _article(entry: Mapping[str, Any], fetched_at: datetime) -> Article | None:
    publisher = _publisher(entry)
    full_title = html_to_text(_str(entry.get("title")))
    title = strip_publisher(full_title, publisher)
    # Google's redirect link is kept as it is: it is the only link the feed gives, and
    # canonicalising it would gain nothing (it carries no tracking parameters worth removing).
    link = _str(entry.get("link")).strip()
    if not title and not link:
        return None
    date_text = _str(entry.get("published"))
    published = (
        utc_from_struct(entry.get("published_parsed"))
        or (parse_loose_date(date_text) if date_text else None)
        or fetched_at
    )
    return Article(
        key=story_key(_str(entry.get("id")), link, title, date_text),
        title=title,
        summary=summary_text(_str(entry.get("summary")), (title, full_title), publisher),
        url=link,
        publisher=publisher or FALLBACK_PUBLISHER,
        published=published,
    )


def story_key(guid: str, link: str, title: str, date_text: str) -> str:
    """The GUID, else the article token of the link (which is what the GUID holds), else the usual key.

    Never anything of the feed itself, so one story reached through several companies' searches
    (or several languages) has one key.
    """
    if guid.strip():
        return guid.strip()
    try:
        parts = urlsplit(link)
    except ValueError:
        parts = None
    if parts is not None and (parts.hostname or "").endswith("news.google.com"):
        match = _ARTICLE_PATH.match(parts.path)
        if match:
            return match.group(1)
    return article_key(None, link, title, date_text)


def strip_publisher(title: str, publisher: str) -> str:
    """`Headline - Publisher` -> `Headline`, only when the suffix is exactly this item's publisher."""
    suffix = f" - {publisher}"
    if publisher and title.endswith(suffix) and len(title) > len(suffix):
        return title[: -len(suffix)].rstrip()
    return title


def summary_text(markup: str, titles: tuple[str, ...], publisher: str) -> str:
    """What the description adds beyond the headline: usually nothing.

    Google's description is the headline again as a link, then the publisher; for a story
    cluster it is an `<ol>` of other outlets' headlines, which would lend this item words (and
    company names) it does not contain, so a cluster gives no summary at all.
    """
    if not markup or _CLUSTER_TAG.search(markup):
        return ""
    text = html_to_text(_PUBLISHER_TAG.sub(" ", markup))
    if publisher and text.endswith(publisher):
        text = text[: -len(publisher)].rstrip()
    folded = text.casefold()
    if not folded or any(folded in headline.casefold() for headline in titles if headline):
        return ""
    return text


def _publisher(entry: Mapping[str, Any]) -> str:
    source = entry.get("source")
    if isinstance(source, Mapping):
        return html_to_text(_str(source.get("title")))
    return ""


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""
