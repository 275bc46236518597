"""Store: rows. `SqlStore` implements `bot.ports.Store` with SQLAlchemy Core on SQLite or PostgreSQL.

Every method is one transaction. On PostgreSQL several instances share the work: claims take
rows with `FOR UPDATE SKIP LOCKED` and hand them out under a lease. On SQLite there is one
writer at a time: writes open with `BEGIN IMMEDIATE` (other processes wait on the busy
timeout) and one store's calls take turns (an in-memory database has a single connection).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import sqlite3
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, Table, and_, delete, event, exists, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.model import (
    Alert,
    Article,
    Company,
    DealEvent,
    EventType,
    Money,
    SourceRef,
    SourceSpec,
    SourceState,
    Subscription,
)
from bot.ports import EventWrite, PollRecord
from bot.store import tables as db
from bot.store.migrate import upgrade_engine

_DRIVERS = {  # backend as written -> (backend, the async driver the store runs on)
    "sqlite": ("sqlite", "aiosqlite"),
    "postgresql": ("postgresql", "asyncpg"),
    "postgres": ("postgresql", "asyncpg"),
}
_SQLITE_PRAGMAS = ("busy_timeout=15000", "foreign_keys=ON", "synchronous=NORMAL")
_READ_ONLY = "dealwatch_read_only"  # execution option: a read opens a deferred SQLite transaction
_OPEN = ("pending", "sending")  # delivery states that still have work to do
_CHUNK = 500  # keys per IN (...) list, well under both backends' limits on bound parameters


def async_url(url: str) -> URL:
    """The URL with the async driver the store runs on: `sqlite://` -> `sqlite+aiosqlite://`,
    `postgres://` and `postgresql://` -> `postgresql+asyncpg://`."""
    parsed = make_url(url)
    backend, _, driver = parsed.drivername.partition("+")
    if backend not in _DRIVERS:
        raise ValueError(f"unsupported database {backend!r}: use sqlite:///file.db or postgresql://host/db")
    name, wanted = _DRIVERS[backend]
    if driver and driver != wanted:
        raise ValueError(f"database driver {driver!r} is not supported here; the store uses {name}+{wanted}")
    return parsed.set(drivername=f"{name}+{wanted}")


def create_engine(url: str, *, schema: str | None = None) -> AsyncEngine:
    """An async engine set up for the store. `schema` (PostgreSQL only) becomes the search path,
    so tests and tenants can live side by side in one database."""
    target = async_url(url)
    if target.get_backend_name() == "sqlite":
        if schema is not None:
            raise ValueError("schema is a PostgreSQL option; SQLite has one schema per file")
        engine = create_async_engine(target)
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    connect_args: dict[str, Any] = {}
    if schema is not None:
        connect_args["server_settings"] = {"search_path": schema}
    return create_async_engine(target, connect_args=connect_args, pool_pre_ping=True)


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # The driver's own BEGIN handling skips SELECTs and DDL; take it over (see _sqlite_begin).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    for pragma in _SQLITE_PRAGMAS:
        cursor.execute(f"PRAGMA {pragma}")
    # WAL is a property of the file: set once, it stays. Switching needs an exclusive lock that
    # SQLite refuses without waiting while another connection writes; that one has switched it.
    cursor.execute("PRAGMA journal_mode")
    if cursor.fetchone()[0] not in ("wal", "memory"):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # IMMEDIATE takes the write lock up front: a deferred transaction that reads, then writes,
    # fails outright (no busy wait) if another connection wrote in between.
    mode = "DEFERRED" if conn.get_execution_options().get(_READ_ONLY) else "IMMEDIATE"
    conn.exec_driver_sql(f"BEGIN {mode}")


async def open_store(url: str, *, migrate: bool = True, schema: str | None = None) -> SqlStore:
    """Connect, bring the schema to head unless told not to, and return the store."""
    engine = create_engine(url, schema=schema)
    try:
        if migrate:
            await upgrade_engine(engine)
    except BaseException:
        await engine.dispose()
        raise
    return SqlStore(engine)


async def upgrade(url: str, *, schema: str | None = None) -> None:
    """`dealwatch db upgrade`: apply pending migrations and disconnect."""
    engine = create_engine(url, schema=schema)
    try:
        await upgrade_engine(engine)
    finally:
        await engine.dispose()


# Any fixed 64-bit number names the lock; this one spells "dealwatc".
_EVENT_LOCK_KEY = 0x6465616C77617463


class SqlStore:
    """`bot.ports.Store` over an async SQLAlchemy engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._pg = engine.dialect.name == "postgresql"
        self._turn: contextlib.AbstractAsyncContextManager[Any] = (
            contextlib.nullcontext() if self._pg else asyncio.Lock()
        )

        self._events = asyncio.Lock()

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    @contextlib.asynccontextmanager
    async def event_lock(self) -> AsyncIterator[None]:
        """Held while new articles are stored and their events deduplicated and saved: one story
        reaching several feeds polled at once must become one event. In-process an asyncio lock;
        across instances on PostgreSQL a session advisory lock on its own connection."""
        async with self._events:
            if not self._pg:
                yield
                return
            async with self._engine.connect() as conn:
                await conn.execute(select(func.pg_advisory_lock(_EVENT_LOCK_KEY)))
                await conn.commit()
                try:
                    yield
                finally:
                    await conn.execute(select(func.pg_advisory_unlock(_EVENT_LOCK_KEY)))
                    await conn.commit()

    async def close(self) -> None:
        await self._engine.dispose()

    @contextlib.asynccontextmanager
    async def _tx(self, *, read_only: bool = False) -> AsyncIterator[AsyncConnection]:
        async with self._turn, self._engine.connect() as conn:
            if read_only:
                await conn.execution_options(**{_READ_ONLY: True})
            async with conn.begin():
                yield conn

    def _insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        """INSERT with the dialect's ON CONFLICT clauses, which both backends spell the same."""
        return postgresql.insert(table) if self._pg else sqlite.insert(table)

    def _locking(self, query: Select[Any], table: Table) -> Select[Any]:
        """On PostgreSQL, lock the chosen rows and skip those another instance is claiming."""
        return query.with_for_update(skip_locked=True, of=table) if self._pg else query

    # watchlist

    async def upsert_company(self, company: Company) -> None:
        values = {
            "name": company.name,
            "name_key": company.name.casefold(),
            "case_sensitive": company.case_sensitive,
            "context_required": company.context_required,
            "cik": company.cik,
            "ticker": company.ticker,
        }
        async with self._tx() as conn:
            stmt = self._insert(db.companies).values(values)
            stmt = stmt.on_conflict_do_update(index_elements=[db.companies.c.name_key], set_=values)
            company_id = (await conn.execute(stmt.returning(db.companies.c.id))).scalar_one()
            await conn.execute(delete(db.company_aliases).where(db.company_aliases.c.company_id == company_id))
            aliases = list(dict.fromkeys(company.aliases))
            if aliases:
                await conn.execute(
                    db.company_aliases.insert(),
                    [{"company_id": company_id, "position": i, "alias": a} for i, a in enumerate(aliases)],
                )

    async def remove_company(self, name: str) -> bool:
        async with self._tx() as conn:
            result = await conn.execute(delete(db.companies).where(db.companies.c.name_key == name.casefold()))
            return result.rowcount > 0

    async def list_companies(self) -> list[Company]:
        async with self._tx(read_only=True) as conn:
            rows = (await conn.execute(select(db.companies).order_by(db.companies.c.name_key))).all()
            alias_rows = await conn.execute(
                select(db.company_aliases.c.company_id, db.company_aliases.c.alias).order_by(
                    db.company_aliases.c.company_id, db.company_aliases.c.position
                )
            )
        aliases: dict[int, list[str]] = {}
        for company_id, alias in alias_rows:
            aliases.setdefault(company_id, []).append(alias)
        return [
            Company(
                name=row.name,
                aliases=tuple(aliases.get(row.id, ())),
                case_sensitive=row.case_sensitive,
                context_required=row.context_required,
                cik=row.cik,
                ticker=row.ticker,
            )
            for row in rows
        ]

    # SEC's ticker file, cached

    async def replace_sec_tickers(self, rows: Mapping[str, tuple[str, str]], now: datetime) -> None:
        values = [{"ticker": t, "cik": cik, "title": title, "fetched_at": now} for t, (cik, title) in rows.items()]
        async with self._tx() as conn:
            if self._pg:  # two instances refreshing at once take turns; readers are not held up
                await conn.execute(text("LOCK TABLE sec_tickers IN SHARE ROW EXCLUSIVE MODE"))
            await conn.execute(delete(db.sec_tickers))
            for start in range(0, len(values), _CHUNK):
                await conn.execute(db.sec_tickers.insert(), values[start : start + _CHUNK])

    async def sec_ticker_ciks(self, tickers: Iterable[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(tickers))
        found: dict[str, str] = {}
        async with self._tx(read_only=True) as conn:
            for start in range(0, len(wanted), _CHUNK):
                rows = await conn.execute(
                    select(db.sec_tickers.c.ticker, db.sec_tickers.c.cik).where(
                        db.sec_tickers.c.ticker.in_(wanted[start : start + _CHUNK])
                    )
                )
                found.update({row.ticker: row.cik for row in rows})
        return found

    async def sec_tickers_fetched_at(self) -> datetime | None:
        async with self._tx(read_only=True) as conn:
            fetched: datetime | None = (
                await conn.execute(select(func.min(db.sec_tickers.c.fetched_at)))
            ).scalar_one_or_none()
        return fetched

    # sources and their fetch state

    async def upsert_source(self, spec: SourceSpec, now: datetime) -> SourceState:
        settings = {"interval_s": spec.interval_s, "backfill_s": spec.backfill_s, "company": spec.company}
        stmt = self._insert(db.sources).values(
            kind=spec.kind, url=spec.url, error_count=0, first_polled=False, created_at=now, **settings
        )
        stmt = stmt.on_conflict_do_update(index_elements=[db.sources.c.kind, db.sources.c.url], set_=settings)
        async with self._tx() as conn:
            row = (await conn.execute(stmt.returning(*db.sources.c))).one()
        return _source(row)

    async def remove_source(self, source_id: int) -> bool:
        async with self._tx() as conn:
            result = await conn.execute(delete(db.sources).where(db.sources.c.id == source_id))
            return result.rowcount > 0

    async def list_sources(self) -> list[SourceState]:
        async with self._tx(read_only=True) as conn:
            rows = (await conn.execute(select(db.sources).order_by(db.sources.c.id))).all()
        return [_source(row) for row in rows]

    async def get_source(self, source_id: int) -> SourceState | None:
        async with self._tx(read_only=True) as conn:
            row = (await conn.execute(select(db.sources).where(db.sources.c.id == source_id))).one_or_none()
        return None if row is None else _source(row)

    async def claim_due_sources(self, owner: str, now: datetime, lease: timedelta, limit: int) -> list[SourceState]:
        if limit <= 0:
            return []
        due = (
            select(db.sources.c.id)
            .where(
                or_(db.sources.c.next_poll.is_(None), db.sources.c.next_poll <= now),
                or_(db.sources.c.lease_expires.is_(None), db.sources.c.lease_expires <= now),
            )
            .order_by(db.sources.c.next_poll.nulls_first(), db.sources.c.id)
            .limit(limit)
        )
        async with self._tx() as conn:
            ids = list((await conn.execute(self._locking(due, db.sources))).scalars())
            if not ids:
                return []
            await conn.execute(
                update(db.sources).where(db.sources.c.id.in_(ids)).values(lease_owner=owner, lease_expires=now + lease)
            )
            rows = (await conn.execute(select(db.sources).where(db.sources.c.id.in_(ids)))).all()
        order = {source_id: i for i, source_id in enumerate(ids)}
        return sorted((_source(row) for row in rows), key=lambda s: order[s.id])

    async def record_poll(self, record: PollRecord) -> None:
        """Success resets the health fields and stores the validators; a validator given as None
        keeps the stored one (a 304 answer need not repeat them). An error only counts up."""
        values: dict[str, Any] = {"next_poll": record.next_poll, "lease_owner": None, "lease_expires": None}
        if record.error is None:
            values.update(
                error_count=0,
                last_error=None,
                failing_since=None,
                broken_at=None,
                last_success=record.now,
                first_polled=True,
            )
            for name in ("etag", "last_modified", "body_hash"):
                if getattr(record, name) is not None:
                    values[name] = getattr(record, name)
        else:
            values.update(
                error_count=db.sources.c.error_count + 1,
                last_error=record.error,
                failing_since=func.coalesce(db.sources.c.failing_since, record.now),
            )
            if record.broken_at is not None:
                values["broken_at"] = func.coalesce(db.sources.c.broken_at, record.broken_at)
        async with self._tx() as conn:
            await conn.execute(update(db.sources).where(db.sources.c.id == record.source_id).values(values))

    # articles

    async def add_articles(self, source_id: int, articles: Sequence[Article], now: datetime) -> list[Article]:
        first = {item.key: item for item in reversed(articles)}  # of repeated keys, the first counts
        keys = list(first)
        added: list[Article] = []
        async with self._tx() as conn:
            for start in range(0, len(keys), _CHUNK):
                seen = await conn.execute(
                    select(db.articles.c.key).where(
                        db.articles.c.source_id == source_id,
                        db.articles.c.key.in_(keys[start : start + _CHUNK]),
                    )
                )
                for key in seen.scalars():
                    del first[key]
            # One story reached through several feeds (a Google News search per company, a newsroom
            # feed and a wire) is one article: the first source to store its URL keeps it.
            urls = [item.url for item in first.values() if item.url]
            for start in range(0, len(urls), _CHUNK):
                known = await conn.execute(
                    select(db.articles.c.url).where(db.articles.c.url.in_(urls[start : start + _CHUNK]))
                )
                known_urls = set(known.scalars())
                for key, item in list(first.items()):
                    if item.url in known_urls:
                        del first[key]
            for item in articles:
                if first.get(item.key) is not item:
                    continue
                stmt = (
                    self._insert(db.articles)
                    .values(
                        source_id=source_id,
                        key=item.key,
                        url=item.url,
                        title=item.title,
                        summary=item.summary,
                        publisher=item.publisher,
                        published=item.published,
                        fetched_at=now,
                        extra=dict(item.extra),
                        processed=False,
                    )
                    .on_conflict_do_nothing(index_elements=[db.articles.c.source_id, db.articles.c.key])
                    .returning(db.articles.c.id)
                )
                article_id = (await conn.execute(stmt)).scalar_one_or_none()
                if article_id is not None:  # None: a concurrent poll of this source stored it first
                    added.append(replace(item, id=article_id, source_id=source_id))
        return added

    async def unprocessed_articles(self, source_id: int) -> list[Article]:
        query = (
            select(db.articles)
            .where(db.articles.c.source_id == source_id, db.articles.c.processed.is_(False))
            .order_by(db.articles.c.id)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [
            Article(
                key=r.key,
                title=r.title,
                summary=r.summary,
                url=r.url,
                publisher=r.publisher,
                published=r.published,
                id=r.id,
                source_id=r.source_id,
                extra=dict(r.extra or {}),
            )
            for r in rows
        ]

    async def mark_processed(self, article_id: int) -> None:
        async with self._tx() as conn:
            await conn.execute(update(db.articles).where(db.articles.c.id == article_id).values(processed=True))

    # events

    async def recent_events(self, since: datetime) -> list[DealEvent]:
        query = select(db.events).where(db.events.c.updated_at >= since).order_by(db.events.c.id)
        async with self._tx(read_only=True) as conn:
            return await _load_events(conn, query)

    async def get_event(self, event_id: int) -> DealEvent | None:
        async with self._tx(read_only=True) as conn:
            found = await _load_events(conn, select(db.events).where(db.events.c.id == event_id))
        return found[0] if found else None

    async def events_for(
        self,
        *,
        since: datetime,
        companies: Sequence[str] | None = None,
        types: Sequence[EventType] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[DealEvent]:
        query = select(db.events).where(db.events.c.updated_at >= since)
        if types is not None:
            query = query.where(db.events.c.type.in_(list(types)))
        if companies is not None:
            names = [name.casefold() for name in companies]
            query = query.where(
                exists().where(db.event_parties.c.event_id == db.events.c.id, db.event_parties.c.name.in_(names))
            )
        query = query.order_by(db.events.c.updated_at.desc(), db.events.c.id.desc()).limit(limit).offset(offset)
        async with self._tx(read_only=True) as conn:
            return await _load_events(conn, query)

    async def save_event(self, write: EventWrite, now: datetime) -> int:
        new = write.event
        async with self._tx() as conn:
            if write.kind == "new":
                event_id = await self._insert_event(conn, new, now)
                status: str = new.status
            else:
                event_id, status = await self._amend_event(conn, write, now)
            await conn.execute(
                self._insert(db.event_articles)
                .values(event_id=event_id, article_id=write.article_id)
                .on_conflict_do_nothing()
            )
            await self._queue(conn, event_id, status, write.targets, now)
        return event_id

    async def _insert_event(self, conn: AsyncConnection, new: DealEvent, now: datetime) -> int:
        stmt = db.events.insert().values(
            type=new.type,
            status=new.status,
            parties={role: list(names) for role, names in new.parties.items()},
            amount_usd=new.amount_usd,
            stake_pct=new.stake_pct,
            amount_value=new.amount.value if new.amount else None,
            amount_currency=new.amount.currency if new.amount else None,
            evidence=new.evidence,
            status_history=[new.status],
            first_seen=now,
            updated_at=now,
        )
        event_id: int = (await conn.execute(stmt.returning(db.events.c.id))).scalar_one()
        parties = {(role, name.casefold()) for role, names in new.parties.items() for name in names}
        if parties:
            await conn.execute(
                db.event_parties.insert(),
                [{"event_id": event_id, "role": role, "name": name} for role, name in sorted(parties)],
            )
        return event_id

    async def _amend_event(self, conn: AsyncConnection, write: EventWrite, now: datetime) -> tuple[int, str]:
        """An update moves the status on; both an update and a duplicate fill figures still unknown."""
        new = write.event
        if new.id is None:
            raise ValueError(f"an {write.kind!r} EventWrite needs event.id")
        query = select(db.events).where(db.events.c.id == new.id)
        if self._pg:
            query = query.with_for_update()  # status_history is read, extended and written back
        row = (await conn.execute(query)).one_or_none()
        if row is None:
            raise LookupError(f"event {new.id} does not exist")
        values: dict[str, Any] = {}
        if row.amount_usd is None and new.amount_usd is not None:
            values["amount_usd"] = new.amount_usd
        if row.stake_pct is None and new.stake_pct is not None:
            values["stake_pct"] = new.stake_pct
        if row.amount_value is None and new.amount is not None:
            values.update(amount_value=new.amount.value, amount_currency=new.amount.currency)
        status: str = row.status
        if write.kind == "update":
            history = list(row.status_history)
            if not history or history[-1] != new.status:
                history.append(new.status)
            status = new.status
            values.update(status=status, status_history=history, updated_at=now)
        if values:
            await conn.execute(update(db.events).where(db.events.c.id == new.id).values(values))
        return new.id, status

    async def _queue(
        self, conn: AsyncConnection, event_id: int, status: str, targets: Iterable[str], now: datetime
    ) -> None:
        """One delivery per target and status; "update" where the target already heard of the event."""
        wanted = list(dict.fromkeys(targets))
        if not wanted:
            return
        known = await conn.execute(
            select(db.deliveries.c.target)
            .distinct()
            .where(db.deliveries.c.event_id == event_id, db.deliveries.c.target.in_(wanted))
        )
        heard = set(known.scalars())
        for target in wanted:
            await conn.execute(
                self._insert(db.deliveries)
                .values(
                    event_id=event_id,
                    target=target,
                    kind="update" if target in heard else "new",
                    status=status,
                    state="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
                .on_conflict_do_nothing(
                    index_elements=[db.deliveries.c.event_id, db.deliveries.c.target, db.deliveries.c.status]
                )
            )

    # subscriptions

    async def add_subscription(self, sub: Subscription) -> int:
        fingerprint = _fingerprint(sub)
        async with self._tx() as conn:
            stmt = (
                self._insert(db.subscriptions)
                .values(
                    target=sub.target,
                    companies=list(sub.companies),
                    types=list(sub.types),
                    min_status=sub.min_status,
                    fingerprint=fingerprint,
                    created_at=datetime.now(UTC),  # bookkeeping only; nothing compares it
                )
                .on_conflict_do_nothing(index_elements=[db.subscriptions.c.fingerprint])
                .returning(db.subscriptions.c.id)
            )
            sub_id = (await conn.execute(stmt)).scalar_one_or_none()
            if sub_id is None:
                same = select(db.subscriptions.c.id).where(db.subscriptions.c.fingerprint == fingerprint)
                sub_id = (await conn.execute(same)).scalar_one()
        return int(sub_id)

    async def remove_subscription(self, sub_id: int) -> bool:
        async with self._tx() as conn:
            result = await conn.execute(delete(db.subscriptions).where(db.subscriptions.c.id == sub_id))
            return result.rowcount > 0

    async def list_subscriptions(self, target: str | None = None) -> list[Subscription]:
        query = select(db.subscriptions).order_by(db.subscriptions.c.id)
        if target is not None:
            query = query.where(db.subscriptions.c.target == target)
        async with self._tx(read_only=True) as conn:
            rows = (await conn.execute(query)).all()
        return [
            Subscription(
                target=row.target,
                companies=tuple(row.companies),
                types=tuple(row.types),
                min_status=row.min_status,
                id=row.id,
            )
            for row in rows
        ]

    # outbox

    async def claim_deliveries(self, owner: str, now: datetime, lease: timedelta, limit: int) -> list[Alert]:
        """Due deliveries, oldest first, leased to `owner`.

        A delivery waits while an earlier one for the same event and target is unfinished, so a
        thread gets its updates in order and never before the first alert; an update's
        `thread_ref` is the first alert's platform reference, or None if that alert died.
        """
        if limit <= 0:
            return []
        earlier = db.deliveries.alias("earlier")
        due = (
            select(db.deliveries.c.id)
            .where(
                or_(
                    db.deliveries.c.state == "pending",
                    and_(db.deliveries.c.state == "sending", db.deliveries.c.lease_expires <= now),
                ),
                db.deliveries.c.next_attempt_at <= now,
                ~exists().where(
                    earlier.c.event_id == db.deliveries.c.event_id,
                    earlier.c.target == db.deliveries.c.target,
                    earlier.c.id < db.deliveries.c.id,
                    earlier.c.state.in_(_OPEN),
                ),
            )
            .order_by(db.deliveries.c.created_at, db.deliveries.c.id)
            .limit(limit)
        )
        async with self._tx() as conn:
            ids = list((await conn.execute(self._locking(due, db.deliveries))).scalars())
            if not ids:
                return []
            await conn.execute(
                update(db.deliveries)
                .where(db.deliveries.c.id.in_(ids))
                .values(state="sending", lease_owner=owner, lease_expires=now + lease)
            )
            rows = (await conn.execute(select(db.deliveries).where(db.deliveries.c.id.in_(ids)))).all()
            event_ids = {row.event_id for row in rows}
            found = await _load_events(conn, select(db.events).where(db.events.c.id.in_(event_ids)))
            firsts = await conn.execute(
                select(
                    db.deliveries.c.event_id,
                    db.deliveries.c.target,
                    db.deliveries.c.state,
                    db.deliveries.c.platform_ref,
                )
                .where(db.deliveries.c.event_id.in_(event_ids), db.deliveries.c.kind == "new")
                .order_by(db.deliveries.c.id)
            )
            thread: dict[tuple[int, str], str | None] = {}
            for first in firsts:
                ref = first.platform_ref if first.state == "sent" else None
                thread.setdefault((first.event_id, first.target), ref)
        by_id = {e.id: e for e in found}
        order = {delivery_id: i for i, delivery_id in enumerate(ids)}
        return [
            Alert(
                delivery_id=row.id,
                kind=row.kind,
                target=row.target,
                event=by_id[row.event_id],
                thread_ref=thread.get((row.event_id, row.target)) if row.kind == "update" else None,
                attempts=row.attempts,
            )
            for row in sorted(rows, key=lambda r: order[r.id])
        ]

    async def mark_sent(self, delivery_id: int, ref: str | None, now: datetime) -> None:
        """`attempts` counts every try, the one that worked included."""
        await self._finish(
            delivery_id, state="sent", platform_ref=ref, sent_at=now, attempts=db.deliveries.c.attempts + 1
        )

    async def mark_failed(self, delivery_id: int, error: str, retry_at: datetime | None, now: datetime) -> None:
        """Record a failed attempt; `retry_at` None gives the delivery up for good."""
        retry = {"state": "dead"} if retry_at is None else {"state": "pending", "next_attempt_at": retry_at}
        await self._finish(delivery_id, last_error=error, attempts=db.deliveries.c.attempts + 1, **retry)

    async def _finish(self, delivery_id: int, **values: Any) -> None:
        async with self._tx() as conn:
            await conn.execute(
                update(db.deliveries)
                .where(db.deliveries.c.id == delivery_id)
                .values(lease_owner=None, lease_expires=None, **values)
            )

    async def count_pending_deliveries(self) -> int:
        """Deliveries not yet sent or given up, including those being sent right now."""
        query = select(func.count()).select_from(db.deliveries).where(db.deliveries.c.state.in_(_OPEN))
        async with self._tx(read_only=True) as conn:
            return int((await conn.execute(query)).scalar_one())


def _source(row: Row[Any]) -> SourceState:
    mapping = row._mapping
    return SourceState(**{f.name: mapping[f.name] for f in fields(SourceState)})


def _fingerprint(sub: Subscription) -> str:
    """Sameness of subscriptions: the order of companies and types does not matter."""
    shape = [sub.target, sorted(set(sub.companies)), sorted(set(sub.types)), sub.min_status]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()


async def _load_events(conn: AsyncConnection, query: Select[Any]) -> list[DealEvent]:
    """Events with their sources (linked articles, oldest first), in the query's order."""
    rows = (await conn.execute(query)).all()
    if not rows:
        return []
    cited = await conn.execute(
        select(
            db.event_articles.c.event_id,
            db.articles.c.title,
            db.articles.c.url,
            db.articles.c.publisher,
            db.articles.c.published,
        )
        .join(db.articles, db.articles.c.id == db.event_articles.c.article_id)
        .where(db.event_articles.c.event_id.in_([row.id for row in rows]))
        .order_by(db.articles.c.published, db.articles.c.id)
    )
    refs: dict[int, list[SourceRef]] = {}
    for ref in cited:
        refs.setdefault(ref.event_id, []).append(
            SourceRef(title=ref.title, url=ref.url, source=ref.publisher, published=ref.published)
        )
    return [
        DealEvent(
            type=row.type,
            status=row.status,
            parties={role: tuple(names) for role, names in row.parties.items()},
            amount_usd=row.amount_usd,
            stake_pct=row.stake_pct,
            amount=None if row.amount_value is None else Money(row.amount_value, row.amount_currency),
            evidence=row.evidence,
            id=row.id,
            sources=tuple(refs.get(row.id, ())),
            first_seen=row.first_seen,
            status_history=tuple(row.status_history),
        )
        for row in rows
    ]
