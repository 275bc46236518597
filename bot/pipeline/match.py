"""Match step: article -> mentions of watched companies (aliases, word boundaries, case rules)."""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

from bot.model import Company, Mention

CaseStyle = Literal["normal", "title", "upper", "lower"]
Field = Literal["title", "summary"]

# --- the lexicon ------------------------------------------------------------


@lru_cache(maxsize=1)
def _packaged_lexicon() -> dict[str, Any]:
    text = resources.files("bot").joinpath("data/lexicon.yaml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)
    if not isinstance(data, dict):
        raise ValueError("bot/data/lexicon.yaml must hold a mapping")
    return data


def read_lexicon(extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The packaged lexicon, with `extra` lists appended (same keys, same shapes)."""
    base = _packaged_lexicon()
    if not extra:
        return base
    return _merge(base, extra)


def check_lexicon(extra: object) -> list[str]:
    """What is wrong with extra lexicon phrases, one message per problem, each naming its key path.

    Extra phrases go under the packaged lexicon's own keys, in the same shapes: a list of phrases,
    or for `verbs`, `nouns` and `status_cues` a mapping of an existing frame, type or status to one.
    """
    if extra is None:
        return []
    if not isinstance(extra, Mapping):
        return ["expected a mapping of lexicon keys, such as verbs: or exclusions:"]
    base = _packaged_lexicon()
    errors: list[str] = []
    for key, value in extra.items():
        known = base.get(key)
        if known is None:
            errors.append(f"{key}: unknown lexicon key (known: {', '.join(sorted(base))})")
        elif isinstance(known, Mapping):
            if not isinstance(value, Mapping):
                errors.append(f"{key}: expected a mapping of {', '.join(known)} to lists of phrases")
                continue
            for sub, phrases in value.items():
                if sub not in known:
                    errors.append(f"{key}.{sub}: unknown; one of {', '.join(known)}")
                else:
                    errors.extend(_check_phrases(f"{key}.{sub}", phrases))
        else:
            errors.extend(_check_phrases(str(key), value))
    return errors


def _check_phrases(path: str, phrases: object) -> list[str]:
    if not isinstance(phrases, list):
        return [f"{path}: expected a list of phrases"]
    return [
        f"{path}[{n}]: expected a phrase (text), got {phrase!r}"
        for n, phrase in enumerate(phrases)
        if not isinstance(phrase, str) or not phrase.strip()
    ]


def _merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        old = out.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            out[key] = _merge(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            out[key] = [*old, *value]
        else:
            out[key] = value
    return out


def words_of(lexicon: Mapping[str, Any], *keys: str) -> frozenset[str]:
    """The phrases under `keys`, lower-cased, as one set."""
    out: set[str] = set()
    for key in keys:
        value: Any = lexicon
        for part in key.split("."):
            value = value.get(part, ()) if isinstance(value, Mapping) else ()
        if isinstance(value, Mapping):
            value = [item for items in value.values() for item in items]
        out.update(str(v).lower() for v in value)
    found = frozenset(out)
    # one object per distinct set: `case_style` caches on it, and equal-but-distinct sets compare slowly
    return _INTERNED.setdefault(found, found)


_INTERNED: dict[frozenset[str], frozenset[str]] = {}


# --- normalised text ----------------------------------------------------------

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_TRANSLATE: dict[int, str] = {
    **{ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u2032\u02bc\uff07`\u00b4"},
    **{ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02"},
    **{ord(c): "-" for c in _DASHES},
    **{ord(c): " " for c in _SPACES},
    **{i: " " for i in range(32)},
    0x7F: " ",
    0x2026: ".",
    0xFF04: "$",
    0xFF05: "%",
    0xFF06: "&",
}
_SPECIAL = re.compile(
    r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});|[\u00ad\u200b-\u200f\u2060\ufeff]"
)


@dataclass(frozen=True)
class Normalised:
    """Text with HTML entities decoded and quotes, dashes and spaces made plain; offsets map back."""

    text: str
    original: str
    # (normalised position, original position) pairs where the two stop lining up
    anchors: tuple[tuple[int, int], ...] = ()

    def to_original(self, pos: int) -> int:
        return _shift(self.anchors, pos, 0, 1, len(self.original))

    def from_original(self, pos: int) -> int:
        return _shift(self.anchors, pos, 1, 0, len(self.text))


def _shift(anchors: tuple[tuple[int, int], ...], pos: int, src: int, dst: int, limit: int) -> int:
    if not anchors:
        return max(0, min(pos, limit))
    keys = [a[src] for a in anchors]
    i = bisect_right(keys, pos) - 1
    if i < 0:
        return max(0, min(pos, limit))
    base = anchors[i]
    out = base[dst] + (pos - base[src])
    if i + 1 < len(anchors):
        out = min(out, anchors[i + 1][dst])
    return max(0, min(out, limit))


@lru_cache(maxsize=8)  # match and classify read the same title and summary one after the other
def normalise(text: str) -> Normalised:
    """Decode entities, straighten quotes and dashes, blank control characters; never raises."""
    if text.isascii() and "&" not in text and text.isprintable():
        return Normalised(text, text)
    anchors: list[tuple[int, int]] = []
    parts: list[str] = []
    norm_pos = 0
    last = 0
    for m in _SPECIAL.finditer(text):
        chunk = m.group()
        repl = "" if len(chunk) == 1 else html.unescape(chunk)
        repl = _SPECIAL.sub("", repl) if repl != chunk else repl
        if repl == chunk:
            continue
        parts.append(text[last : m.start()])
        norm_pos += m.start() - last
        anchors.append((norm_pos, m.start()))
        parts.append(repl)
        norm_pos += len(repl)
        anchors.append((norm_pos, m.end()))
        last = m.end()
    parts.append(text[last:])
    joined = "".join(parts).translate(_TRANSLATE)
    if anchors:
        anchors.insert(0, (0, 0))
    return Normalised(joined, text, tuple(anchors))


_LETTER_RUN = re.compile(r"[^\W\d_]+")
_NOT_LOWER = re.compile(r"[a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f\u0430-\u045f\u03ac-\u03ce]")
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ASCII_LOWERS = b"abcdefghijklmnopqrstuvwxyz"
# every byte but an ASCII letter made a space (and, in the second, letters lower-cased): letter runs by split()
_LETTERS_ONLY = bytes(c if c in _ASCII_LETTERS else 0x20 for c in range(256))
_LOWER_LETTERS_ONLY = bytes(c | 0x20 if c in _ASCII_LETTERS else 0x20 for c in range(256))


@lru_cache(maxsize=8)
def case_style(text: str, common: frozenset[str] | None = None) -> CaseStyle:
    """How a text uses capitals: when they carry no information, names need context.

    With `common` (lower-case common words) Title Case is judged on common words only, so a
    short headline full of names ("JPMorgan Chase acquires First Republic") stays normal.
    """
    if text.isascii():
        # letters and lower-case letters counted in C: the hot path for English news
        raw = text.encode("ascii")
        letters = len(raw) - len(raw.translate(None, _ASCII_LETTERS))
        if not letters:
            return "normal"
        lower = len(raw) - len(raw.translate(None, _ASCII_LOWERS))
        # the letter runs `_LETTER_RUN` finds, cut in C; lower-cased, the same runs line up one to one
        words = raw.translate(_LETTERS_ONLY).decode("ascii").split()
        lowered = raw.translate(_LOWER_LETTERS_ONLY).decode("ascii").split() if common is not None else words
    else:
        words = _LETTER_RUN.findall(text)
        if not words:
            return "normal"
        joined = "".join(words)
        letters = len(joined)
        lower = letters - len(_NOT_LOWER.sub("", joined))
        lowered = [w.lower() for w in words]
    if letters >= 8 and lower <= letters * 0.08:
        return "upper"
    if len(words) >= 2 and words[0][0].islower() and not any(w[0].isupper() and not w.isupper() for w in words):
        return "lower"
    pairs = list(zip(words[1:], lowered[1:], strict=True))
    if common is not None:
        # the long common words, found in one pass: when there are two, the other long words do not count
        content = [pair for pair in pairs if len(pair[0]) >= 4 and pair[1] in common]
        if len(content) < 2:
            # a short headline: "Cisco To Buy Splunk For $28B" has too few long words to judge by
            short = [pair for pair in pairs if pair[1] in common and len(pair[0]) >= 2]
            if len(short) >= 2 and all(w[0].isupper() for w, _ in short):
                return "title"
            content = [pair for pair in pairs if len(pair[0]) >= 4]
    else:
        content = [pair for pair in pairs if len(pair[0]) >= 4]
    if len(content) >= 2:
        caps = sum(1 for w, _ in content if w[0].isupper())
        if caps >= 0.7 * len(content):
            return "title"
    return "normal"


# --- matching ---------------------------------------------------------------

_WORD = re.compile(r"[^\W_](?:[\w&.'\-]*[^\W_])?|'[sS]\b|[^\w\s]")
_SENTENCE_OPENERS = frozenset('.!?:;"([|')


def _opens_sentence(text: str, start: int) -> bool:
    """Whether only a sentence break (or nothing) comes before `start`: ". Apple", "- Block"."""
    before = text[max(0, start - 80) : start].rstrip()
    if not before:
        return start <= 80 or not text[:start].strip()
    if before[-1] in _SENTENCE_OPENERS:
        return True
    return before[-1] == "-" and len(before) >= 2 and before[-2].isspace()


_CLAUSE_END = re.compile(r"[.!?:;|]\s|\s-\s")
_NOT_CONTEXT = frozenset({"could", "would", "might", "should", "will", "near", "report", "reports", "source"})
_GENERIC_TAIL = frozenset({"ai", "api", "labs", "app"})
_APPOSITION = re.compile(r",\s+(?:the|a|an|which|whose|its)\b", re.IGNORECASE)  # "Scale, the startup"


@dataclass(frozen=True, slots=True)
class _Alias:
    company: str
    alias: str
    ambiguous: bool
    case_sensitive: bool
    context_required: bool | None
    ticker: bool


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    alias: _Alias
    needs_context: bool
    confirmed: bool = False
    extra: dict[str, bool] = field(default_factory=dict)


def trie_pattern(words: Iterable[str]) -> str:
    """One regex for many literals, factored by prefix so each position costs one walk."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = []
        for ch in sorted(k for k in node if k):
            piece = r"\s+" if ch == " " else re.escape(ch)
            branches.append(piece + emit(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return emit(trie)


class Matcher:
    """Finds watched companies in titles and summaries; built once per watchlist."""

    def __init__(self, companies: Sequence[Company], lexicon: Mapping[str, Any] | None = None) -> None:
        lex = lexicon if lexicon is not None else read_lexicon()
        self._ambiguous = words_of(lex, "ambiguous_names")
        self._suffixes = words_of(lex, "corporate_suffixes")
        self._other_entity = words_of(lex, "other_entity_words")
        self._compounds = words_of(lex, "name_compounds")
        self._common = words_of(lex, "common_words")
        self._context = self._context_words(lex)
        self._people = words_of(lex, "company_people")
        verbish = set(words_of(lex, "headline_verbs", "corporate_suffixes", "name_tails"))
        for forms in words_of(lex, "verbs"):
            for form in forms.split("/"):
                verbish.add(form.split()[0])
        for phrase in words_of(lex, "status_cues"):
            verbish.add(phrase.split()[0])
        self._verbish = frozenset(verbish)
        self._aliases: dict[str, list[_Alias]] = {}
        for company in companies:
            for alias in dict.fromkeys(n.strip() for n in company.names if n.strip()):
                key = self._key(alias)
                entry = self._alias_entry(company, alias)
                bucket = self._aliases.setdefault(key, [])
                if all(a.company != entry.company for a in bucket):
                    bucket.append(entry)
        body = trie_pattern(sorted(self._aliases, key=len, reverse=True))
        self._pattern: re.Pattern[str] | None = (
            re.compile(rf"(?<![\w&@#])(?:{body})(?![\w&])", re.IGNORECASE) if body else None
        )
        # the same on lower-cased text, without IGNORECASE: several times faster
        self._lower_pattern: re.Pattern[str] | None = re.compile(rf"(?<![\w&@#])(?:{body})(?![\w&])") if body else None

    @staticmethod
    def _key(alias: str) -> str:
        return " ".join(alias.lower().split())

    def _context_words(self, lex: Mapping[str, Any]) -> frozenset[str]:
        words = set(words_of(lex, "company_context", "descriptor_nouns", "generic_deal"))
        for forms in words_of(lex, "verbs"):
            for form in forms.split("/"):
                words.update(form.split())
        for phrase in words_of(lex, "nouns"):
            words.update(phrase.split())
        for phrase in words_of(lex, "status_cues"):
            words.update(w for w in phrase.split() if len(w) > 4 and w not in _NOT_CONTEXT)
        return frozenset(w for w in words if len(w) > 2 and w not in {"the", "and", "for", "with", "from"})

    def _alias_entry(self, company: Company, alias: str) -> _Alias:
        words = alias.lower().replace("-", " ").split()
        has_suffix = any(w.strip(".") in self._suffixes for w in words[1:])
        core = [w for w in words if w not in _GENERIC_TAIL]
        ambiguous = (
            not has_suffix
            and bool(core)
            and all(w in self._ambiguous for w in core)
            and not (alias.isupper() and len(alias) > 2 and alias.lower() not in self._ambiguous)
        )
        ticker = alias.isupper() and alias.replace(".", "").isalpha() and len(alias) <= 5
        case_sensitive = company.case_sensitive
        if case_sensitive is None:
            case_sensitive = ambiguous or ticker
        if ticker and len(alias) <= 2:
            ambiguous = True
        return _Alias(company.name, alias, ambiguous, case_sensitive, company.context_required, ticker)

    # -- public API --

    def match(self, title: str, summary: str) -> list[Mention]:
        """Mentions in title then summary; offsets index into the texts as given."""
        out: list[Mention] = []
        for name, text in (("title", title), ("summary", summary)):
            norm = normalise(text or "")
            fld: Field = "title" if name == "title" else "summary"
            found = self.find(norm.text)
            if not norm.anchors:  # nothing was decoded or dropped: offsets are the same
                out.extend(Mention(alias.company, alias.alias, fld, start, end) for start, end, alias in found)
                continue
            for start, end, alias in found:
                out.append(Mention(alias.company, alias.alias, fld, norm.to_original(start), norm.to_original(end)))
        return out

    def find(self, text: str) -> list[tuple[int, int, _Alias]]:
        """Accepted hits in already-normalised text: (start, end, alias)."""
        if self._pattern is None or not text:
            return []
        hits: list[_Hit] = []
        pos = 0
        lowered = text.lower()
        pattern, subject = self._pattern, text
        if len(lowered) == len(text) and self._lower_pattern is not None:
            pattern, subject = self._lower_pattern, lowered
        while True:
            m = pattern.search(subject, pos)
            if m is None:
                break
            hit = self._accept(text, m.start(), m.end())
            while hit is None:
                shorter = pattern.match(subject, m.start(), m.end() - 1) if m.end() - 1 > m.start() else None
                if shorter is None:
                    break
                m = shorter
                if m.end() < len(text) and (text[m.end()].isalnum() or text[m.end()] in "&_"):
                    continue
                hit = self._accept(text, m.start(), m.end())
            if hit is None:
                pos = m.start() + 1
                continue
            hits.append(hit)
            pos = hit.end
        return self._confirm(text, hits)

    # -- decisions --

    def _accept(self, text: str, start: int, end: int) -> _Hit | None:
        surface = text[start:end]
        candidates = self._aliases.get(self._key(surface))
        if not candidates:
            return None
        alias = candidates[0]
        if alias.case_sensitive and surface != alias.alias and not self._case_ok(surface, alias, text):
            return None
        if len(surface) <= 2 and (
            (start >= 2 and text[start - 1] == "." and text[start - 2].isalpha())
            or (text[end : end + 1] == "." and (text[end + 1 : end + 2].isalpha() or len(surface) == 1))
        ):
            return None  # the "F" of "E.F. HUTTON" or "F. Ross Johnson" is an initial, not Ford's ticker
        needs_context = bool(alias.context_required)
        if not alias.ambiguous and not alias.ticker and " " not in surface and self._names_other(text, end):
            return None  # "DOME MINES" is another company than Dome Petroleum
        if alias.ambiguous and alias.context_required is not False:
            style = case_style(text, self._common)  # only asked for when capitals decide
            if self._other_thing(text, start, end, style):
                return None
            opening = _opens_sentence(text, start)
            if opening and self._noun_follows(text, end, style):
                return None
            if style != "normal" or opening:
                needs_context = True
            if alias.ticker and style != "upper" and surface.isupper():
                needs_context = False
        return _Hit(start, end, alias, needs_context)

    def _names_other(self, text: str, end: int) -> bool:
        """Whether a capitalised company word follows a one-word name: "Dome Mines", "Mercury Systems"."""
        following = _WORD.match(text, end + 1) if text[end : end + 1] == " " else None
        if following is None:
            return False
        word = following.group()
        low = word.lower()
        if low in ("ventures", "venture", "capital", "partners", "investments", "fund", "funds"):
            return False  # "Salesforce Ventures", "Intel Capital": the company's own investing arm
        return word[0].isupper() and low in self._other_entity

    def _noun_follows(self, text: str, end: int, style: CaseStyle) -> bool:
        """ "Block party", "Apple orchards": an opening name followed by a plain noun is the word."""
        if text[end : end + 1] != " ":
            return False
        nxt = _WORD.match(text, end + 1)
        if nxt is None:
            return False
        word = nxt.group()
        low = word.lower()
        if not word[0].isalpha() or low in self._verbish or low in self._people:
            return False  # "Harvey users get ...": the company's own people, so the company
        if style == "normal" and not word[0].islower():
            return False
        if low in self._common:
            return True
        if low.endswith("ed") and len(low) > 4:
            return False  # "Arm explored acquiring ...": a past tense, the name is its subject
        # an unknown word: a noun when a verb follows it ("Apple orchards report ...")
        after = _WORD.match(text, nxt.end() + 1) if text[nxt.end() : nxt.end() + 1] == " " else None
        return after is not None and after.group().lower() in self._verbish

    def _case_ok(self, surface: str, alias: _Alias, text: str) -> bool:
        if surface == alias.alias:
            return True
        if alias.ticker:
            return surface.isupper()
        if case_style(text, self._common) in ("upper", "lower"):
            return True
        first = alias.alias[0]
        return not (first.isalpha() and first.isupper() and not surface[0].isupper())

    def _other_thing(self, text: str, start: int, end: int, style: CaseStyle) -> bool:
        """True when an ambiguous name is part of another name or word: "Meta-analysis", "Mercury Systems"."""
        after = text[end : end + 40]
        if after.startswith("-"):
            nxt = _WORD.match(after, 1)
            if nxt:
                word = nxt.group()
                low = word.lower()
                if low in self._compounds:
                    return False
                if word[0].islower() or low in self._common or style != "normal":
                    return True
        following = _WORD.match(after.lstrip(" "))
        if following and after[:1] == " ":
            word = following.group()
            low = word.lower()
            if low in self._other_entity and (word[0].isupper() or style in ("upper", "lower")):
                # "Target Partners With Ulta Beauty": the verb, in capitals, not "Scale Venture Partners"
                rest = after.lstrip(" ")[len(word) :]
                return not rest.lower().startswith((" with ", " on "))
            if low == "of" and style != "lower":
                rest = after.lstrip(" ")[2:].lstrip(" ")
                if rest[:1].isupper() and not rest.startswith(("The ", "THE ")):
                    return True
        if style == "normal" and start > 0:
            before = text[max(0, start - 40) : start]
            if before.endswith(" ") and not before.endswith("  "):
                prev_words = _WORD.findall(before)
                if prev_words:
                    prev = prev_words[-1]
                    if (
                        prev[0].isupper()
                        and prev.lower() not in self._common
                        and not prev.endswith("'s")
                        and prev.rpartition("-")[2].lower() not in self._compounds  # "Nvidia-backed Mistral"
                    ):
                        return True
        return False

    def _confirm(self, text: str, hits: list[_Hit]) -> list[tuple[int, int, _Alias]]:
        for hit in hits:
            hit.confirmed = not hit.needs_context
        pending = [h for h in hits if not h.confirmed]
        for _ in range(2):
            if not pending:
                break
            still: list[_Hit] = []
            for hit in pending:
                if self._has_context(text, hit, hits):
                    hit.confirmed = True
                else:
                    still.append(hit)
            if len(still) == len(pending):
                break
            pending = still
        return [(h.start, h.end, h.alias) for h in hits if h.confirmed]

    def _has_context(self, text: str, hit: _Hit, hits: Sequence[_Hit]) -> bool:
        if any(o.confirmed and o.alias.company != hit.alias.company for o in hits):
            return True
        after = text[hit.end : hit.end + 60]
        if after.startswith(("'s", "'S", "' ", "<")) or _APPOSITION.match(after):
            return True
        if case_style(text, self._common) == "normal":
            clause = _CLAUSE_END.split(text[hit.end :], maxsplit=1)[0]
            nxt = [w.lower() for w in _WORD.findall(clause) if w[0].isalnum()]
        else:
            nxt = [w.lower() for w in _WORD.findall(after) if w[0].isalnum()][:4]
        before = text[max(0, hit.start - 60) : hit.start]
        prv = [w.lower() for w in _WORD.findall(before) if w[0].isalnum()][-3:]
        if nxt and nxt[0].strip(".") in self._suffixes:
            return True
        return any(w in self._context for w in (*nxt, *prv))
