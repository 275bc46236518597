"""Extract: article -> events about watched companies (match, then classify), rebuilt when the watchlist changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.model import Article, Company, DealEvent
from bot.pipeline.classify import build_classifier
from bot.pipeline.match import Matcher
from bot.ports import Extractor


def extractor_factory() -> Callable[[Sequence[Company]], Extractor]:
    """Returns a builder that reuses the compiled matcher and classifier while the watchlist is unchanged."""
    cache: dict[tuple[Company, ...], Extractor] = {}

    def build(companies: Sequence[Company]) -> Extractor:
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

    return build
