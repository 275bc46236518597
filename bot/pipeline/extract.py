"""Extract: article -> events about watched companies (match, then classify), rebuilt when the watchlist changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.model import Article, Company, DealEvent, SourceState
from bot.pipeline.classify import build_classifier
from bot.pipeline.match import Matcher, read_lexicon
from bot.ports import Extractor, ExtractorFor
from bot.sources.edgar import filing_event


class OpenWatchlist(tuple[Company, ...]):
    """The watchlist when a subscription wants deals about any company (`companies: [any]`).

    Handed to an extractor builder in place of the plain watchlist, it asks for events among
    every organisation an article names; watched ones keep their canonical names.
    """


def extractor_factory(extra_lexicon: Mapping[str, Any] | None = None) -> ExtractorFor:
    """Returns a builder that reuses the compiled matcher and classifier while the watchlist is unchanged.

    `extra_lexicon` holds phrases from the config's `classify:` section, merged with the packaged
    lexicon. A filing says what it is in its form and items, so EDGAR articles are read by form,
    for the company whose filings the source follows, not by the headline classifier.
    """
    cache: dict[tuple[tuple[Company, ...], bool], Extractor] = {}
    lexicon = read_lexicon(extra_lexicon)

    def text_extractor(companies: Sequence[Company]) -> Extractor:
        open_world = isinstance(companies, OpenWatchlist)
        key = (tuple(sorted(companies, key=lambda c: c.name)), open_world)
        if key not in cache:
            matcher = Matcher(key[0], lexicon)
            classify = build_classifier(key[0], extra_lexicon, open_world=open_world)

            def extract(article: Article) -> list[DealEvent]:
                mentions = matcher.match(article.title, article.summary)
                return classify(article, mentions) if mentions or open_world else []

            cache.clear()
            cache[key] = extract
        return cache[key]

    def build(companies: Sequence[Company], source: SourceState) -> Extractor:
        if source.kind == "edgar" and source.company:
            company = source.company

            def from_filing(article: Article) -> list[DealEvent]:
                event = filing_event(article, company)
                return [event] if event is not None else []

            return from_filing
        return text_extractor(companies)

    return build
