"""classify: a proposed event and an object phrase, as the frames build them, before selection."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.model import EventType, Status
from bot.pipeline.classify.tokens import _Ent, _Seg, _Tok


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


def _unique(ents: Iterable[_Ent]) -> list[_Ent]:
    out: list[_Ent] = []
    seen: set[str] = set()
    for e in ents:
        key = e.name.lower()
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
