"""Parse: a fetched payload's bytes -> `Article`s, by source kind; one module per kind, pure functions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TypeAlias

from bot.model import Article


class ParseError(Exception):
    """A payload that cannot be parsed as its kind; the message is one line, fit for a source's health."""


# Body bytes, response headers with lower-cased names, and the fetch time (aware UTC), which
# stands in for the date of items that carry none.
ParseFn: TypeAlias = Callable[[bytes, Mapping[str, str], datetime], list[Article]]

# Parser modules import ParseError from here, so they are imported only once it exists.
from bot.sources import edgar, gdelt, google_news, hackernews, rss  # noqa: E402

PARSERS: dict[str, ParseFn] = {
    "rss": rss.parse,
    "google_news": google_news.parse,
    "edgar": edgar.parse,
    "gdelt": gdelt.parse,
    "hackernews": hackernews.parse,
}


def parse(kind: str, body: bytes, headers: Mapping[str, str], fetched_at: datetime) -> list[Article]:
    """The articles in one payload of a source of `kind`.

    An unknown kind is a ParseError too: the poll step reports it as that source's failure
    instead of stopping the whole pass.
    """
    if fetched_at.tzinfo is None:
        raise ValueError("fetched_at must be timezone-aware")
    parser = PARSERS.get(kind)
    if parser is None:
        raise ParseError(f"no parser for source kind {kind!r} (known: {', '.join(sorted(PARSERS))})")
    return parser(body, {name.lower(): value for name, value in headers.items()}, fetched_at)
