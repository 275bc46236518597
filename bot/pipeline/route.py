"""Route: an event x the subscriptions -> the targets that should hear of it."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.model import STATUS_RANK, DealEvent, Subscription

ALL_WATCHED = "*"
ANY_COMPANY = "any"


def wants(sub: Subscription, event: DealEvent, watched: Collection[str]) -> bool:
    """`watched` holds the casefolded canonical names of the watchlist."""
    if event.type not in sub.types:
        return False
    if STATUS_RANK[event.status] < STATUS_RANK[sub.min_status]:
        return False
    parties = {n.casefold() for n in event.party_names()}
    wanted = {c.casefold() for c in sub.companies}
    if ANY_COMPANY in wanted:
        return True
    if ALL_WATCHED in wanted and parties & set(watched):
        return True
    return bool(parties & wanted)


def route(event: DealEvent, subscriptions: Sequence[Subscription], watched: Collection[str]) -> tuple[str, ...]:
    """Targets in subscription order, each once."""
    targets: dict[str, None] = {}
    for sub in subscriptions:
        if wants(sub, event, watched):
            targets.setdefault(sub.target)
    return tuple(targets)
