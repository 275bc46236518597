"""Commands: `help` (command + context -> Reply): what the bot does and how to ask it things."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from bot.model import Reply
from handlers.args import usage
from handlers.context import Command, Context

USAGE = "help [command]"

ABOUT = (
    "dealwatch watches the news for the companies on the watchlist and posts one alert per deal "
    "(acquisition, merger, investment, funding round, divestiture) or partnership change (formed, ended) "
    "to the channels that subscribed. Later news of the same deal (rumor -> announced -> completed, "
    "or called off) arrives in the first alert's thread."
)

EXAMPLES: Mapping[str, tuple[str, ...]] = {
    "help": ("help history",),
    "watch add": ('watch add "Scale AI" Scale scale.com', "watch add OpenAI"),
    "watch remove": ("watch remove Scale AI",),
    "watch list": ("watch list",),
    "sources": ("sources", "sources page 2"),
    "source add": ("source add https://example.com/feed.xml 15m",),
    "source remove": ("source remove 3",),
    "subscribe": (
        "subscribe all",
        "subscribe Scale AI investment partnership_end",
        "subscribe any acquisition completed",
    ),
    "unsubscribe": ("unsubscribe Scale AI", "unsubscribe 4"),
    "subscriptions": ("subscriptions",),
    "history": ("history Scale AI", "history Scale AI since 90d investment", "history Meta page 2"),
    "deals": ("deals", "deals since 30d acquisition", "deals OpenAI Meta"),
    "status": ("status",),
}

_OVERVIEW_EXAMPLES = ("subscribe all", "history Scale AI since 30d", "deals since 7d acquisition")


def _commands() -> Mapping[str, Command]:
    from handlers import COMMANDS  # the table lists help itself, so it is looked up when asked

    return COMMANDS


def _entry(command: Command) -> str:
    return f"  {command.usage}  - {command.summary}{' (admin)' if command.admin else ''}"


async def show_help(ctx: Context, args: Sequence[str]) -> Reply:
    """Everything on one page, or one command in detail with `help <command>`."""
    commands = _commands()
    if args:
        name = " ".join(args).casefold().strip()
        if name in commands:
            command = commands[name]
            lines = [f"{command.usage}{'  (admin only)' if command.admin else ''}", command.summary]
            lines += ["Examples:", *(f"  {e}" for e in EXAMPLES.get(name, ()))]
            return Reply(text="\n".join(lines), ephemeral=True)
        group = [c for key, c in commands.items() if key.split()[0] == name]
        if group:
            return Reply(text="\n".join(_entry(c) for c in group), ephemeral=True)
        close = difflib.get_close_matches(name, list(commands), n=1, cutoff=0.6)
        problem = f'No command "{name}".' + (f" Did you mean {close[0]}?" if close else "")
        return usage(USAGE, problem)
    lines = [ABOUT, "", "Commands:"]
    lines += [_entry(c) for c in commands.values() if ctx.is_admin or not c.admin]
    admin = [c.name for c in commands.values() if c.admin]
    if not ctx.is_admin and admin:
        lines.append(f"  Admins can also: {', '.join(admin)}.")
    lines += ["", "Examples:", *(f"  {e}" for e in _OVERVIEW_EXAMPLES)]
    lines.append('Quote a name of several words to give it aliases: watch add "Scale AI" Scale')
    lines.append("help <command> shows more examples.")
    return Reply(text="\n".join(lines), ephemeral=True)
