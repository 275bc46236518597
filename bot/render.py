"""Render: an alert -> a Card; what an alert says is decided here once, for every platform."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

from bot.model import ROLES, Alert, Card, DealEvent, EventType, Money, SourceRef

MAX_SOURCES = 3

TYPE_LABEL: dict[EventType, str] = {
    "acquisition": "Acquisition",
    "merger": "Merger",
    "investment": "Investment",
    "funding": "Funding round",
    "divestiture": "Divestiture",
    "partnership": "Partnership",
    "partnership_end": "Partnership ended",
}

_ROLE_LABEL = {
    "acquirer": "Acquirer",
    "target": "Target",
    "seller": "Seller",
    "parties": "Parties",
    "investor": "Investor",
    "investors": "Investors",
    "buyer": "Buyer",
}

# How a headline reads, per type: which roles stand either side of the arrow.
_HEADLINE_ROLES: dict[EventType, tuple[str, str]] = {
    "acquisition": ("acquirer", "target"),
    "investment": ("investor", "target"),
    "funding": ("investors", "target"),
    "divestiture": ("seller", "target"),
}


def format_usd(amount: float) -> str:
    """$14.3B, $250M, $1.2T: the way deal news writes money."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if amount >= size:
            return f"${amount / size:.3g}{suffix}" if amount / size < 1000 else f"${amount / size:,.0f}{suffix}"
    return f"${amount:,.0f}"


def format_money(money: Money) -> str:
    value = money.value
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if value >= size:
            return f"{money.currency} {value / size:.3g}{suffix}"
    return f"{money.currency} {value:,.0f}"


def headline(event: DealEvent) -> str:
    """`Meta -> Scale AI` for directional types, `OpenAI / Scale AI` for symmetric ones."""
    roles = _HEADLINE_ROLES.get(event.type)
    if roles:
        left = ", ".join(event.parties.get(roles[0], ()))
        right = ", ".join(event.parties.get(roles[1], ()))
        if event.type == "funding":
            return f"{right} raises" + (f" from {left}" if left else "")
        if left and right:
            return f"{left} → {right}"
        return left or right
    return " / ".join(event.parties.get("parties", ()))


def render_alert(alert: Alert) -> Card:
    event = alert.event
    label = TYPE_LABEL[event.type]
    title = f"{label} ({event.status}): {headline(event)}"
    if alert.kind == "update":
        title = f"Update: {title}"
    fields: list[tuple[str, str]] = []
    for role in ROLES[event.type]:
        names = event.parties.get(role)
        if names:
            fields.append((_ROLE_LABEL.get(role, role.title()), ", ".join(names)))
    if event.amount_usd is not None:
        fields.append(("Amount", format_usd(event.amount_usd)))
    elif event.amount is not None:
        fields.append(("Amount", format_money(event.amount)))
    if event.stake_pct is not None:
        fields.append(("Stake", f"{event.stake_pct:g}%"))
    history = " → ".join(event.status_history) if len(event.status_history) > 1 else event.status
    fields.append(("Status", history))
    shown = event.sources[:MAX_SOURCES]
    more = max(0, len(event.sources) - MAX_SOURCES)
    card = Card(
        title=title,
        fields=tuple(fields),
        evidence=event.evidence,
        sources=shown,
        more_sources=more,
        fallback="",
        event_type=event.type,
        kind=alert.kind,
    )
    return replace(card, fallback=card_text(card))


def source_lines(card: Card, choices: Callable[[SourceRef], Sequence[str]], room: int) -> list[str]:
    """The card's sources as lines within `room` characters, then "and N more". For each source the
    first of its `choices` that still fits is used (say, a link, else the bare title); a source
    none of whose choices fits counts as more. Platforms differ only in how a line is written."""
    lines: list[str] = []
    size = 40  # room for the "and N more sources" line
    more = card.more_sources
    for ref in card.sources:
        line = next((c for c in choices(ref) if size + len(c) + 1 <= room), None)
        if line is None:
            more += 1
            continue
        lines.append(line)
        size += len(line) + 1
    if more:
        lines.append(f"and {more} more source{'s' if more > 1 else ''}")
    return lines


def pack_lines(lines: Iterable[str], limit: int) -> Iterator[str]:
    """Lines (each already at most `limit` long) packed into pieces of at most `limit` characters,
    split only between lines: how long replies become several platform messages or sections."""
    piece: list[str] = []
    size = -1  # the joined length of `piece`: its lines plus the newlines between them
    for line in lines:
        if piece and size + 1 + len(line) > limit:
            yield "\n".join(piece)
            piece, size = [], -1
        piece.append(line)
        size += 1 + len(line)
    if piece:
        yield "\n".join(piece)


def card_text(card: Card) -> str:
    """Plain text of a card: the console's output and the chat platforms' notification fallback."""
    lines = [card.title]
    lines += [f"  {name}: {value}" for name, value in card.fields]
    if card.evidence:
        lines.append(f'  Why: "{card.evidence}"')
    for ref in card.sources:
        lines.append(f"  - {ref.title} ({ref.source}) {ref.url}".replace(" ()", ""))
    if card.more_sources:
        lines.append(f"  and {card.more_sources} more source{'s' if card.more_sources > 1 else ''}")
    return "\n".join(lines)
