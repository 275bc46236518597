"""Both chat adapters offer every entry of `handlers.COMMANDS`, so Slack and Discord never drift apart.

Slack has one `/dealwatch` command that hands its text to `handlers.dispatch`; Discord registers one
subcommand per entry. Each is driven through its real library and must reach every handler."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

import pytest
from discord import AppCommandOptionType

from bot.adapters.discord import ADMIN_GROUP, MEMBER_GROUP, DiscordAdapter
from bot.adapters.slack import SlackAdapter
from bot.config import SlackConfig
from bot.model import Reply
from bot.store import SqlStore
from handlers import COMMANDS
from handlers.context import Context
from tests.adapters.fake_discord import ADMIN_ID, FakeDiscord, running_fake
from tests.adapters.fake_slack import BOT_TOKEN, FakeSlack
from tests.adapters.test_discord_commands import ask, running
from tests.fakes import FakeClock


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake() as f:
        yield f


def test_discord_registers_every_command_entry_where_its_admin_flag_says(
    fake: FakeDiscord, store: SqlStore, clock: FakeClock
) -> None:
    adapter = DiscordAdapter(fake.config(), store, clock)
    assert list(adapter.registered) == list(COMMANDS)
    for key, command in adapter.registered.items():
        group = ADMIN_GROUP if COMMANDS[key].admin else MEMBER_GROUP
        words = key.split()
        expected = [group, words[0], "-".join(words[1:])] if len(words) > 1 else [group, key]
        assert command.qualified_name.split() == expected
        assert command.description == COMMANDS[key].summary[:100] or command.description.endswith("…")
    walked = {c.qualified_name for c in adapter.tree.walk_commands()}
    assert {c.qualified_name for c in adapter.registered.values()} <= walked


async def test_every_command_entry_reaches_its_handler_on_both_platforms(
    fake: FakeDiscord,
    slack: FakeSlack,
    store: SqlStore,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reached: list[tuple[str, str]] = []

    def recorder(key: str) -> object:
        async def record(ctx: Context, args: Sequence[str]) -> Reply:
            reached.append((ctx.platform, key))
            return Reply(text=f"reached {key}")

        return record

    for key, command in list(COMMANDS.items()):
        monkeypatch.setitem(COMMANDS, key, replace(command, handler=recorder(key)))

    slack_adapter = SlackAdapter(
        SlackConfig(bot_token=BOT_TOKEN, admins=["U0ADMIN1"], api_url=slack.api_url), store, clock
    )
    for key in COMMANDS:
        await slack_adapter.answer(channel="C0DEALS1", user="U0ADMIN1", text=key)

    async with running(fake, store, clock, config={"admins": [ADMIN_ID]}) as adapter:
        for key, command in adapter.registered.items():
            options = {
                p.display_name: 1 if p.type is AppCommandOptionType.integer else "x"
                for p in command.parameters
                if p.required
            }
            token = await ask(fake, command.qualified_name.split(), options, user=ADMIN_ID)
            assert f"reached {key}" in fake.answers(token)[0].body["data"]["content"]

    assert [k for p, k in reached if p == "slack"] == list(COMMANDS)
    assert [k for p, k in reached if p == "discord"] == list(COMMANDS)
