"""Commands: what every chat command receives and returns, independent of the platform that carried it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.model import Reply
from bot.ports import Clock, Store

SourceCheck = Callable[[str], Awaitable[str | None]]
"""Test-fetches a URL through the fetch guard before a source is saved: None if fine, else the error."""


@dataclass(frozen=True)
class Context:
    """Who asked, where, and what they may do. Adapters build it; handlers only read it.

    `channel` is the subscription target of the conversation (`slack:C0123`, `discord:42`,
    `console`); `is_admin` is decided by the adapter from the config and the platform's roles.
    """

    store: Store
    clock: Clock
    platform: str
    channel: str
    user: str
    is_admin: bool
    check_source: SourceCheck | None = None
    version: str = ""


Handler = Callable[[Context, Sequence[str]], Awaitable[Reply]]


@dataclass(frozen=True)
class Command:
    """One entry of the COMMANDS table: adapters register every entry, so platforms never drift apart."""

    name: str
    handler: Handler
    usage: str
    summary: str
    admin: bool = False
