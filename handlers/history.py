"""Commands: `history` and `deals` (command + context -> Reply): past events, a page at a time, as cards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.model import Alert, Card, Company, DealEvent, EventType, Reply
from bot.render import TYPE_LABEL, card_text, format_money, format_usd, headline, render_alert
from handlers.args import (
    clean_name,
    did_you_mean,
    find_company,
    format_time,
    near_types,
    parse_duration,
    parse_page,
    parse_since,
    parse_type,
    quote,
    split_companies,
    take_option,
    unknown_company,
    usage,
)
from handlers.context import Context

HISTORY_USAGE = "history <company> [since 30d] [type] [page N]"
DEALS_USAGE = "deals [since 7d] [type] [company...] [page N]"

PAGE_SIZE = 5  # events per reply: enough to answer, few enough to read in a chat


@dataclass(frozen=True)
class Window:
    """Which slice of time and which page a query asked for, and how to write it back in a hint."""

    since_text: str
    since: datetime
    page: int
    label: str


def _read_window(args: Sequence[str], now: datetime, default: str) -> tuple[Window, list[str]] | str:
    """`since X` and `page N` anywhere in the arguments; returns the rest, or what was wrong."""
    since_text, rest, no_since = take_option(args, "since")
    page_text, rest, no_page = take_option(rest, "page")
    if no_since:
        return "since needs a value, like since 30d or since 2025-06-01."
    if no_page:
        return "page needs a number, like page 2."
    since_text = since_text or default
    since = parse_since(since_text, now)
    if since is None:
        return f'"{since_text}" is not a time like 30d, 12h or 2025-06-01.'
    page = 1 if page_text is None else parse_page(page_text)
    if page is None:
        return f'"{page_text}" is not a page number.'
    since_text = since_text.strip()
    label = f"last {since_text}" if parse_duration(since_text) else f"since {since_text}"
    return Window(since_text, since, page, label), rest


def _progression(event: DealEvent) -> str:
    return " → ".join(event.status_history) if len(event.status_history) > 1 else event.status


def _line(number: int, event: DealEvent) -> str:
    """One event as a line of the text summary; the card carries the rest."""
    day = event.first_seen.strftime("%Y-%m-%d") if event.first_seen else "----------"
    parts = [f"{number}. {day} {TYPE_LABEL[event.type]} ({_progression(event)}): {headline(event)}"]
    if event.amount_usd is not None:
        parts.append(format_usd(event.amount_usd))
    elif event.amount is not None:
        parts.append(format_money(event.amount))
    if event.stake_pct is not None:
        parts.append(f"{event.stake_pct:g}% stake")
    count = len(event.sources)
    parts.append(f"{count} source{'s' if count != 1 else ''}")
    return ", ".join(parts)


def event_card(event: DealEvent, channel: str) -> Card:
    """The alert's own card (bot.render), plus when the event was first seen."""
    card = render_alert(Alert(delivery_id=0, kind="new", target=channel, event=event))
    if event.first_seen is not None:
        card = replace(card, fields=(*card.fields, ("First seen", format_time(event.first_seen))))
        card = replace(card, fallback=card_text(card))
    return card


def _page_reply(ctx: Context, title: str, found: list[DealEvent], window: Window, hint: str, empty: str) -> Reply:
    """At most PAGE_SIZE events: a numbered summary in the text, a card each, and the next page's command."""
    shown = found[:PAGE_SIZE]
    if not shown:
        text = empty if window.page == 1 else f"{empty.rstrip('.')} on page {window.page}."
        return Reply(text=text)
    first = (window.page - 1) * PAGE_SIZE + 1
    lines = [f"{title} (page {window.page}):"]
    lines += [_line(first + i, event) for i, event in enumerate(shown)]
    more = f"{hint} page {window.page + 1}" if len(found) > PAGE_SIZE else None
    if more:
        lines.append(f"Showing {first}-{first + len(shown) - 1}; more on the next page.")
    cards = tuple(event_card(event, ctx.channel) for event in shown)
    return Reply(text="\n".join(lines), cards=cards, more=more)


def _names(companies: Sequence[Company]) -> list[str]:
    """Every spelling of the companies: parties are stored as the classifier wrote them."""
    return list(dict.fromkeys(name for company in companies for name in company.names))


def _typed(types: Sequence[EventType]) -> list[EventType] | None:
    return list(dict.fromkeys(types)) or None


async def history(ctx: Context, args: Sequence[str]) -> Reply:
    """A company's events newest first; a name that is not watched still finds events naming it."""
    now = ctx.clock.now()
    read = _read_window(args, now, "30d")
    if isinstance(read, str):
        return usage(HISTORY_USAGE, read)
    window, words = read
    if not words:
        return usage(HISTORY_USAGE)
    companies = await ctx.store.list_companies()
    types: list[EventType] = []
    company = find_company(" ".join(words), companies)
    if company is None:
        while len(words) > 1 and (kind := parse_type(words[-1])) is not None:
            types.insert(0, kind)
            words = words[:-1]
        company = find_company(" ".join(words), companies)
    name = company.name if company else clean_name(" ".join(words))
    names = _names([company]) if company else [name]
    offset = (window.page - 1) * PAGE_SIZE
    found = await ctx.store.events_for(
        since=window.since, companies=names, types=_typed(types), limit=PAGE_SIZE + 1, offset=offset
    )
    if company is None and not found:
        for word in words[1:]:
            if parse_duration(word):
                return usage(HISTORY_USAGE, f"Write the time as since {word}.")
            guesses = near_types(word)
            if guesses:
                return usage(HISTORY_USAGE, f'"{word}" is not an event type.{did_you_mean(guesses)}')
        return unknown_company(name, companies)
    kinds = "".join(f" {t}" for t in dict.fromkeys(types))
    hint = f"history {quote(name)} since {window.since_text}{kinds}"
    label = ", ".join(TYPE_LABEL[t] for t in dict.fromkeys(types))
    title = f"{name}, {window.label}" + (f", {label}" if label else "")
    return _page_reply(ctx, title, found, window, hint, f"No events for {title}.")


async def deals(ctx: Context, args: Sequence[str]) -> Reply:
    """Recent events across the watchlist, or across the companies named."""
    now = ctx.clock.now()
    read = _read_window(args, now, "7d")
    if isinstance(read, str):
        return usage(DEALS_USAGE, read)
    window, words = read
    companies = await ctx.store.list_companies()
    if not companies:
        return Reply(text='The watchlist is empty, so there are no deals yet. Admins add with: watch add "Scale AI"')
    chosen = _read_deals(words, companies)
    if isinstance(chosen, Reply):
        return chosen
    picked, types = chosen
    offset = (window.page - 1) * PAGE_SIZE
    found = await ctx.store.events_for(
        since=window.since,
        companies=_names(picked or companies),
        types=_typed(types),
        limit=PAGE_SIZE + 1,
        offset=offset,
    )
    kinds = "".join(f" {t}" for t in dict.fromkeys(types))
    named = "".join(f" {quote(c.name)}" for c in picked)
    hint = f"deals since {window.since_text}{kinds}{named}"
    label = ", ".join(TYPE_LABEL[t] for t in dict.fromkeys(types))
    who = ", ".join(c.name for c in picked) if picked else "the watchlist"
    title = f"Deals for {who}, {window.label}" + (f", {label}" if label else "")
    return _page_reply(ctx, title, found, window, hint, f"No events for {who}, {window.label}.")


def _read_deals(words: Sequence[str], companies: Sequence[Company]) -> tuple[list[Company], list[EventType]] | Reply:
    """Type words and company names in any order; a company whose name is a type word still wins."""
    types = [t for w in words if (t := parse_type(w)) is not None and find_company(w, companies) is None]
    rest = [w for w in words if parse_type(w) is None or find_company(w, companies) is not None]
    split = split_companies(rest, companies)
    if split.unknown is not None and types:
        untyped = split_companies(words, companies)  # `deals Funding Circle`: the type word was part of a name
        if untyped.unknown is None:
            return list(untyped.companies), []
    if split.unknown is None:
        return list(split.companies), types
    if parse_duration(split.unknown):
        return usage(DEALS_USAGE, f"Write the time as since {split.unknown}.")
    guesses = near_types(split.unknown)
    if guesses:
        return usage(DEALS_USAGE, f'"{split.unknown}" is not an event type.{did_you_mean(guesses)}')
    return unknown_company(split.unknown, companies)
