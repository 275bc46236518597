"""Store: the initial schema (watchlist, SEC tickers, sources, articles, events, subscriptions, outbox).

Revision ID: 0001
Revises:
Create Date: 2025-11-25

Written by hand, deliberately free of imports from `bot`, so it keeps meaning the same DDL
when `tables.py` moves on. Times are `timestamptz` on PostgreSQL and UTC text on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time(name: str, nullable: bool) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _id(table: str) -> tuple[sa.Column[int], sa.PrimaryKeyConstraint]:
    return sa.Column("id", sa.Integer, autoincrement=True, nullable=False), sa.PrimaryKeyConstraint(
        "id", name=f"pk_{table}"
    )


def upgrade() -> None:
    op.create_table(
        "companies",
        *_id("companies"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("case_sensitive", sa.Boolean, nullable=True),
        sa.Column("context_required", sa.Boolean, nullable=True),
        sa.Column("cik", sa.String(20), nullable=True),
        sa.Column("ticker", sa.String(20), nullable=True),
        sa.UniqueConstraint("name_key", name="uq_companies_name_key"),
    )
    op.create_table(
        "sec_tickers",
        sa.Column("ticker", sa.String(20), nullable=False),
        sa.Column("cik", sa.String(10), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        _time("fetched_at", False),
        sa.PrimaryKeyConstraint("ticker", name="pk_sec_tickers"),
    )
    op.create_table(
        "company_aliases",
        sa.Column("company_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("company_id", "position", name="pk_company_aliases"),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name="fk_company_aliases_company_id_companies",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "sources",
        *_id("sources"),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("interval_s", sa.Integer, nullable=False),
        sa.Column("backfill_s", sa.Integer, nullable=False),
        sa.Column("company", sa.String(200), nullable=True),
        sa.Column("etag", sa.Text, nullable=True),
        sa.Column("last_modified", sa.Text, nullable=True),
        sa.Column("body_hash", sa.String(128), nullable=True),
        _time("next_poll", True),
        _time("last_success", True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("error_count", sa.Integer, nullable=False),
        _time("failing_since", True),
        _time("broken_at", True),
        sa.Column("first_polled", sa.Boolean, nullable=False),
        sa.Column("lease_owner", sa.String(200), nullable=True),
        _time("lease_expires", True),
        _time("created_at", False),
        sa.UniqueConstraint("kind", "url", name="uq_sources_kind_url"),
    )
    op.create_index("ix_sources_next_poll", "sources", ["next_poll"])
    op.create_table(
        "articles",
        *_id("articles"),
        sa.Column("source_id", sa.Integer, nullable=True),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("publisher", sa.String(200), nullable=False),
        _time("published", False),
        _time("fetched_at", False),
        sa.Column("extra", sa.JSON, nullable=False),
        sa.Column("processed", sa.Boolean, nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_articles_source_id_sources", ondelete="SET NULL"
        ),
        sa.UniqueConstraint("source_id", "key", name="uq_articles_source_id_key"),
    )
    op.create_index("ix_articles_url", "articles", ["url"])
    op.create_table(
        "events",
        *_id("events"),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("parties", sa.JSON, nullable=False),
        sa.Column("amount_usd", sa.Float, nullable=True),
        sa.Column("stake_pct", sa.Float, nullable=True),
        sa.Column("amount_value", sa.Float, nullable=True),
        sa.Column("amount_currency", sa.String(8), nullable=True),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("status_history", sa.JSON, nullable=False),
        _time("first_seen", False),
        _time("updated_at", False),
    )
    op.create_index("ix_events_updated_at", "events", ["updated_at"])
    op.create_table(
        "event_articles",
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("article_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("event_id", "article_id", name="pk_event_articles"),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name="fk_event_articles_event_id_events", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_event_articles_article_id_articles", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_event_articles_article_id", "event_articles", ["article_id"])
    op.create_table(
        "event_parties",
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "role", "name", name="pk_event_parties"),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name="fk_event_parties_event_id_events", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_event_parties_name", "event_parties", ["name"])
    op.create_table(
        "subscriptions",
        *_id("subscriptions"),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("companies", sa.JSON, nullable=False),
        sa.Column("types", sa.JSON, nullable=False),
        sa.Column("min_status", sa.String(16), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        _time("created_at", False),
        sa.UniqueConstraint("fingerprint", name="uq_subscriptions_fingerprint"),
    )
    op.create_index("ix_subscriptions_target", "subscriptions", ["target"])
    op.create_table(
        "deliveries",
        *_id("deliveries"),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        _time("next_attempt_at", False),
        sa.Column("lease_owner", sa.String(200), nullable=True),
        _time("lease_expires", True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("platform_ref", sa.Text, nullable=True),
        _time("created_at", False),
        _time("sent_at", True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_deliveries_event_id_events", ondelete="CASCADE"),
        sa.UniqueConstraint("event_id", "target", "status", name="uq_deliveries_event_id_target_status"),
    )
    op.create_index("ix_deliveries_state_next_attempt_at", "deliveries", ["state", "next_attempt_at"])


def downgrade() -> None:
    for table in (
        "deliveries",
        "subscriptions",
        "event_parties",
        "event_articles",
        "events",
        "articles",
        "sources",
        "company_aliases",
        "sec_tickers",
        "companies",
    ):
        op.drop_table(table)
