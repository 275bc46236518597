"""classify: the lexicon compiled into word sets and tries, the base every reading stage stands on."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.model import Company
from bot.pipeline.classify.lexicon_index import _Index, _Noun, _Verb
from bot.pipeline.match import trie_pattern, words_of

_PLAIN_WORD = re.compile(r"[\w'-]+")
_TENSES = ("base", "pres", "past", "ger", "pp")


def _never(_text: str) -> re.Match[str] | None:
    return None


class _Lexicon:
    """The lexicon compiled for fast lookup: the word sets and tries the reading rules consult."""

    def __init__(
        self,
        lexicon: Mapping[str, Any],
        companies: Sequence[Company] = (),
        strict: bool = False,
        open_world: bool = False,
    ) -> None:
        lex = lexicon
        self.strict = strict
        # every organisation the text names counts, not only watched ones (subscriptions to `any`)
        self.open_world = open_world
        self.aux = words_of(lex, "helpers")
        self.preps = words_of(lex, "prepositions")
        self.preps_but_and = self.preps - {"and"}
        self.no_party = words_of(lex, "not_parties")
        self.deal_adjectives = words_of(lex, "deal_adjectives")
        self.not_funding = words_of(lex, "not_funding")
        self.function_words = words_of(lex, "function_words")
        self.product_verbs = words_of(lex, "product_verbs")
        self.venture_words = words_of(lex, "venture_words")
        self.amount_fillers = words_of(lex, "amount_fillers")
        self.deal_value_nouns = words_of(lex, "deal_value_nouns")
        self.round_value_nouns = words_of(lex, "round_value_nouns")
        self.company_people = words_of(lex, "company_people")
        self.company_words = words_of(lex, "ambiguous_names")
        self.triggers = _Index()
        for frame, entries in (lex.get("verbs") or {}).items():
            for entry in entries:
                forms = [f.strip() for f in str(entry).split("/")]
                lemma = forms[0]
                seen: set[str] = set()
                for tense, form in zip(_TENSES, forms, strict=False):
                    if form and form not in seen:
                        seen.add(form)
                        self.triggers.add(form, _Verb(frame, tense, lemma))
        for etype, phrases in (lex.get("nouns") or {}).items():
            for phrase in phrases:
                self.triggers.add(str(phrase), _Noun(etype))
        for phrase in lex.get("generic_deal") or ():
            self.triggers.add(str(phrase), _Noun("deal"))
        self.triggers.finish()
        self.trigger_words = frozenset(self.triggers.firsts)
        # one prefix-factored pattern finds the first deal word without splitting the text into words
        plain = sorted((w for w in self.trigger_words if _PLAIN_WORD.fullmatch(w)), key=len, reverse=True)
        self.trigger_search: Callable[[str], re.Match[str] | None] = (
            re.compile(rf"(?<![\w'-])(?:{trie_pattern(plain)})(?![\w'-])").search if plain else _never
        )
        self.verb_forms = frozenset(  # every form of a deal verb, and the first word of a phrasal one
            form.split()[0].lower()
            for entries in (lex.get("verbs") or {}).values()
            for entry in entries
            for form in str(entry).split("/")
            if form.strip()
        )
        self.cues = _Index()
        for status, phrases in (lex.get("status_cues") or {}).items():
            if status == "announced":
                continue  # the default status; listed in the lexicon for readers only
            for phrase in phrases:
                self.cues.add(str(phrase), status)
        for phrase in lex.get("breakers") or ():
            self.cues.add(str(phrase), "break")
        self.cues.finish()
        self.mark_words = frozenset(self.triggers.firsts) | frozenset(self.cues.firsts)
        self.set = {
            key: words_of(lex, key)
            for key in (
                "partnership_modifiers",
                "relationship_nouns",
                "stop_gerunds",
                "stake_nouns",
                "majority_words",
                "minority_words",
                "unit_nouns",
                "amount_not_value_before",
                "amount_not_value_after",
                "end_completed_cues",
                "publishers",
                "fillers",
                "descriptor_nouns",
                "exclusions",
                "corporate_suffixes",
                "name_tails",
                "org_unit_nouns",
                "demonyms",
                "supply_verbs",
                "access_nouns",
                "bid_defence_verbs",
                "bid_withdrawal_verbs",
                "deal_undoing_verbs",
            )
        }
        self.deal_nouns = frozenset(
            w for w in words_of(lex, "nouns.acquisition", "nouns.merger", "generic_deal") if " " not in w
        ) | {"bid", "offer", "deal", "merger", "takeover", "acquisition", "lawsuit", "lawsuits", "suit"}
        self.partnership_nouns = words_of(lex, "nouns.partnership")
        self.dispute_nouns = words_of(lex, "nouns.dispute")
        self.funding_nouns = words_of(lex, "nouns.funding")
        vocab = set(words_of(lex, "common_words", "fillers", "breakers", "descriptor_nouns", "unit_nouns"))
        for word in list(vocab):
            if len(word) >= 3 and word.isalpha():
                vocab.update((word + "s", word + "es", word + "ed", word + "ing", word + "d"))
        vocab.update(words_of(lex, "stop_gerunds", "headline_verbs", "name_tails", "amount_not_value_after"))
        for key in ("nouns", "status_cues", "verbs"):
            for phrase in words_of(lex, key):
                for part in phrase.split("/"):
                    vocab.update(part.split())
        vocab.update(words_of(lex, "partnership_modifiers", "relationship_nouns", "stake_nouns", "generic_deal"))
        vocab.update(words_of(lex, "access_nouns", "supply_verbs", "org_unit_nouns"))
        self.vocab = frozenset(vocab)
        self.common = words_of(lex, "common_words")
        functional = set(self.function_words) | set(self.aux) | set(self.preps)
        functional.update(words_of(lex, "fillers", "breakers", "descriptor_nouns", "unit_nouns", "stake_nouns"))
        functional.update(words_of(lex, "generic_deal", "relationship_nouns", "publishers", "exclusions"))
        functional.update(words_of(lex, "company_people"))  # "CORE SCIENTIFIC SHAREHOLDERS": the name ends before
        for key in ("nouns", "status_cues", "verbs"):
            for phrase in words_of(lex, key):
                for part in phrase.split("/"):
                    functional.update(part.split())
        self.functional = frozenset(functional)
        self.canonical = {self._key(n): c.name for c in companies for n in c.names}

    @staticmethod
    def _key(name: str) -> str:
        return " ".join(name.lower().split())
