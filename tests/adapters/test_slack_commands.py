"""The Slack adapter end to end: signed HTTP requests and Socket Mode envelopes through the real Bolt app,
the real handlers and a SQLite store, answered through the fake Slack."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from bot.adapters.slack import SlackAdapter
from bot.config import SlackConfig
from bot.model import Article, Company, Reply, SourceSpec
from bot.ports import EventWrite
from bot.store import SqlStore
from bot.web import serve_health
from handlers.context import Context
from tests.adapters.fake_slack import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    app_mention,
    form,
    signed,
    slash_command,
    texts,
)
from tests.adapters.test_slack_notifier import STAKE
from tests.fakes import FakeClock


@asynccontextmanager
async def running(
    slack: FakeSlack,
    store: SqlStore,
    clock: FakeClock,
    *,
    socket: bool = False,
    http: bool = False,
    admins: tuple[str, ...] = (),
    **options: Any,
) -> AsyncIterator[tuple[SlackAdapter, str]]:
    """The adapter started as `dealwatch run` starts it, with its routes on a real HTTP server; yields it and
    that server's URL."""
    config = SlackConfig(
        bot_token=BOT_TOKEN,
        app_token=APP_TOKEN if socket else None,
        signing_secret=SIGNING_SECRET if http else None,
        admins=list(admins),
        api_url=slack.api_url,
    )
    adapter = SlackAdapter(config, store, clock, version="test", **options)
    server = await serve_health(store, "127.0.0.1", 0, routes=adapter.routes())
    try:
        await adapter.start(connect_timeout_s=5)
        yield adapter, f"http://127.0.0.1:{server.addresses[0][1]}"
    finally:
        await adapter.close()
        await server.cleanup()


async def post_signed(url: str, body: str, **signing: Any) -> tuple[int, str, float]:
    started = time.monotonic()
    headers = signed(body, **signing)
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/slack/events", data=body.encode(), headers=headers) as resp,
    ):
        return resp.status, await resp.text(), time.monotonic() - started


async def watch_scale_ai(store: SqlStore, clock: FakeClock) -> None:
    """Scale AI watched, with the Meta investment on record."""
    await store.upsert_company(Company("Scale AI", ("Scale",)))
    await store.upsert_company(Company("Meta"))
    source = await store.upsert_source(SourceSpec("rss", "https://n.example/feed", 600), clock.now())
    article = Article("a1", "Meta takes 49% of Scale AI", "", "https://n.example/a1", "Wire", clock.now())
    (saved,) = await store.add_articles(source.id, [article], clock.now())
    assert saved.id is not None
    event = replace(STAKE, id=None, sources=(), first_seen=None)
    await store.save_event(EventWrite(saved.id, event, "new", ("console",)), clock.now())


# --- HTTP mode ----------------------------------------------------------------------------------


async def test_signed_slash_command_is_acked_then_answered(slack: FakeSlack, store: SqlStore, clock: FakeClock) -> None:
    async with running(slack, store, clock, http=True) as (_, url):
        body = form(slash_command("help", response_url=slack.response_url("help")))
        status, _, elapsed = await post_signed(url, body)
        assert status == 200
        assert elapsed < 3
        await slack.wait_until(lambda: bool(slack.responses))
    ((key, answer),) = slack.responses
    assert key == "help"
    assert answer["response_type"] in ("ephemeral", "in_channel")
    assert "dealwatch" in answer["text"]
    assert answer["blocks"] and answer["blocks"][0]["type"] == "section"
    assert slack.calls_to("auth.test")


async def test_ack_comes_before_a_slow_answer(slack: FakeSlack, store: SqlStore, clock: FakeClock) -> None:
    release = asyncio.Event()

    async def slow(ctx: Context, text: str) -> Reply:
        await release.wait()  # the answer cannot exist before the test has its HTTP 200
        return Reply(text=f"done: {text}")

    async with running(slack, store, clock, http=True, dispatch=slow) as (_, url):
        body = form(slash_command("deals since 7d", response_url=slack.response_url("slow")))
        status, _, _ = await post_signed(url, body)
        assert status == 200
        assert slack.responses == []
        release.set()
        await slack.wait_until(lambda: bool(slack.responses))
    assert slack.responses[0][1]["text"] == "done: deals since 7d"


async def test_wrong_signature_is_refused(slack: FakeSlack, store: SqlStore, clock: FakeClock) -> None:
    async with running(slack, store, clock, http=True) as (_, url):
        body = form(slash_command("help", response_url=slack.response_url()))
        status, _, _ = await post_signed(url, body, secret="not-the-secret")
        assert status == 401
        await asyncio.sleep(0.1)
    assert slack.responses == []


async def test_old_timestamp_is_refused(slack: FakeSlack, store: SqlStore, clock: FakeClock) -> None:
    async with running(slack, store, clock, http=True) as (_, url):
        body = form(slash_command("help", response_url=slack.response_url()))
        status, _, _ = await post_signed(url, body, timestamp=int(time.time()) - 6 * 60)
        assert status == 401
        fresh, _, _ = await post_signed(url, body, timestamp=int(time.time()) - 4 * 60)
        assert fresh == 200
        await slack.wait_until(lambda: len(slack.responses) == 1)


async def test_no_route_without_a_signing_secret(slack: FakeSlack, store: SqlStore, clock: FakeClock) -> None:
    async with running(slack, store, clock) as (_, url):
        body = form(slash_command("help", response_url=slack.response_url()))
        status, _, _ = await post_signed(url, body)
        assert status in (404, 405)


# --- Socket Mode --------------------------------------------------------------------------------


async def test_slash_command_over_socket_mode(slack: FakeSlack, store: SqlStore, clock: FakeClock) -> None:
    await watch_scale_ai(store, clock)
    async with running(slack, store, clock, socket=True, ping_interval_s=0.2):
        payload = slash_command("history Scale AI", response_url=slack.response_url("history"))
        ack = await slack.send_envelope("slash_commands", payload)
        assert set(ack) <= {"envelope_id", "payload"} and ack["envelope_id"]
        await slack.wait_until(lambda: bool(slack.responses))
        await asyncio.sleep(0.5)  # a few pings go by; the connection stays up
        assert await slack.send_envelope("slash_commands", payload)
        await slack.wait_until(lambda: len(slack.responses) == 2)
    assert slack.calls_to("apps.connections.open")[0].token == APP_TOKEN
    answer = slack.responses[0][1]
    shown = "\n".join(texts(answer))
    assert "Scale AI" in shown and "Meta" in shown


async def test_app_mention_is_answered_in_the_channel(slack: FakeSlack, store: SqlStore, clock: FakeClock) -> None:
    await watch_scale_ai(store, clock)
    async with running(slack, store, clock, socket=True):
        event = app_mention("history Scale AI", channel="C0DEALS1")
        ack = await slack.send_envelope("events_api", event, accepts_response_payload=False)
        assert ack["envelope_id"]
        await slack.wait_until(lambda: bool(slack.calls_to("chat.postMessage")))
        await slack.send_envelope("events_api", event, accepts_response_payload=False)  # Slack's retry
        await asyncio.sleep(0.2)
    (post,) = slack.calls_to("chat.postMessage")
    assert post.args["channel"] == "C0DEALS1"
    assert "Scale AI" in "\n".join(texts(post.args))


async def test_mention_with_a_private_answer_is_ephemeral(slack: FakeSlack, store: SqlStore, clock: FakeClock) -> None:
    async with running(slack, store, clock, socket=True):
        event = app_mention("frobnicate", user="U0MEMBER", channel="C0DEALS1")
        await slack.send_envelope("events_api", event, accepts_response_payload=False)
        await slack.wait_until(lambda: bool(slack.calls_to("chat.postEphemeral")))
    (call,) = slack.calls_to("chat.postEphemeral")
    assert call.args["user"] == "U0MEMBER" and call.args["channel"] == "C0DEALS1"
    assert "help" in call.args["text"]
    assert slack.calls_to("chat.postMessage") == []


# --- admin rights -------------------------------------------------------------------------------


async def test_admin_command_from_a_member_is_refused(
    slack: FakeSlack, store: SqlStore, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    slack.users["U0MEMBER"] = {"is_admin": False, "is_owner": False, "is_primary_owner": False}
    caplog.set_level(logging.INFO)
    async with running(slack, store, clock, http=True) as (_, url):
        body = form(slash_command("watch add Mercor", user="U0MEMBER", response_url=slack.response_url()))
        assert (await post_signed(url, body))[0] == 200
        await slack.wait_until(lambda: bool(slack.responses))
    answer = slack.responses[0][1]
    assert answer["response_type"] == "ephemeral"
    assert "admin" in answer["text"].lower()
    assert [c.name for c in await store.list_companies()] == []
    assert slack.calls_to("users.info")[0].args["user"] == "U0MEMBER"
    assert any("refused" in r.getMessage() and "U0MEMBER" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("role", ["is_admin", "is_owner", "is_primary_owner"])
async def test_admin_command_from_a_workspace_admin_is_allowed(
    slack: FakeSlack, store: SqlStore, clock: FakeClock, role: str
) -> None:
    slack.users["U0ADMIN1"] = {"is_admin": False, "is_owner": False, "is_primary_owner": False, role: True}
    async with running(slack, store, clock, http=True) as (_, url):
        body = form(slash_command("watch add Mercor", user="U0ADMIN1", response_url=slack.response_url()))
        assert (await post_signed(url, body))[0] == 200
        await slack.wait_until(lambda: bool(slack.responses))
    assert [c.name for c in await store.list_companies()] == ["Mercor"]


async def test_config_admins_need_no_lookup_and_lookups_are_cached(
    slack: FakeSlack, store: SqlStore, clock: FakeClock
) -> None:
    slack.users["U0MEMBER"] = {"is_admin": False}
    now = [0.0]
    async with running(slack, store, clock, admins=("U0CONFIG",), monotonic=lambda: now[0]) as (adapter, _):
        await adapter.answer(channel="C0DEALS1", user="U0CONFIG", text="watch add Mercor")
        assert slack.calls_to("users.info") == []
        assert [c.name for c in await store.list_companies()] == ["Mercor"]

        assert not await adapter.is_admin("U0MEMBER")
        assert not await adapter.is_admin("U0MEMBER")
        assert len(slack.calls_to("users.info")) == 1
        slack.users["U0MEMBER"] = {"is_admin": True}  # promoted; seen once the cache entry expires
        now[0] += 301
        assert await adapter.is_admin("U0MEMBER")
        assert len(slack.calls_to("users.info")) == 2
        slack.users["U0NOBODY"] = None
        assert not await adapter.is_admin("U0NOBODY")  # users.info says user_not_found
        assert not await adapter.is_admin("U0NOBODY")
        assert len(slack.calls_to("users.info")) == 3
