"""Dedup: a classified event against recent ones -> new, update (status moved on) or duplicate."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bot.model import DealEvent, EventType, Status

# Stage of a story: a later stage is news (an update), the same or an earlier one is not.
STAGE: dict[Status, int] = {"rumor": 0, "announced": 1, "completed": 2, "terminated": 2}

# The roles that identify a deal; symmetric types compare their one role as a set.
_KEY_ROLES: dict[EventType, tuple[str, ...]] = {
    "acquisition": ("acquirer", "target"),
    "investment": ("investor", "target"),
    "funding": ("target",),
    "divestiture": ("seller", "target"),
    "merger": ("parties",),
    "partnership": ("parties",),
    "partnership_end": ("parties",),
}
_SYMMETRIC: frozenset[EventType] = frozenset({"merger", "partnership", "partnership_end"})
# Outlets disagree on whether a big stake is an investment, an acquisition or a merger.
_DEAL_FAMILY: frozenset[EventType] = frozenset({"acquisition", "merger", "investment"})

_SUFFIX = re.compile(r"[\s,]+(inc|corp|corporation|co|company|ltd|limited|llc|plc|ag|sa|nv|gmbh|holdings|group)\.?$")


@dataclass(frozen=True)
class Decision:
    kind: Literal["new", "update", "duplicate"]
    event: DealEvent


def normalise_name(name: str) -> str:
    """Folds case, punctuation and legal suffixes so outlets' spellings of one party compare equal."""
    n = name.casefold().strip().replace("’", "'")
    n = re.sub(r"'s$", "", n)
    for _ in range(2):
        n = _SUFFIX.sub("", n)
    return re.sub(r"[^\w&+]+", " ", n).strip()


def names_match(a: str, b: str) -> bool:
    """Normalised names match when equal or when one is the other's leading words ("meta" ~ "meta platforms")."""
    short, long = sorted((a, b), key=len)
    return short == long or (bool(short) and long.startswith(short + " "))


def _overlap(xs: frozenset[str], ys: frozenset[str]) -> bool:
    return any(names_match(x, y) for x in xs for y in ys)


def _covers(large: frozenset[str], small: frozenset[str]) -> bool:
    return all(any(names_match(s, x) for x in large) for s in small)


def _role(event: DealEvent, role: str) -> frozenset[str]:
    return frozenset(normalise_name(n) for n in event.parties.get(role, ()) if n.strip())


def same_event(a: DealEvent, b: DealEvent) -> bool:
    """Whether two reports describe one deal: same parties in the same roles, amounts not at odds."""
    if a.amount_usd and b.amount_usd and abs(a.amount_usd - b.amount_usd) > 0.1 * max(a.amount_usd, b.amount_usd):
        return False
    if a.type != b.type:
        if a.type in _DEAL_FAMILY and b.type in _DEAL_FAMILY:
            pa, pb = _all_parties(a), _all_parties(b)
            return len(pa) >= 2 and len(pa) == len(pb) and _covers(pa, pb) and _covers(pb, pa)
        return False
    if a.type in _SYMMETRIC:
        pa, pb = _role(a, "parties"), _role(b, "parties")
        small, large = sorted((pa, pb), key=len)
        if len(small) < 2:
            return len(pa) == len(pb) == 1 and _overlap(pa, pb)
        return _covers(large, small)
    matched = False
    for role in _KEY_ROLES[a.type]:
        ra, rb = _role(a, role), _role(b, role)
        if ra and rb:
            if not _overlap(ra, rb):
                return False
            matched = True
    return matched


def _all_parties(event: DealEvent) -> frozenset[str]:
    return frozenset(normalise_name(n) for n in event.party_names())


def dedup(event: DealEvent, recent: Sequence[DealEvent]) -> Decision:
    """Decide against recent stored events (with ids); the newest matching one wins."""
    for known in sorted(recent, key=lambda e: e.id or 0, reverse=True):
        if known.id is None or not same_event(event, known):
            continue
        merged = replace(
            known,
            amount_usd=known.amount_usd or event.amount_usd,
            stake_pct=known.stake_pct or event.stake_pct,
            amount=known.amount or event.amount,
        )
        if STAGE[event.status] > STAGE[known.status]:
            return Decision(
                "update",
                replace(merged, status=event.status, evidence=event.evidence or known.evidence),
            )
        return Decision("duplicate", merged)
    return Decision("new", event)
