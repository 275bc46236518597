"""`dealwatch parse`: saved payloads on disk -> parse -> items as JSON lines, for people and checks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.model import Article
from bot.sources import PARSERS, ParseError, parse
from bot.sources.text import collapse_whitespace, iso_utc


def parse_files(kind: str, paths: Sequence[str], out: TextIO, err: TextIO, now: datetime | None = None) -> int:
    """Write every item of every file to `out`; name each file that failed on `err`, one line each.

    Returns 0 when every file parsed, 2 when any did not (or the kind is unknown). A file that
    fails does not stop the others. `now` stands in for the fetch time of undated items.
    """
    if kind not in PARSERS:
        err.write(f"unknown kind {kind!r} (known: {', '.join(sorted(PARSERS))})\n")
        return 2
    fetched_at = now or datetime.now(UTC)
    status = 0
    for path in paths:
        try:
            body = Path(path).read_bytes()
            articles = parse(kind, body, {}, fetched_at)
        except OSError as exc:
            err.write(f"{path}: {collapse_whitespace(exc.strerror or str(exc))}\n")
            status = 2
            continue
        except ParseError as exc:
            err.write(f"{path}: {collapse_whitespace(str(exc))}\n")
            status = 2
            continue
        for article in articles:
            out.write(json.dumps(item_json(article)) + "\n")
    return status


def item_json(article: Article) -> dict[str, str]:
    """The item shape `dealwatch parse` writes and `dealwatch classify` reads."""
    return {
        "id": article.key,
        "title": article.title,
        "summary": article.summary,
        "url": article.url,
        "source": article.publisher,
        "published": iso_utc(article.published),
    }
