"""SlackNotifier against the fake Slack: Block Kit alerts, updates in threads, escaping, rate limits, the outbox."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.adapters.slack import SlackError, SlackNotifier, slack_client
from bot.config import SlackConfig
from bot.delivery import Deliverer, RetryPolicy
from bot.model import Alert, Article, DealEvent, SourceRef, SourceSpec
from bot.ports import EventWrite
from bot.store import SqlStore
from tests.adapters.fake_slack import BOT_TOKEN, FakeSlack, texts
from tests.fakes import FakeClock

WHEN = datetime(2025, 6, 13, 9, 0, tzinfo=UTC)
SOURCES = tuple(
    SourceRef(f"Meta takes 49% of Scale AI ({n})", f"https://news{n}.example/scale", f"Wire {n}", WHEN)
    for n in range(5)
)
STAKE = DealEvent(
    type="investment",
    status="announced",
    parties={"investor": ("Meta",), "target": ("Scale AI",)},
    amount_usd=14.3e9,
    stake_pct=49.0,
    evidence="Meta takes a 49% stake in Scale AI",
    id=7,
    sources=SOURCES,
    status_history=("announced",),
)


class Waits:
    """An injectable sleep that records what it was asked to wait and returns at once."""

    def __init__(self) -> None:
        self.waited: list[float] = []
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waited.append(seconds)
        self.now += seconds


def config(slack: FakeSlack) -> SlackConfig:
    return SlackConfig(bot_token=BOT_TOKEN, api_url=slack.api_url)


def notifier(slack: FakeSlack, waits: Waits) -> SlackNotifier:
    client = slack_client(config(slack), sleep=waits.sleep)
    return SlackNotifier(client, monotonic=waits.monotonic, sleep=waits.sleep)


async def test_alert_is_posted_as_block_kit_with_a_fallback(slack: FakeSlack) -> None:
    ref = await notifier(slack, Waits()).send(Alert(1, "new", "slack:C0DEALS1", STAKE))
    (call,) = slack.calls_to("chat.postMessage")
    assert call.token == BOT_TOKEN
    assert call.args["channel"] == "C0DEALS1"
    assert ref == call.result["ts"]
    assert "thread_ts" not in call.args or call.args["thread_ts"] is None
    assert call.args["text"].startswith("Investment (announced): Meta → Scale AI")
    blocks = call.args["blocks"]
    assert blocks[0]["type"] == "header"
    assert "Investment (announced)" in blocks[0]["text"]["text"]
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert "*Investor*\nMeta" in fields and "*Target*\nScale AI" in fields
    assert "*Amount*\n$14.3B" in fields and "*Stake*\n49%" in fields
    assert "Meta takes a 49% stake in Scale AI" in blocks[2]["text"]["text"]
    sources = blocks[3]["text"]["text"]
    assert sources.count("<https://news") == 3
    assert sources.endswith("and 2 more sources")
    assert call.args["unfurl_links"] is False


async def test_update_goes_into_the_thread_and_the_parent_is_edited(slack: FakeSlack) -> None:
    send = notifier(slack, Waits()).send
    parent = await send(Alert(1, "new", "slack:C0DEALS1", STAKE))
    completed = replace(STAKE, status="completed", status_history=("announced", "completed"))
    reply = await send(Alert(2, "update", "slack:C0DEALS1", completed, thread_ref=parent))

    _, second = slack.calls_to("chat.postMessage")
    assert second.args["thread_ts"] == parent
    assert second.args["channel"] == "C0DEALS1"
    assert second.args["text"].startswith("Update: Investment (completed)")
    assert reply != parent
    (edit,) = slack.calls_to("chat.update")
    assert edit.args["channel"] == "C0DEALS1" and edit.args["ts"] == parent
    assert edit.args["blocks"][0]["text"]["text"].startswith("Investment (completed)")
    assert "announced → completed" in edit.args["text"]
    # The edit comes before the thread post: on a retry the edit repeats harmlessly, the post does not.
    assert [c.method for c in slack.calls] == ["chat.postMessage", "chat.update", "chat.postMessage"]


async def test_an_update_whose_parent_is_gone_still_reaches_the_thread(slack: FakeSlack) -> None:
    slack.fail_next("chat.update", 200, {"ok": False, "error": "message_not_found"})
    completed = replace(STAKE, status="completed")
    await notifier(slack, Waits()).send(Alert(2, "update", "slack:C0DEALS1", completed, thread_ref="1.000001"))
    (post,) = slack.calls_to("chat.postMessage")
    assert post.args["thread_ts"] == "1.000001"


async def test_headline_markup_arrives_escaped_everywhere(slack: FakeSlack) -> None:
    hostile = "Meta <!channel> & <@U123> see <https://evil.example|click> <!here>"
    event = replace(
        STAKE,
        parties={"investor": (hostile,), "target": ("Scale AI",)},
        evidence=hostile,
        sources=(SourceRef(hostile, "https://news.example/a|b>c", f"<!subteam^S1> {hostile}", WHEN),),
    )
    send = notifier(slack, Waits()).send
    parent = await send(Alert(1, "new", "slack:C0DEALS1", event))
    await send(Alert(2, "update", "slack:C0DEALS1", replace(event, status="completed"), thread_ref=parent))

    received = [t for call in slack.calls for t in texts(call.args)]
    assert len(slack.calls) == 3
    for raw in ("<!channel>", "<!here>", "<@U123>", "<https://evil.example|click>", "<!subteam^S1>"):
        assert not any(raw in t for t in received), raw
    assert any("&lt;!channel&gt;" in t for t in received)
    assert any("&lt;@U123&gt;" in t for t in received)
    # The one link built here points where the source said, with `|` and `>` neutralised.
    assert any("<https://news.example/a%7Cb%3Ec|" in t for t in received)


async def test_rate_limit_is_waited_out_and_the_alert_arrives_once(slack: FakeSlack) -> None:
    slack.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    waits = Waits()
    ref = await notifier(slack, waits).send(Alert(1, "new", "slack:C0DEALS1", STAKE))
    posts = slack.calls_to("chat.postMessage")
    assert len(posts) == 2  # the refused one and the one that went through
    assert ref
    assert 1.0 in waits.waited


async def test_real_wait_for_retry_after(slack: FakeSlack) -> None:
    """Without an injected sleep the client really waits Retry-After (one second here)."""
    slack.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    client = slack_client(config(slack))
    started = time.monotonic()
    await SlackNotifier(client).send(Alert(1, "new", "slack:C0DEALS1", STAKE))
    assert 0.9 <= time.monotonic() - started < 3
    assert len(slack.calls_to("chat.postMessage")) == 2


async def test_a_long_retry_after_goes_back_to_the_outbox(slack: FakeSlack) -> None:
    slack.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "120"})
    waits = Waits()
    with pytest.raises(SlackError, match="ratelimited"):
        await notifier(slack, waits).send(Alert(1, "new", "slack:C0DEALS1", STAKE))
    assert waits.waited == []


async def test_messages_to_one_channel_are_paced(slack: FakeSlack) -> None:
    waits = Waits()
    send = notifier(slack, waits).send
    await send(Alert(1, "new", "slack:C0DEALS1", STAKE))
    await send(Alert(2, "new", "slack:C0OTHER1", STAKE))  # another channel: no wait
    assert waits.waited == []
    waits.now += 0.25
    await send(Alert(3, "new", "slack:C0DEALS1", STAKE))
    assert waits.waited == [pytest.approx(0.75)]
    waits.now += 5
    await send(Alert(4, "new", "slack:C0DEALS1", STAKE))
    assert len(waits.waited) == 1


async def test_failed_send_raises(slack: FakeSlack) -> None:
    slack.fail_next("chat.postMessage", 200, {"ok": False, "error": "not_in_channel"})
    with pytest.raises(SlackError, match=r"not_in_channel.*invite"):
        await notifier(slack, Waits()).send(Alert(1, "new", "slack:C0PRIV01", STAKE))
    with pytest.raises(ValueError):
        await notifier(slack, Waits()).send(Alert(1, "new", "discord:1", STAKE))


async def test_the_outbox_retries_a_failed_post_and_sends_it_once(
    slack: FakeSlack, store: SqlStore, clock: FakeClock
) -> None:
    source = await store.upsert_source(SourceSpec("rss", "https://n.example/feed", 600), clock.now())
    article = Article("a1", "Meta takes 49% of Scale AI", "", "https://n.example/a1", "Wire", clock.now())
    (saved,) = await store.add_articles(source.id, [article], clock.now())
    assert saved.id is not None
    event = replace(STAKE, id=None, sources=())
    event_id = await store.save_event(EventWrite(saved.id, event, "new", ("slack:C0DEALS1",)), clock.now())
    slack.fail_next("chat.postMessage", 500, {"ok": False, "error": "internal_error"})

    waits = Waits()
    deliverer = Deliverer(store, {"slack": notifier(slack, waits)}, clock, owner="t", policy=RetryPolicy(base_s=10))
    assert await deliverer.run_once() == 0
    assert await store.count_pending_deliveries() == 1
    clock.advance(seconds=11)
    assert await deliverer.run_once() == 1
    assert await deliverer.run_once() == 0
    assert await store.count_pending_deliveries() == 0
    ok_posts = slack.calls_to("chat.postMessage")
    assert [c.status for c in ok_posts] == [500, 200]  # refused once, then posted once

    # The status moves on: the update threads under the message that was posted.
    write = EventWrite(saved.id, replace(event, id=event_id, status="completed"), "update", ("slack:C0DEALS1",))
    await store.save_event(write, clock.now())
    clock.advance(minutes=1)
    waits.now += 60
    assert await deliverer.run_once() == 1
    parent_ts = ok_posts[1].result["ts"]
    assert slack.calls_to("chat.update")[0].args["ts"] == parent_ts
    assert slack.calls_to("chat.postMessage")[-1].args["thread_ts"] == parent_ts
