"""Where the store keeps its rows: the schema as SQLAlchemy Core tables, shared by SQLite and PostgreSQL.

Migrations (`migrations/versions/`) are written by hand and must produce exactly this schema;
`tests/store/test_migrations.py` compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

# Named constraints, so a later migration can drop or alter them by name on both backends.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC in and out on every backend.

    SQLite has no time zones: it stores naive text and drops any offset on the way in, so
    values are converted to UTC before binding and marked UTC again when read. Naive input is
    refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the store only takes aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    @property
    def python_type(self) -> type[datetime]:
        return datetime


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


companies = Table(
    "companies",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    # the casefolded name: lookups and uniqueness ignore case ("scale ai" is "Scale AI")
    Column("name_key", String(200), nullable=False, unique=True),
    Column("case_sensitive", Boolean, nullable=True),
    Column("context_required", Boolean, nullable=True),
    Column("cik", String(20), nullable=True),
    Column("ticker", String(20), nullable=True),
)

# SEC's ticker file as last fetched (see bot/sources/sec_tickers.py): a ticker -> CIK lookup for
# watched companies configured without a CIK. Replaced whole on every refresh.
sec_tickers = Table(
    "sec_tickers",
    metadata,
    Column("ticker", String(20), primary_key=True),
    Column("cik", String(10), nullable=False),
    Column("title", Text, nullable=False),
    Column("fetched_at", UtcDateTime, nullable=False),
)

company_aliases = Table(
    "company_aliases",
    metadata,
    Column("company_id", Integer, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("alias", String(200), nullable=False),
    PrimaryKeyConstraint("company_id", "position"),
)

sources = Table(
    "sources",
    metadata,
    _id(),
    Column("kind", String(40), nullable=False),
    Column("url", Text, nullable=False),
    Column("interval_s", Integer, nullable=False),
    Column("backfill_s", Integer, nullable=False, default=0),
    Column("company", String(200), nullable=True),
    Column("etag", Text, nullable=True),
    Column("last_modified", Text, nullable=True),
    Column("body_hash", String(128), nullable=True),
    Column("next_poll", UtcDateTime, nullable=True, index=True),
    Column("last_success", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("error_count", Integer, nullable=False, default=0),
    Column("failing_since", UtcDateTime, nullable=True),
    Column("broken_at", UtcDateTime, nullable=True),  # failing long enough that an admin was told
    Column("first_polled", Boolean, nullable=False, default=False),
    Column("lease_owner", String(200), nullable=True),
    Column("lease_expires", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("kind", "url"),
)

articles = Table(
    "articles",
    metadata,
    _id(),
    # SET NULL: removing a source must not take away the articles its events cite
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="SET NULL"), nullable=True),
    Column("key", Text, nullable=False),
    Column("url", Text, nullable=False, index=True),  # canonical URL, as parsed
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("publisher", String(200), nullable=False),
    Column("published", UtcDateTime, nullable=False),
    Column("fetched_at", UtcDateTime, nullable=False),
    Column("extra", JSON, nullable=False),  # kind-specific facts: EDGAR form and items, HN points
    # False until every event the article reports is saved: a poll that died midway is resumed.
    Column("processed", Boolean, nullable=False, default=False),
    UniqueConstraint("source_id", "key"),
)

events = Table(
    "events",
    metadata,
    _id(),
    Column("type", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("parties", JSON, nullable=False),  # {role: [name, ...]} in the classifier's order
    Column("amount_usd", Float, nullable=True),
    Column("stake_pct", Float, nullable=True),
    Column("amount_value", Float, nullable=True),
    Column("amount_currency", String(8), nullable=True),
    Column("evidence", Text, nullable=False, default=""),
    Column("status_history", JSON, nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False, index=True),
)

event_articles = Table(
    "event_articles",
    metadata,
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    PrimaryKeyConstraint("event_id", "article_id"),
)

# The parties again, one row each, so "events naming X" is an indexed lookup instead of JSON search.
event_parties = Table(
    "event_parties",
    metadata,
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False, index=True),  # casefolded
    Column("role", String(32), nullable=False),
    PrimaryKeyConstraint("event_id", "role", "name"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    _id(),
    Column("target", String(200), nullable=False, index=True),
    Column("companies", JSON, nullable=False),
    Column("types", JSON, nullable=False),
    Column("min_status", String(16), nullable=False),
    # JSON has no equality on PostgreSQL, so sameness is a digest of the normalised fields
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
)

# The outbox: one row per (event, target, status); the delivery loop claims rows with a lease.
deliveries = Table(
    "deliveries",
    metadata,
    _id(),
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("target", String(200), nullable=False),
    Column("kind", String(8), nullable=False),  # new | update
    Column("status", String(16), nullable=False),  # the event's status when this was queued
    Column("state", String(8), nullable=False),  # pending | sending | sent | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("lease_owner", String(200), nullable=True),
    Column("lease_expires", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("platform_ref", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    UniqueConstraint("event_id", "target", "status"),
    Index("ix_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
)
