"""classify: the words, names, money figures and percentages a headline is read as."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.model import Money
from bot.pipeline.match import CaseStyle

_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W_](?:[\w&.'\-:/]*[^\W_])?|'[sS]\b|[^\w\s]")


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
