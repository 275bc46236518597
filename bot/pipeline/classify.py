"""Classify step: article + mentions -> deal events (type, status, roles, amount, stake), by rules and lexicons.

Pure: no network, no clock. The words come from `bot/data/lexicon.yaml`; this module holds the
grammar that reads them: who stands left and right of a deal verb, what a possessive or an "of",
"for", "from", "by", "with" or "to" phrase makes of a name, and which status words are in reach.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.model import ROLES, Article, Company, DealEvent, EventType, Mention, Money, Status
from bot.pipeline.amounts import find_amounts, find_stakes
from bot.pipeline.match import CaseStyle, case_style, normalise, read_lexicon, trie_pattern, words_of

Classifier = Callable[[Article, Sequence[Mention]], list[DealEvent]]

# --- tokens -----------------------------------------------------------------

_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W_](?:[\w&.'\-:]*[^\W_])?|'[sS]\b|[^\w\s]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z0-9])")
_ABBREV_END = re.compile(
    r"(?:\b[A-Z]|\b(?:Inc|Corp|Co|Ltd|Mr|Ms|Mrs|Dr|St|No|vs|Jr|Sr|Bros|Sept|Oct|Nov|Dec|Jan|Feb))\.$"
)
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)$", re.IGNORECASE)
_NAME_INNER = frozenset({"first", "new", "national", "general", "united", "american", "royal", "international"})
_ADOPT_VERBS = frozenset({"use", "deploy", "integrate"})  # taking on a supplier's product, when decided
_PARTNER_NEXT = frozenset({"with", "on", "to", "up", "together", "for", "across", "around", "again"})
_CLAUSE_OPENERS = frozenset(
    {"as", "while", "after", "amid", "because", "but", "since", "though", "although", "whereas"}
)
_STATE_WORDS = frozenset({"government", "administration", "govt", "state"})
_TELLS = frozenset({"tells", "told", "says", "said", "asks", "agrees", "plans", "confirms", "denies"})
_PERSON_ROLES = frozenset({"executive", "ceo", "founder", "co-founder", "cofounder", "chairman", "boss", "chief"})
_ROUND_LETTER = re.compile(r"[A-Z](?:\d|-\d|\+)?$|I{1,3}$")
_CAMEL = re.compile(r"[a-z]{1,5}[A-Z][a-z]")  # "iRobot", "eBay", "webMethods": brands in lower case
_HARD_STOPS = frozenset(';:|()[]{}?!"')
# A summary sentence naming no watched company is read only if it may point back at one or price the deal.
_WORTH_READING = re.compile(
    r"\b(?:it|its|they|their|both|two|compan(?:y|ies)|startup|firm|group|maker|service|deal|round|series|led)\b",
    re.IGNORECASE,
)
_GROUP_WORDS = re.compile(r"\b(?:both|two|companies|partners|they)\b", re.IGNORECASE)
_GROUP_OR_BACKERS = re.compile(
    r"\b(?:both|two|companies|partners|they|led by|co-led by|backed by|participation from|investors)\b", re.IGNORECASE
)
_DIGIT = re.compile(r"\d")
_MONEY_SIGN = re.compile(r"[$€£¥₹]|\b(?:dlrs|dollars|euros|pounds)\b", re.IGNORECASE)
_PLAIN_WORD = re.compile(r"[\w'-]+")
_COMPOUND_TAILS = frozenset({"led", "backed", "co-led", "owned", "based", "funded", "controlled"})
_PRONOUNS = frozenset({"it", "they", "he", "she", "we"})
_GROUP_REFS = frozenset({"two", "companies", "both", "partners", "pair", "firms", "groups"})
_SINGLE_REFS = frozenset(
    {"startup", "start-up", "company", "firm", "group", "maker", "business", "unit", "lab", "bank", "chipmaker"}
)


@dataclass(eq=False, slots=True)
class _Ent:
    name: str
    watched: bool
    start: int
    end: int
    possessive: bool = False


class _Tok:
    """One word, punctuation mark, name, money figure or percentage of a segment."""

    __slots__ = ("end", "ent", "idx", "kind", "low", "money", "pct", "poss", "start", "text", "where")

    def __init__(self, kind: str, text: str, start: int, end: int) -> None:
        self.kind = kind  # w word, p punctuation, E entity, $ money, % percentage
        self.text = text
        self.low = text.lower() if kind == "w" or kind == "p" else "\x00" + kind
        self.start = start
        self.end = end
        self.ent: _Ent | None = None
        self.money: Money | None = None
        self.pct: float | None = None
        self.where: _Seg | None = None
        self.poss = False
        self.idx = 0


@dataclass(slots=True)
class _Seg:
    text: str
    toks: list[_Tok]
    style: CaseStyle
    title: bool
    brk: list[bool] = field(default_factory=list)
    lows: list[str] = field(default_factory=list)  # each token's `low`, set when triggers are marked
    breaks: list[int] | None = None  # indices where `brk` is set, built on first use
    cues: list[tuple[int, int, str]] = field(default_factory=list)
    hits: list[tuple[int, int, Any]] = field(default_factory=list)
    context: list[_Ent] = field(default_factory=list)


# --- lexicon index ------------------------------------------------------------


@dataclass(frozen=True)
class _Verb:
    frame: str
    tense: str  # base, pres, past, ger, pp
    lemma: str


@dataclass(frozen=True)
class _Noun:
    type: str  # an event type, "deal" (generic) or "dispute"


class _Index:
    """Phrases in a word trie, looked up at a token position; longest phrase first."""

    _END = "\x00end"

    def __init__(self) -> None:
        self._root: dict[str, Any] = {}
        self._single: dict[str, list[tuple[int, Any]]] = {}

    def add(self, phrase: str, payload: Any) -> None:
        words = [w.lower() for w in _WORD.findall(phrase)]
        if not words:
            return
        node = self._root
        for w in words:
            node = node.setdefault(w, {})
        node.setdefault(self._END, []).append(payload)

    def finish(self) -> None:
        """Answers for words that start no longer phrase, ready-made: most lookups are those."""
        self._single = {
            word: [(1, payload) for payload in node[self._END]]
            for word, node in self._root.items()
            if list(node) == [self._END]
        }

    def at(self, lows: Sequence[str], i: int) -> list[tuple[int, Any]]:
        """(length, payload) of the phrases starting at i, longest first; the caller must not change it."""
        low = lows[i]
        single = self._single.get(low)
        if single is not None:
            return single
        node = self._root.get(low)
        if node is None:
            return []
        groups: list[tuple[int, list[Any]]] = []
        k = 1
        n = len(lows)
        while True:
            ends = node.get(self._END)
            if ends:
                groups.append((k, ends))
            if i + k >= n:
                break
            node = node.get(lows[i + k])
            if node is None:
                break
            k += 1
        return [(k, payload) for k, ends in reversed(groups) for payload in ends]

    def __contains__(self, word: str) -> bool:
        return word in self._root

    @property
    def firsts(self) -> Mapping[str, Any]:
        return self._root


_TENSES = ("base", "pres", "past", "ger", "pp")
_PHRASES: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}  # `_after`'s prepositions, split once


# --- candidate events -----------------------------------------------------------


@dataclass(slots=True)
class _Cand:
    type: EventType
    roles: dict[str, list[_Ent]]
    seg: _Seg
    trigger: tuple[int, int]
    span: tuple[int, int]
    tense: str = "base"
    frame: str = ""
    amount: _Tok | None = None
    stake: float | None = None
    strong: bool = True
    status_hint: Status | None = None
    covers: int | None = None  # first token this event accounts for, when before its trigger

    def ents(self) -> list[_Ent]:
        return [e for names in self.roles.values() for e in names]

    def watched(self) -> bool:
        return any(e.watched for e in self.ents())


@dataclass(slots=True)
class _Obj:
    ents: list[_Ent] = field(default_factory=list)
    amount: _Tok | None = None
    pct: float | None = None
    stake: bool = False
    majority: bool = False
    owner: _Ent | None = None
    end: int = 0
    deal_noun: bool = False
    product: bool = False  # "sell Apple devices": the name stands for goods, not a company
    unit: _Ent | None = None  # "Intel modem unit": the part of the named company meant
    referred: bool = False  # "the startup": named earlier, not here


class _Grammar:
    """The lexicon compiled for fast lookup, and the rules that read a headline with it."""

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

    # -- entry point --

    def classify(self, article: Article, mentions: Sequence[Mention]) -> list[DealEvent]:
        try:
            return self._classify(article, mentions)
        except Exception:
            if self.strict:
                raise
            return []  # one odd article must never stop a poll

    def _classify(self, article: Article, mentions: Sequence[Mention]) -> list[DealEvent]:
        if not mentions and not self.open_world:
            return []
        title = normalise(article.title or "")
        summary = normalise(article.summary or "")
        title_triggered = self._has_trigger(title.text)
        summary_triggered = bool(summary.text.strip()) and self._has_trigger(summary.text)
        if not title_triggered and not summary_triggered:
            return []
        by_field: dict[str, list[tuple[int, int, str]]] = {"title": [], "summary": []}
        for m in mentions:
            norm = title if m.field == "title" else summary
            name = self.canonical.get(self._key(m.company), m.company)
            by_field[m.field].append((norm.from_original(m.start), norm.from_original(m.end), name))
        if title_triggered:
            segs = [self._segment(title.text, by_field["title"], case_style(title.text, self.common), True)]
            title_ents = [t.ent for t in segs[0].toks if t.ent is not None]
            title_cands = self._extract(segs[0])
        else:
            # nothing to read in the title: its watched names still give a summary's "it" a referent
            segs = [_Seg(title.text, [], "normal", True)]
            title_ents = [_Ent(name, True, s, e) for s, e, name in by_field["title"]]
            title_cands = []
        summary_cands: list[_Cand] = []
        need_amount = any(c.amount is None for c in title_cands)
        open_world = self.open_world
        if (
            summary.text.strip()
            and (by_field["summary"] or title_cands or open_world)
            and (summary_triggered or need_amount)
        ):
            style: CaseStyle | None = None
            refer_words = _GROUP_WORDS if title_cands else _WORTH_READING
            if any(c.type == "funding" and "investors" not in c.roles for c in title_cands):
                refer_words = _GROUP_OR_BACKERS  # "The round was led by ..." names the title's investors
            for start, end in self._sentences(summary.text):
                text = summary.text[start:end]
                spans = [(s - start, e - start, n) for s, e, n in by_field["summary"] if start <= s and e <= end]
                events_here = (
                    summary_triggered
                    and (bool(spans) or open_world or refer_words.search(text) is not None)
                    and self._has_trigger(text)
                )
                if not events_here and not (need_amount and _MONEY_SIGN.search(text)):
                    continue
                if style is None:
                    style = case_style(summary.text, self.common)
                seg = self._segment(text, spans, style, False)
                seg.context = title_ents
                self._complete_names(seg, title_ents)
                segs.append(seg)
                summary_cands.extend(self._extract(seg))
        cands = self._combine(title_cands, summary_cands, segs)
        return [self._event(c) for c in cands]

    def _has_trigger(self, text: str) -> bool:
        """Cheap test before the full reading: does any deal word occur at all?"""
        return self.trigger_search(text.lower()) is not None

    @staticmethod
    def _complete_names(seg: _Seg, known: Sequence[_Ent]) -> None:
        """ "Didi" in a summary is the "Didi Chuxing" of its title."""
        for tok in seg.toks:
            ent = tok.ent
            if ent is None or ent.watched:
                continue
            for other in known:
                if not other.watched and other.name.lower().startswith(ent.name.lower() + " "):
                    ent.name = other.name
                    break

    def _sentences(self, text: str) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        start = 0
        for m in _SENTENCE.finditer(text):
            if _ABBREV_END.search(text, max(0, m.start() - 6), m.start()):
                continue
            out.append((start, m.start()))
            start = m.end()
        out.append((start, len(text)))
        return [(s, e) for s, e in out if text[s:e].strip()]

    # -- segments --

    def _segment(self, text: str, watched: list[tuple[int, int, str]], style: CaseStyle, title: bool) -> _Seg:
        spans: list[tuple[int, int, str, Any]] = []
        for s, e, name in watched:
            if 0 <= s < e <= len(text):
                spans.append((s, e, "E", name))
        if _DIGIT.search(text) is not None:
            for a in find_amounts(text):
                spans.append((a.start, a.end, "$", a.money))
            for p in find_stakes(text):
                spans.append((p.start, p.end, "%", p.pct))
            spans.sort(key=lambda x: (x[0], "E$%".index(x[2])))
        toks: list[_Tok] = []
        pos = 0
        for s, e, kind, value in spans:
            if s < pos:
                continue
            self._words(text, pos, s, toks)
            tok = _Tok(kind, text[s:e], s, e)
            if kind == "E":
                tok.ent = _Ent(str(value), True, s, e)
            elif kind == "$":
                tok.money = value
            else:
                tok.pct = float(value)
            toks.append(tok)
            pos = e
        self._words(text, pos, len(text), toks)
        if "'" in text or "<" in text:
            toks = self._attach(toks, text)
        seg = _Seg(text, toks, style, title)
        self._names(seg)
        self._mark(seg)
        return seg

    @staticmethod
    def _words(text: str, start: int, end: int, toks: list[_Tok]) -> None:
        append = toks.append
        find = text.find
        pos = start
        # findall makes no match objects; a word's place is the first occurrence after the last
        # one, since the pattern skips only spaces and underscores between words
        for word in _WORD.findall(text, start, end):
            s0 = find(word, pos)
            e0 = pos = s0 + len(word)
            if not word[0].isalnum():
                append(_Tok("p", word, s0, e0))
                continue
            if "'" in word and len(word) > 2 and word[-2:] in ("'s", "'S"):
                tok = _Tok("w", word[:-2], s0, e0 - 2)
                tok.poss = True
                append(tok)
                continue
            if "-" in word:
                head, _, tail = word.rpartition("-")
                if head and tail.lower() in _COMPOUND_TAILS and head[0].isupper():
                    cut = s0 + len(head)
                    append(_Tok("w", head, s0, cut))
                    append(_Tok("p", "-", cut, cut + 1))
                    append(_Tok("w", tail, cut + 1, e0))
                    continue
            append(_Tok("w", word, s0, e0))

    @staticmethod
    def _attach(toks: list[_Tok], text: str) -> list[_Tok]:
        """Fold possessives and <TICKER> marks into the token before them."""
        out: list[_Tok] = []
        i = 0
        n = len(toks)
        while i < n:
            tok = toks[i]
            if tok.low == "'s" and out and out[-1].kind in ("E", "w"):
                out[-1].poss = True
                if out[-1].ent is not None:
                    out[-1].ent.possessive = True
                i += 1
                continue
            if (
                tok.low == "'"
                and out
                and out[-1].kind in ("E", "w")
                and out[-1].text.endswith(("s", "S"))
                and out[-1].end == tok.start
            ):
                out[-1].poss = True
                if out[-1].ent is not None:
                    out[-1].ent.possessive = True
                i += 1
                continue
            if tok.low == "<" and i + 2 < n and toks[i + 2].low == ">" and len(toks[i + 1].text) <= 6:
                i += 3
                continue
            out.append(tok)
            i += 1
        return out

    def _namey(self, tok: _Tok, style: CaseStyle, first: bool, nxt: _Tok | None) -> bool:
        if tok.kind != "w":
            return False
        t = tok.text
        low = tok.low
        if low == "series" and nxt is not None and _ROUND_LETTER.match(nxt.text):
            return False  # "Series C" names a round
        if style == "normal":
            if _CAMEL.match(t):
                return low not in self.no_party  # "iRobot", "eBay": a brand ("iPhone": a product)
            if t[0].isdigit():
                return bool(_ORDINAL.match(t)) and nxt is not None and nxt.text[:1].isupper()
            if not t[0].isupper():
                return False
            if len(t) >= 2 and t.isupper() and t.isalpha():
                return True
            if low in self.vocab and (first or (len(low) <= 3 and low in self.aux)):
                return False
            return low not in ("the", "a", "an", "and", "of", "for", "to", "in", "on", "at", "by", "with")
        if style in ("title", "upper"):
            if not (t[0].isupper() or (t[0].isdigit() and _ORDINAL.match(t))):
                return False
            return low not in self.vocab and not low.isdigit()
        return t[0].isalpha() and low not in self.vocab

    def _name_opener(self, tok: _Tok, nxt: _Tok | None, after: Sequence[_Tok]) -> bool:
        """ "Core Scientific shareholders ...": a capitalised common word opening a sentence starts a name
        when a name-only word follows it at once."""
        low = tok.low
        if nxt is None or nxt.start != tok.end + 1 or not tok.text[0].isupper():
            return False
        if low in self.company_words and (nxt.low in self.verb_forms or nxt.low in self.aux or nxt.low in _TELLS):
            return True  # "Snap commits to spend ...": a company-like word as the subject of a verb
        if low in self.functional or low in self.verb_forms or low in self.no_party or low in self.set["publishers"]:
            return False
        if nxt.low.strip(".") in self.set["corporate_suffixes"] and nxt.text[:1].isupper():
            return True  # "News Corp"
        return self._namey(nxt, "normal", False, after[0] if after else None) and nxt.low not in self.vocab

    def _inner_name_word(self, toks: Sequence[_Tok], k: int, style: CaseStyle) -> bool:
        """ "LINCOLN FIRST BANKS": in capitals, a word names often carry, between two name words."""
        return (
            style in ("title", "upper")
            and toks[k].low in _NAME_INNER
            and k + 1 < len(toks)
            and toks[k + 1].start <= toks[k].end + 1
            and (self._namey(toks[k + 1], style, False, None) or self._weak_namey(toks[k + 1], style))
        )

    def _place_words(self, name: str) -> bool:
        """ "UK AI", "EU Tech": capitalised words that are each a place or a label name no company."""
        words = name.lower().split()
        return len(words) > 1 and all(w in self.no_party for w in words)

    def _weak_namey(self, tok: _Tok, style: CaseStyle) -> bool:
        """A capitalised common word that can sit inside a name in Title Case: "Whole Foods Market"."""
        return (
            style in ("title", "upper")
            and tok.kind == "w"
            and tok.text[:1].isupper()
            and (tok.low not in self.functional or tok.low in self.set["name_tails"])
            and not tok.low.isdigit()
        )

    def _names(self, seg: _Seg) -> None:
        """Group runs of name-like words into entities; a run right after a watched name joins it."""
        toks = seg.toks
        n = len(toks)
        if seg.style == "normal":
            todo = [
                i
                for i, t in enumerate(toks)
                if t.kind == "w"
                and (
                    t.text[0].isupper()
                    or t.text[0].isdigit()
                    or (not t.text.islower() and _CAMEL.match(t.text) is not None)  # "iRobot"
                )
            ]
        else:
            todo = [i for i, t in enumerate(toks) if t.kind == "w"]
        if not todo:
            return
        out: list[_Tok] = []
        done = 0  # tokens before this are in `out`
        for i in todo:
            if i < done:
                continue  # inside a name already taken
            out.extend(toks[done:i])
            done = i
            tok = toks[i]
            # a sentence's first word: nothing before it but a hard stop
            first = i == 0 or (toks[i - 1].kind == "p" and toks[i - 1].text in _HARD_STOPS)
            nxt = toks[i + 1] if i + 1 < n else None
            if (
                nxt is not None
                and nxt.low in _STATE_WORDS
                and nxt.start == tok.end + 1
                and (tok.low in self.no_party or tok.low in self.set["demonyms"])
            ):
                # "U.S. government takes 9.9% stake in Intel": a state is a party, its country alone is not
                name = seg.text[tok.start : nxt.end]
                ent_tok = _Tok("E", name, tok.start, nxt.end)
                ent_tok.ent = _Ent(name, False, tok.start, nxt.end, nxt.poss)
                ent_tok.poss = nxt.poss
                out.append(ent_tok)
                done = i + 2
                continue
            strong = self._namey(tok, seg.style, first, nxt)
            if not strong and first and seg.style == "normal" and self._name_opener(tok, nxt, toks[i + 2 : i + 3]):
                strong = True
            if (
                not strong
                and not first
                and tok.text == "The"
                and seg.style == "normal"
                and nxt is not None
                and nxt.start == tok.end + 1
                and self._namey(nxt, "normal", False, toks[i + 2] if i + 2 < n else None)
            ):
                strong = True  # "to sell The Weather Company": a capital "The" inside a sentence is a name's
            if not strong and self._weak_namey(tok, seg.style):
                # a leading common word joins only a run that has a real name in it
                m = i
                while (
                    not strong
                    and m + 1 < n
                    and not toks[m].poss
                    and toks[m + 1].start <= toks[m].end + 1
                    and (self._weak_namey(toks[m + 1], seg.style) or self._namey(toks[m + 1], seg.style, False, None))
                ):
                    m += 1
                    strong = self._namey(toks[m], seg.style, False, None)
                    # "CHEMICAL BANK", "NATIONAL STEEL": common words ending in a company word
                    strong = strong or (toks[m].low in self.set["name_tails"] and toks[m - 1].low not in self.aux)
            if strong:
                j = i
                while (
                    not toks[j].poss
                    and j + 1 < n
                    and toks[j + 1].start <= toks[j].end + 1
                    and (
                        self._namey(toks[j + 1], seg.style, False, toks[j + 2] if j + 2 < n else None)
                        or self._weak_namey(toks[j + 1], seg.style)
                        or self._inner_name_word(toks, j + 1, seg.style)
                    )
                ):
                    j += 1
                if (
                    not toks[j].poss
                    and j + 2 < n
                    and toks[j + 1].text == "&"
                    and self._namey(toks[j + 2], seg.style, False, None)
                ):
                    j += 2
                start, end = toks[i].start, toks[j].end
                name = seg.text[start:end]
                prev = out[-1] if out else None
                if (
                    prev is not None
                    and prev.kind == "E"
                    and prev.ent is not None
                    and prev.ent.watched
                    and not prev.ent.possessive
                    and prev.end + 1 >= start
                    and seg.text[prev.end : start].strip() == ""
                    and toks[i].low not in self.company_people
                ):
                    prev.end = end
                    prev.ent.end = end
                    prev.poss = toks[j].poss
                    prev.ent.possessive = toks[j].poss
                    prev.text = seg.text[prev.start : end]
                elif name.lower().strip(".") in self.set["publishers"] or self._place_words(name):
                    merged = _Tok("w", name, start, end)
                    out.append(merged)
                else:
                    ent_tok = _Tok("E", name, start, end)
                    ent_tok.ent = _Ent(name, False, start, end, toks[j].poss)
                    ent_tok.poss = toks[j].poss
                    out.append(ent_tok)
                done = j + 1
                continue
            out.append(tok)
            done = i + 1
        out.extend(toks[done:])
        seg.toks = out

    def _mark(self, seg: _Seg) -> None:
        """Find triggers, status cues and clause boundaries once per segment."""
        toks = seg.toks
        lows = seg.lows = [t.low for t in toks]
        n = len(toks)
        brk = seg.brk = [False] * n
        for i in [k for k, t in enumerate(toks) if t.kind in "p$"]:
            tok = toks[i]
            if tok.kind == "$":  # a money figure knows where it stands, to judge what it prices
                tok.idx = i
                tok.where = seg
            else:
                if tok.text in _HARD_STOPS:
                    seg.brk[i] = True
                elif tok.text == "-" and i > 0:
                    spaced_before = toks[i - 1].end < tok.start
                    spaced_after = i + 1 < n and toks[i + 1].start > tok.end
                    if spaced_before or spaced_after or i + 1 == n:
                        seg.brk[i] = True
                elif tok.text == "." and (i + 1 == n or toks[i + 1].start > tok.end):
                    seg.brk[i] = True
        triggers = self.triggers
        cues = self.cues
        trigger_firsts = triggers.firsts
        cue_firsts = cues.firsts
        hits = seg.hits
        found_cues: list[tuple[int, int, str]] = []
        phrase_ends: list[int] = []  # where a multi-word verb ends, per start
        marked = self.mark_words
        for i in [k for k, low in enumerate(lows) if low in marked]:
            low = lows[i]
            if low in trigger_firsts:
                for k, payload in triggers.at(lows, i):
                    hits.append((i, i + k, payload))
                    if k > 1 and type(payload) is _Verb:
                        phrase_ends.append(i)
                        phrase_ends.append(i + k)
            if low in cue_firsts:
                found = cues.at(lows, i)
                if not found:
                    continue
                longest = found[0][0]
                for k, payload in found:
                    if payload != "break" or k == longest:
                        found_cues.append((i, i + k, payload))
        if len(found_cues) > 1:
            # a cue inside a longer one does not count: "sues to block" is no block
            found_cues = [
                (i, j, c)
                for i, j, c in found_cues
                if not any(i2 <= i and j <= j2 and j2 - i2 > j - i for i2, j2, _ in found_cues)
            ]
        seg.cues = found_cues
        for i, _, status in found_cues:
            if status == "break":
                # a breaker word inside a verb phrase ("take over") is not one
                inside = any(phrase_ends[m] < i < phrase_ends[m + 1] for m in range(0, len(phrase_ends), 2))
                # nor the headline's own verb: "Broadcom to build chips for OpenAI" says what Broadcom will do
                headline_verb = (
                    lows[i] == "to" and i > 0 and all(t.kind == "E" or t.low in (",", "and", "&") for t in toks[:i])
                )
                if not inside and not headline_verb:
                    brk[i] = True

    # -- navigation --

    @staticmethod
    def _clause(seg: _Seg, i: int) -> tuple[int, int]:
        """[a, b): the tokens between the clause breaks around token i (rules ask this often)."""
        breaks = seg.breaks
        if breaks is None:
            breaks = seg.breaks = [k for k, stop in enumerate(seg.brk) if stop]
        j = bisect_left(breaks, i)  # the first break at or after i
        return (breaks[j - 1] + 1 if j else 0), (breaks[j] if j < len(breaks) else len(seg.toks))

    def _group_left(self, seg: _Seg, k: int) -> list[_Ent]:
        """The entity at k and those coordinated before it ("A, B and C")."""
        toks = seg.toks
        ent = toks[k].ent
        assert ent is not None
        group = [ent]
        j = k - 1
        while j >= 1 and toks[j].low in (",", "and", "&") and toks[j - 1].kind == "E":
            prev = toks[j - 1].ent
            if prev is None or prev.possessive:
                break
            group.insert(0, prev)
            j -= 2
            if j >= 0 and toks[j].low == "," and j + 1 < len(toks) and toks[j + 1].low == "and":
                continue
        return group

    def _group_right(self, seg: _Seg, k: int, stop: int) -> tuple[list[_Ent], int]:
        toks = seg.toks
        ent = toks[k].ent
        assert ent is not None
        group = [ent]
        j = k + 1
        while j + 1 < stop:
            if toks[j].low in (",", "and", "&") and toks[j + 1].kind == "E":
                nxt = toks[j + 1].ent
                assert nxt is not None
                group.append(nxt)
                j += 2
            elif toks[j].low == "," and toks[j + 1].low == "and" and j + 2 < stop and toks[j + 2].kind == "E":
                nxt = toks[j + 2].ent
                assert nxt is not None
                group.append(nxt)
                j += 3
            else:
                break
        return group, j

    def _subject(self, seg: _Seg, i: int, tense: str = "base") -> list[_Ent]:
        """Who does the verb at token i: the nearest name to its left within the clause."""
        toks = seg.toks
        a, _ = self._clause(seg, i)
        k = i - 1
        crossed_comma = False
        while k >= a:
            tok = toks[k]
            if tok.kind == "E":
                ent = tok.ent
                assert ent is not None
                if ent.name.lower() in self.no_party or self._describes(seg, k):
                    k -= 1
                    continue
                if crossed_comma and self._bare_after_comma(seg, k, i):
                    first = self._first_group(seg, a, i)
                    if first:
                        return first
                return self._group_left(seg, k)
            if tok.low in _PRONOUNS:
                return self._sentence_subject(seg, k, plural=tok.low == "they", singular=tok.low == "it")
            if tok.low in _GROUP_REFS and seg.context:
                return self._context_group(seg)
            if tok.low in (",", "and"):
                crossed_comma = True
            k -= 1
        if a > 0 or tense == "ger":
            return self._sentence_subject(seg, i)
        return []

    @staticmethod
    def _describes(seg: _Seg, k: int) -> bool:
        """ "SoftBank-backed startup": a name in a compound adjective is not the actor."""
        toks = seg.toks
        return k + 2 < len(toks) and toks[k + 1].text == "-" and toks[k + 2].low in _COMPOUND_TAILS

    def _bare_after_comma(self, seg: _Seg, k: int, i: int) -> bool:
        """True for "X to buy Y, sign pact": after the comma only the verb (and helpers) remain."""
        toks = seg.toks
        j = k + 1
        while j < i and toks[j].low not in (",", "and"):
            j += 1
        if j >= i:
            return False
        return all(t.low in self.aux or t.low in (",", "and") for t in toks[j:i])

    def _first_group(self, seg: _Seg, a: int, b: int) -> list[_Ent]:
        for k in range(a, b):
            tok = seg.toks[k]
            if tok.kind == "E" and tok.ent is not None and tok.ent.name.lower() not in self.no_party:
                if tok.ent.possessive and k + 1 < b and seg.toks[k + 1].kind == "E":
                    continue
                group, _ = self._group_right(seg, k, b)
                return group
        return []

    def _sentence_subject(self, seg: _Seg, before: int, plural: bool = False, singular: bool = False) -> list[_Ent]:
        group = self._first_group(seg, 0, before)
        if singular and len(group) > 1:
            # "Microsoft, Nvidia to invest in Anthropic as it commits ...": "it" is no pair, but the one named last
            for k in range(before - 1, -1, -1):
                ent = seg.toks[k].ent
                if ent is not None and ent.name.lower() not in self.no_party and all(ent is not g for g in group):
                    return [ent]
        if group:
            return group
        if seg.context:
            return self._context_group(seg) if plural else seg.context[:1]
        return []

    @staticmethod
    def _refers_to_group(seg: _Seg, k: int, limit: int) -> int:
        """ "the two companies", "both firms", "the pair": the parties named before, together.

        Returns where that phrase ends, 0 when there is none."""
        toks = seg.toks
        m = k
        while m < min(limit, k + 3) and toks[m].low in ("the", "these", "those", "both", "two"):
            m += 1
        if m < limit and toks[m].low in ("pair", "companies", "firms", "partners", "sides", "groups"):
            return m + 1
        return m if m > k and toks[m - 1].low == "both" else 0

    def _context_group(self, seg: _Seg) -> list[_Ent]:
        out: list[_Ent] = []
        for e in seg.context:
            if e.name.lower() not in self.no_party and all(o.name != e.name for o in out):
                out.append(e)
        return out[:3]

    def _object(
        self, seg: _Seg, j: int, limit: int, *, stop_at: Iterable[str] | None = None, exclude: Sequence[_Ent] = ()
    ) -> _Obj:
        """What a verb or noun at j points at: skips amounts, stakes, articles and descriptions."""
        toks = seg.toks
        stops = self.preps if stop_at is None else frozenset(stop_at)
        obj = _Obj(end=j)
        k = j
        skipped = 0
        content = 0  # non-filler words passed over
        last_content = ""
        last_was_pct = False
        definite = False
        while k < limit and skipped <= 7:
            tok = toks[k]
            if seg.brk[k] or tok.low == ",":
                break
            if tok.kind == "$":
                if obj.amount is None:
                    obj.amount = tok
                k += 1
                continue
            if tok.kind == "%":
                obj.pct = tok.pct
                obj.stake = True
                last_was_pct = True
                k += 1
                continue
            if tok.kind == "E":
                ent = tok.ent
                assert ent is not None
                if ent.name.lower() in self.no_party and not (
                    k + 1 < limit and toks[k + 1].low in self.set["unit_nouns"]
                ):
                    k += 1
                    skipped += 1
                    continue
                if content and seg.style != "normal" and last_content not in self.set["descriptor_nouns"]:
                    break
                k = self._take_object(seg, k, limit, obj)
                break
            low = tok.low
            if low in ("in", "of") and (last_was_pct or (k > j and toks[k - 1].low in self.set["stake_nouns"])):
                k += 1
                continue
            last_was_pct = False
            if low in self.set["stake_nouns"]:
                obj.stake = True
                k += 1
                continue
            if low in self.set["majority_words"]:
                obj.majority = True
            if low in self.deal_nouns:
                obj.deal_noun = True
            if low in stops:
                break
            if low in ("the", "this", "that"):
                definite = True
            if definite and low in self.set["descriptor_nouns"] and not (k + 1 < limit and toks[k + 1].kind == "E"):
                ref = self._recent_other(seg, j, exclude)
                if ref is not None and (k == 0 or toks[k - 1].low not in ("combined", "new", "merged", "joint")):
                    obj.ents = [ref]
                    obj.end = k + 1
                    obj.referred = True
                    return obj
            if (
                seg.style == "normal"
                and k == j
                and tok.kind == "w"
                and tok.text[:1].islower()
                and low not in self.vocab
                and low not in self.set["fillers"]
                and tok.text.isalnum()
                and (k + 1 >= limit or toks[k + 1].kind != "w" or toks[k + 1].low in self.preps)
                and not self._named_later(seg, k + 1, limit)
            ):
                # "to acquire npm, the registry": a lower-case brand right after the verb
                ent = _Ent(tok.text, False, tok.start, tok.end, tok.poss)
                obj.ents = [ent]
                obj.end = k + 1
                return obj
            if content == 0 and seg.style in ("title", "upper") and self._weak_namey(tok, seg.style):
                m = k
                while m + 1 < limit and self._weak_namey(toks[m + 1], seg.style) and not toks[m].poss:
                    m += 1
                if m > k or tok.low not in self.vocab:
                    ent = _Ent(seg.text[tok.start : toks[m].end], False, tok.start, toks[m].end, toks[m].poss)
                    obj.ents = [ent]
                    obj.end = m + 1
                    return obj
            if low not in self.set["fillers"]:
                content += 1
                last_content = low
            k += 1
            skipped += 1
        if not obj.ents:
            obj.end = k
        return obj

    def _named_later(self, seg: _Seg, k: int, limit: int) -> bool:
        """ "voice AI startup PlayAI": a description that ends in the name it describes."""
        toks = seg.toks
        for m in range(k, min(limit - 1, k + 4)):
            if toks[m].low in self.set["descriptor_nouns"] and toks[m + 1].kind == "E":
                return True
        return False

    def _take_object(self, seg: _Seg, k: int, limit: int, obj: _Obj) -> int:
        toks = seg.toks
        ent = toks[k].ent
        assert ent is not None
        # "India's Bharti Airtel", "Deutsche Telekom's T-Mobile": the possessed one is meant,
        # but "SoftBank's Vision Fund" stays SoftBank when only the owner is watched.
        if ent.possessive and k + 1 < limit and toks[k + 1].kind == "E":
            nxt = toks[k + 1].ent
            assert nxt is not None
            if not (ent.watched and not nxt.watched and not seg.title):
                obj.owner = ent
                return self._take_object(seg, k + 1, limit, obj)
        if (
            obj.owner is not None
            and ent.name.lower() in self.no_party
            and k + 1 < limit
            and toks[k + 1].low in self.set["unit_nouns"]
        ):
            # "TikTok's U.S. business" is TikTok
            obj.ents = [obj.owner]
            obj.owner = None
            obj.end = k + 2
            return k + 2
        if ent.possessive:
            phrase, end = self._unit_phrase(seg, k + 1, limit)
            if phrase is not None:
                obj.owner = ent
                obj.ents = [phrase]
                obj.end = end
                return end
        # "Bethesda parent ZeniMax Media", "Cambridge chip designer ARM"
        m = k + 1
        while (
            m < limit
            and m - k <= 4
            and toks[m].kind == "w"
            and (toks[m].text[:1].islower() or (seg.style != "normal" and toks[m].low in self.vocab))
        ):
            m += 1
        if (
            m < limit
            and m > k + 1
            and toks[m].kind == "E"
            and (toks[m - 1].low in self.set["descriptor_nouns"] or toks[m - 1].low in _PERSON_ROLES)
        ):
            return self._take_object(seg, m, limit, obj)  # "FTX chief executive Sam Bankman-Fried" is the person
        # "Motorola handset unit" is Motorola; "China operations" is the unit itself
        if (
            k + 1 < limit
            and not ent.watched
            and self._org_unit_word(toks[k + 1])
            and ent.name.lower() not in self.no_party
            and ent.name.lower() not in self.set["demonyms"]
        ):
            obj.ents = [ent]  # "the Foodpanda unit" is Foodpanda
            obj.end = k + 2
            return k + 2
        if k + 1 < limit and toks[k + 1].low in self.set["unit_nouns"] and toks[k + 1].low != "stake":
            unit = _Ent(seg.text[ent.start : toks[k + 1].end], False, ent.start, toks[k + 1].end)
            obj.ents = [unit]
            obj.owner = obj.owner or None
            obj.end = k + 2
            return k + 2
        group, end = self._group_right(seg, k, limit)
        obj.ents = [self._without_unit_word(e) for e in group]
        if end < limit and toks[end].low in self.set["stake_nouns"]:
            obj.stake = True
            end += 1
        else:
            obj.product = self._goods_follow(seg, end, limit)
            m = end
            while m < limit and m - end < 3 and toks[m].kind == "w" and toks[m].text[:1].islower():
                if toks[m].low in self.set["unit_nouns"] and toks[m].low != "stake":
                    obj.unit = _Ent(seg.text[toks[end].start : toks[m].end], False, toks[end].start, toks[m].end)
                    break
                m += 1
        obj.end = end
        return end

    def _org_unit_word(self, tok: _Tok) -> bool:
        """ "unit", "division", "Business": a word after a name that makes the name a unit's own."""
        return tok.low in self.set["org_unit_nouns"] or (
            tok.low in ("business", "businesses", "segment") and tok.text[:1].isupper()
        )

    def _without_unit_word(self, ent: _Ent) -> _Ent:
        """ "Watson Health Business" is Watson Health: a capitalised unit word ends no company's name."""
        head, _, last = ent.name.rpartition(" ")
        if ent.watched or not head or not last[:1].isupper() or not self._org_unit_word(_Tok("w", last, 0, 0)):
            return ent
        return _Ent(head, False, ent.start, ent.start + len(head), ent.possessive)

    def _goods_follow(self, seg: _Seg, k: int, limit: int) -> bool:
        """ "Apple devices", "Nvidia chips": plain nouns after a name, none of them a business unit."""
        toks = seg.toks
        m = k
        if k < limit and toks[k].low in self.verb_forms:
            return False  # "Informatica collapse": the name is the subject of a verb, not a brand
        while m < limit and m - k < 3 and toks[m].kind == "w" and toks[m].text[:1].islower():
            low = toks[m].low
            if low in self.preps or low in self.set["fillers"]:
                break
            if low in self.set["unit_nouns"] or low in self.set["descriptor_nouns"] or low in self.deal_nouns:
                return False
            if low not in self.vocab:
                return False
            m += 1
        return m > k

    def _unit_phrase(self, seg: _Seg, k: int, limit: int) -> tuple[_Ent | None, int]:
        """A lower-case phrase ending in a unit noun: "smartphone modem business"."""
        toks = seg.toks
        m = k
        while m < limit and m - k < 5 and toks[m].kind == "w" and toks[m].low not in self.preps:
            if toks[m].low in self.set["unit_nouns"] and toks[m].low != "stake":
                start = toks[k].start
                while k < m and toks[k].low in self.set["fillers"]:
                    k += 1
                    start = toks[k].start
                return _Ent(seg.text[start : toks[m].end], False, start, toks[m].end), m + 1
            m += 1
        return None, k

    def _phrase_object(self, seg: _Seg, j: int, limit: int) -> tuple[_Ent | None, int]:
        """A described thing with no name: "its pharmacies and clinics" up to the next preposition."""
        toks = seg.toks
        k = j
        while k < limit and toks[k].kind == "w" and toks[k].low in self.set["fillers"]:
            k += 1
        m = k
        while m < limit and toks[m].kind in ("w", "E") and toks[m].low not in self.preps_but_and:
            if seg.brk[m]:
                break
            m += 1
        if m == k or m - k > 5:
            return None, j
        start, end = toks[k].start, toks[m - 1].end
        return _Ent(seg.text[start:end], False, start, end), m

    def _recent_other(self, seg: _Seg, before: int, exclude: Sequence[_Ent] = ()) -> _Ent | None:
        subject = list(exclude) or self._subject(seg, before)
        names = {e.name for e in subject}
        for ent in seg.context:
            if ent.name not in names and ent.name.lower() not in self.no_party and ent.watched:
                return ent
        for k in range(before - 1, -1, -1):
            found = seg.toks[k].ent
            if found is not None and found.name not in names and found.name.lower() not in self.no_party:
                return found
        for ent in seg.context:
            if ent.name not in names:
                return ent
        return None

    def _after(self, seg: _Seg, start: int, limit: int, preps: tuple[str, ...]) -> tuple[list[_Ent], int]:
        """Names after the first of `preps` found in [start, limit): "from Google and Fidelity"."""
        wanted = _PHRASES.get(preps)
        if wanted is None:
            wanted = _PHRASES.setdefault(preps, tuple(tuple(p.split()) for p in preps))
        lows = seg.lows
        brk = seg.brk
        k = start
        while k < limit:
            if brk[k]:
                break
            low = lows[k]
            for words in wanted:
                if words[0] == low and (len(words) == 1 or tuple(lows[k : k + len(words)]) == words):
                    obj = self._object(seg, k + len(words), limit, stop_at=self.preps_but_and)
                    if obj.ents:
                        return obj.ents, obj.end
            k += 1
        return [], start

    def _compound_investors(self, seg: _Seg, a: int, b: int) -> list[_Ent]:
        """ "Goldman-led", "SoftBank-backed": the name before the hyphen backs the round."""
        out: list[_Ent] = []
        toks = seg.toks
        for k in range(a, min(b, len(toks) - 2)):
            if toks[k].kind == "E" and toks[k + 1].text == "-" and toks[k + 2].low in ("led", "backed", "co-led"):
                ent = toks[k].ent
                assert ent is not None
                out.append(ent)
        return out

    # -- extraction --

    def _extract(self, seg: _Seg) -> list[_Cand]:
        cands: list[_Cand] = []
        consumed: list[tuple[int, int]] = []
        longest: dict[int, int] = {}
        for i, j, payload in seg.hits:
            if isinstance(payload, _Verb):
                longest[i] = max(longest.get(i, 0), j)
        for i, j, payload in seg.hits:
            if isinstance(payload, _Verb):
                # a phrasal verb ("turn down", "pull out of") is read as a whole
                if j < longest[i] or any(a <= i < b for a, b in consumed):
                    continue
                made = self._verb(seg, i, j, payload)
                if made:
                    cands.extend(made)
                    first = min([i] + [c.covers for c in made if c.covers is not None])
                    consumed.append((first, max(c.span[1] for c in made)))
        for i, j, payload in seg.hits:
            if isinstance(payload, _Noun):
                if any(a <= i < b for a, b in consumed):
                    continue
                made = self._noun(seg, i, j, payload.type)
                if made:
                    cands.extend(made)
                    consumed.append((i, j))
        return cands

    def _verb(self, seg: _Seg, i: int, j: int, verb: _Verb) -> list[_Cand]:
        handler = getattr(self, "_v_" + verb.frame, None)
        if handler is None:
            return []
        _, limit = self._clause(seg, i)
        out: list[_Cand] = handler(seg, i, j, limit, verb)
        for c in out:
            c.tense = self._tense(seg, i, verb)
            c.frame = verb.frame
        if out:
            self._deal_tail(seg, out, limit)
        return out

    def _deal_tail(self, seg: _Seg, cands: list[_Cand], limit: int) -> None:
        """ "... in a $6.5 billion deal", "In A Deal Valued At $13.7 Billion": the deal the verb made."""
        toks = seg.toks
        start = max(c.span[1] for c in cands)
        if start < limit and toks[start].low == ",":
            # skip an aside: "io, Jony Ive's hardware startup, in a $6.5 billion deal"
            close = next((m for m in range(start + 1, min(limit, start + 9)) if toks[m].low == ","), -1)
            if close < 0:
                return
            start = close + 1
        for k in range(start, min(limit, start + 4)):
            if toks[k].low not in ("in", "via", "through", "under", "with"):
                continue
            m = k + 1
            amount: _Tok | None = None
            while m < limit and m - k <= 6:
                tok = toks[m]
                if tok.kind == "$":
                    amount = amount or tok
                elif tok.low in ("deal", "transaction", "agreement", "pact", "takeover", "merger", "purchase"):
                    end = m + 1
                    while (
                        end < limit
                        and end - m <= 5
                        and toks[end].kind != "$"
                        and toks[end].low
                        in (
                            "valued",
                            "worth",
                            "at",
                            "about",
                            "around",
                            "roughly",
                            "nearly",
                            "some",
                            "up",
                            "to",
                            "of",
                            "more",
                            "than",
                            "over",
                            "an",
                            "estimated",
                        )
                    ):
                        end += 1
                    if end < limit and toks[end].kind == "$":
                        amount = amount or toks[end]
                        end += 1
                    for c in cands:
                        c.span = (c.span[0], max(c.span[1], end))
                        if c.amount is None and amount is not None and c.type not in ("partnership_end",):
                            c.amount = amount
                    return
                elif tok.kind != "w" or (
                    tok.low not in self.set["fillers"] and tok.low not in self.vocab and "-" not in tok.low
                ):
                    break
                m += 1
            return

    def _tense(self, seg: _Seg, i: int, verb: _Verb) -> str:
        toks = seg.toks
        k = i - 1
        while k >= 0 and toks[k].low in ("also", "now", "already", "just", "quietly", "officially", "finally"):
            k -= 1
        prev = toks[k].low if k >= 0 else ""
        if verb.tense in ("past", "pp") and prev in ("has", "have", "had"):
            return "perfect"
        if prev in ("to", "will", "would", "won't"):
            return "future"
        if verb.tense == "ger" and prev in ("is", "are", "was", "were"):
            return "progressive"
        return verb.tense

    def _cand(
        self,
        seg: _Seg,
        etype: EventType,
        roles: dict[str, list[_Ent]],
        trigger: tuple[int, int],
        end: int,
        *,
        amount: _Tok | None = None,
        stake: float | None = None,
        strong: bool = True,
    ) -> _Cand:
        starts = [trigger[0]]
        for names in roles.values():
            for ent in names:
                for k, tok in enumerate(seg.toks):
                    if tok.ent is ent:
                        starts.append(k)
                        break
        return _Cand(
            etype, roles, seg, trigger, (min(starts), max(end, trigger[1])), amount=amount, stake=stake, strong=strong
        )

    # verb frames: each returns candidate events for one trigger

    def _passive_agent(self, seg: _Seg, j: int, limit: int, verb: _Verb) -> list[_Ent]:
        if verb.tense not in ("past", "pp"):
            return []
        toks = seg.toks
        k = j
        while k < limit and (toks[k].kind == "$" or toks[k].low in self.set["fillers"]):
            k += 1
        if k < limit and toks[k].low == "by":
            obj = self._object(seg, k + 1, limit)
            return obj.ents
        return []

    def _v_buy(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        agent = self._passive_agent(seg, j, limit, verb)
        if agent:
            target = self._subject(seg, i)
            if not target:
                return []
            return [self._cand(seg, "acquisition", {"acquirer": agent, "target": target}, (i, j), j + 1)]
        subj = self._subject(seg, i, verb.tense)
        obj = self._object(seg, j, limit)
        if not subj or not obj.ents or (obj.product and not obj.stake):
            return []
        if verb.lemma in ("hold", "own", "has") and obj.referred:
            return []
        if (
            verb.lemma in ("take", "get", "pick up", "nab", "scoop", "hold", "own", "has")
            and not obj.stake
            and not obj.majority
            and (verb.lemma != "take" or seg.toks[j - 1].low != "over")
        ):
            return []
        if verb.lemma == "has" and not (j < limit and seg.toks[j].kind == "%"):
            return []
        seller = []
        if obj.owner is not None:
            seller = [obj.owner]
        if obj.unit is not None and len(obj.ents) == 1:
            # "buy Intel modem unit": the unit is bought, from Intel
            seller = obj.ents
            obj.ents = [obj.unit]
        from_ents, end = self._after(seg, obj.end, limit, ("from",))
        if from_ents:
            seller = from_ents
        end = max(end, obj.end)
        stake = obj.pct
        if obj.owner is not None and obj.owner.watched and not any(e.watched for e in subj):
            # "Bain Capital buys 20% of Intel's IMS unit": told from the watched seller's side
            return [
                self._cand(
                    seg,
                    "divestiture",
                    {"seller": [obj.owner], "target": [t], "buyer": subj},
                    (i, j),
                    end,
                    amount=obj.amount,
                    stake=stake,
                )
                for t in obj.ents
            ]
        if obj.stake and not obj.majority and (stake is None or stake <= 50):
            out = [
                self._cand(
                    seg, "investment", {"investor": subj, "target": [t]}, (i, j), end, amount=obj.amount, stake=stake
                )
                for t in obj.ents
            ]
            if verb.lemma in ("hold", "own", "has"):
                for c in out:
                    c.status_hint = "completed"  # a holding reported is a holding had
            return out
        out = []
        for t in obj.ents:
            roles = {"acquirer": subj, "target": [t]}
            if seller:
                roles["seller"] = seller
            out.append(self._cand(seg, "acquisition", roles, (i, j), end, amount=obj.amount, stake=stake))
        return out

    def _v_pay(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        k = j
        amount = None
        while k < limit and k - j < 6:
            if toks[k].kind == "$" and amount is None:
                amount = toks[k]
            if toks[k].kind == "E" or toks[k].low == "for":
                break
            k += 1
        if k == j and k < limit and toks[k].kind == "E" and verb.lemma == "pay":
            return self._paid_supplier(seg, i, j, limit, verb)
        if k >= limit or toks[k].low != "for" or (amount is None and verb.lemma == "pay"):
            return []
        subj = self._subject(seg, i, verb.tense)
        obj = self._object(seg, k + 1, limit)
        if not subj or not obj.ents:
            return []
        if amount is not None and self._tok_not_value(amount):
            amount = None
        if obj.stake and not obj.majority and (obj.pct is None or obj.pct <= 50):
            return [
                self._cand(
                    seg,
                    "investment",
                    {"investor": subj, "target": obj.ents},
                    (i, j),
                    obj.end,
                    amount=amount or obj.amount,
                    stake=obj.pct,
                )
            ]
        roles = {"acquirer": subj, "target": obj.ents}
        if obj.owner is not None:
            roles["seller"] = [obj.owner]
        return [self._cand(seg, "acquisition", roles, (i, j), obj.end, amount=amount or obj.amount, stake=obj.pct)]

    def _paid_supplier(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        """ "pay Google about $1 billion a year for Gemini": money to a supplier for its goods or rights."""
        toks = seg.toks
        ent = toks[j].ent
        if (
            ent is None
            or ent.possessive
            or ent.name.lower() in self.no_party
            or self._has_word(seg, 0, len(toks), self.set["exclusions"])
        ):
            return []  # "pay X $5 billion to settle": damages, not a deal
        amount = next((toks[m] for m in range(j + 1, min(limit, j + 5)) if toks[m].kind == "$"), None)
        if amount is None:
            return []
        # paid for something: "for Gemini", "to license its models", "in a drug pact"; not "in expenses"
        end = -1
        for m in range(amount.idx + 1, min(limit, amount.idx + 9)):
            low = toks[m].low
            if low in self.deal_nouns or low in self.partnership_nouns or low in ("contract", "pact"):
                end = m + 1
                break
            if end < 0 and (low == "for" or (low == "to" and m + 1 < limit and toks[m + 1].kind == "w")):
                end = m
        if end < 0:
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique([*subj, ent])}, (i, j), end, amount=amount)]

    def _v_sell(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        agent = self._passive_agent(seg, j, limit, verb)
        if agent:
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        obj = self._object(seg, j, limit)
        weak = verb.lemma in ("hand", "shed", "quit", "exit", "unwind", "dump stake")
        if obj.ents and obj.owner is None and weak and not obj.stake:
            unit = seg.toks[obj.end - 1].low in self.set["unit_nouns"] if obj.end > 0 else False
            if not unit:
                return []
        target = obj.ents
        end = obj.end
        if not target and obj.stake:
            buyer, end2 = self._after(seg, end, limit, ("to",))
            if buyer:
                # "X to sell 12.5% stake to Y": Y buys into X
                return [
                    self._cand(
                        seg,
                        "investment",
                        {"investor": buyer, "target": subj},
                        (i, j),
                        end2,
                        amount=obj.amount,
                        stake=obj.pct,
                    )
                ]
        if not target:
            phrase, end = self._phrase_object(seg, j, limit)
            if phrase is None:
                return []
            last = seg.text[phrase.start : phrase.end].split()[-1].lower()
            if weak and last not in self.set["unit_nouns"]:
                return []
            target = [phrase]
        buyer, end2 = self._after(seg, end, limit, ("to",))
        if obj.product and not obj.stake and not buyer:
            return []  # selling goods to customers, not a business to a buyer
        roles: dict[str, list[_Ent]] = {"seller": subj, "target": target}
        if buyer:
            roles["buyer"] = buyer
        if any(t.name == s.name for t in target for s in subj):
            # "Texaco to sell Texaco Canada": a subsidiary under the parent's name is what is sold
            target = roles["target"] = [self._subsidiary(seg, t) for t in target]
            if any(t.name == s.name for t in target for s in subj):
                return []
        return [self._cand(seg, "divestiture", roles, (i, j), max(end, end2), amount=obj.amount, stake=obj.pct)]

    def _subsidiary(self, seg: _Seg, ent: _Ent) -> _Ent:
        """A watched name followed by more name words ("TEXACO CANADA") read as the whole unit."""
        surface = seg.text[ent.start : ent.end]
        if not ent.watched or self._key(surface) in self.canonical or self._key(surface) == self._key(ent.name):
            return ent
        return _Ent(surface, False, ent.start, ent.end, ent.possessive)

    def _v_merge(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        subj = self._subject(seg, i, verb.tense)
        parties = list(subj)
        with_ents, end = self._after(seg, j, limit, ("with", "into"))
        parties += with_ents
        if len(parties) < 2:
            obj = self._object(seg, j, limit)
            parties += obj.ents
            end = max(end, obj.end)
        if len(parties) < 2 and verb.lemma == "combine":
            return []
        if not parties:
            return []
        return [self._cand(seg, "merger", {"parties": _unique(parties)}, (i, j), max(end, j))]

    def _v_invest(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        subj = self._subject(seg, i, verb.tense)
        if verb.lemma == "back":
            obj = self._object(seg, j, limit)
            if not obj.ents or obj.deal_noun or any(e.possessive for e in obj.ents):
                return []
            target, end, amount = obj.ents, obj.end, obj.amount
        else:
            toks = seg.toks
            k = j
            amount = None
            while k < limit and k - j < 6 and toks[k].low not in ("in", "into"):
                if toks[k].kind == "$" and amount is None and not self._not_value(seg, k, True):
                    amount = toks[k]
                if toks[k].kind == "E":
                    break
                k += 1
            if k < limit and toks[k].low in ("in", "into"):
                obj = self._object(seg, k + 1, limit, exclude=subj)
                if obj.product and not obj.stake:
                    return []  # "invests $5 billion in Nvidia chips", "in UK AI infrastructure": spending
            else:
                obj = _Obj(end=k)
            target, end = obj.ents, obj.end
            amount = amount or obj.amount
            if not target and amount is not None and seg.title:
                ref = self._recent_other(seg, i, subj)
                target = [ref] if ref is not None else []
        if not subj or not target:
            return []
        funding = self._has_word(seg, i, limit, self.funding_nouns - {"funds", "round"}) or self._has_word(
            seg, i, limit, {"round", "series"}
        )
        if funding:
            return [self._cand(seg, "funding", {"target": target, "investors": subj}, (i, j), end, amount=amount)]
        return [
            self._cand(
                seg, "investment", {"investor": subj, "target": target}, (i, j), end, amount=amount, stake=obj.pct
            )
        ]

    def _v_put(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if verb.lemma == "commit" and j < limit and toks[j].low == "to":
            return []
        k = j
        amount = None
        while k < limit and k - j < 4 and amount is None:
            if toks[k].kind == "$":
                amount = toks[k]
            k += 1
        if amount is None:
            return []
        while k < limit and k - j < 8 and toks[k].low not in ("into", "in", "to"):
            k += 1
        if k >= limit or toks[k].low not in ("into", "in", "to"):
            return []
        if not any(toks[m].kind == "E" for m in range(k + 1, min(limit, k + 5))):
            return []
        subj = self._subject(seg, i, verb.tense)
        obj = self._object(seg, k + 1, limit)
        if not subj or not obj.ents:
            return []
        pct = obj.pct
        if pct is None:
            pct = self._stake_near(seg, obj.end, limit)
        return [
            self._cand(
                seg, "investment", {"investor": subj, "target": obj.ents}, (i, j), obj.end, amount=amount, stake=pct
            )
        ]

    def _stake_near(self, seg: _Seg, start: int, limit: int) -> float | None:
        toks = seg.toks
        for k in range(start, min(limit, start + 8)):
            if toks[k].kind == "%" and k + 1 < len(toks) and toks[k + 1].low in self.set["stake_nouns"] | {"of"}:
                return toks[k].pct
        return None

    def _v_spend(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        k = j
        amount = None
        while k < limit and k - j < 4:
            if toks[k].kind == "$":
                amount = toks[k]
            if toks[k].low == "on":
                break
            k += 1
        if amount is None or k >= limit or toks[k].low != "on":
            return []
        subj = self._subject(seg, i, verb.tense)
        obj = self._object(seg, k + 1, limit)
        if not subj or not obj.ents:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique(subj + obj.ents)}, (i, j), obj.end, amount=amount)]

    def _funding_amount(self, seg: _Seg, j: int, limit: int) -> tuple[_Tok | None, int, bool]:
        """The raise right after a funding verb, and whether funding words follow it."""
        toks = seg.toks
        k = j
        amount = None
        funding_word = False
        while k < limit and k - j < 5:
            tok = toks[k]
            if tok.kind == "$" and amount is None:
                if not self._not_value(seg, k):
                    amount = tok
                k += 1
                continue
            if tok.low in self.funding_nouns or tok.low in ("capital", "money", "cash", "series"):
                funding_word = True
                break
            if tok.low in self.set["stake_nouns"]:
                return None, k, False
            if tok.kind == "E" or (tok.low in self.preps and tok.low not in ("in", "of")):
                break
            if tok.low in ("led", "co-led", "backed", "including"):
                break
            k += 1
        for m in range(k, min(limit, k + 4)):
            if toks[m].low in self.funding_nouns or toks[m].low == "series":
                funding_word = True
        return amount, k, funding_word

    def _v_raise(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if self._people_subject(seg, i):
            return []
        if verb.lemma in ("debut", "emerge", "launch"):
            k = j
            while k < limit and toks[k].low not in ("with",) and k - j < 4:
                k += 1
            if k >= limit:
                return []
            amount, end, funding_word = self._funding_amount(seg, k + 1, limit)
            if amount is None or not funding_word:
                return []
        else:
            amount, end, funding_word = self._funding_amount(seg, j, limit)
            m = j
            while m < limit and toks[m].low in ("its", "their", "his", "her", "the", "a"):
                m += 1
            if verb.lemma == "raise" and m < limit and toks[m].low in self.set["stake_nouns"]:
                obj = self._object(seg, m, limit)
                subj = self._subject(seg, i, verb.tense)
                if not subj or not obj.ents:
                    return []
                pct = obj.pct
                end = obj.end
                if end + 1 < limit and toks[end].low == "to" and toks[end + 1].kind == "%":
                    pct = toks[end + 1].pct
                    end += 2
                etype: EventType = "acquisition" if pct is not None and pct > 50 else "investment"
                first = "acquirer" if etype == "acquisition" else "investor"
                return [self._cand(seg, etype, {first: subj, "target": obj.ents}, (i, j), end, stake=pct)]
            if verb.lemma in ("close", "complete") and not funding_word:
                return []
            if amount is None and not funding_word:
                return []
            if amount is not None and not funding_word and verb.lemma != "raise":
                return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        investors, end2 = self._after(seg, end, limit, ("from", "led by", "co-led by", "backed by", "including"))
        investors = investors + self._compound_investors(seg, i, limit)
        roles: dict[str, list[_Ent]] = {"target": subj[:1]}
        if investors:
            roles["investors"] = _unique(investors)
        return [self._cand(seg, "funding", roles, (i, j), max(end, end2), amount=amount)]

    def _owners_of(self, seg: _Seg, ents: Sequence[_Ent]) -> bool:
        """ "X shareholders", "X's board": the people who own or run X, not X acting."""
        toks = seg.toks
        for k, tok in enumerate(toks):
            if tok.ent is ents[-1]:
                return k + 1 < len(toks) and toks[k + 1].low in self.company_people
        return False

    def _people_subject(self, seg: _Seg, i: int) -> bool:
        """ "Slack shareholders will receive ...": people of the company act, not the company."""
        toks = seg.toks
        k = i - 1
        while k >= 0 and toks[k].low in self.aux:
            k -= 1
        return k >= 0 and toks[k].low in self.company_people

    def _v_receive(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if self._people_subject(seg, i):
            return []
        amount, end, funding_word = self._funding_amount(seg, j, limit)
        if amount is None:
            return []
        for m in range(j, min(limit, end + 4)):
            if toks[m].low in self.partnership_nouns or toks[m].low in ("order", "orders", "deal", "contract"):
                return []
        investors, end2 = self._after(seg, end, limit, ("from", "led by", "backed by"))
        investors = investors + self._compound_investors(seg, i, limit)
        if not investors and not funding_word and self._has_word(seg, i, limit, self.not_funding):
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        roles: dict[str, list[_Ent]] = {"target": subj[:1]}
        if investors:
            roles["investors"] = _unique(investors)
        return [self._cand(seg, "funding", roles, (i, j), max(end, end2), amount=amount)]

    def _v_lead(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if verb.tense in ("past", "pp") and j < limit and toks[j].low == "by":
            # "The round, led by Andreessen Horowitz, values ...": backers of a round named elsewhere
            a, _ = self._clause(seg, i)
            if not self._has_word(seg, max(a, i - 6), i, self.funding_nouns | {"series"}):
                return []
            backers, end = self._after(seg, j, limit, ("by",))
            if not backers:
                return []
            return [self._cand(seg, "funding", {"investors": backers}, (i, j), end)]
        k = j
        amount = None
        found = False
        while k < limit and k - j < 7:
            tok = toks[k]
            if tok.kind == "$" and amount is None:
                amount = tok
            if tok.low in self.funding_nouns or tok.low == "series":
                found = True
            if tok.kind == "E" and not (tok.ent and tok.ent.possessive):
                break
            if tok.low in ("in", "for", "into", "of") and found:
                break
            k += 1
        if not found:
            return []
        agent = self._passive_agent(seg, j, limit, verb)
        if agent:
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        target: list[_Ent] = []
        for m in range(j, k):
            ent = toks[m].ent
            if ent is not None and ent.possessive:
                nxt = toks[m + 1].ent if m + 1 < len(toks) else None
                target = [nxt] if nxt is not None else [ent]
        end = k
        if not target and k < limit and toks[k].low in ("in", "for", "into", "of"):
            obj = self._object(seg, k + 1, limit)
            target, end = obj.ents, obj.end
        elif not target and k < limit and toks[k].kind == "E":
            obj = self._object(seg, k, limit)
            target, end = obj.ents, obj.end
        roles: dict[str, list[_Ent]] = {"investors": subj}
        if target:
            roles["target"] = target
        return [self._cand(seg, "funding", roles, (i, j), end, amount=amount)]

    def _v_partner(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if verb.lemma in ("work", "team", "ally", "collaborate", "reunite") and not (
            j < limit and toks[j].low in ("with", "up", "together")
        ):
            return []
        if verb.lemma == "partner" and j < len(toks) and toks[j].low in ("of", "in", "at", "'s"):
            return []
        if verb.lemma == "partner" and not (j < limit and (toks[j].kind == "E" or toks[j].low in _PARTNER_NEXT)):
            return []  # "Casetext, an early OpenAI partner,": the noun, not the verb
        if i > 0 and toks[i - 1].low in ("a", "the", "its", "their", "as", "key", "strategic"):
            return []
        subj = self._subject(seg, i, verb.tense)
        with_ents, end = self._after(seg, j, limit, ("with",))
        parties = _unique(subj + with_ents)
        return [self._cand(seg, "partnership", {"parties": parties}, (i, j), max(end, j))] if parties else []

    def _v_engage(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if (
            verb.tense in ("past", "pp")
            and i > 0
            and toks[i - 1].kind == "E"
            and not self._passive_agent(seg, j, limit, verb)
        ):
            pass
        elif verb.tense in ("past", "pp") and self._passive_agent(seg, j, limit, verb):
            return []
        if verb.lemma in _ADOPT_VERBS and not self._decided(seg, i, verb):
            return []  # "Apple uses Samsung screens" tells of what is, "will use" of a choice made
        k = j
        while k < limit and toks[k].kind == "w" and toks[k].low in self.set["fillers"] and k - j < 3:
            k += 1
        if k < limit and verb.lemma in ("license", "licence"):
            ent = toks[k].ent
            if ent is None or ent.name.lower() in self.no_party:
                return self._licensed(seg, i, j, k, limit, verb)
        if k >= limit or toks[k].kind != "E":
            return []
        ent = toks[k].ent
        assert ent is not None
        if ent.possessive:
            # "will use Anthropic's models": the maker of what is taken on is the supplier
            if verb.lemma not in _ADOPT_VERBS or (k + 1 < len(toks) and toks[k + 1].low in self.deal_nouns):
                return []
            subj = self._subject(seg, i, verb.tense)
            if not subj:
                return []
            return [self._cand(seg, "partnership", {"parties": _unique([*subj, ent])}, (i, j), k + 1)]
        group, end = self._group_right(seg, k, limit)
        # "taps X as CEO": a person, not a supplier
        m = end
        while m < min(limit + 3, len(toks)) and m < end + 3:
            if toks[m].low in (
                "ceo",
                "chief",
                "chairman",
                "chair",
                "president",
                "head",
                "cfo",
                "cto",
                "coo",
                "director",
                "executive",
                "boss",
                "lead",
                "leader",
            ):
                return []
            m += 1
        if end < len(toks) and toks[end].low in self.deal_nouns:
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique([*subj, g])}, (i, j), end) for g in group]

    def _decided(self, seg: _Seg, i: int, verb: _Verb) -> bool:
        """ "will use", "to adopt", "begins using": a new choice rather than a habit."""
        prev = seg.toks[i - 1].low if i > 0 else ""
        return self._tense(seg, i, verb) == "future" or prev in ("begins", "begin", "starts", "start", "agrees")

    def _licensed(self, seg: _Seg, i: int, j: int, k: int, limit: int, verb: _Verb) -> list[_Cand]:
        """ "licenses its chip designs to Apple"; "hires Adept's founders and licenses its technology"."""
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        other, end = self._after(seg, k, limit, ("to", "from"))
        if not other and seg.toks[j].low in ("its", "their"):
            ref = self._recent_other(seg, i, subj)
            other, end = ([ref], k + 1) if ref is not None and ref.name.lower() not in self.no_party else ([], k)
        if not other:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique(subj + other)}, (i, j), max(end, j))]

    def _v_supply(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        """ "Google Cloud to supply TPUs to SSI", "supplies Apple with modems": a supplier and its customer."""
        toks = seg.toks
        if verb.tense in ("past", "pp") and self._passive_agent(seg, j, limit, verb):
            return []
        ent = toks[j].ent if j < limit else None
        if ent is not None and j + 1 < limit and toks[j + 1].low == "with":
            customer, end = [ent], j + 1
        else:
            customer, end = self._after(seg, j, min(limit, j + 8), ("to", "for"))
        customer = [e for e in customer if e.name.lower() not in self.no_party]
        subj = self._subject(seg, i, verb.tense)
        if not customer or not subj:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique(subj + customer)}, (i, j), end)]

    def _v_award(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if j >= limit or toks[j].kind != "E":
            return []
        subj = self._subject(seg, i, verb.tense)
        group, end = self._group_right(seg, j, limit)
        amount = None
        found = False
        for m in range(end, min(limit, end + 7)):
            if toks[m].kind == "$" and amount is None:
                amount = toks[m]
            if toks[m].low in self.partnership_nouns or toks[m].low in ("deal", "order", "contract"):
                found = True
                end = m + 1
                break
        if not subj or not found:
            return []
        return [
            self._cand(seg, "partnership", {"parties": _unique([*subj, g])}, (i, j), end, amount=amount) for g in group
        ]

    def _v_win(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        amount = None
        found = -1
        for m in range(j, min(limit, j + 8)):
            if toks[m].kind == "$" and amount is None:
                amount = toks[m]
            if toks[m].low in ("contract", "contracts", "deal", "order", "orders", "deals", "partnership", "pact"):
                found = m
                break
            if toks[m].kind == "E":
                break
        if found < 0:
            return []
        subj = self._subject(seg, i, verb.tense)
        other, end = self._after(seg, found + 1, limit, ("from", "with", "by"))
        if not subj or not other:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique(subj + other)}, (i, j), end, amount=amount)]

    def _v_appoint(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if j >= limit or toks[j].kind != "E":
            return []
        ent = toks[j].ent
        assert ent is not None
        words = [t.low for t in toks[j + 1 : min(limit, j + 6)]]
        if not words or words[0] not in ("its", "their", "the", "as"):
            return []
        if not any(
            w in ("default", "exclusive", "preferred", "primary", "official", "sole", "main") for w in words
        ) and not any(w in ("provider", "partner", "supplier", "vendor") for w in words):
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        return [self._cand(seg, "partnership", {"parties": _unique([*subj, ent])}, (i, j), j + 1)]

    def _v_drop(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        if verb.lemma == "pull":
            other, end = self._after(seg, j, limit, ("from", "out of"))
            if not other:
                return []
            return [self._cand(seg, "partnership_end", {"parties": _unique(subj + other)}, (i, j), end)]
        k = j
        while k < limit and toks[k].kind == "w" and toks[k].low in self.set["fillers"] and k - j < 3:
            k += 1
        if k + 1 < limit and toks[k].low in ("use", "usage") and toks[k + 1].low == "of":
            k += 2  # "phase out use of OpenAI models"
        if verb.lemma == "phase out" and k < limit and toks[k].low in self.set["relationship_nouns"]:
            other, end = self._after(seg, k, limit, ("with",))
            if other:
                return [self._cand(seg, "partnership_end", {"parties": _unique(subj + other)}, (i, j), end)]
        if k >= limit or toks[k].kind != "E":
            return []
        ent = toks[k].ent
        assert ent is not None
        group, end = self._group_right(seg, k, limit)
        if end < len(toks) and (toks[end].low in self.deal_nouns or toks[end].low in self.funding_nouns):
            return []
        if ent.possessive:
            # "cuts off Windsurf's access to Claude", "revokes OpenAI's licence": what the other had from it
            m = k + 1
            while m < min(limit, k + 4) and toks[m].kind == "w" and toks[m].low not in self.set["access_nouns"]:
                m += 1
            if m < limit and toks[m].low in self.set["access_nouns"]:
                return [self._cand(seg, "partnership_end", {"parties": _unique([*subj, ent])}, (i, j), m + 1)]
            return []
        if verb.lemma == "abandon" and self._deal_talk(seg):
            return []
        return [self._cand(seg, "partnership_end", {"parties": _unique([*subj, g])}, (i, j), end) for g in group]

    def _v_stop(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        if j >= limit or toks[j].low not in self.set["stop_gerunds"]:
            if j < limit and toks[j].low in ("business", "work", "ties", "shipments", "sales", "supplies"):
                other, end = self._after(seg, j, limit, ("with", "to"))
                subj = self._subject(seg, i, verb.tense)
                if subj and other:
                    return [self._cand(seg, "partnership_end", {"parties": _unique(subj + other)}, (i, j), end)]
            return []
        k = j + 1
        while k < limit and k - j < 5 and toks[k].kind != "E":
            if toks[k].low in self.preps:
                break
            k += 1
        if k >= limit or toks[k].kind != "E":
            other, end = self._after(seg, j + 1, limit, ("from", "with", "to"))
            if not other:
                return []
        else:
            obj = self._object(seg, k, limit)
            other, end = obj.ents, obj.end
            if obj.owner is not None:
                other = [obj.owner]
        subj = self._subject(seg, i, verb.tense)
        if not subj or not other:
            return []
        return [self._cand(seg, "partnership_end", {"parties": _unique(subj + other)}, (i, j), end)]

    def _v_cut(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        other, end = self._after(seg, j, min(limit, j + 6), ("with", "from"))
        if not other:
            return []
        toks = seg.toks
        if end < len(toks) and toks[end].low in self.deal_nouns:
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        return [self._cand(seg, "partnership_end", {"parties": _unique(subj + other)}, (i, j), end)]

    def _v_end(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        k = j
        pre: list[_Ent] = []
        noun = -1
        while k < limit and k - j < 7:
            tok = toks[k]
            if tok.kind == "E":
                ent = tok.ent
                assert ent is not None
                pre.append(ent)
            elif tok.kind == "$":
                return []
            elif tok.low in self.dispute_nouns or tok.low in self.set["relationship_nouns"]:
                noun = k
                if not (k + 1 < limit and toks[k + 1].low in self.set["relationship_nouns"]):
                    break
            elif tok.low in self.deal_nouns - {"deal", "agreement", "deals", "agreements"}:
                return []
            elif tok.low in self.preps and tok.low != "and":
                break
            k += 1
        if noun < 0:
            return self._v_lapse(seg, i, j, limit, verb) if verb.lemma in ("end", "terminate") else []
        dispute = toks[noun].low in self.dispute_nouns
        if verb.lemma in ("resolve", "settle") and not dispute:
            return []
        subj = self._subject(seg, i, verb.tense)
        other, end = self._after(seg, noun + 1, limit, ("with", "between"))
        parties = _unique(subj + pre + other)
        if not parties:
            return []
        if len(parties) < 2:
            parties = _unique(parties + self._others_in_clause(seg, i, parties))
        etype: EventType = "partnership" if dispute else "partnership_end"
        return [self._cand(seg, etype, {"parties": parties}, (i, j), max(end, noun + 1))]

    def _v_lapse(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        a, _ = self._clause(seg, i)
        noun = -1
        for k in range(i - 1, max(a, i - 9) - 1, -1):
            if toks[k].low in self.set["relationship_nouns"] or toks[k].low in ("venture", "jv", "deal"):
                noun = k
                break
        if noun < 0 and not (i > 0 and toks[i - 1].low in ("will", "to")):
            return []
        if noun >= 0 and toks[noun].low in self.deal_nouns - {"deal", "deals"}:
            return []
        if (
            noun >= 0
            and toks[noun].low in ("deal", "deals")
            and (
                self._deal_talk(seg, strict=True)
                or (noun + 1 < len(toks) and toks[noun + 1].low == "for")
                or self._deal_to_own(seg, noun + 1)
            )
        ):
            return []
        parties = [t.ent for t in toks if t.ent is not None and t.ent.name.lower() not in self.no_party]
        parties = _unique(parties)
        if len(parties) < 2 and seg.context:
            parties = _unique(parties + self._context_group(seg))
        if not parties:
            return []
        c = self._cand(seg, "partnership_end", {"parties": parties}, (i, j), j)
        if noun >= 0:
            c.span = (min(c.span[0], noun), c.span[1])
            c.covers = noun
        return [c]

    def _deal_to_own(self, seg: _Seg, k: int) -> bool:
        """ "deal to buy Windsurf": a deal that changes ownership, which its own verb reports."""
        if k + 1 >= len(seg.toks) or seg.toks[k].low != "to":
            return False
        return any(
            i == k + 1 and isinstance(p, _Verb) and p.frame in ("buy", "sell", "merge", "invest", "pay", "put")
            for i, _, p in seg.hits
        )

    def _v_switch(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        toks = seg.toks
        old, end1 = self._after(seg, j, limit, ("from", "away from"))
        new: list[_Ent] = []
        end2 = end1
        k = max(j, end1)
        while k < limit and toks[k].low != "to" and k - j < 8:
            k += 1
        if k < limit and toks[k].low == "to":
            # "to Mercor", "to rival Mercor", but not "moves to acquire X"
            m = k + 1
            while (
                m < limit
                and toks[m].kind == "w"
                and (toks[m].low in self.set["fillers"] or toks[m].low in self.set["descriptor_nouns"])
            ):
                m += 1
            if m < limit and toks[m].kind == "E":
                obj = self._object(seg, m, limit)
                new, end2 = obj.ents, obj.end
        if not old and not new:
            return []
        out: list[_Cand] = []
        if old:
            out.append(self._cand(seg, "partnership_end", {"parties": _unique(subj + old)}, (i, j), end1))
        if new:
            out.append(self._cand(seg, "partnership", {"parties": _unique(subj + new)}, (i, j), end2))
        for c in out:
            c.status_hint = "completed" if verb.tense in ("pres", "past") else None
        return out

    def _v_replace(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        subj = self._subject(seg, i, verb.tense)
        if j >= len(toks) or toks[j].kind != "E" or not subj:
            return []
        old = toks[j].ent
        assert old is not None
        k = j + 1
        customer: list[_Ent] = []
        if k < len(toks) and toks[k].low == "as" and k + 1 < len(toks) and toks[k + 1].kind == "E":
            owner = toks[k + 1].ent
            assert owner is not None
            if owner.possessive:
                customer = [owner]
        if customer:
            return [
                self._cand(seg, "partnership_end", {"parties": _unique([*customer, old])}, (i, j), k + 2),
                self._cand(seg, "partnership", {"parties": _unique(customer + subj)}, (i, j), k + 2),
            ]
        new, end = self._after(seg, k, limit, ("with",))
        if new:
            return [
                self._cand(seg, "partnership_end", {"parties": _unique([*subj, old])}, (i, j), end),
                self._cand(seg, "partnership", {"parties": _unique(subj + new)}, (i, j), end),
            ]
        own = self._in_house(seg, k, limit)
        if own:
            # "replace Broadcom chips with its own design": the supplier is dropped for work done at home
            return [self._cand(seg, "partnership_end", {"parties": _unique([*subj, old])}, (i, j), own)]
        return []

    def _in_house(self, seg: _Seg, k: int, limit: int) -> int:
        """Where "with its own ...", "with in-house ..." ends within a few words after k; 0 when absent."""
        lows = seg.lows
        for m in range(k, min(limit - 1, k + 5)):
            if lows[m] == "with" and (
                lows[m + 1] in ("in-house", "homegrown", "home-grown", "own")
                or (lows[m + 1] in ("its", "their") and m + 2 < limit and lows[m + 2] == "own")
            ):
                return min(limit, m + 4)
        return 0

    def _v_abandon(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        k = j
        while k < limit and toks[k].kind == "w" and toks[k].low in self.set["fillers"] and k - j < 3:
            k += 1
        if k >= limit or toks[k].kind != "E":
            return []
        ent = toks[k].ent
        assert ent is not None
        if ent.possessive or (k + 1 < len(toks) and toks[k + 1].low in self.deal_nouns):
            return []
        kind = self._deal_talk(seg)
        if kind is None:
            return []
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        if verb.lemma in ("reject", "rebuff", "spurn", "turn down"):
            roles = {"acquirer": [ent], "target": subj}
        else:
            roles = {"acquirer": subj, "target": [ent]}
        if kind == "merger":
            roles = {"parties": _unique([*subj, ent])}
        c = self._cand(seg, kind, roles, (i, j), k + 1)
        c.status_hint = "terminated"
        return [c]

    def _v_belong(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        target = self._subject(seg, i, verb.tense)
        obj = self._object(seg, j, limit)
        if not target or not obj.ents:
            return []
        c = self._cand(seg, "acquisition", {"acquirer": obj.ents, "target": target}, (i, j), obj.end)
        c.status_hint = "completed"
        return [c]

    def _v_forgo(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        a, _ = self._clause(seg, i)
        if not self._has_word(seg, a, i, self.product_verbs):
            return []
        obj = self._object(seg, j, limit)
        subj = self._subject(seg, i, verb.tense)
        ents = [e for e in subj if all(e is not o for o in obj.ents)]
        for k in range(a, i):
            ent = seg.toks[k].ent
            if ent is not None and ent.name.lower() not in self.no_party:
                ents = [ent]
                break
        if not ents or not obj.ents:
            return []
        return [self._cand(seg, "partnership_end", {"parties": _unique(ents + obj.ents[:1])}, (i, j), obj.end)]

    def _v_bet(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        k = j
        amount = None
        while k < limit and k - j < 6 and toks[k].low != "on":
            if toks[k].kind == "$":
                amount = toks[k]
            k += 1
        if k >= limit:
            return []
        subj = self._subject(seg, i, verb.tense)
        obj = self._object(seg, k + 1, limit)
        if not subj or not obj.ents:
            return []
        target = [obj.owner] if obj.owner is not None and obj.owner.watched else obj.ents
        if amount is not None:
            return [self._cand(seg, "investment", {"investor": subj, "target": target}, (i, j), obj.end, amount=amount)]
        return [self._cand(seg, "partnership", {"parties": _unique(subj + target)}, (i, j), obj.end)]

    def _v_form(self, seg: _Seg, i: int, j: int, limit: int, verb: _Verb) -> list[_Cand]:
        toks = seg.toks
        subj = self._subject(seg, i, verb.tense)
        if not subj:
            return []
        window = range(j, min(limit, j + 6))
        venture = any(toks[k].low in self.venture_words for k in window)
        with_ents, end = self._after(seg, j, limit, ("with",))
        if any(toks[k].kind == "E" for k in range(j, min(limit, j + 2))):
            return []
        if venture and len(subj) >= 2 and not with_ents:
            return [self._cand(seg, "partnership", {"parties": _unique(subj)}, (i, j), j + 1)]
        if with_ents and (venture or verb.lemma in ("launch", "unveil", "introduce", "roll out", "debut")):
            if self._has_word(seg, j, end, ("$",)) or any(toks[k].kind == "$" for k in range(j, end)):
                return []
            return [self._cand(seg, "partnership", {"parties": _unique(subj + with_ents)}, (i, j), end)]
        return []

    def _deal_talk(self, seg: _Seg, strict: bool = False) -> EventType | None:
        """Whether a segment talks about a merger or a purchase (strict: without the bare word "deal")."""
        lows = {t.low for t in seg.toks}
        if lows & {"merger", "merge", "merging"}:
            return "merger"
        words = {"bid", "offer", "takeover", "acquisition", "purchase", "buyout", "approach"}
        if not strict:
            words |= {"deal", "buy"}
        if lows & words or any(t.kind == "$" for t in seg.toks):
            return "acquisition"
        return None

    # noun frames

    def _noun(self, seg: _Seg, i: int, j: int, kind: str) -> list[_Cand]:
        toks = seg.toks
        a, b = self._clause(seg, i)
        if kind == "dispute":
            return []
        # left of the noun: "Zoom's $14.7B", "$34 billion Red Hat", "T-Mobile-Sprint"
        poss: _Ent | None = None
        pre: list[_Ent] = []
        amount: _Tok | None = None
        modifiers: list[str] = []
        k = i - 1
        while k >= a and i - k <= 6:
            tok = toks[k]
            if tok.kind == "$":
                amount = amount or tok
            elif tok.kind == "E" and tok.ent is not None and tok.ent.name.lower() in self.no_party:
                modifiers.append(tok.ent.name.lower())
            elif tok.kind == "E":
                ent = tok.ent
                assert ent is not None
                if ent.possessive:
                    poss = ent
                    break
                if pre and not (k + 1 < len(toks) and toks[k + 1].text == "-"):
                    break
                pre.insert(0, ent)
                if k > a and toks[k - 1].text == "-" and k - 2 >= a and toks[k - 2].kind == "E":
                    k -= 1
                    continue
            elif (
                tok.kind == "w"
                and (tok.text[:1].islower() or seg.style != "normal")
                and (tok.low not in self.aux or tok.low in self.deal_adjectives)
            ):
                if tok.low in self.preps or tok.low in self.deal_nouns:
                    break
                if not (
                    tok.low in self.set["partnership_modifiers"]
                    or tok.low in self.set["fillers"]
                    or tok.low in self.deal_adjectives
                    or "-" in tok.low
                    or tok.low not in self.vocab
                ):
                    break
                modifiers.append(tok.low)
            elif tok.kind == "%" or (tok.text == "-" and toks[k - 1].kind == "E" if k > a else False):
                pass
            else:
                break
            k -= 1
        left_edge = k
        if any(m in self.set["exclusions"] for m in modifiers) or any(
            w in self.set["exclusions"] for e in pre for w in e.name.lower().split()
        ):
            return []  # "settlement offer", "lawsuit deal"
        subj_region_end = min(left_edge + 1, i)
        subj = self._first_group(seg, a, subj_region_end) if subj_region_end > a else []
        if not subj:
            for k2 in range(a, subj_region_end):
                low = toks[k2].low
                if low in _PRONOUNS:
                    subj = self._sentence_subject(seg, k2, plural=low == "they")
                    break
                if low in _GROUP_REFS and seg.context:
                    subj = self._context_group(seg)
                    break
        if (
            not subj
            and kind in ("merger", "partnership", "deal")
            and a > 0
            and toks[a - 1].low in ("says", "said", "say", "told", "tells")
        ):
            subj = self._sentence_subject(seg, a)  # "Pfizer says talks with X on merger ended"
        subj = [e for e in subj if e is not poss and e not in pre]
        # right of the noun
        post_of: list[_Ent] = []
        agent: list[_Ent] = []
        partner: list[_Ent] = []
        buyer: list[_Ent] = []
        stake = None
        end = j
        m = j
        owner: _Ent | None = None
        if m < b and toks[m].kind == "$":
            amount = amount or toks[m]
            m += 1
        while m < b and m - j <= 2 and toks[m].low in ("worth", "valued", "at", "of", "about", "around", "up", "to"):
            if toks[m].low in ("of", "to") and m + 1 < b and toks[m + 1].kind == "E":
                break
            m += 1
            if m < b and toks[m].kind == "$":
                amount = amount or toks[m]
                m += 1
        if m < b:
            word = toks[m].low
            if word in ("of", "for", "in", "into", "on"):
                obj = self._object(seg, m + 1, b)
                post_of, end = obj.ents, obj.end
                if not post_of and kind == "divestiture" and word == "of":
                    phrase, end2 = self._phrase_object(seg, m + 1, b)
                    if phrase is not None:
                        post_of, end = [phrase], end2
                owner = obj.owner
                stake = obj.pct if obj.stake else None
                if obj.stake and kind in ("deal", "acquisition") and not obj.majority:
                    kind = "investment"
                amount = amount or obj.amount
            elif word in ("from", "by"):
                agent, end = self._after(seg, m, b, (word,))
            elif word in ("with", "between", "among"):
                partner, end = self._after(seg, m, b, (word,))
                group_end = self._refers_to_group(seg, m + 1, b) if not partner and seg.context else 0
                if group_end:
                    partner, end = self._context_group(seg), group_end  # "a partnership between the two companies"
            elif word == "to" and kind in ("divestiture", "partnership"):
                buyer, end = self._after(seg, m, b, ("to",))
            elif word == "to" and kind == "acquisition":
                post_of, end = self._after(seg, m, b, ("to",))  # "takeover approach to Intel"
        if kind == "deal" and m < b and toks[m].low == "to":
            return []
        if kind == "deal" and j + 1 < b and toks[j].low == "to" and toks[j + 1].low in self.set["supply_verbs"]:
            # "signs deal to supply Anthropic with TPUs": a supply deal with the one supplied
            partner, end = self._served(seg, j + 2, b)
            if not partner:
                return []
        if kind == "deal" and not (pre or post_of or partner or poss or agent):
            # "Samsung to make Tesla's next AI chips under $16.5 billion deal"
            for v in range(min(left_edge, i - 1), a - 1, -1):
                if toks[v].low in self.set["supply_verbs"]:
                    partner, _ = self._served(seg, v + 1, i)
                    break
        # a second phrase: "sale of Asda to Sainsbury's", "offer for X from Y"
        if end < b:
            if not agent:
                agent2, e2 = self._after(seg, end, min(b, end + 3), ("from", "by"))
                if agent2:
                    agent, end = agent2, e2
            if not buyer and kind == "divestiture":
                buyer, end = self._after(seg, end, min(b, end + 3), ("to",))
        verb_before = toks[left_edge].low if left_edge >= a else ""
        pair = len(subj) == 2 and not (pre or post_of or partner or poss)
        etype = self._noun_type(kind, modifiers, pre, post_of, amount, partner, seg, i, j, poss, pair)
        if etype is None:
            return []
        strong = not (kind == "deal" and etype == "partnership")
        out: list[_Cand] = []
        if etype in ("merger", "partnership"):
            if len(subj) >= 2 and pre and not (poss or post_of or partner) and toks[i].low in self.venture_words:
                pre = []  # "OpenAI, Oracle and SoftBank unveil Stargate venture": the venture's own name
            if len(subj) >= 2 and post_of and not (pre or poss or partner) and j < b and toks[j].low != "of":
                post_of = []  # "SHELL AND IBM FORM JOINT VENTURE FOR CARBON ACCOUNTING": its purpose
            parties = _unique(([poss] if poss else []) + pre + post_of + partner + agent + buyer)
            if len(parties) < 2:
                parties = _unique(subj + parties)
            if len(parties) < 2:
                parties = _unique(parties + self._others_in_clause(seg, i, parties))
            if not parties and etype == "merger":
                return []
            if etype == "partnership" and self._settled_relationship(seg, left_edge, i, j, b):
                return []
            if etype == "partnership" and len(parties) < 2 and kind == "deal":
                return []
            out.append(self._cand(seg, etype, {"parties": parties}, (i, j), end, amount=amount, strong=strong))
        elif etype in ("acquisition", "investment"):
            first, second = ("acquirer", "target") if etype == "acquisition" else ("investor", "target")
            actor: list[_Ent] = []
            target: list[_Ent] = post_of or pre
            if len(pre) == 2 and not post_of and poss is None and not agent:
                actor, target = pre[:1], pre[1:]
            elif pre and subj and not post_of and poss is None and not agent and self._owners_of(seg, subj):
                # "Core Scientific shareholders vote down CoreWeave takeover": the owners judge a bid for them
                actor, target = pre, subj
            elif poss is not None:
                actor = [poss]
                if verb_before in ("joins", "join", "joined") and subj:
                    actor = _unique(actor + subj)
            elif agent:
                actor = agent
            elif subj:
                actor = subj
            if not post_of and not pre and actor is not subj and subj:
                target = subj
            if pair and actor is subj and not target:
                # "Adobe and Figma call off $20 billion deal": the buyer is named first
                actor, target = subj[:1], subj[1:]
            if toks[i].low in ("sale", "sale talks") or (toks[i].low == "sale" and partner):
                target, actor = (subj or target), (partner or actor)
            if partner and not target and actor:
                target = partner
            if not target and actor:
                target = self._between(seg, actor, a, i)
            if not actor or not target:
                return []
            if {e.name for e in actor} & {e.name for e in target}:
                return []
            if etype == "acquisition" and agent and len(agent) > 1 and poss is None:
                for ag in agent:
                    out.append(
                        self._cand(seg, etype, {first: [ag], second: target}, (i, j), end, amount=amount, stake=stake)
                    )
            else:
                roles = {first: actor, second: target}
                if owner is not None and etype == "acquisition":
                    roles["seller"] = [owner]
                out.append(self._cand(seg, etype, roles, (i, j), end, amount=amount, stake=stake))
        elif etype == "divestiture":
            seller = [poss] if poss else subj
            target = post_of or pre
            if not target and seller:
                target = self._between(seg, seller, a, i)
            if not seller or not target:
                return []
            roles = {"seller": seller, "target": target}
            if buyer:
                roles["buyer"] = buyer
            out.append(self._cand(seg, etype, roles, (i, j), end, amount=amount))
        elif etype == "funding":
            target = post_of or ([poss] if poss else []) or pre or subj
            investors = agent + self._compound_investors(seg, a, b)
            if verb_before in ("leads", "lead", "led", "joins", "join", "joined", "co-leads") and subj:
                investors = subj + investors
                target = post_of or ([poss] if poss else []) or pre
            if not target:
                return []
            roles = {"target": target[:1]}
            if investors:
                roles["investors"] = _unique(investors)
            out.append(self._cand(seg, etype, roles, (i, j), end, amount=amount))
        return out

    def _served(self, seg: _Seg, k: int, limit: int) -> tuple[list[_Ent], int]:
        """Whom a supply verb at k-1 serves: "supply Anthropic", "make Tesla's chips", "build chips for OpenAI"."""
        toks = seg.toks
        m = k
        while m < limit and m - k < 8:
            ent = toks[m].ent
            if ent is not None and ent.name.lower() not in self.no_party:
                if m == k or ent.possessive or toks[m - 1].low in ("for", "to"):
                    return [ent], m + 1
                break
            if toks[m].low in self.preps and toks[m].low not in ("for", "to"):
                break
            m += 1
        return [], k

    def _clause_says(self, seg: _Seg, i: int, status: str) -> bool:
        a, b = self._clause(seg, i)
        return any(a <= k < b and cls == status for k, _, cls in seg.cues)

    _FORMING = frozenset(
        {
            "sign",
            "signs",
            "signed",
            "signing",
            "announce",
            "announces",
            "announced",
            "form",
            "forms",
            "formed",
            "enter",
            "enters",
            "entered",
            "strike",
            "strikes",
            "struck",
            "ink",
            "inks",
            "inked",
            "forge",
            "forges",
            "forged",
            "expand",
            "expands",
            "expanded",
            "extend",
            "extends",
            "extended",
            "renew",
            "renews",
            "renewed",
            "deepen",
            "deepens",
            "deepened",
            "broaden",
            "broadens",
            "reach",
            "reaches",
            "reached",
            "agree",
            "agrees",
            "agreed",
            "seal",
            "seals",
            "sealed",
            "unveil",
            "unveils",
            "launch",
            "launches",
            "new",
            "land",
            "lands",
            "win",
            "wins",
            "won",
            "secure",
            "secures",
            "clinch",
            "clinches",
            "under",
            "in",
            "cut",
            "cuts",
            "talks",
            "discuss",
            "discusses",
            "near",
            "nears",
            "weighs",
            "explores",
        }
    )

    def _settled_relationship(self, seg: _Seg, left_edge: int, i: int, j: int, b: int) -> bool:
        """ "says its OpenAI partnership is strong": a partnership talked about, not formed."""
        toks = seg.toks
        a, _ = self._clause(seg, i)
        if any(toks[k].low in self._FORMING for k in range(a, min(b, j + 3))):
            return False
        after = toks[j].low if j < len(toks) else ""
        if i > 0 and toks[i - 1].low in ("their", "its", "his", "her"):
            return True  # "face questions over their partnership": one they already have
        return after in ("is", "was", "remains", "has", "have", "had", "will", "could", "would", "may")

    def _noun_type(
        self,
        kind: str,
        modifiers: list[str],
        pre: list[_Ent],
        post: list[_Ent],
        amount: _Tok | None,
        partner: list[_Ent],
        seg: _Seg,
        i: int,
        j: int,
        poss: _Ent | None = None,
        pair: bool = False,
    ) -> EventType | None:
        if kind in ("acquisition", "merger", "investment", "funding", "divestiture", "partnership"):
            if kind == "partnership" and seg.toks[i].low in ("partner", "partners") and not partner:
                return None
            return kind  # type: ignore[return-value]
        # generic "deal", "agreement", "talks"
        if any(m in self.set["partnership_modifiers"] for m in modifiers):
            return "partnership"
        word = seg.toks[i].low
        if word in ("talks", "negotiations", "discussions", "terms"):
            # "talks with X on a merger": the topic names the deal
            for k in range(j, min(len(seg.toks), j + 8)):
                low = seg.toks[k].low
                if low in ("merger", "merge", "combination"):
                    return "merger"
                if low in self.partnership_nouns:
                    return "partnership"
            return "partnership" if partner else None
        if post and j < len(seg.toks) and seg.toks[j].low == "for":
            return "acquisition"
        big = amount is not None and amount.money is not None and amount.money.value >= 1e8
        if big and (pre or post):
            return "acquisition"
        if pre and (poss is not None or self._clause_says(seg, i, "terminated")):
            # "Microsoft's Activision deal", "walks away from Figma deal"
            return "acquisition"
        if big and pair and self._clause_says(seg, i, "terminated"):
            return "acquisition"
        if len(pre) == 2 and not modifiers:
            return "acquisition"  # "Microsoft-Activision deal": buyer first
        if partner:
            return "partnership"
        return None

    def _between(self, seg: _Seg, actor: list[_Ent], a: int, b: int) -> list[_Ent]:
        names = {e.name for e in actor}
        for k in range(max(a, 0), b):
            ent = seg.toks[k].ent
            if ent is not None and ent.name not in names and ent.name.lower() not in self.no_party:
                return [ent]
        return []

    def _others_in_clause(self, seg: _Seg, i: int, have: list[_Ent]) -> list[_Ent]:
        a, b = self._clause(seg, i)
        names = {e.name for e in have}
        watched: list[_Ent] = []
        other: list[_Ent] = []
        for k in range(a, b):
            ent = seg.toks[k].ent
            if ent is None or ent.name in names or ent.name.lower() in self.no_party:
                continue
            (watched if ent.watched else other).append(ent)
        return (watched or other)[:2]

    @staticmethod
    def _has_word(seg: _Seg, a: int, b: int, words: Iterable[str]) -> bool:
        wanted = words if isinstance(words, set | frozenset) else frozenset(words)
        lows = seg.lows if len(seg.lows) == len(seg.toks) else [t.low for t in seg.toks]
        return not wanted.isdisjoint(lows[max(a, 0) : b])

    # -- amounts --

    def _tok_not_value(self, tok: _Tok, funding: bool = False) -> bool:
        return tok.where is not None and self._not_value(tok.where, tok.idx, funding)

    def _not_value(self, seg: _Seg, k: int, funding: bool = False) -> bool:
        """True when the money at token k is a valuation, a price per share, revenue or a fee."""
        toks = seg.toks
        before = [t.low for t in toks[max(0, k - 3) : k]]
        after = [t.low for t in toks[k + 1 : k + 4]]
        not_before = self.set["amount_not_value_before"]
        for n in (1, 2, 3):
            if len(before) >= n:
                phrase = " ".join(before[-n:])
                if phrase in not_before and (funding or phrase != "valued at"):
                    return True
        if funding and (any("valu" in w for w in before) or (before and before[-1] == "at")):
            return True
        not_after = self.set["amount_not_value_after"]
        return any(len(after) >= n and " ".join(after[:n]) in not_after for n in (1, 2, 3))

    def _assign_amounts(self, cands: list[_Cand], summary: Sequence[_Seg]) -> None:
        """Give each event at most one money figure, and each figure to one event (or one trigger)."""
        used: dict[int, tuple[int, int]] = {}
        chosen: dict[int, _Tok] = {}

        def free(tok: _Tok, c: _Cand) -> bool:
            owner = used.get(id(tok))
            return owner is None or owner == c.trigger

        for c in cands:
            tok = c.amount
            if tok is not None and free(tok, c) and not self._tok_not_value(tok, c.type == "funding"):
                chosen[id(c)] = tok
                used[id(tok)] = c.trigger
        for c in cands:
            if id(c) in chosen:
                continue
            found = self._window_amount(c, free)
            if found is not None:
                chosen[id(c)] = found
                used[id(found)] = c.trigger
        for c in cands:
            if id(c) in chosen or c.type in ("partnership", "partnership_end") or not c.seg.title:
                continue
            found = self._summary_amount(c, summary, free)
            if found is not None:
                chosen[id(c)] = found
                used[id(found)] = c.trigger
        for c in cands:
            c.amount = chosen.get(id(c))

    def _window_amount(self, c: _Cand, free: Callable[[_Tok, _Cand], bool]) -> _Tok | None:
        seg = c.seg
        toks = seg.toks
        funding = c.type == "funding"
        a, b = self._clause(seg, c.trigger[0])
        b = self._next_clause(seg, max(c.span[1], c.trigger[1]), b)
        lo = max(a, min(c.span[0], c.trigger[0]) - 3)
        hi = min(b, max(c.span[1], c.trigger[1]) + 4)
        for k in range(lo, hi):
            tok = toks[k]
            if tok.kind == "$" and free(tok, c) and not self._not_value(seg, k, funding):
                return tok
        if c.type in ("partnership", "partnership_end"):
            return None
        # "... for about $2 billion" later in the clause
        for k in range(max(hi, c.trigger[1]), b):
            if toks[k].low == "for":
                m = k + 1
                while m < b and toks[m].low in self.amount_fillers:
                    m += 1
                if m < b and toks[m].kind == "$" and free(toks[m], c) and not self._not_value(seg, m, funding):
                    return toks[m]
        return None

    def _next_clause(self, seg: _Seg, start: int, limit: int) -> int:
        """Where "as it commits $30 billion ...", "while X ..." opens another clause: its figures are its own."""
        toks = seg.toks
        for k in range(start, min(limit, len(toks) - 1)):
            if toks[k].low in _CLAUSE_OPENERS:
                nxt = toks[k + 1]
                if nxt.kind == "E" or nxt.low in _PRONOUNS or nxt.low in ("the", "a", "an", "its", "their"):
                    return k
        return limit

    def _summary_amount(self, c: _Cand, summary: Sequence[_Seg], free: Callable[[_Tok, _Cand], bool]) -> _Tok | None:
        """ "The $27.7 billion deal closed ...": a summary figure named as the deal's value."""
        nouns = self.round_value_nouns if c.type == "funding" else self.deal_value_nouns
        for seg in summary:
            toks = seg.toks
            for k, tok in enumerate(toks):
                if tok.kind != "$" or not free(tok, c) or self._not_value(seg, k, c.type == "funding"):
                    continue
                after = [t.low for t in toks[k + 1 : k + 4] if t.low not in ("cash", "stock", "all-cash", "all-stock")]
                before = [t.low for t in toks[max(0, k - 4) : k]]
                if (after and after[0] in nouns) or (
                    any(w in nouns for w in before) and any(w in ("valued", "worth", "of", "at") for w in before)
                ):
                    return tok
        return None

    # -- status --

    def _status(self, c: _Cand) -> Status:
        seg = c.seg
        a, b = self._clause(seg, c.trigger[0])
        a = min(a, c.span[0])
        classes: set[str] = set()
        source = False
        for i, _j, cls in seg.cues:
            if cls == "unnamed_source":
                source = True
            if a <= i < b or (i < a and self._same_sentence(seg, i, c.trigger[0])):
                classes.add(str(cls))
        if c.type == "partnership_end":
            if source or ("rumor" in classes and c.tense not in ("past", "perfect")):
                return "rumor"
            if c.tense in ("past", "perfect") or c.status_hint == "completed":
                return "completed"
            if c.tense == "future":
                return "announced"
            if self._any_phrase(seg, a, b, self.set["end_completed_cues"]):
                return "completed"
            return "announced"
        if c.status_hint == "terminated" or "terminated" in classes:
            return "terminated"
        if source:
            return "rumor"
        if c.type == "funding":
            if c.tense in ("ger", "progressive") or "rumor" in classes:
                return "rumor"
            return "completed"
        if "completed" in classes or c.tense == "perfect" or c.status_hint == "completed":
            return "completed"
        if c.tense == "past" and not seg.title and c.frame in ("buy", "sell", "merge"):
            return "completed"
        if "rumor" in classes:
            return "rumor"
        return "announced"

    @staticmethod
    def _any_phrase(seg: _Seg, a: int, b: int, phrases: frozenset[str]) -> bool:
        lows = [t.low for t in seg.toks[a:b]]
        for n in (1, 2, 3):
            for k in range(len(lows) - n + 1):
                if " ".join(lows[k : k + n]) in phrases:
                    return True
        return False

    def _same_sentence(self, seg: _Seg, i: int, k: int) -> bool:
        return not any(seg.toks[m].text in (";", "|") for m in range(i, k))

    # -- putting it together --

    def _combine(self, title: list[_Cand], summary: list[_Cand], segs: list[_Seg]) -> list[_Cand]:
        self._borrow_parties(title)
        self._borrow_parties(summary)
        title = [c for c in title if self._valid(c)]
        extra_investors = [c for c in summary if c.type == "funding" and "target" not in c.roles]
        summary = [c for c in summary if self._valid(c)]
        cands = self._dedupe(title)
        if cands:
            for c in self._dedupe(summary):
                # the title event it retells: the one sharing most names ("AWS will use Intel's ..." is Intel-Amazon)
                related = [t for t in cands if self._related(c, t)]
                names = {e.name for e in c.ents()}
                twin = max(related, key=lambda t: len(names & {e.name for e in t.ents()}), default=None)
                if twin is not None:
                    self._merge(twin, c)
                elif self._summary_worthy(c, cands):
                    cands.append(c)
        else:
            cands = self._dedupe(summary)
        if not self.open_world:
            cands = [c for c in cands if c.watched()]
        strong_names = {e.name for c in cands if c.strong for e in c.ents() if self._counts(e)}
        cands = [c for c in cands if c.strong or not ({e.name for e in c.ents() if self._counts(e)} & strong_names)]
        for c in cands:
            if c.type == "funding" and "investors" not in c.roles:
                for x in extra_investors:
                    c.roles["investors"] = x.roles.get("investors", [])
                    break
        cands = self._split(cands)
        self._assign_amounts(cands, segs[1:])
        return cands

    def _counts(self, ent: _Ent) -> bool:
        """Whether a party is one the reader asked about: a watched one, or any in the open world."""
        return ent.watched or self.open_world

    def _related(self, x: _Cand, y: _Cand) -> bool:
        """A summary event that retells a title event: same type, a party asked about in common."""
        if x.type != y.type:
            return False
        return bool({e.name for e in x.ents() if self._counts(e)} & {e.name for e in y.ents() if self._counts(e)})

    def _merge(self, into: _Cand, other: _Cand) -> None:
        for role, names in other.roles.items():
            if role not in into.roles:
                into.roles[role] = names
            elif role == "parties":
                have = {e.name for e in into.roles[role]}
                into.roles[role] = into.roles[role] + [e for e in names if self._counts(e) and e.name not in have]
        if into.stake is None:
            into.stake = other.stake
        if into.amount is None and other.amount is not None:
            into.amount = other.amount

    @staticmethod
    def _split(cands: list[_Cand]) -> list[_Cand]:
        """Several investors taking stakes are several investments; several bidders, several bids."""
        out: list[_Cand] = []
        for c in cands:
            investors = c.roles.get("investor", [])
            if c.type == "investment" and len(investors) > 1:
                for inv in investors:
                    roles = dict(c.roles)
                    roles["investor"] = [inv]
                    out.append(
                        _Cand(
                            c.type,
                            roles,
                            c.seg,
                            c.trigger,
                            c.span,
                            c.tense,
                            c.frame,
                            c.amount,
                            c.stake,
                            c.strong,
                            c.status_hint,
                        )
                    )
            else:
                out.append(c)
        return out

    def _summary_worthy(self, c: _Cand, title: list[_Cand]) -> bool:
        names = {e.name for t in title for e in t.ents()}
        return any(e.name in names for e in c.ents()) and c.type != "funding"

    def _valid(self, c: _Cand) -> bool:
        negated = c.type != "partnership_end" and self._clause_says(c.seg, c.trigger[0], "negated")
        if negated or self._clause_says(c.seg, c.trigger[0], "background"):
            return False
        roles = c.roles
        for role, names in list(roles.items()):
            names = [e for e in names if e.name.lower() not in self.no_party and e.name.strip()]
            if names:
                roles[role] = _unique(names)
            else:
                del roles[role]
        need = {
            "acquisition": ("acquirer", "target"),
            "investment": ("investor", "target"),
            "funding": ("target",),
            "divestiture": ("seller", "target"),
        }.get(c.type, ("parties",))
        if any(r not in roles for r in need):
            return False
        if c.type in ("merger", "partnership", "partnership_end") and len(roles["parties"]) < 2:
            return c.type == "merger" and roles["parties"][0].watched
        for first, second in (
            ("acquirer", "target"),
            ("investor", "target"),
            ("seller", "target"),
            ("target", "investors"),
            ("seller", "buyer"),
            ("acquirer", "seller"),
        ):
            if first in roles and second in roles and {e.name for e in roles[first]} & {e.name for e in roles[second]}:
                return False
        return True

    def _same(self, x: _Cand, y: _Cand) -> bool:
        if x.type != y.type:
            return False
        if x.type in ("acquisition", "divestiture") and x.trigger == y.trigger and x.seg is y.seg:
            # "buy StreamSets and webMethods from Software AG": one verb, two things bought
            xt = {e.name for e in x.roles.get("target", [])}
            yt = {e.name for e in y.roles.get("target", [])}
            if xt and yt and not xt & yt:
                return False
        xs = {e.name for e in x.ents()}
        ys = {e.name for e in y.ents()}
        return bool(xs & ys) and (xs <= ys or ys <= xs or len(xs & ys) >= 2 or x.type == "funding")

    def _dedupe(self, cands: list[_Cand]) -> list[_Cand]:
        out: list[_Cand] = []
        for c in cands:
            twin = next((o for o in out if self._same(c, o)), None)
            if twin is None:
                out.append(c)
                continue
            if len(c.ents()) > len(twin.ents()) and c.strong >= twin.strong:
                c.amount = c.amount or twin.amount
                c.stake = c.stake if c.stake is not None else twin.stake
                out[out.index(twin)] = c
            else:
                twin.amount = twin.amount or c.amount
                twin.stake = twin.stake if twin.stake is not None else c.stake
                for role, names in c.roles.items():
                    if role not in twin.roles:
                        twin.roles[role] = names
        return out

    def _borrow_parties(self, cands: list[_Cand]) -> None:
        """ "X to invest in Y, team up on cars": a one-sided partnership takes the other side from its twin."""
        for c in cands:
            if c.type in ("partnership", "partnership_end") and len(c.roles.get("parties", [])) < 2:
                for o in cands:
                    if o is not c and o.seg is c.seg and o.type not in ("partnership", "partnership_end"):
                        names = {e.name for e in c.roles.get("parties", [])}
                        extra = [e for e in o.ents() if e.name not in names]
                        c.roles["parties"] = _unique(c.roles.get("parties", []) + extra)
                        break

    def _event(self, c: _Cand) -> DealEvent:
        money = c.amount.money if c.amount is not None else None
        stake = c.stake
        if stake is None and c.type in ("investment", "acquisition", "divestiture"):
            stake = self._stake_in_seg(c)
        parties = {role: tuple(_unique_names(c.roles.get(role, []))) for role in ROLES[c.type] if c.roles.get(role)}
        a, b = c.span
        toks = c.seg.toks
        b = min(max(b, c.trigger[1]), len(toks))
        evidence = c.seg.text[toks[a].start : toks[b - 1].end] if toks and a < b else ""
        etype, status = c.type, self._status(c)
        if etype == "partnership" and status == "terminated" and not self._talks_only(c):
            # "GM and Honda scrap plan to co-develop EVs": a partnership called off has ended
            etype, status, money = "partnership_end", "completed", None
        return DealEvent(
            type=etype,
            status=status,
            parties=parties,
            amount_usd=money.value if money is not None and money.currency == "USD" else None,
            stake_pct=stake,
            amount=money,
            evidence=evidence,
        )

    def _talks_only(self, c: _Cand) -> bool:
        """ "no longer in talks with Apple": talks that ended, no partnership that did."""
        a, b = self._clause(c.seg, c.trigger[0])
        return self._has_word(c.seg, a, b, ("talks", "negotiations", "discussions", "negotiating"))

    def _stake_in_seg(self, c: _Cand) -> float | None:
        toks = c.seg.toks
        a, b = self._clause(c.seg, c.trigger[0])
        for k in range(0, len(toks)):
            tok = toks[k]
            if tok.kind == "%" and k + 1 < len(toks) and toks[k + 1].low in ("stake", "holding", "interest", "of"):
                if toks[k + 1].low == "of" and not (a <= k < b):
                    continue
                return tok.pct
        return None


def _never(_text: str) -> re.Match[str] | None:
    return None


def _unique(ents: Iterable[_Ent]) -> list[_Ent]:
    out: list[_Ent] = []
    seen: set[str] = set()
    for e in ents:
        key = e.name.lower()
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _unique_names(ents: Iterable[_Ent]) -> list[str]:
    return [e.name for e in _unique(ents)]


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
