"""A loopback fake of Slack for adapter tests: Web API, Socket Mode WebSocket and response_url on 127.0.0.1.

Speaks Slack's wire format closely enough for the real slack_sdk and slack_bolt: form, query or JSON
arguments, `Authorization: Bearer` checked, `{"ok": ...}` answers, a Socket Mode URL from
`apps.connections.open` that says hello, delivers envelopes and collects their acks. It remembers
every call so tests can assert on what Slack was sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web

BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-fake-app-token"
SIGNING_SECRET = "fake-signing-secret"
BOT_USER = "UBOT0001"
TEAM = "T0FAKE01"


@dataclass
class Call:
    """One Web API request as the fake received it."""

    method: str
    args: dict[str, Any]
    token: str | None
    status: int = 200
    result: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scripted:
    """A canned answer for the next call of a method: a status, headers and a JSON body."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: list[tuple[str, dict[str, Any]]] = []  # (response_url key, body)
        self.acks: list[dict[str, Any]] = []
        # users.info: flags per user id; a user not listed is a plain member, one mapped to None does not exist.
        self.users: dict[str, dict[str, Any] | None] = {}
        self.scripted: dict[str, list[Scripted]] = {}
        self._ts = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._pending_acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # lifecycle

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/link/", self._socket)
        app.router.add_post("/respond/{key}", self._respond)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, key: str = "cmd") -> str:
        return f"{self.url}/respond/{key}"

    # what the tests look at

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def fail_next(self, method: str, status: int, body: dict[str, Any], headers: Mapping[str, str] = {}) -> None:
        self.scripted.setdefault(method, []).append(Scripted(status, body, dict(headers)))

    async def wait_until(self, check: Callable[[], bool], within_s: float = 5.0) -> None:
        """Until `check()` holds after some call, ack or response arrived; fails the test after `within_s`."""
        async with asyncio.timeout(within_s), self._changed:
            await self._changed.wait_for(check)

    # Socket Mode, driven by the tests

    async def connected(self, within_s: float = 5.0) -> None:
        await self.wait_until(lambda: bool(self._sockets), within_s)

    async def send_envelope(
        self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = True, within_s: float = 5.0
    ) -> dict[str, Any]:
        """Deliver one envelope over the open socket; returns the app's ack."""
        await self.connected(within_s)
        envelope_id = str(uuid.uuid4())
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending_acks[envelope_id] = waiter
        message: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            message.update(retry_attempt=0, retry_reason="")
        await self._sockets[-1].send_str(json.dumps(message))
        async with asyncio.timeout(within_s):
            return await waiter

    # handlers

    async def _note(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(await request.post())
        if isinstance(args.get("blocks"), str):
            args["blocks"] = json.loads(args["blocks"])
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        if token != expected:
            return web.json_response({"ok": False, "error": "not_authed" if token is None else "invalid_auth"})
        call = Call(method, args, token)
        script = self.scripted.get(method)
        headers: dict[str, str] = {}
        if script:
            canned = script.pop(0)
            call.status, call.result, headers = canned.status, canned.body, canned.headers
        else:
            answer = getattr(self, "_" + method.replace(".", "_"), None)
            call.result = answer(args) if answer else {"ok": False, "error": "unknown_method"}
        self.calls.append(call)
        await self._note()
        return web.json_response(call.result, status=call.status, headers=headers)

    def _auth_test(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.example/",
            "team": "Fake Team",
            "user": "dealwatch",
            "team_id": TEAM,
            "user_id": BOT_USER,
            "bot_id": "BFAKE001",
            "is_enterprise_install": False,
        }

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = self._next_ts()
        message = {"type": "message", "text": args.get("text", ""), "ts": ts, "bot_id": "BFAKE001"}
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts"), "text": args.get("text", "")}

    def _chat_postEphemeral(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user", ""))
        user = self.users.get(user_id, {"is_admin": False, "is_owner": False, "is_primary_owner": False})
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": {"id": user_id, "team_id": TEAM, "name": user_id.lower(), **user}}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        return {"ok": True, "channel": {"id": channel, "name": channel.lower(), "is_channel": True, "is_member": True}}

    def _apps_connections_open(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link/?ticket={uuid.uuid4()}"}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)  # answers the client's pings itself
        await ws.prepare(request)
        await ws.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "fake-slack", "approximate_connection_time": 3600},
                    "connection_info": {"app_id": "AFAKE001"},
                }
            )
        )
        self._sockets.append(ws)
        await self._note()
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                ack = json.loads(msg.data)
                self.acks.append(ack)
                waiter = self._pending_acks.pop(str(ack.get("envelope_id")), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(ack)
                await self._note()
        finally:
            self._sockets.remove(ws)
        return ws

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append((request.match_info["key"], await request.json()))
        await self._note()
        return web.Response(text="ok")


def slash_command(text: str, *, user: str = "U0MEMBER", channel: str = "C0DEALS1", response_url: str) -> dict[str, str]:
    """The fields Slack sends for `/dealwatch <text>`."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "team_domain": "fake",
        "channel_id": channel,
        "channel_name": "deals",
        "user_id": user,
        "user_name": "someone",
        "command": "/dealwatch",
        "text": text,
        "api_app_id": "AFAKE001",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "1337.42.abcdef",
    }


def app_mention(
    text: str, *, user: str = "U0MEMBER", channel: str = "C0DEALS1", ts: str = "1749800000.000100"
) -> dict[str, Any]:
    """An Events API callback for `@dealwatch <text>`."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "api_app_id": "AFAKE001",
        "event": {
            "type": "app_mention",
            "user": user,
            "text": f"<@{BOT_USER}> {text}",
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
        },
        "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM,
                "user_id": BOT_USER,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def signed(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Headers of a request Slack signed: `v0=` HMAC-SHA256 over `v0:{ts}:{body}`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def form(fields: Mapping[str, str]) -> str:
    return urlencode(fields)


def texts(value: Any) -> list[str]:
    """Every string inside a call's arguments (text, blocks, fields...), for escaping checks."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in texts(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in texts(v)]
    return []
