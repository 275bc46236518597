"""The COMMANDS table and dispatch: every command reachable, admin flags enforced, no input raises."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.model import Reply
from bot.store import SqlStore
from handlers import ALIASES, COMMANDS, FAILED, dispatch
from handlers.args import tokenize
from handlers.context import Context
from tests.handlers.conftest import MakeContext
from tests.handlers.samples import SourceChecker, watch

# One well-formed invocation per command: dispatch must reach each and it must answer without failing.
EXAMPLES = {
    "help": "help history",
    "watch add": 'watch add "Zeta Labs" Zeta',
    "watch remove": "watch remove Mercor",
    "watch list": "watch list",
    "sources": "sources",
    "source add": "source add https://feeds.example/rss.xml 15m",
    "source remove": "source remove 999",
    "subscribe": "subscribe Scale AI investment",
    "unsubscribe": "unsubscribe Scale AI",
    "subscriptions": "subscriptions",
    "history": "history Scale AI since 30d",
    "deals": "deals since 7d",
    "status": "status",
}


def test_every_command_has_its_key_as_name_a_usage_and_a_summary() -> None:
    assert set(EXAMPLES) == set(COMMANDS)
    for key, command in COMMANDS.items():
        assert command.name == key
        assert command.usage.split()[: len(key.split())] == key.split(), key
        assert command.summary.strip() and command.summary.endswith("."), key
    assert {k for k, c in COMMANDS.items() if c.admin} == {"watch add", "watch remove", "source add", "source remove"}


def test_every_alias_points_to_a_command() -> None:
    for alias, target in ALIASES.items():
        assert target in COMMANDS, alias
        assert alias not in COMMANDS, alias


@pytest.mark.parametrize("key", sorted(COMMANDS))
async def test_dispatch_reaches_each_command_with_the_remaining_words(
    key: str, admin: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, list[str]]] = []

    async def spy(ctx: Context, args: Sequence[str]) -> Reply:
        calls.append((key, list(args)))
        return Reply(text=key)

    monkeypatch.setitem(COMMANDS, key, replace(COMMANDS[key], handler=spy))
    upper = EXAMPLES[key].replace(key, key.upper(), 1)  # command words are case-insensitive
    reply = await dispatch(admin, upper)
    assert reply.text == key
    assert calls == [(key, tokenize(EXAMPLES[key])[len(key.split()) :])]


@pytest.mark.parametrize("key", sorted(COMMANDS))
async def test_each_command_answers_its_example_for_real(key: str, admin: Context, store: SqlStore) -> None:
    await watch(store)
    reply = await dispatch(admin, EXAMPLES[key])
    assert isinstance(reply, Reply) and reply.text
    assert reply.text != FAILED
    assert not reply.text.startswith("Usage:"), reply.text


async def test_longest_name_wins_and_quoted_words_never_name_a_command(admin: Context, store: SqlStore) -> None:
    await watch(store)
    assert (await dispatch(admin, "watch list")).text.startswith("Watching 4 companies")
    reply = await dispatch(admin, '"watch list"')
    assert reply.ephemeral and "help" in reply.text


async def test_unknown_command_points_to_help_and_guesses(ctx: Context) -> None:
    reply = await dispatch(ctx, "histroy Scale AI")
    assert reply.ephemeral
    assert "Did you mean history?" in reply.text and "help" in reply.text
    reply = await dispatch(ctx, "frobnicate")
    assert reply.ephemeral and "help" in reply.text and "Did you mean" not in reply.text


async def test_empty_text_is_help(ctx: Context) -> None:
    assert (await dispatch(ctx, "   ")).text == (await dispatch(ctx, "help")).text


async def test_a_group_without_its_subcommand_shows_the_group_usage(ctx: Context) -> None:
    reply = await dispatch(ctx, "watch")
    assert reply.ephemeral and reply.text.startswith("Usage:")
    assert "watch add" in reply.text and "watch remove" in reply.text and "watch list" in reply.text
    assert "source add" in (await dispatch(ctx, "source bogus")).text


async def test_aliases_reach_their_commands(ctx: Context, store: SqlStore) -> None:
    await watch(store)
    assert (await dispatch(ctx, "watchlist")).text == (await dispatch(ctx, "watch list")).text
    assert (await dispatch(ctx, "source list")).text == (await dispatch(ctx, "sources")).text


@pytest.mark.parametrize(
    "text", ['watch add "Zeta Labs"', "watch remove Meta", "source add https://x.example/f", "source remove 1"]
)
async def test_admin_commands_are_refused_politely_and_logged(
    text: str, ctx: Context, store: SqlStore, checker: SourceChecker, caplog: pytest.LogCaptureFixture
) -> None:
    await watch(store)
    before = (await store.list_companies(), await store.list_sources())
    with caplog.at_level(logging.WARNING, logger="handlers"):
        reply = await dispatch(ctx, text)
    assert reply.ephemeral and "only admins" in reply.text
    assert (await store.list_companies(), await store.list_sources()) == before
    assert checker.urls == []
    assert any("refused" in r.getMessage() and "U1" in r.getMessage() for r in caplog.records)


async def test_the_table_handler_itself_refuses_so_adapters_calling_it_directly_are_safe(ctx: Context) -> None:
    reply = await COMMANDS["watch add"].handler(ctx, ["Zeta"])
    assert reply.ephemeral and "only admins" in reply.text
    assert await ctx.store.list_companies() == []


async def test_a_failing_store_becomes_a_polite_reply(
    ctx: Context, store: SqlStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> list[object]:
        raise RuntimeError("database is on fire")

    monkeypatch.setattr(store, "list_companies", broken)
    with caplog.at_level(logging.ERROR, logger="handlers"):
        reply = await dispatch(ctx, "watch list")
    assert reply == Reply(text=FAILED, ephemeral=True)
    assert "fire" not in reply.text
    assert any(r.exc_info for r in caplog.records)


async def test_help_lists_every_command_for_admins_and_names_admin_ones_for_members(
    make_ctx: MakeContext,
) -> None:
    full = (await dispatch(make_ctx(admin=True), "help")).text
    for command in COMMANDS.values():
        assert command.usage in full
    member = (await dispatch(make_ctx(), "help")).text
    assert "source add <url>" not in member and "Admins can also: watch add" in member
    detail = await dispatch(make_ctx(), "help history")
    assert detail.text.startswith(COMMANDS["history"].usage) and "Examples:" in detail.text
    assert "Did you mean history?" in (await dispatch(make_ctx(), "help histroy")).text
    assert "watch add" in (await dispatch(make_ctx(), "help watch")).text


_NAMES = sorted({*COMMANDS, *ALIASES})
_WORDS = st.sampled_from(
    ["all", "any", "since", "page", "7d", "0", "-1", "#2", '"', "“", "'", "Scale", "AI", "acquisition", "completed", ""]
)
_TEXT = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda name, words, tail: " ".join([name, *words]) + tail,
        st.sampled_from(_NAMES),
        st.lists(_WORDS, max_size=6),
        st.text(max_size=20),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT, is_admin=st.booleans())
async def test_dispatch_answers_any_text_with_a_reply(
    store: SqlStore, make_ctx: MakeContext, text: str, is_admin: bool
) -> None:
    # One store for all examples: what earlier examples added only makes later inputs more varied.
    if not await store.list_companies():
        await watch(store)
    ctx = make_ctx(admin=is_admin, check_source=SourceChecker(error="refused in tests"))
    reply = await dispatch(ctx, text)
    assert isinstance(reply, Reply) and reply.text
    assert reply.text != FAILED, text
    assert len(reply.cards) <= 5
