"""Discord in the composition root: `dealwatch run` signs in, syncs and connects, answers commands and
delivers to Discord channels."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.discord import BOT_PERMISSIONS, DiscordNotifier, invite_url, rest_base
from bot.app import App
from bot.config import Config, DiscordConfig, HttpConfig, SubscriptionConfig
from tests.adapters.fake_discord import CHANNEL_ID, GUILD_ID, FakeDiscord, running_fake
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake() as f:
        yield f


def test_discord_notifier_only_when_a_token_is_set(fake: FakeDiscord) -> None:
    assert "discord" not in App(Config()).notifiers()
    assert isinstance(App(Config(discord=fake.config())).notifiers()["discord"], DiscordNotifier)


def test_config_mistakes_are_named_by_their_key(fake: FakeDiscord) -> None:
    with pytest.raises(ValueError, match=r"discord\.shard_ids needs discord\.shard_count"):
        DiscordNotifier.from_config(fake.config(shard_ids=[0]))
    with pytest.raises(ValueError, match=r"between 0 and shard_count - 1"):
        DiscordNotifier.from_config(fake.config(shard_ids=[2], shard_count=2))
    with pytest.raises(ValueError, match=r"discord\.token"):
        DiscordNotifier.from_config(DiscordConfig())


def test_api_url_may_name_the_version_or_not() -> None:
    assert rest_base("https://proxy.example") == "https://proxy.example/api/v10"
    assert rest_base("https://proxy.example/") == "https://proxy.example/api/v10"
    assert rest_base("http://127.0.0.1:8080/api/v10/") == "http://127.0.0.1:8080/api/v10"
    assert rest_base("https://discord.com/api/v9") == "https://discord.com/api/v9"


async def test_run_connects_answers_and_stops(fake: FakeDiscord, tmp_path: Path) -> None:
    config = Config(
        database=f"sqlite:///{tmp_path / 'dw.db'}",
        subscriptions=[SubscriptionConfig(target=f"discord:{CHANNEL_ID}")],
        discord=fake.config(),
        http=HttpConfig(host="127.0.0.1", port=0),
    )
    stop = asyncio.Event()
    async with App(config, clock=FakeClock()) as app:
        task = asyncio.create_task(app.run(stop))
        try:
            await fake.connected()
            token = await fake.interact(fake.interaction(["dealwatch", "subscriptions"]))
            await fake.wait_until(lambda: bool(fake.answers(token)))
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)
    answer = fake.answers(token)[0].body["data"]["content"]
    assert "all watched companies" in answer  # the subscription the config seeded
    assert list(fake.synced) == [GUILD_ID]
    await fake.wait_until(lambda: fake.connections() == 0)  # the gateway connection was closed on the way out


def test_the_install_guide_invites_with_what_the_adapter_needs() -> None:
    guide = (ROOT / "docs" / "discord.md").read_text(encoding="utf-8")
    url = invite_url(1234)
    assert "scope=bot+applications.commands" in url and f"permissions={BOT_PERMISSIONS.value}" in url
    assert url.replace("client_id=1234", "client_id=APPLICATION_ID") in guide
    assert not BOT_PERMISSIONS.administrator and not BOT_PERMISSIONS.mention_everyone
