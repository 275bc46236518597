"""Slack in the composition root: `dealwatch run` connects Socket Mode, answers commands and delivers to Slack."""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml

from bot.adapters.slack import SlackNotifier
from bot.app import App
from bot.config import Config, HttpConfig, SlackConfig, SubscriptionConfig
from tests.adapters.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack, slash_command
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[2]


def config(slack: FakeSlack, tmp_path: Path) -> Config:
    return Config(
        database=f"sqlite:///{tmp_path / 'dw.db'}",
        subscriptions=[SubscriptionConfig(target="slack:C0DEALS1")],
        slack=SlackConfig(bot_token=BOT_TOKEN, app_token=APP_TOKEN, api_url=slack.api_url),
        http=HttpConfig(host="127.0.0.1", port=0),
    )


def test_slack_notifier_only_when_a_bot_token_is_set(tmp_path: Path) -> None:
    assert "slack" not in App(Config()).notifiers()
    with_slack = Config(slack=SlackConfig(bot_token="xoxb-1", api_url="http://127.0.0.1:9/api/"))
    assert isinstance(App(with_slack).notifiers()["slack"], SlackNotifier)


async def test_run_connects_socket_mode_and_answers(slack: FakeSlack, tmp_path: Path) -> None:
    stop = asyncio.Event()
    async with App(config(slack, tmp_path), clock=FakeClock()) as app:
        task = asyncio.create_task(app.run(stop))
        try:
            await slack.connected()
            payload = slash_command("subscriptions", response_url=slack.response_url("subs"))
            await slack.send_envelope("slash_commands", payload)
            await slack.wait_until(lambda: bool(slack.responses))
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)
    answer = slack.responses[0][1]
    assert "all watched companies" in answer["text"]  # the subscription the config seeded
    assert slack.calls_to("auth.test")


def test_manifest_matches_what_the_adapter_uses() -> None:
    manifest = yaml.safe_load((ROOT / "slack-manifest.yaml").read_text(encoding="utf-8"))
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/dealwatch" and command["should_escape"] is False
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == ["app_mention"]
    assert manifest["settings"]["socket_mode_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {"commands", "chat:write", "chat:write.public", "app_mentions:read", "users:read"}
