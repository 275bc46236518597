"""Commands: text or arguments from any chat platform + context -> Reply, through one explicit table.

Adapters either register every `COMMANDS` entry as a subcommand and call its handler with the
arguments, or hand the whole text to `dispatch`. Either way the handler in the table enforces the
admin flag and answers every input with a Reply: no exception reaches the platform.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Sequence

from bot.model import Reply
from handlers import help, history, sources, status, subscribe, watch
from handlers.args import Token, tokenize
from handlers.context import Command, Context, Handler

__all__ = ["ALIASES", "COMMANDS", "Command", "Context", "dispatch"]

log = logging.getLogger(__name__)

FAILED = "Sorry, that did not work: something went wrong on our side. Try again in a minute."


def _guarded(name: str, handler: Handler, admin: bool) -> Handler:
    """The table's handler: refuses non-admins when the entry says admin, and turns a crash into a Reply."""

    async def run(ctx: Context, args: Sequence[str]) -> Reply:
        if admin and not ctx.is_admin:
            log.warning("refused admin command %r for %s user %s in %s", name, ctx.platform, ctx.user, ctx.channel)
            return Reply(text=f"Sorry, only admins can use {name}. Ask an admin of this bot.", ephemeral=True)
        try:
            return await handler(ctx, args)
        except Exception:
            log.exception("command %r failed for %s user %s in %s", name, ctx.platform, ctx.user, ctx.channel)
            return Reply(text=FAILED, ephemeral=True)

    run.__name__ = run.__qualname__ = getattr(handler, "__name__", "handler")
    run.__doc__ = handler.__doc__
    return run


def _command(name: str, handler: Handler, usage: str, summary: str, *, admin: bool = False) -> Command:
    return Command(name=name, handler=_guarded(name, handler, admin), usage=usage, summary=summary, admin=admin)


COMMANDS: dict[str, Command] = {
    "help": _command("help", help.show_help, help.USAGE, "What the bot does, its commands and examples."),
    "watch add": _command(
        "watch add", watch.add, watch.ADD_USAGE, "Watch a company, with aliases news may use for it.", admin=True
    ),
    "watch remove": _command("watch remove", watch.remove, watch.REMOVE_USAGE, "Stop watching a company.", admin=True),
    "watch list": _command("watch list", watch.list_companies, watch.LIST_USAGE, "The watched companies."),
    "sources": _command(
        "sources", sources.list_sources, sources.LIST_USAGE, "The news sources with their health and next poll."
    ),
    "source add": _command(
        "source add", sources.add_source, sources.ADD_USAGE, "Add an RSS/Atom feed after a test fetch.", admin=True
    ),
    "source remove": _command(
        "source remove", sources.remove_source, sources.REMOVE_USAGE, "Remove a source by its id.", admin=True
    ),
    "subscribe": _command(
        "subscribe",
        subscribe.subscribe,
        subscribe.SUBSCRIBE_USAGE,
        "Alert this channel about a company (all = every watched one, any = any company), types, minimum status.",
    ),
    "unsubscribe": _command(
        "unsubscribe", subscribe.unsubscribe, subscribe.UNSUBSCRIBE_USAGE, "Stop this channel's matching alerts."
    ),
    "subscriptions": _command(
        "subscriptions", subscribe.list_subscriptions, subscribe.LIST_USAGE, "This channel's subscriptions."
    ),
    "history": _command(
        "history", history.history, history.HISTORY_USAGE, "A company's events, newest first, 5 per page."
    ),
    "deals": _command("deals", history.deals, history.DEALS_USAGE, "Recent events across the watchlist."),
    "status": _command("status", status.status, status.USAGE, "Source health, last poll, pending alerts, version."),
}

# Other ways people say the same thing; dispatch only, adapters register COMMANDS.
ALIASES: dict[str, str] = {
    "watchlist": "watch list",
    "unwatch": "watch remove",
    "source list": "sources",
    "sources list": "sources",
    "sources add": "source add",
    "sources remove": "source remove",
    "subscription": "subscriptions",
    "subscriptions list": "subscriptions",
    "deal": "deals",
    "commands": "help",
    "?": "help",
}

_LONGEST = max(len(name.split()) for name in (*COMMANDS, *ALIASES))


def _match(tokens: Sequence[Token]) -> tuple[Command | None, Sequence[Token]]:
    """The longest command name the text starts with (quoted words never name a command)."""
    for size in range(min(_LONGEST, len(tokens)), 0, -1):
        head = tokens[:size]
        if any(t.quoted for t in head):
            continue
        key = " ".join(t.casefold() for t in head)
        key = ALIASES.get(key, key)
        if key in COMMANDS:
            return COMMANDS[key], tokens[size:]
    return None, tokens


def _unknown(word: str) -> Reply:
    names = [*COMMANDS, *ALIASES]
    close = difflib.get_close_matches(word.casefold(), names, n=1, cutoff=0.6)
    guess = f" Did you mean {ALIASES.get(close[0], close[0])}?" if close else ""
    shown = word if len(word) <= 40 else word[:40] + "…"
    return Reply(text=f'I don\'t know "{shown}".{guess} Type help for the commands.', ephemeral=True)


def _group(tokens: Sequence[Token]) -> Reply | None:
    """`watch` followed by something that is no subcommand: show that group's usage."""
    first = tokens[0].casefold()
    group = [c for name, c in COMMANDS.items() if " " in name and name.split()[0] == first]
    if not group or tokens[0].quoted:
        return None
    lines = ["Usage:", *(f"  {c.usage}" for c in group)]
    return Reply(text="\n".join(lines), ephemeral=True)


async def dispatch(ctx: Context, text: str) -> Reply:
    """Any text -> the command it names -> its Reply. Empty text gets help; nothing raises."""
    try:
        tokens = tokenize(text)
        if not tokens:
            return await COMMANDS["help"].handler(ctx, [])
        command, rest = _match(tokens)
        if command is None:
            group = _group(tokens)
            if group is not None:
                return group
            return _unknown(tokens[0])
        return await command.handler(ctx, rest)
    except Exception:
        log.exception("dispatch failed for %s user %s in %s", ctx.platform, ctx.user, ctx.channel)
        return Reply(text=FAILED, ephemeral=True)
