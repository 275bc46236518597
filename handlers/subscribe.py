"""Commands: `subscribe`, `unsubscribe`, `subscriptions` (command + context -> Reply): what this channel hears about."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from bot.model import EVENT_TYPES, Company, EventType, Reply, Status, Subscription
from bot.pipeline.route import ALL_WATCHED, ANY_COMPANY
from bot.render import TYPE_LABEL
from handlers.args import (
    clean_name,
    did_you_mean,
    find_company,
    is_quoted,
    name_key,
    near_types,
    parse_id,
    parse_status,
    parse_type,
    suggest_companies,
    unknown_company,
    usage,
)
from handlers.context import Context

log = logging.getLogger(__name__)

SUBSCRIBE_USAGE = "subscribe [<company>|all|any] [types...] [min_status]"
UNSUBSCRIBE_USAGE = "unsubscribe <company>|all|any|<subscription id>"
LIST_USAGE = "subscriptions"

_GROUPS = {"all": ALL_WATCHED, "*": ALL_WATCHED, "any": ANY_COMPANY}


def _label(company: str) -> str:
    if company == ALL_WATCHED:
        return "all watched companies"
    if company.casefold() == ANY_COMPANY:
        return "any company"
    return company


def describe(sub: Subscription) -> str:
    """`#3 Scale AI: Acquisition, Investment; announced or later`."""
    names = [_label(company) for company in sub.companies]
    kinds = "every type" if set(sub.types) >= set(EVENT_TYPES) else ", ".join(TYPE_LABEL[t] for t in sub.types)
    return f"#{sub.id} {', '.join(names)}: {kinds}; {sub.min_status} or later"


def _same(a: Subscription, b: Subscription) -> bool:
    return (
        a.target == b.target
        and {name_key(c) for c in a.companies} == {name_key(c) for c in b.companies}
        and set(a.types) == set(b.types)
        and a.min_status == b.min_status
    )


def _read(args: Sequence[str], companies: Sequence[Company]) -> tuple[str, list[EventType], Status | None] | Reply:
    """(company or group, types, min status): types and status trail the name, in any order."""
    words = list(args)
    whole = find_company(" ".join(words), companies) if words else None
    if whole is not None:
        return whole.name, [], None
    types: list[EventType] = []
    status: Status | None = None
    while words:
        last = words[-1]
        kind, level = parse_type(last), parse_status(last)
        if kind is not None:
            types.insert(0, kind)
        elif level is not None:
            if status is not None:
                return usage(SUBSCRIBE_USAGE, "Give one minimum status: rumor, announced, completed or terminated.")
            status = level
        else:
            break
        words.pop()
    if not words:
        return ALL_WATCHED, types, status
    if len(words) == 1 and not is_quoted(words[0]) and words[0].casefold() in _GROUPS:
        return _GROUPS[words[0].casefold()], types, status
    name = " ".join(words)
    company = find_company(name, companies)
    if company is not None:
        return company.name, types, status
    for word in words[1:]:  # `subscribe Meta aquisition`: the name is fine, the type is misspelt
        guesses = near_types(word)
        if guesses:
            return usage(SUBSCRIBE_USAGE, f'"{word}" is not an event type.{did_you_mean(guesses)}')
    return unknown_company(name, companies)


async def subscribe(ctx: Context, args: Sequence[str]) -> Reply:
    """Defaults: every watched company, every type, from announced on."""
    companies = await ctx.store.list_companies()
    read = _read(args, companies)
    if isinstance(read, Reply):
        return read
    company, types, status = read
    sub = Subscription(
        target=ctx.channel,
        companies=(company,),
        types=tuple(t for t in EVENT_TYPES if t in types) if types else EVENT_TYPES,
        min_status=status or "announced",
    )
    before = await ctx.store.list_subscriptions(ctx.channel)
    existing = next((s for s in before if _same(s, sub)), None)
    if existing is not None:
        return Reply(text=f"This channel is already subscribed: {describe(existing)}")
    sub_id = await ctx.store.add_subscription(sub)
    log.info("subscription #%s added for %s by %s:%s", sub_id, ctx.channel, ctx.platform, ctx.user)
    text = f"Subscribed this channel: {describe(replace(sub, id=sub_id))}"
    if company == ALL_WATCHED and not companies:
        text += "\nThe watchlist is empty, so nothing will arrive until an admin adds a company (watch add)."
    return Reply(text=text)


def _resolve_target(name: str, mine: Sequence[Subscription], companies: Sequence[Company]) -> str | None:
    """What an unsubscribe names, as stored: a group, a name this channel subscribed to, or a watched company."""
    key = name_key(name)
    if key in _GROUPS:
        return _GROUPS[key]
    for sub in mine:
        for company in sub.companies:
            if name_key(company) == key:
                return company
    found = find_company(name, companies)
    return found.name if found else None


async def unsubscribe(ctx: Context, args: Sequence[str]) -> Reply:
    """Remove this channel's subscriptions for a company or group; a shared one just loses that company."""
    if not args:
        return usage(UNSUBSCRIBE_USAGE, "See subscriptions for this channel's list and ids.")
    mine = await ctx.store.list_subscriptions(ctx.channel)
    if len(args) == 1 and (sub_id := parse_id(args[0])) is not None:
        chosen = next((s for s in mine if s.id == sub_id), None)
        if chosen is None or chosen.id is None:
            return Reply(text=f"This channel has no subscription #{sub_id}. See subscriptions.", ephemeral=True)
        await ctx.store.remove_subscription(chosen.id)
        log.info("subscription #%s removed for %s by %s:%s", chosen.id, ctx.channel, ctx.platform, ctx.user)
        return Reply(text=f"Unsubscribed: {describe(chosen)}")
    name = clean_name(" ".join(args))
    companies = await ctx.store.list_companies()
    target = _resolve_target(name, mine, companies)
    if target is None:
        known = [c for s in mine for c in s.companies if c not in (ALL_WATCHED, ANY_COMPANY)]
        options = suggest_companies(name, [*companies, *(Company(c) for c in known)])
        hint = did_you_mean(options) or " See subscriptions for this channel's list."
        return Reply(text=f'"{name}" matches none of this channel\'s subscriptions.{hint}', ephemeral=True)
    key = name_key(target)
    removed: list[Subscription] = []
    narrowed: list[Subscription] = []
    for sub in mine:
        if sub.id is None or key not in {name_key(c) for c in sub.companies}:
            continue
        left = tuple(c for c in sub.companies if name_key(c) != key)
        if left:
            new_id = await ctx.store.add_subscription(replace(sub, companies=left, id=None))
            narrowed.append(replace(sub, companies=left, id=new_id))
        await ctx.store.remove_subscription(sub.id)
        removed.append(sub)
    if not removed:
        return Reply(text=f"This channel has no subscription for {_label(target)}. See subscriptions.", ephemeral=True)
    log.info("%d subscription(s) removed for %s by %s:%s", len(removed), ctx.channel, ctx.platform, ctx.user)
    lines = [f"Unsubscribed: {describe(sub)}" for sub in removed]
    lines += [f"Kept for the other companies: {describe(sub)}" for sub in narrowed]
    return Reply(text="\n".join(lines))


async def list_subscriptions(ctx: Context, args: Sequence[str]) -> Reply:
    if args:
        return usage(LIST_USAGE)
    mine = await ctx.store.list_subscriptions(ctx.channel)
    if not mine:
        return Reply(text="This channel has no subscriptions. Start with: subscribe all")
    lines = [f"This channel's subscription{'s' if len(mine) != 1 else ''}:"]
    lines += [describe(sub) for sub in mine]
    return Reply(text="\n".join(lines))
