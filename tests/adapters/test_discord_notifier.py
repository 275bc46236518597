"""DiscordNotifier against the fake Discord: embed alerts, updates in threads (or replies), escaping, nonces,
rate limits and the outbox, through the real discord.py."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.adapters.discord import DiscordError, DiscordNotifier
from bot.delivery import Deliverer, RetryPolicy
from bot.model import Alert, Article, SourceRef, SourceSpec
from bot.ports import EventWrite
from bot.store import SqlStore
from tests.adapters.fake_discord import (
    CHANNEL_ID,
    NO_THREADS_CHANNEL,
    TOKEN,
    FakeDiscord,
    rate_limited,
    running_fake,
    texts,
)
from tests.adapters.test_slack_notifier import STAKE, WHEN
from tests.fakes import FakeClock

TARGET = f"discord:{CHANNEL_ID}"
COMPLETED = replace(STAKE, status="completed", status_history=("announced", "completed"))


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake() as f:
        yield f


@pytest.fixture
async def notifier(fake: FakeDiscord) -> AsyncIterator[DiscordNotifier]:
    n = DiscordNotifier.from_config(fake.config())
    try:
        yield n
    finally:
        await n.close()


async def test_alert_is_posted_as_an_embed_with_a_nonce(fake: FakeDiscord, notifier: DiscordNotifier) -> None:
    ref = await notifier.send(Alert(41, "new", TARGET, STAKE))
    (post,) = fake.calls_to("create_message")
    assert post.auth == f"Bot {TOKEN}"
    assert post.path == f"/channels/{CHANNEL_ID}/messages"
    assert ref == post.result["id"]
    assert post.body["nonce"] == "dw41" and post.body["enforce_nonce"] is True
    assert post.body["allowed_mentions"] == {"parse": []}
    (embed,) = post.body["embeds"]
    assert embed["title"].startswith("Investment (announced): Meta → Scale AI")
    assert embed["color"] == 0x2ECC71
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Investor"] == "Meta" and fields["Target"] == "Scale AI"
    assert fields["Amount"] == "$14.3B" and fields["Stake"] == "49%" and fields["Status"] == "announced"
    assert "Meta takes a 49% stake in Scale AI" in fields["Evidence"]
    assert fields["Sources"].count("](<https://news") == 3
    assert fields["Sources"].endswith("and 2 more sources")
    assert "message_reference" not in post.body
    # Signed in once, over REST only.
    assert [c.route for c in fake.calls[:2]] == ["me", "application"]
    assert fake.identifies == []


async def test_update_goes_into_a_thread_and_the_first_alert_is_edited(
    fake: FakeDiscord, notifier: DiscordNotifier
) -> None:
    first = await notifier.send(Alert(1, "new", TARGET, STAKE))
    update = await notifier.send(Alert(2, "update", TARGET, COMPLETED, thread_ref=first))

    (edit,) = fake.calls_to("edit_message")
    assert edit.path == f"/channels/{CHANNEL_ID}/messages/{first}"
    assert edit.body["embeds"][0]["title"].startswith("Investment (completed)")
    assert edit.body["allowed_mentions"] == {"parse": []}
    (thread,) = fake.calls_to("start_thread")
    assert thread.path == f"/channels/{CHANNEL_ID}/messages/{first}/threads"
    assert thread.body["name"] == "Investment: Meta → Scale AI"
    _, in_thread = fake.calls_to("create_message")
    assert in_thread.path == f"/channels/{first}/messages"  # a thread started on a message has its id
    assert in_thread.body["embeds"][0]["title"].startswith("Update: Investment (completed)")
    assert in_thread.body["nonce"] == "dw2"
    assert update == in_thread.result["id"] != first
    # Edit before posting: on a retry the edit repeats harmlessly, the post is deduplicated by its nonce.
    assert [c.route for c in fake.calls[2:]] == ["create_message", "edit_message", "start_thread", "create_message"]
    assert "announced → completed" in str(fake.messages[int(first)]["embeds"])


async def test_a_second_update_reuses_the_thread(fake: FakeDiscord, notifier: DiscordNotifier) -> None:
    first = await notifier.send(Alert(1, "new", TARGET, STAKE))
    await notifier.send(Alert(2, "update", TARGET, COMPLETED, thread_ref=first))
    terminated = replace(STAKE, status="terminated", status_history=("announced", "completed", "terminated"))
    await notifier.send(Alert(3, "update", TARGET, terminated, thread_ref=first))

    first_thread, second_thread = fake.calls_to("start_thread")
    assert first_thread.status == 200
    assert second_thread.status == 400 and second_thread.result["code"] == 160004
    assert list(fake.threads()) == [int(first)]
    assert len(fake.messages_in(int(first))) == 2
    assert len(fake.messages_in(CHANNEL_ID)) == 1


async def test_where_threads_are_not_allowed_the_update_is_a_reply(
    fake: FakeDiscord, notifier: DiscordNotifier
) -> None:
    target = f"discord:{NO_THREADS_CHANNEL}"
    first = await notifier.send(Alert(1, "new", target, STAKE))
    await notifier.send(Alert(2, "update", target, COMPLETED, thread_ref=first))

    (thread,) = fake.calls_to("start_thread")
    assert thread.result["code"] == 50024
    _, reply = fake.calls_to("create_message")
    assert reply.path == f"/channels/{NO_THREADS_CHANNEL}/messages"
    assert reply.body["message_reference"]["message_id"] == int(first)
    assert reply.body["message_reference"]["fail_if_not_exists"] is False
    assert reply.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert fake.calls_to("edit_message")


async def test_an_update_whose_first_alert_is_gone_still_arrives(fake: FakeDiscord, notifier: DiscordNotifier) -> None:
    gone = "1599999999999999999"
    await notifier.send(Alert(2, "update", TARGET, COMPLETED, thread_ref=gone))
    assert fake.calls_to("edit_message")[0].status == 404
    assert fake.calls_to("start_thread")[0].result["code"] == 10008
    (reply,) = fake.calls_to("create_message")
    assert reply.status == 200 and reply.body["message_reference"]["message_id"] == int(gone)


async def test_headline_mentions_and_markdown_arrive_escaped(fake: FakeDiscord, notifier: DiscordNotifier) -> None:
    hostile = "Meta @everyone <@&123> <@123456789012345678> @here **bold** [click](https://evil.example)"
    event = replace(
        STAKE,
        parties={"investor": (hostile,), "target": ("Scale AI",)},
        evidence=hostile,
        sources=(SourceRef(hostile, "https://news.example/a)b c", f"@everyone {hostile}", WHEN),),
    )
    first = await notifier.send(Alert(1, "new", TARGET, event))
    await notifier.send(Alert(2, "update", TARGET, replace(event, status="completed"), thread_ref=first))
    await notifier.notice(TARGET, f"source broken: {hostile}")

    sent = [c for c in fake.calls if c.route in ("create_message", "edit_message")]
    assert len(sent) == 4
    for call in sent:
        assert call.body["allowed_mentions"]["parse"] == []
        shown = texts({k: v for k, v in call.body.items() if k in ("content", "embeds")})
        for raw in ("@everyone", "@here", "<@&123>", "<@123456789012345678>", "**bold**"):
            assert not any(raw in t for t in shown), (raw, shown)
        assert not any(re.search(r"(?<!\\)\[click\]\(", t) for t in shown)  # no link of the headline's choosing
    embed = fake.calls_to("create_message")[0].body["embeds"][0]
    assert "@\u200beveryone" in embed["title"] and "<@\u200b&123>" in embed["title"]
    assert "\\*\\*bold\\*\\*" in embed["title"]
    sources = next(f["value"] for f in embed["fields"] if f["name"] == "Sources")
    assert "](<https://news.example/a%29b%20c>)" in sources  # the link goes where the source said, and ends there
    notice = fake.calls_to("create_message")[-1].body
    assert notice["content"].startswith("source broken: Meta @\u200beveryone")
    assert notice["flags"] & 4  # no link previews on a notice


async def test_rate_limit_is_waited_out_and_the_alert_arrives_once(
    fake: FakeDiscord, notifier: DiscordNotifier
) -> None:
    status, body, headers = rate_limited(0.3)
    fake.fail_next("create_message", status, body, headers)
    started = time.monotonic()
    ref = await notifier.send(Alert(1, "new", TARGET, STAKE))
    assert time.monotonic() - started >= 0.3
    refused, posted = fake.calls_to("create_message")
    assert refused.status == 429 and posted.status == 200
    assert refused.body["nonce"] == posted.body["nonce"] == "dw1"
    assert ref == posted.result["id"]
    assert len(fake.messages_in(CHANNEL_ID)) == 1


async def test_a_429_without_via_is_not_retried_and_raises(fake: FakeDiscord, notifier: DiscordNotifier) -> None:
    _, body, _ = rate_limited(0.1)
    fake.fail_next("create_message", 429, body)  # Cloudflare's kind: no Via header
    with pytest.raises(DiscordError, match="429"):
        await notifier.send(Alert(1, "new", TARGET, STAKE))
    assert len(fake.calls_to("create_message")) == 1


async def test_failed_send_raises_without_the_token(fake: FakeDiscord, notifier: DiscordNotifier) -> None:
    fake.fail_next("create_message", 403, {"message": "Missing Access", "code": 50001})
    with pytest.raises(DiscordError, match=r"50001.*View Channel") as raised:
        await notifier.send(Alert(1, "new", TARGET, STAKE))
    assert TOKEN not in str(raised.value)
    with pytest.raises(ValueError):
        await notifier.send(Alert(1, "new", "slack:C0DEALS1", STAKE))


async def test_a_wrong_token_is_reported(fake: FakeDiscord) -> None:
    notifier = DiscordNotifier.from_config(fake.config(token="not-the-token"))
    try:
        with pytest.raises(DiscordError, match=r"refused discord\.token") as raised:
            await notifier.send(Alert(1, "new", TARGET, STAKE))
        assert "not-the-token" not in str(raised.value)
    finally:
        await notifier.close()


async def _one_delivery(store: SqlStore, clock: FakeClock) -> tuple[int, int]:
    """The Meta investment on record, due for delivery to the Discord channel; (article id, event id)."""
    source = await store.upsert_source(SourceSpec("rss", "https://n.example/feed", 600), clock.now())
    article = Article("a1", "Meta takes 49% of Scale AI", "", "https://n.example/a1", "Wire", clock.now())
    (saved,) = await store.add_articles(source.id, [article], clock.now())
    assert saved.id is not None
    event = replace(STAKE, id=None, sources=())
    event_id = await store.save_event(EventWrite(saved.id, event, "new", (TARGET,)), clock.now())
    return saved.id, event_id


class Crash(BaseException):
    """The process dies between posting and recording the post."""


class CrashingStore:
    """The real store, except that recording a sent delivery never happens: the crash comes first."""

    def __init__(self, store: SqlStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    async def mark_sent(self, delivery_id: int, ref: str | None, now: object) -> None:
        raise Crash


async def test_a_resend_after_a_crash_carries_the_same_nonce_and_posts_once(
    fake: FakeDiscord, store: SqlStore, clock: FakeClock
) -> None:
    await _one_delivery(store, clock)
    lease = timedelta(minutes=2)

    before = DiscordNotifier.from_config(fake.config())
    try:
        crashing = Deliverer(CrashingStore(store), {"discord": before}, clock, owner="a", lease=lease)  # type: ignore[arg-type]
        with pytest.raises(Crash):
            await crashing.run_once()
    finally:
        await before.close()
    assert await store.count_pending_deliveries() == 1

    clock.advance(minutes=3)  # the dead instance's lease runs out; another one takes the delivery
    after = DiscordNotifier.from_config(fake.config())
    try:
        assert await Deliverer(store, {"discord": after}, clock, owner="b", lease=lease).run_once() == 1
    finally:
        await after.close()

    first, again = fake.calls_to("create_message")
    assert first.body["nonce"] == again.body["nonce"] and again.body["enforce_nonce"] is True
    assert again.result["id"] == first.result["id"]  # Discord handed back the message that nonce made
    assert len(fake.messages_in(CHANNEL_ID)) == 1
    assert await store.count_pending_deliveries() == 0


async def test_the_outbox_retries_a_failed_post_and_threads_the_update(
    fake: FakeDiscord, store: SqlStore, clock: FakeClock, notifier: DiscordNotifier
) -> None:
    article_id, event_id = await _one_delivery(store, clock)
    fake.fail_next("create_message", 403, {"message": "Missing Permissions", "code": 50013})
    deliverer = Deliverer(store, {"discord": notifier}, clock, owner="t", policy=RetryPolicy(base_s=10))
    assert await deliverer.run_once() == 0
    assert await store.count_pending_deliveries() == 1
    clock.advance(seconds=11)
    assert await deliverer.run_once() == 1
    assert await store.count_pending_deliveries() == 0
    posted = fake.calls_to("create_message")[-1].result["id"]

    write = EventWrite(article_id, replace(STAKE, id=event_id, sources=(), status="completed"), "update", (TARGET,))
    await store.save_event(write, clock.now())
    clock.advance(minutes=1)
    assert await deliverer.run_once() == 1
    assert fake.calls_to("edit_message")[0].path.endswith(f"/messages/{posted}")
    assert fake.calls_to("create_message")[-1].path == f"/channels/{posted}/messages"
