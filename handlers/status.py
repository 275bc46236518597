"""Commands: `status` (command + context -> Reply): is the bot healthy, in one glance."""

from __future__ import annotations

from collections.abc import Sequence

from bot.model import Reply
from handlers.args import format_time, relative, usage
from handlers.context import Context
from handlers.sources import health

USAGE = "status"


async def status(ctx: Context, args: Sequence[str]) -> Reply:
    """Source health counts, the newest successful poll, the outbox backlog and the version."""
    if args:
        return usage(USAGE)
    now = ctx.clock.now()
    sources = await ctx.store.list_sources()
    counts = {"ok": 0, "failing": 0, "broken": 0}
    for source in sources:
        counts[health(source, now)] += 1
    polled = [s.last_success for s in sources if s.last_success is not None]
    pending = await ctx.store.count_pending_deliveries()
    companies = await ctx.store.list_companies()
    lines = [
        f"Sources: {len(sources)} ({', '.join(f'{n} {state}' for state, n in counts.items())})",
        f"Last poll: {format_time(max(polled))} ({relative(max(polled), now)})" if polled else "Last poll: never",
        f"Pending deliveries: {pending}",
        f"Watching: {len(companies)} compan{'ies' if len(companies) != 1 else 'y'}",
        f"Version: {ctx.version or 'unknown'}",
    ]
    if counts["failing"] or counts["broken"]:
        lines.append("See sources for the failing ones.")
    return Reply(text="\n".join(lines))
