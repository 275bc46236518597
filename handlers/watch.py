"""Commands: `watch add`, `watch remove`, `watch list` (command + context -> Reply): the watchlist."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from bot.model import Company, Reply
from handlers.args import (
    MAX_NAME,
    clean_name,
    did_you_mean,
    find_company,
    is_quoted,
    name_key,
    quote,
    suggest_companies,
    usage,
)
from handlers.context import Context

log = logging.getLogger(__name__)

ADD_USAGE = "watch add <company> [aliases...]"
ADD_NOTE = 'Quote a name of several words to give it aliases: watch add "Scale AI" Scale scale.com'
REMOVE_USAGE = "watch remove <company>"
LIST_USAGE = "watch list"

MAX_ALIASES = 20
# Words subscriptions give a meaning of their own; a company by that name could never be named.
RESERVED = frozenset({"*", "all", "any"})


def _read_add(args: Sequence[str]) -> tuple[str, list[str]]:
    """A quoted first word is the name and the rest are aliases; unquoted, every word is the name."""
    if is_quoted(args[0]):
        return clean_name(args[0]), [clean_name(a) for a in args[1:]]
    return clean_name(" ".join(args)), []


def _bad_name(name: str) -> str | None:
    if not name:
        return "The company name is empty."
    if len(name) > MAX_NAME:
        return f"Names are at most {MAX_NAME} characters."
    if name.casefold() in RESERVED:
        return f'"{name}" is reserved: subscribe uses all and any for groups of companies.'
    return None


def _owner(spelling: str, companies: Sequence[Company], skip: str) -> Company | None:
    """Another watched company already known by this spelling: two companies may not share a name."""
    key = name_key(spelling)
    for company in companies:
        if name_key(company.name) != skip and any(name_key(n) == key for n in company.names):
            return company
    return None


async def add(ctx: Context, args: Sequence[str]) -> Reply:
    """Add a company, or add aliases to one already watched (keeping those it has)."""
    if not args:
        return usage(ADD_USAGE, ADD_NOTE)
    name, aliases = _read_add(args)
    problem = _bad_name(name) or next((_bad_name(a) for a in aliases if _bad_name(a)), None)
    if problem:
        return usage(ADD_USAGE, problem)
    companies = await ctx.store.list_companies()
    key = name_key(name)
    current = next((c for c in companies if name_key(c.name) == key), None)
    for spelling in (name, *aliases):
        taken = _owner(spelling, companies, key)
        if taken is not None:
            return Reply(
                text=f'"{spelling}" already means {taken.name} on the watchlist; choose another name or alias.',
                ephemeral=True,
            )
    known = {name_key(n) for n in (current.names if current else (name,))}
    fresh: list[str] = []
    for alias in aliases:  # one spelling per alias, and none that repeats the name
        if name_key(alias) not in known:
            known.add(name_key(alias))
            fresh.append(alias)
    if current is not None:
        if not fresh:
            listed = f" (aliases: {', '.join(current.aliases)})" if current.aliases else ""
            return Reply(text=f"{current.name} is already on the watchlist{listed}.")
        if len(current.aliases) + len(fresh) > MAX_ALIASES:
            return usage(ADD_USAGE, f"A company has at most {MAX_ALIASES} aliases.")
        updated = replace(current, aliases=(*current.aliases, *fresh))
        await ctx.store.upsert_company(updated)
        log.info("aliases added to %s by %s:%s", current.name, ctx.platform, ctx.user)
        return Reply(text=f"Added alias{'es' if len(fresh) > 1 else ''} {', '.join(fresh)} to {current.name}.")
    if len(fresh) > MAX_ALIASES:
        return usage(ADD_USAGE, f"A company has at most {MAX_ALIASES} aliases.")
    await ctx.store.upsert_company(Company(name=name, aliases=tuple(fresh)))
    log.info("company %s added by %s:%s", name, ctx.platform, ctx.user)
    text = f"Now watching {name}"
    text += f" (aliases: {', '.join(fresh)})." if fresh else "."
    if not is_quoted(args[0]) and len(args) > 1:
        text += f'\nTo give aliases instead, quote the name: watch add "{args[0]}" {" ".join(args[1:])}'
    return Reply(text=text)


async def remove(ctx: Context, args: Sequence[str]) -> Reply:
    """Removal takes an exact name or alias; a near miss only earns a suggestion, never a deletion."""
    name = clean_name(" ".join(args))
    if not name:
        return usage(REMOVE_USAGE)
    companies = await ctx.store.list_companies()
    company = find_company(name, companies)
    if company is None:
        options = suggest_companies(name, companies)
        hint = did_you_mean([f"{o} (watch remove {quote(o)})" for o in options]) or " See watch list."
        return Reply(text=f'"{name}" is not on the watchlist.{hint}', ephemeral=True)
    await ctx.store.remove_company(company.name)
    log.info("company %s removed by %s:%s", company.name, ctx.platform, ctx.user)
    return Reply(text=f"Stopped watching {company.name}. Its past events stay in the history.")


async def list_companies(ctx: Context, args: Sequence[str]) -> Reply:
    if args:
        return usage(LIST_USAGE)
    companies = await ctx.store.list_companies()
    if not companies:
        return Reply(text='The watchlist is empty. An admin can add a company with: watch add "Scale AI" Scale')
    lines = [f"Watching {len(companies)} compan{'ies' if len(companies) != 1 else 'y'}:"]
    for company in companies:
        aliases = f" (aliases: {', '.join(company.aliases)})" if company.aliases else ""
        lines.append(f"- {company.name}{aliases}")
    return Reply(text="\n".join(lines))
