"""Store: rows. Durable state behind `bot.ports.Store`, on SQLite (default) or PostgreSQL."""

from bot.store.sql import SqlStore, async_url, create_engine, open_store, upgrade

__all__ = ["SqlStore", "async_url", "create_engine", "open_store", "upgrade"]
