"""Extract: article -> events about watched companies (match, then classify), rebuilt when the watchlist changes."""

from __future__ import annotations

from collections.abc import Sequence

from bot.model import Article, Company, DealEvent, SourceState
from bot.pipeline.classify import build_classifier
from bot.pipeline.match import Matcher
from bot.ports import Extractor, ExtractorFor
from bot.sources.edgar import filing_event


def extractor_factory() -> ExtractorFor:
    """Returns a builder that reuses the compiled matcher and classifier while the watchlist is unchanged.

    A filing says what it is in its form and items, so EDGAR articles are read by form, for the
    company whose filings the source follows, not by the headline classifier.
    """
    cache: dict[tuple[Company, ...], Extractor] = {}

    def text_extractor(companies: Sequence[Company]) -> Extractor:
        key = tuple(sorted(companies, key=lambda c: c.name))
        if key not in cache:
            matcher = Matcher(key)
            classify = build_classifier(key)

            def extract(article: Article) -> list[DealEvent]:
                mentions = matcher.match(article.title, article.summary)
                return classify(article, mentions) if mentions else []

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
