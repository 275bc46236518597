"""The Discord adapter end to end: the real discord.py signs in, syncs `/dealwatch`, connects to the fake
gateway and answers INTERACTION_CREATEs through the real handlers and a SQLite store."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest

from bot.adapters.discord import CONTENT_MAX, DiscordAdapter
from bot.model import Company, Reply
from bot.store import SqlStore
from handlers import COMMANDS
from handlers.context import Command, Context
from tests.adapters.fake_discord import (
    ADMIN_ID,
    CHANNEL_ID,
    GUILD_ID,
    MANAGE_GUILD,
    MEMBER_ID,
    MEMBER_RIGHTS,
    TOKEN,
    FakeDiscord,
    running_fake,
)
from tests.adapters.test_slack_commands import watch_scale_ai
from tests.fakes import FakeClock

EPHEMERAL = 64


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake() as f:
        yield f


@asynccontextmanager
async def running(
    fake: FakeDiscord, store: SqlStore, clock: FakeClock, *, config: dict[str, Any] | None = None, **options: Any
) -> AsyncIterator[DiscordAdapter]:
    """The adapter started as `dealwatch run` starts it, connected to the fake gateway."""
    adapter = DiscordAdapter(
        fake.config(**(config or {})), store, clock, version="test", guild_ready_timeout=0.05, **options
    )
    try:
        await adapter.start(connect_timeout_s=5)
        yield adapter
    finally:
        await adapter.close()


async def ask(fake: FakeDiscord, path: Sequence[str], options: dict[str, Any] | None = None, **who: Any) -> str:
    """Send a slash command and wait for its first answer; returns the interaction token."""
    token = await fake.interact(fake.interaction(path, options, **who))
    await fake.wait_until(lambda: bool(fake.answers(token)))
    return token


def with_handler(key: str, handler: Any) -> dict[str, Command]:
    return {**COMMANDS, key: replace(COMMANDS[key], handler=handler)}


# --- connecting and syncing ---------------------------------------------------------------------


async def test_connects_and_syncs_the_commands_to_the_guild(
    fake: FakeDiscord, store: SqlStore, clock: FakeClock
) -> None:
    async with running(fake, store, clock) as adapter:
        await asyncio.wait_for(adapter.client.wait_until_ready(), 5)
        await fake.wait_until(lambda: fake.heartbeats >= 1)
        guild = adapter.client.get_guild(GUILD_ID)
        assert guild is not None and not guild.unavailable  # GUILD_CREATE arrived after READY
        assert guild.get_channel(CHANNEL_ID) is not None
    (identify,) = fake.identifies
    assert identify["token"] == TOKEN and identify["intents"] == 1  # guilds only: no privileged intents
    assert fake.gateway_queries[0]["v"] == "10" and fake.gateway_queries[0]["encoding"] == "json"
    assert [c.route for c in fake.calls[:3]] == ["me", "application", "sync_guild"]
    assert list(fake.synced) == [GUILD_ID]
    by_name = {c["name"]: c for c in fake.synced[GUILD_ID]}
    assert set(by_name) == {"dealwatch", "dealwatch-admin"}
    assert by_name["dealwatch"]["default_member_permissions"] is None
    admin = by_name["dealwatch-admin"]
    assert int(admin["default_member_permissions"]) == MANAGE_GUILD and admin["dm_permission"] is False
    watch = next(o for o in by_name["dealwatch"]["options"] if o["name"] == "watch")
    assert watch["type"] == 2 and [o["name"] for o in watch["options"]] == ["list"]
    admin_watch = next(o for o in admin["options"] if o["name"] == "watch")
    assert [o["name"] for o in admin_watch["options"]] == ["add", "remove"]
    history = next(o for o in by_name["dealwatch"]["options"] if o["name"] == "history")
    options = {o["name"]: o for o in history["options"]}
    assert options["company"]["required"] and options["company"]["autocomplete"]
    assert options["type"]["autocomplete"] and options["page"]["type"] == 4 and options["page"]["min_value"] == 1
    subscribe = next(o for o in by_name["dealwatch"]["options"] if o["name"] == "subscribe")
    statuses = next(o for o in subscribe["options"] if o["name"] == "min_status")["choices"]
    assert [c["value"] for c in statuses] == ["rumor", "announced", "completed", "terminated"]


async def test_without_guild_ids_the_commands_are_synced_globally(
    fake: FakeDiscord, store: SqlStore, clock: FakeClock
) -> None:
    async with running(fake, store, clock, config={"guild_ids": []}):
        token = await ask(fake, ["dealwatch", "status"])
    assert list(fake.synced) == [None]
    assert "Sources: 0" in fake.answers(token)[0].body["data"]["content"]


async def test_a_shard_identifies_as_itself(fake: FakeDiscord, store: SqlStore, clock: FakeClock) -> None:
    async with running(fake, store, clock, config={"shard_ids": [1], "shard_count": 2}) as adapter:
        assert adapter.client.shard_count == 2
    (identify,) = fake.identifies
    assert identify["shard"] == [1, 2]


# --- answering ----------------------------------------------------------------------------------


async def test_slash_command_reaches_the_handler_and_is_answered(
    fake: FakeDiscord, store: SqlStore, clock: FakeClock
) -> None:
    await watch_scale_ai(store, clock)
    async with running(fake, store, clock):
        token = await ask(fake, ["dealwatch", "history"], {"company": "scale ai", "since": "30d"})
    (callback,) = fake.answers(token)
    assert callback.params == {"with_response": "1"}
    assert callback.body["type"] == 4  # answered at once: the handler was quick
    data = callback.body["data"]
    assert data["allowed_mentions"] == {"parse": []}
    assert "Scale AI, last 30d (page 1)" in data["content"]
    assert not data.get("flags", 0) & EPHEMERAL
    (embed,) = data["embeds"]
    assert embed["title"].startswith("Investment (announced): Meta → Scale AI")
    assert any(f["name"] == "First seen" for f in embed["fields"])


async def test_a_slow_handler_is_deferred_then_followed_up(
    fake: FakeDiscord, store: SqlStore, clock: FakeClock
) -> None:
    release = asyncio.Event()

    async def slow(ctx: Context, args: Sequence[str]) -> Reply:
        await release.wait()
        return Reply(text="all quiet")

    async with running(fake, store, clock, commands=with_handler("status", slow), answer_within_s=0.05):
        token = await ask(fake, ["dealwatch", "status"])
        (deferred,) = fake.answers(token)
        assert deferred.body == {"type": 5}  # "dealwatch is thinking…", well within three seconds
        release.set()
        await fake.wait_until(lambda: len(fake.answers(token)) == 2)
    edit = fake.answers(token)[1]
    assert edit.route == "edit_original" and edit.body["content"] == "all quiet"
    assert edit.body["allowed_mentions"] == {"parse": []}


async def test_a_private_answer_after_a_deferral_replaces_the_placeholder(
    fake: FakeDiscord, store: SqlStore, clock: FakeClock
) -> None:
    async def slow(ctx: Context, args: Sequence[str]) -> Reply:
        await asyncio.sleep(0.2)
        return Reply(text="only for you", ephemeral=True)

    async with running(fake, store, clock, commands=with_handler("status", slow), answer_within_s=0.05):
        token = await ask(fake, ["dealwatch", "status"])
        await fake.wait_until(lambda: len(fake.answers(token)) == 3)
    deferred, removed, private = fake.answers(token)
    assert deferred.body["type"] == 5 and removed.route == "delete_original"
    assert private.route == "followup" and private.body["flags"] & EPHEMERAL
    assert private.body["content"] == "only for you"


async def test_a_long_answer_is_paged_into_follow_ups(fake: FakeDiscord, store: SqlStore, clock: FakeClock) -> None:
    lines = [f"line {n}: " + "x" * 90 for n in range(60)]  # about 6000 characters

    async def wordy(ctx: Context, args: Sequence[str]) -> Reply:
        return Reply(text="\n".join(lines), more="deals since 7d page 2")

    async with running(fake, store, clock, commands=with_handler("deals", wordy)):
        token = await ask(fake, ["dealwatch", "deals"])
        await fake.wait_until(lambda: len(fake.answers(token)) >= 4)
    first, *rest = fake.answers(token)
    assert first.route == "callback" and [c.route for c in rest] == ["followup"] * 3
    assert all(c.params.get("wait") == "1" for c in rest)
    contents = [first.body["data"]["content"], *(c.body["content"] for c in rest)]
    assert all(len(c) <= CONTENT_MAX for c in contents)
    assert "\n".join(contents).splitlines()[:60] == lines  # nothing lost, nothing split mid-line
    assert contents[-1].endswith("More: the same command with page:2")
    assert all(c.body["allowed_mentions"] == {"parse": []} for c in rest)


async def test_options_become_the_handlers_arguments(fake: FakeDiscord, store: SqlStore, clock: FakeClock) -> None:
    """Company names arrive as one quoted argument each; keywords, types and statuses as plain words."""
    seen: list[tuple[str, list[tuple[str, bool]]]] = []

    def recorder(key: str) -> Any:
        async def record(ctx: Context, args: Sequence[str]) -> Reply:
            seen.append((key, [(a, bool(getattr(a, "quoted", False))) for a in args]))
            return Reply(text="ok")

        return record

    commands = {k: replace(c, handler=recorder(k)) for k, c in COMMANDS.items()}
    async with running(fake, store, clock, commands=commands):
        await ask(fake, ["dealwatch-admin", "watch", "add"], {"company": "Scale  AI", "aliases": "Scale, scale.com"})
        await ask(fake, ["dealwatch", "history"], {"company": "Meta", "since": "90d", "type": "investment", "page": 2})
        await ask(fake, ["dealwatch", "subscribe"], {"company": "all", "types": "investment, partnership_end"})
        await ask(fake, ["dealwatch", "subscribe"], {"company": "Scale AI", "min_status": "completed"})
        await ask(fake, ["dealwatch", "unsubscribe"], {"what": "#3"})
        await ask(fake, ["dealwatch", "deals"], {"companies": "Meta, Funding Circle"})
        await ask(fake, ["dealwatch-admin", "source", "remove"], {"id": 4})
        await ask(fake, ["dealwatch", "help"], {"command": "watch add"})
    assert seen == [
        ("watch add", [("Scale AI", True), ("Scale", True), ("scale.com", True)]),
        (
            "history",
            [("Meta", True), ("since", False), ("90d", False), ("investment", False), ("page", False), ("2", False)],
        ),
        ("subscribe", [("all", False), ("investment", False), ("partnership_end", False)]),
        ("subscribe", [("Scale AI", True), ("completed", False)]),
        ("unsubscribe", [("#3", False)]),
        ("deals", [("Meta", True), ("Funding Circle", True)]),
        ("source remove", [("4", False)]),
        ("help", [("watch", False), ("add", False)]),
    ]


async def test_watch_add_from_discord_keeps_name_and_aliases_apart(
    fake: FakeDiscord, store: SqlStore, clock: FakeClock
) -> None:
    async with running(fake, store, clock):
        options = {"company": "Scale AI", "aliases": "Scale, scale.com"}
        await ask(fake, ["dealwatch-admin", "watch", "add"], options, permissions=MEMBER_RIGHTS | MANAGE_GUILD)
        token = await ask(fake, ["dealwatch", "subscribe"], {"company": "all", "types": "investment, partnership_end"})
    (company,) = await store.list_companies()
    assert company == Company("Scale AI", ("Scale", "scale.com"))
    assert "Investment, Partnership ended; announced or later" in fake.answers(token)[0].body["data"]["content"]


# --- autocomplete -------------------------------------------------------------------------------


async def test_autocomplete_offers_watchlist_names(fake: FakeDiscord, store: SqlStore, clock: FakeClock) -> None:
    for name, aliases in (("Scale AI", ("scale.com",)), ("Meta", ()), ("OpenAI", ()), ("Mercor", ())):
        await store.upsert_company(Company(name, aliases))
    async with running(fake, store, clock):
        token = await ask(fake, ["dealwatch", "history"], {"company": "o"}, focused="company")
        companies = fake.answers(token)[0].body
        token = await ask(fake, ["dealwatch", "history"], {"company": "Meta", "type": "part"}, focused="type")
        one_type = fake.answers(token)[0].body
        token = await ask(fake, ["dealwatch", "subscribe"], {"types": "investment, part"}, focused="types")
        listed = fake.answers(token)[0].body
        token = await ask(fake, ["dealwatch", "history"], {"company": "SCALE.C"}, focused="company")
        by_alias = fake.answers(token)[0].body
    assert companies["type"] == 8
    # Name or alias, prefix matches first: OpenAI, then Mercor and Scale AI (scale.com).
    assert [c["value"] for c in companies["data"]["choices"]] == ["OpenAI", "Mercor", "Scale AI"]
    assert [c["value"] for c in one_type["data"]["choices"]] == ["partnership", "partnership_end"]
    assert [c["value"] for c in listed["data"]["choices"]] == [
        "investment, partnership",
        "investment, partnership_end",
    ]
    assert [c["value"] for c in by_alias["data"]["choices"]] == ["Scale AI"]


# --- admin rights -------------------------------------------------------------------------------


async def test_admin_command_from_a_member_is_refused(
    fake: FakeDiscord, store: SqlStore, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with running(fake, store, clock):
        # Discord hides /dealwatch-admin from members by default, but a server may unhide it: checked here too.
        token = await ask(fake, ["dealwatch-admin", "watch", "add"], {"company": "Mercor"}, user=MEMBER_ID)
    (callback,) = fake.answers(token)
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert "only admins" in callback.body["data"]["content"]
    assert await store.list_companies() == []
    assert any("refused" in r.getMessage() and str(MEMBER_ID) in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("user", "permissions"),
    [(MEMBER_ID, MEMBER_RIGHTS | MANAGE_GUILD), (MEMBER_ID, MEMBER_RIGHTS | (1 << 3)), (ADMIN_ID, MEMBER_RIGHTS)],
    ids=["manage-server", "administrator", "config-admin"],
)
async def test_admin_command_from_an_admin_is_allowed(
    fake: FakeDiscord, store: SqlStore, clock: FakeClock, user: int, permissions: int
) -> None:
    async with running(fake, store, clock, config={"admins": [ADMIN_ID]}):
        token = await ask(
            fake, ["dealwatch-admin", "watch", "add"], {"company": "Mercor"}, user=user, permissions=permissions
        )
    assert "Now watching Mercor" in fake.answers(token)[0].body["data"]["content"]
    assert [c.name for c in await store.list_companies()] == ["Mercor"]


async def test_a_failure_around_a_handler_is_still_answered(
    fake: FakeDiscord, store: SqlStore, clock: FakeClock
) -> None:
    async def broken(ctx: Context, args: Sequence[str]) -> Reply:
        raise RuntimeError("boom")

    async def slow_and_broken(ctx: Context, args: Sequence[str]) -> Reply:
        await asyncio.sleep(0.1)
        raise RuntimeError("boom")

    commands = {**with_handler("status", broken), "subscriptions": replace(COMMANDS["status"], handler=slow_and_broken)}
    async with running(fake, store, clock, commands=commands, answer_within_s=0.05):
        deferred = await ask(fake, ["dealwatch", "subscriptions"])
        await fake.wait_until(lambda: len(fake.answers(deferred)) == 2)
        token = await ask(fake, ["dealwatch", "status"])
        bad_page = await ask(fake, ["dealwatch", "sources"], {"page": 0})  # Discord enforces the minimum; we do too
    (callback,) = fake.answers(token)
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert callback.body["data"]["content"].startswith("Sorry, that did not work")
    assert "boom" not in callback.body["data"]["content"]
    assert fake.answers(bad_page)[0].body["data"]["content"].startswith("Usage: sources")
    thinking, apology = fake.answers(deferred)
    assert thinking.body["type"] == 5 and apology.route == "edit_original"
    assert apology.body["content"].startswith("Sorry, that did not work")
