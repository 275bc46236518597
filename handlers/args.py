"""Commands: the words after a command name -> typed values (tokens, companies, durations, types, statuses).

Everything here is forgiving on input and never raises for what a person typed: a parser returns
None (or an error message) and the handler answers with a usage line.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.model import EVENT_TYPES, STATUSES, Company, EventType, Reply, Status

MAX_NAME = 100  # a company name or alias; longer is a paste accident
MAX_LOOKBACK = timedelta(days=3650)  # `since` beyond this is clamped: older than any news we keep

# Every double-quote-like mark opens and closes a quoted stretch, so phones' smart quotes work.
_DOUBLE_QUOTES = frozenset('"“”„‟«»')
# Single quotes quote only at the start of a word, so "McDonald's" stays one word.
_SINGLE_QUOTES = frozenset("'‘’‚‛")


class Token(str):
    """A word of a command that remembers whether it was quoted: `watch add` reads quoted names differently."""

    quoted: bool

    def __new__(cls, text: str, quoted: bool = False) -> Token:
        token = super().__new__(cls, text)
        token.quoted = quoted
        return token


def is_quoted(arg: str) -> bool:
    """True for a quoted token, and for any argument with a space in it (an adapter's option value)."""
    return bool(getattr(arg, "quoted", False)) or any(ch.isspace() for ch in arg)


def _clean(text: str) -> str:
    """Control characters become spaces and lone surrogates go: nothing unprintable reaches the store."""
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc":
            out.append(" ")
        elif category != "Cs":
            out.append(ch)
    return "".join(out)


def tokenize(text: str) -> list[Token]:
    """Split like a shell, but never fail: an unbalanced quote runs to the end of the text."""
    text = _clean(text)
    tokens: list[Token] = []
    word: list[str] = []
    quoted = False
    in_word = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            if in_word:
                tokens.append(Token("".join(word), quoted))
            word, quoted, in_word = [], False, False
            i += 1
        elif ch in _DOUBLE_QUOTES:
            end = i + 1
            while end < n and text[end] not in _DOUBLE_QUOTES:
                end += 1
            word.append(text[i + 1 : end])
            quoted = in_word = True
            i = end + 1
        elif ch in _SINGLE_QUOTES and not in_word and (close := _single_close(text, i)) is not None:
            word.append(text[i + 1 : close])
            quoted = in_word = True
            i = close + 1
        else:
            word.append(ch)
            in_word = True
            i += 1
    if in_word:
        tokens.append(Token("".join(word), quoted))
    return [t for t in tokens if t.strip()]


def _single_close(text: str, start: int) -> int | None:
    """The closing single quote of a word opened at `start`: one followed by a space or the end."""
    for j in range(start + 1, len(text)):
        if text[j] in _SINGLE_QUOTES and (j + 1 == len(text) or text[j + 1].isspace()):
            return j
    return None


def quote(name: str) -> str:
    """A value written back into a command (the "more" hint) so that it tokenizes as one word."""
    if name and not any(ch.isspace() or ch in _DOUBLE_QUOTES or ch in _SINGLE_QUOTES for ch in name):
        return name
    return '"' + "".join(ch for ch in name if ch not in _DOUBLE_QUOTES) + '"'


def usage(line: str, problem: str | None = None) -> Reply:
    """The answer to bad arguments: the usage line first, then what was wrong; only the asker sees it."""
    text = f"Usage: {line}"
    if problem:
        text += f"\n{problem}"
    return Reply(text=text, ephemeral=True)


# durations and times

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_UNITS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "w": 604800,
    "week": 604800,
    "weeks": 604800,
}


def parse_duration(text: str) -> timedelta | None:
    """`30d`, `12h`, `1h30m`, `2w`, `45s`; None for anything else, zero included."""
    compact = text.strip().lower()
    pos, total = 0, 0.0
    for match in _DURATION_PART.finditer(compact):
        unit = _UNITS.get(match.group(2))
        if match.start() != pos or unit is None:
            return None
        total += float(match.group(1)) * unit
        pos = match.end()
    if pos == 0 or pos != len(compact) or total <= 0:
        return None
    return timedelta(seconds=min(total, MAX_LOOKBACK.total_seconds()))


def parse_since(text: str, now: datetime) -> datetime | None:
    """The start of a `since` window: a duration back from now (`30d`) or a date (`2025-06-01`, UTC)."""
    span = parse_duration(text)
    if span is not None:
        return now - span
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return max(start, now - MAX_LOOKBACK)


def format_duration(seconds: float) -> str:
    """600 -> `10m`, 5400 -> `1h30m`: the inverse of parse_duration, rounded to the second."""
    left = max(0, round(seconds))
    if left == 0:
        return "0s"
    parts: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count}{unit}")
        if len(parts) == 2:  # `1d3h`, not `1d3h12m5s`: people read the first two
            break
    return "".join(parts)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def relative(moment: datetime, now: datetime) -> str:
    """`5m ago` or `in 3m`, for times close enough to read that way."""
    delta = (moment - now).total_seconds()
    if abs(delta) < 1:
        return "now"
    return f"in {format_duration(delta)}" if delta > 0 else f"{format_duration(-delta)} ago"


def parse_page(text: str) -> int | None:
    """A page number from 1 to 1000; None for anything else."""
    digits = text.strip()
    if not digits.isdigit() or len(digits) > 4:
        return None
    page = int(digits)
    return page if 1 <= page <= 1000 else None


def parse_id(text: str) -> int | None:
    """`3` or `#3`."""
    digits = text.strip().removeprefix("#")
    if not digits.isdigit() or len(digits) > 12:
        return None
    return int(digits)


def take_option(args: Sequence[str], keyword: str) -> tuple[str | None, list[str], bool]:
    """Pull `keyword value` out of the arguments (unquoted keyword, anywhere, last one wins).

    Returns (value, the other arguments, whether the keyword came without a value).
    """
    value: str | None = None
    rest: list[str] = []
    dangling = False
    i = 0
    while i < len(args):
        arg = args[i]
        if not is_quoted(arg) and arg.casefold() == keyword:
            if i + 1 < len(args):
                value = args[i + 1]
                i += 2
                continue
            dangling = True
            i += 1
            continue
        rest.append(arg)
        i += 1
    return value, rest, dangling


# event types and statuses

_TYPE_WORDS: dict[str, EventType] = {}
for _type in EVENT_TYPES:
    for _spelling in (_type, _type.replace("_", "-"), _type.replace("_", "")):
        _TYPE_WORDS[_spelling] = _type
        _TYPE_WORDS[_spelling + "s"] = _type
_TYPE_WORDS.update(
    {
        "stake": "investment",
        "stakes": "investment",
        "round": "funding",
        "rounds": "funding",
        "fundraise": "funding",
        "partnership_ended": "partnership_end",
        "partnership-ended": "partnership_end",
        "ended_partnership": "partnership_end",
    }
)

_STATUS_WORDS: dict[str, Status] = {s: s for s in STATUSES}
_STATUS_WORDS.update(
    {
        "rumors": "rumor",
        "rumour": "rumor",
        "rumours": "rumor",
        "complete": "completed",
        "closed": "completed",
        "cancelled": "terminated",
        "canceled": "terminated",
        "called_off": "terminated",
    }
)


def parse_type(word: str) -> EventType | None:
    if is_quoted(word):
        return None
    return _TYPE_WORDS.get(word.casefold())


def parse_status(word: str) -> Status | None:
    if is_quoted(word):
        return None
    return _STATUS_WORDS.get(word.casefold())


def near_types(word: str) -> list[str]:
    """Event types a misspelt word may have meant."""
    found = difflib.get_close_matches(word.casefold(), list(_TYPE_WORDS), n=3, cutoff=0.75)
    return list(dict.fromkeys(_TYPE_WORDS[w] for w in found))


# company names


def name_key(name: str) -> str:
    """How names compare: case and runs of spaces do not matter."""
    return " ".join(name.split()).casefold()


def _squash(name: str) -> str:
    """`Scale-AI`, `scaleai` and `Scale AI` meet here."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def clean_name(name: str) -> str:
    return " ".join(name.split())


def find_company(name: str, companies: Iterable[Company]) -> Company | None:
    """The watched company a name means exactly: its name or an alias, ignoring case and spacing."""
    key = name_key(name)
    if not key:
        return None
    listed = list(companies)
    for company in listed:
        if name_key(company.name) == key:
            return company
    for company in listed:
        if any(name_key(alias) == key for alias in company.aliases):
            return company
    squashed = _squash(name)
    if squashed:
        hits = {c.name: c for c in listed for n in c.names if _squash(n) == squashed}
        if len(hits) == 1:
            return next(iter(hits.values()))
    return None


def suggest_companies(name: str, companies: Iterable[Company], n: int = 3) -> list[str]:
    """Canonical names of the watched companies a misspelt name may have meant, best first."""
    by_key: dict[str, str] = {}
    for company in companies:
        for spelling in company.names:
            by_key.setdefault(name_key(spelling), company.name)
    close = difflib.get_close_matches(name_key(name), list(by_key), n=n * 2, cutoff=0.7)
    return list(dict.fromkeys(by_key[k] for k in close))[:n]


def did_you_mean(options: Sequence[str]) -> str:
    if not options:
        return ""
    if len(options) == 1:
        return f" Did you mean {options[0]}?"
    return f" Did you mean {', '.join(options[:-1])} or {options[-1]}?"


def unknown_company(name: str, companies: Sequence[Company]) -> Reply:
    """A name that matches nothing on the watchlist: say so, and offer the near misses."""
    hint = did_you_mean(suggest_companies(name, companies))
    if not hint:
        hint = " See watch list for the companies on the watchlist." if companies else " The watchlist is empty."
    return Reply(text=f'"{clean_name(name)}" is not on the watchlist.{hint}', ephemeral=True)


@dataclass(frozen=True)
class CompanySplit:
    """Companies read off a run of words; `unknown` is the first stretch that matched none."""

    companies: tuple[Company, ...]
    unknown: str | None = None


def split_companies(words: Sequence[str], companies: Sequence[Company]) -> CompanySplit:
    """Several company names in a row, unquoted ones of several words included: longest match first."""
    found: list[Company] = []
    i = 0
    while i < len(words):
        if is_quoted(words[i]):
            hit = find_company(words[i], companies)
            if hit is None:
                return CompanySplit(tuple(found), words[i])
            found.append(hit)
            i += 1
            continue
        end = i + 1
        while end < len(words) and not is_quoted(words[end]):
            end += 1
        for stop in range(end, i, -1):
            hit = find_company(" ".join(words[i:stop]), companies)
            if hit is not None:
                found.append(hit)
                i = stop
                break
        else:
            return CompanySplit(tuple(found), _best_unknown(words[i:end], companies))
    return CompanySplit(tuple(dict.fromkeys(found)))


def _best_unknown(words: Sequence[str], companies: Sequence[Company]) -> str:
    """The stretch worth naming in a "did you mean": the longest that has a near miss, else the first word."""
    for stop in range(len(words), 0, -1):
        candidate = " ".join(words[:stop])
        if suggest_companies(candidate, companies):
            return candidate
    return words[0]
