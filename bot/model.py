"""Core data types that flow through every stage: plain frozen values, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

EventType = Literal["acquisition", "merger", "investment", "funding", "divestiture", "partnership", "partnership_end"]
Status = Literal["rumor", "announced", "completed", "terminated"]
AlertKind = Literal["new", "update"]

EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
STATUSES: tuple[Status, ...] = get_args(Status)

# How far along a story is; a subscription's min_status compares against this.
# A termination ranks with an announcement: whoever heard of the deal wants to hear it died.
STATUS_RANK: Mapping[Status, int] = {"rumor": 0, "announced": 1, "terminated": 1, "completed": 2}

# Roles each event type uses, in the order alerts list them (shared/eval/README.md).
ROLES: Mapping[EventType, tuple[str, ...]] = {
    "acquisition": ("acquirer", "target", "seller"),
    "merger": ("parties",),
    "investment": ("investor", "target"),
    "funding": ("target", "investors"),
    "divestiture": ("seller", "target", "buyer"),
    "partnership": ("parties",),
    "partnership_end": ("parties",),
}


@dataclass(frozen=True)
class Company:
    """A watched company. `None` for the strictness flags means: decide from the name."""

    name: str
    aliases: tuple[str, ...] = ()
    case_sensitive: bool | None = None
    context_required: bool | None = None
    cik: str | None = None
    # Looked up in SEC's ticker file for a CIK when `cik` is None; else ticker-like aliases are.
    ticker: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Article:
    """One news item as parsed from a source; `key` is stable across fetches of that source."""

    key: str
    title: str
    summary: str
    url: str
    publisher: str
    published: datetime
    id: int | None = None
    source_id: int | None = None
    # Kind-specific facts a later step may act on (EDGAR form, items, accession, CIK; HN points).
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Mention:
    """A watched company named in an article; offsets index into `field`'s text."""

    company: str
    alias: str
    field: Literal["title", "summary"]
    start: int
    end: int


@dataclass(frozen=True)
class Money:
    value: float
    currency: str


@dataclass(frozen=True)
class SourceRef:
    """An article cited by an event: what an alert links to."""

    title: str
    url: str
    source: str
    published: datetime


@dataclass(frozen=True)
class DealEvent:
    """A deal or partnership change. `id` and `sources` are set once the store knows it."""

    type: EventType
    status: Status
    parties: Mapping[str, tuple[str, ...]]
    amount_usd: float | None = None
    stake_pct: float | None = None
    amount: Money | None = None
    evidence: str = ""
    id: int | None = None
    sources: tuple[SourceRef, ...] = ()
    first_seen: datetime | None = None
    status_history: tuple[Status, ...] = ()

    def party_names(self) -> frozenset[str]:
        return frozenset(name for names in self.parties.values() for name in names)


@dataclass(frozen=True)
class Subscription:
    """Who hears about what. `companies` holds canonical names, `*` (every watched one) or `any`."""

    target: str
    companies: tuple[str, ...] = ("*",)
    types: tuple[EventType, ...] = EVENT_TYPES
    min_status: Status = "announced"
    id: int | None = None


@dataclass(frozen=True)
class Alert:
    """One delivery of an event to one target; updates carry the first alert's platform reference."""

    delivery_id: int
    kind: AlertKind
    target: str
    event: DealEvent
    thread_ref: str | None = None
    attempts: int = 0


@dataclass(frozen=True)
class Card:
    """What an alert says, decided once; adapters only lay it out."""

    title: str
    fields: tuple[tuple[str, str], ...]
    evidence: str
    sources: tuple[SourceRef, ...]
    more_sources: int
    fallback: str
    event_type: EventType | None = None
    kind: AlertKind = "new"


@dataclass(frozen=True)
class Reply:
    """A command's answer, transport-neutral."""

    text: str
    cards: tuple[Card, ...] = ()
    ephemeral: bool = False
    more: str | None = None


@dataclass(frozen=True)
class SourceSpec:
    """A source as configured or added from chat."""

    kind: str
    url: str
    interval_s: int
    backfill_s: int = 0
    company: str | None = None


@dataclass(frozen=True)
class SourceState:
    """A source with its fetch state and health, as the store keeps it."""

    id: int
    kind: str
    url: str
    interval_s: int
    backfill_s: int
    company: str | None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    next_poll: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    error_count: int = 0
    failing_since: datetime | None = None
    broken_at: datetime | None = None
    first_polled: bool = False
    created_at: datetime | None = None


@dataclass(frozen=True)
class FetchResult:
    """What one fetch produced; the poll step decides what it means. Never an exception for HTTP trouble."""

    url: str
    status: int | None
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    error: str | None = None
    retry_after_s: float | None = None
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300
