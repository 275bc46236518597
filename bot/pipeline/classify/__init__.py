"""Classify step: article + mentions -> deal events (type, status, roles, amount, stake), by rules and lexicons.

Pure: no network, no clock. The words come from `bot/data/lexicon.yaml`; this package holds the
grammar that reads them: who stands left and right of a deal verb, what a possessive or an "of",
"for", "from", "by", "with" or "to" phrase makes of a name, and which status words are in reach.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.model import Article, Company, DealEvent, Mention
from bot.pipeline.classify.grammar import _Grammar
from bot.pipeline.match import read_lexicon

Classifier = Callable[[Article, Sequence[Mention]], list[DealEvent]]


# --- public API --------------------------------------------------------------------


def build_classifier(
    companies: Sequence[Company] = (),
    extra_lexicon: Mapping[str, Any] | None = None,
    *,
    strict: bool = False,
    open_world: bool = False,
) -> Classifier:
    """A classifier with the packaged lexicon (plus `extra_lexicon`), compiled once.

    `companies` lets a mention carrying an alias be reported under its canonical name. With
    `open_world` it reports deals among any organisations the text names, watched or not (no
    mentions needed), as for `dealwatch classify` without a watchlist or a subscription to `any`.
    An article the rules trip over yields no events, unless `strict` (for tests) lets the error through.
    """
    grammar = _Grammar(read_lexicon(extra_lexicon), companies, strict, open_world)
    return grammar.classify


_default: list[_Grammar] = []


def classify(article: Article, mentions: Sequence[Mention]) -> list[DealEvent]:
    """Deal events an article reports about the mentioned (watched) companies; [] when none."""
    if not _default:
        _default.append(_Grammar(read_lexicon()))
    return _default[0].classify(article, mentions)
