"""Store: Alembic's script directory (env.py, versions/); run through `bot.store.migrate`."""
