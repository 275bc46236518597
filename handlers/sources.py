"""Commands: `sources`, `source add`, `source remove` (command + context -> Reply): news sources, their health."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

from bot.model import Reply, SourceSpec, SourceState
from handlers.args import (
    format_duration,
    format_time,
    parse_duration,
    parse_id,
    parse_page,
    relative,
    take_option,
    usage,
)
from handlers.context import Context

log = logging.getLogger(__name__)

LIST_USAGE = "sources [page N]"
ADD_USAGE = "source add <url> [interval, e.g. 10m]"
REMOVE_USAGE = "source remove <id>"

BROKEN_AFTER = timedelta(days=1)
MIN_INTERVAL = timedelta(seconds=30)
MAX_INTERVAL = timedelta(days=7)
DEFAULT_INTERVAL = timedelta(minutes=10)
PAGE_SIZE = 10
MAX_URL = 2000
MAX_ERROR = 200  # a last error is shown, not archived

Health = Literal["ok", "failing", "broken"]


def health(source: SourceState, now: datetime) -> Health:
    """ok until a poll fails; failing while it keeps failing; broken once that has lasted a day."""
    if source.failing_since is None:
        return "ok"
    return "broken" if now - source.failing_since > BROKEN_AFTER else "failing"


def describe(source: SourceState, now: datetime) -> str:
    """One source in a few lines: what, how often, how it is doing, when it is polled next."""
    where = f" ({source.company})" if source.company else ""
    lines = [f"#{source.id} {source.kind}{where} every {format_duration(source.interval_s)}: {source.url}"]
    state = health(source, now)
    errors = f"{source.error_count} error{'s' if source.error_count != 1 else ''}"
    if state == "ok":
        if source.last_success is not None:
            lines.append(f"  ok, last success {relative(source.last_success, now)}")
        else:
            lines.append("  ok, not polled yet")
    elif source.failing_since is not None:
        since = format_time(source.failing_since)
        label = "broken (failing for over a day)" if state == "broken" else "failing"
        lines.append(f"  {label} since {since} ({errors})")
    if source.last_error and state != "ok":
        error = " ".join(source.last_error.split())
        lines.append(f"  last error: {error[:MAX_ERROR]}{'…' if len(error) > MAX_ERROR else ''}")
    if source.next_poll is not None and source.next_poll > now:
        lines.append(f"  next poll {relative(source.next_poll, now)}")
    else:
        lines.append("  next poll: due now")
    return "\n".join(lines)


async def list_sources(ctx: Context, args: Sequence[str]) -> Reply:
    """Every source with its health, a page at a time so a long list stays readable."""
    page_text, rest, dangling = take_option(args, "page")
    page = 1 if page_text is None else parse_page(page_text)
    if rest or dangling or page is None:
        return usage(LIST_USAGE)
    sources = await ctx.store.list_sources()
    if not sources:
        return Reply(text="No sources yet. An admin can add one with: source add https://example.com/feed.xml 10m")
    now = ctx.clock.now()
    counts = {state: 0 for state in ("ok", "failing", "broken")}
    for source in sources:
        counts[health(source, now)] += 1
    start = (page - 1) * PAGE_SIZE
    shown = sources[start : start + PAGE_SIZE]
    if not shown:
        return usage(LIST_USAGE, f"There are only {_pages(len(sources))} page(s) of sources.")
    summary = ", ".join(f"{n} {state}" for state, n in counts.items())
    lines = [f"{len(sources)} source{'s' if len(sources) != 1 else ''}: {summary}"]
    lines += [describe(source, now) for source in shown]
    more = f"sources page {page + 1}" if start + PAGE_SIZE < len(sources) else None
    if more:
        lines.append(f"Showing {start + 1}-{start + len(shown)} of {len(sources)}.")
    return Reply(text="\n".join(lines), more=more)


def _pages(count: int) -> int:
    return max(1, -(-count // PAGE_SIZE))


def _check_url(raw: str) -> tuple[str | None, str | None]:
    """(url, None) when it looks like a feed address we may fetch, else (None, why not)."""
    url = raw.strip()
    if url.startswith("<") and url.endswith(">"):  # how many chat tools wrap a pasted link
        url = url[1:-1]
    if not url or len(url) > MAX_URL or any(ch.isspace() for ch in url):
        return None, "That does not look like a URL."
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None, "That does not look like a URL."
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None, "A source URL starts with https:// (or http://) and names a host."
    return url, None


async def add_source(ctx: Context, args: Sequence[str]) -> Reply:
    """Test-fetch the URL through the fetch guard first: a source that cannot be fetched is never saved."""
    if not args or len(args) > 2:
        return usage(ADD_USAGE)
    url, problem = _check_url(args[0])
    if url is None:
        return usage(ADD_USAGE, problem)
    interval = DEFAULT_INTERVAL
    if len(args) == 2:
        parsed = parse_duration(args[1])
        if parsed is None:
            return usage(ADD_USAGE, f'"{args[1]}" is not an interval like 10m or 1h.')
        if not MIN_INTERVAL <= parsed <= MAX_INTERVAL:
            return usage(ADD_USAGE, "The interval must be between 30s and 7d.")
        interval = parsed
    if ctx.check_source is None:
        return Reply(text="Adding sources from chat is not available here; add it to the config file.", ephemeral=True)
    existing = next((s for s in await ctx.store.list_sources() if s.kind == "rss" and s.url == url), None)
    try:
        error = await ctx.check_source(url)
    except Exception as exc:  # a checker that breaks must not save the source nor crash the command
        log.warning("source check for %s raised %s", url, type(exc).__name__)
        error = f"the test fetch failed ({type(exc).__name__})"
    if error:
        return Reply(text=f"Could not add {url}: {error}. Nothing was saved.", ephemeral=True)
    every = int(interval.total_seconds())
    spec = SourceSpec(kind="rss", url=url, interval_s=every)
    saved = await ctx.store.upsert_source(spec, ctx.clock.now())
    log.info("source #%s %s by %s:%s", saved.id, "updated" if existing else "added", ctx.platform, ctx.user)
    if existing is not None:
        return Reply(text=f"Source #{saved.id} was already there; it is now polled every {format_duration(every)}.")
    return Reply(text=f"Added source #{saved.id} (rss, every {format_duration(every)}): {url}. First poll soon.")


async def remove_source(ctx: Context, args: Sequence[str]) -> Reply:
    if len(args) != 1 or (source_id := parse_id(args[0])) is None:
        return usage(REMOVE_USAGE, "The id is the #number that sources shows.")
    source = await ctx.store.get_source(source_id)
    if source is None or not await ctx.store.remove_source(source_id):
        return Reply(text=f"There is no source #{source_id}. See sources for the list.", ephemeral=True)
    log.info("source #%s removed by %s:%s", source_id, ctx.platform, ctx.user)
    return Reply(text=f"Removed source #{source_id}: {source.url}")
