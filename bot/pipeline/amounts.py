"""Classify helper: money and stake figures found in normalised text (used by classify to price events)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.model import Money

_SCALES: dict[str, float] = {
    "trillion": 1e12,
    "tn": 1e12,
    "tln": 1e12,
    "tr": 1e12,
    "billion": 1e9,
    "bln": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "bil": 1e9,
    "million": 1e6,
    "mln": 1e6,
    "mn": 1e6,
    "mil": 1e6,
    "mm": 1e6,
    "m": 1e6,
    "thousand": 1e3,
    "k": 1e3,
    "crore": 1e7,
    "crores": 1e7,
    "lakh": 1e5,
    "lakhs": 1e5,
}

# Symbols and codes written before the number.
_PREFIX_CURRENCY: dict[str, str] = {
    "us$": "USD",
    "u.s.$": "USD",
    "usd": "USD",
    "$": "USD",
    "c$": "CAD",
    "ca$": "CAD",
    "cad": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "aud": "AUD",
    "nz$": "NZD",
    "hk$": "HKD",
    "s$": "SGD",
    "r$": "BRL",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "¥": "JPY",
    "jpy": "JPY",
    "cny": "CNY",
    "rmb": "CNY",
    "₹": "INR",
    "rs": "INR",
    "rs.": "INR",
    "inr": "INR",
    "chf": "CHF",
    "sek": "SEK",
    "₩": "KRW",
    "krw": "KRW",
}

# Words written after the number ("1.5 billion dollars", "10 BLN DLRS").
_SUFFIX_CURRENCY: dict[str, str] = {
    "dollars": "USD",
    "dollar": "USD",
    "dlrs": "USD",
    "dlr": "USD",
    "usd": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "eur": "EUR",
    "pounds": "GBP",
    "pound": "GBP",
    "sterling": "GBP",
    "stg": "GBP",
    "gbp": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupees": "INR",
    "rupee": "INR",
    "swiss francs": "CHF",
    "francs": "CHF",
    "won": "KRW",
    "kronor": "SEK",
    "crowns": "SEK",
    "reais": "BRL",
}

# A country word before "dollars"/"dlrs" that makes them not US dollars.
_DOLLAR_COUNTRY: dict[str, str] = {
    "can": "CAD",
    "canadian": "CAD",
    "australian": "AUD",
    "aust": "AUD",
    "hk": "HKD",
    "hong kong": "HKD",
    "new zealand": "NZD",
    "nz": "NZD",
    "singapore": "SGD",
    "taiwan": "TWD",
    "u.s.": "USD",
    "us": "USD",
}

_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE_WORD = r"trillion|billion|million|thousand|crores?|lakhs?|bln|mln|tln|bil|mil|bn|mn|tn"
_SCALE_ABBR = r"tn|tr|bn|mn|mm|b|m|k"
_PREFIX = (
    r"(?P<pre>u\.s\.\s?\$|us\$|nz\$|hk\$|ca\$|au\$|c\$|a\$|s\$|r\$|\$|€|£|¥|₹|₩"
    r"|(?:usd|eur|gbp|jpy|cny|rmb|inr|chf|sek|krw|cad|aud|rs\.?)\s?)"
)
_SUFFIX = (
    r"(?P<country>can(?:adian)?\s|australian\s|aust\s|hk\s|hong kong\s|new zealand\s|nz\s|singapore\s"
    r"|taiwan\s|u\.s\.\s|us\s)?"
    r"(?P<suf>dollars?|dlrs?|usd|euros?|eur|pounds?(?:\ssterling)?|sterling|stg|gbp|yen|yuan|renminbi"
    r"|rupees?|swiss francs|francs|won|kronor|crowns|reais)"
)

# "$14.3B", "US$7.5 billion", "€5.44bn", "$50 billion-plus", "$2 BLN DLRS" (feeds double spaces too)
_PREFIXED = re.compile(
    r"(?<![\w$€£¥₹₩.])"
    rf"{_PREFIX}\s{{0,2}}{_NUM}(?:\s{{0,2}}(?P<scale1>{_SCALE_WORD})|(?P<scale2>{_SCALE_ABBR}))?(?![\w])"
    r"(?:-plus|\+)?(?:\s{1,2}(?:u\.s\.\s|us\s)?(?P<suf1>dollars?|dlrs?)(?![\w]))?",
    re.IGNORECASE,
)
# The same number, opening with a bare digit so the regex engine can jump from digit to digit;
# the look-behind, checked after that digit, still tests the character before the number.
_NUM_FIRST = r"(?P<num>\d(?<![\w$€£¥₹₩.]\d)(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?))"
# "1.5 billion dollars", "10 BLN DLRS", "500 MLN CAN DLRS", "5 billion euros"
_SUFFIXED = re.compile(
    rf"{_NUM_FIRST}(?:\s{{0,2}}(?P<scale1>{_SCALE_WORD})|(?P<scale2>{_SCALE_ABBR}))?(?:-plus)?\s{{1,2}}{_SUFFIX}(?![\w])",
    re.IGNORECASE,
)

_STAKE = re.compile(
    r"(?P<num>\d(?<![\w.]\d)\d{0,2}(?:\.\d+)?)\s{0,2}(?:%|-?\s?per\s?cent\b|-?\s?percent\b|\s?pct\b)",
    re.IGNORECASE,
)


_DIGIT = re.compile(r"\d")
# Cheap tests that let most texts skip the full patterns: plain substring checks run in C,
# where one case-insensitive alternation would try every position of the text.
_CURRENCY_HINTS = (
    *"$€£¥₹₩",
    *("usd", "eur", "gbp", "jpy", "cny", "rmb", "inr", "chf", "sek", "krw", "cad", "aud", "rs", "dlr"),
    *("dollar", "pound", "sterling", "stg", "yen", "yuan", "renminbi", "rupee", "franc", "won", "kronor"),
    *("crown", "reais"),
)
_PERCENT_HINTS = ("%", "per", "pct")
# the hints as one pattern: a single scan instead of one substring test per hint
_CURRENCY_HINT = re.compile("|".join(re.escape(hint) for hint in _CURRENCY_HINTS))
# A money figure starts at most this many characters before its first digit ("U.S. $ 5").
_PREFIX_REACH = 10


@dataclass(frozen=True)
class AmountSpan:
    """A money figure at [start, end) of the text it was found in."""

    start: int
    end: int
    money: Money

    @property
    def usd(self) -> float | None:
        return self.money.value if self.money.currency == "USD" else None


@dataclass(frozen=True)
class StakeSpan:
    """A percentage at [start, end) of the text: "49%", "10 percent", "12.5 PCT"."""

    start: int
    end: int
    pct: float


def _number(text: str) -> float:
    return float(text.replace(",", ""))


# "ONE BLN DLRS", "a billion dollars": wire copy spells small numbers out
_SPELLED = re.compile(
    r"(?<![\w$])(?P<num>one|two|three|four|five|six|seven|eight|nine|ten|a)\s{1,2}"
    r"(?P<scale>trillion|billion|bln|million|mln)\s{1,2}(?:dollars|dlrs)(?!\w)",
    re.IGNORECASE,
)
_SPELLED_VALUES = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_SPELLED_VALUES |= {"nine": 9, "ten": 10}


def _spelled_amounts(text: str) -> list[AmountSpan]:
    return [
        AmountSpan(
            m.start(),
            m.end(),
            Money(_SPELLED_VALUES[m.group("num").lower()] * _SCALES[m.group("scale").lower()], "USD"),
        )
        for m in _SPELLED.finditer(text)
    ]


def find_amounts(text: str) -> list[AmountSpan]:
    """Every money figure in `text`, in order; a bare number without a currency is not money."""
    found: list[AmountSpan] = []
    digit = _DIGIT.search(text)
    if digit is None:
        low = text.lower()
        return _spelled_amounts(text) if "dlrs" in low or "dollars" in low else found
    low = text.lower()
    if _CURRENCY_HINT.search(low) is None:
        return found
    pos = max(0, digit.start() - _PREFIX_REACH)  # the patterns' look-behinds still see text before pos
    taken: list[tuple[int, int]] = []
    for pattern in (_PREFIXED, _SUFFIXED):
        for m in pattern.finditer(text, pos):
            if taken and any(m.start() < end and start < m.end() for start, end in taken):
                continue
            try:
                value = _number(m.group("num"))
            except ValueError:
                continue
            scale = m.group("scale1") or m.group("scale2")
            if scale:
                value *= _SCALES[scale.lower()]
            currency = _currency(m)
            if currency is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(AmountSpan(m.start(), m.end(), Money(value, currency)))
    if "dlrs" in low or "dollars" in low:
        found.extend(a for a in _spelled_amounts(text) if not any(a.start < e and s < a.end for s, e in taken))
    found.sort(key=lambda a: a.start)
    return found


def _currency(m: re.Match[str]) -> str | None:
    groups = m.groupdict()
    pre = groups.get("pre")
    if pre:
        key = "".join(pre.lower().split())
        return _PREFIX_CURRENCY.get(key, _PREFIX_CURRENCY.get(key.rstrip(".")))
    suf = groups.get("suf")
    if suf:
        country = groups.get("country")
        word = " ".join(suf.lower().split())
        if word.startswith("pound"):
            word = "pounds"
        currency = _SUFFIX_CURRENCY.get(word)
        if currency == "USD" and country:
            return _DOLLAR_COUNTRY.get(country.strip().lower(), "USD")
        return currency
    return None


def find_stakes(text: str) -> list[StakeSpan]:
    """Every percentage in `text`; whether it is a stake is for the caller's context to say."""
    out: list[StakeSpan] = []
    digit = _DIGIT.search(text)
    if digit is None:
        return out
    low = text.lower()
    if not any(hint in low for hint in _PERCENT_HINTS):
        return out
    for m in _STAKE.finditer(text, digit.start()):
        pct = float(m.group("num"))
        if 0 < pct <= 100:
            out.append(StakeSpan(m.start(), m.end(), pct))
    return out


def parse_money(text: str) -> Money | None:
    """The first money figure in `text`, if any: a convenience for tests and commands."""
    found = find_amounts(text)
    return found[0].money if found else None
