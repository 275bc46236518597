"""Parse for `hackernews` sources (bytes -> Articles): the HN Algolia search API, stories only.

Both response formats parse: the older backend (`created_at` with milliseconds, `story_text`
null or "", `relevancy_score`) and the current one (`created_at` without them, no `url` key at all
for Ask HN posts, `children`, `updated_at`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from bot.model import Article
from bot.sources import ParseError
from bot.sources.text import canonical_url, collapse_whitespace, html_to_text, truncate

ITEM_URL = "https://news.ycombinator.com/item?id="
PUBLISHER = "Hacker News"
# Tags of hits that are not stories even when a search forgets `tags=story`.
_NOT_STORIES = frozenset({"comment", "poll", "pollopt", "job"})
_MAX_REASON_CHARS = 200


def parse(body: bytes, headers: Mapping[str, str], fetched_at: datetime) -> list[Article]:
    """Every story hit, in Algolia's order, one per objectID; comments, polls and jobs are left out."""
    data = _load(body)
    hits = data.get("hits")
    if not isinstance(hits, list):
        message = data.get("message") or data.get("error")
        if message:
            raise ParseError(_clip(f"HN search answered with an error: {message}"))
        raise ParseError("not an HN search answer: no `hits` list")
    articles: dict[str, Article] = {}
    for hit in hits:
        article = _article(hit, fetched_at) if isinstance(hit, dict) and is_story(hit) else None
        if article is not None and article.key not in articles:
            articles[article.key] = article
    return list(articles.values())


def _load(body: bytes) -> dict[str, Any]:
    text = body.decode("utf-8-sig", errors="replace").strip()
    if not text:
        raise ParseError("empty body")
    try:
        data = json.loads(text)
    except ValueError:
        first = next((line for line in text.splitlines() if line.strip()), "")
        raise ParseError(_clip(f"not JSON: {first}")) from None
    if not isinstance(data, dict):
        raise ParseError("not an HN search answer: JSON that is not an object")
    return data


def is_story(hit: Mapping[str, Any]) -> bool:
    """A story by its tags; without tags, a titled hit that is no comment."""
    tags = hit.get("_tags")
    if isinstance(tags, list) and tags:
        names = {tag for tag in tags if isinstance(tag, str)}
        return "story" in names and not names & _NOT_STORIES
    return bool(_str(hit.get("title"))) and not _str(hit.get("comment_text"))


def _article(hit: Mapping[str, Any], fetched_at: datetime) -> Article | None:
    object_id = _str(hit.get("objectID")) or _str(hit.get("story_id"))
    title = collapse_whitespace(_str(hit.get("title")))
    if not object_id or not title:
        return None
    discussion = f"{ITEM_URL}{object_id}"
    link = _str(hit.get("url"))
    extra = {"points": _count(hit.get("points")), "comments": _count(hit.get("num_comments")), "hn_url": discussion}
    return Article(
        key=object_id,
        title=title,
        summary=truncate(html_to_text(_str(hit.get("story_text")))),
        url=canonical_url(link) if link else discussion,
        publisher=_host(link) or PUBLISHER,
        published=_created(hit) or fetched_at,
        extra=extra,
    )


def _created(hit: Mapping[str, Any]) -> datetime | None:
    stamp = hit.get("created_at_i")
    if isinstance(stamp, int | float) and not isinstance(stamp, bool):
        try:
            return datetime.fromtimestamp(stamp, tz=UTC)
        except (OverflowError, OSError, ValueError):
            pass
    try:
        moment = datetime.fromisoformat(_str(hit.get("created_at")))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _count(value: object) -> str:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else "0"


def _str(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _clip(text: str) -> str:
    line = collapse_whitespace(text)
    return line if len(line) <= _MAX_REASON_CHARS else line[: _MAX_REASON_CHARS - 1] + "…"
