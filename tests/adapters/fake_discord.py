"""A loopback fake of Discord for adapter tests: REST under /api/v10 and the gateway WebSocket on 127.0.0.1.

Speaks Discord's wire format closely enough for the real discord.py: `Authorization: Bot` checked,
JSON answered with Content-Type exactly `application/json` (discord.py parses nothing else), errors
as `{"message", "code"}`, 429s with a `Via` header and a JSON `retry_after` (the only kind discord.py
retries), interaction callbacks answered with the `{interaction, resource}` body `?with_response=1`
asks for, and a gateway that says HELLO, takes IDENTIFY, sends READY and GUILD_CREATE, acknowledges
heartbeats and delivers INTERACTION_CREATE. It remembers every call so tests can assert on what
Discord was sent, and deduplicates messages by nonce as Discord does with `enforce_nonce`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import DiscordConfig

TOKEN = "fake-discord-bot-token"
APP_ID = 1100000000000000001
BOT_ID = APP_ID
OWNER_ID = 1100000000000000009
GUILD_ID = 1200000000000000001
CHANNEL_ID = 1300000000000000001
NO_THREADS_CHANNEL = 1300000000000000002  # thread creation answers 50024 here (e.g. a forum or a DM)
MEMBER_ID = 1400000000000000001
ADMIN_ID = 1400000000000000002

MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
MEMBER_RIGHTS = (1 << 10) | (1 << 11) | (1 << 31)  # view channel, send messages, use application commands

STRING, INTEGER = 3, 4  # application command option types
SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2


@dataclass
class Call:
    """One REST request as the fake received it; `route` names the endpoint (`create_message`)."""

    route: str
    method: str
    path: str
    params: dict[str, str]
    body: Any
    auth: str | None
    status: int = 200
    result: Any = None


@dataclass(eq=False)
class _Session:
    """One identified gateway connection and its sequence number."""

    ws: web.WebSocketResponse
    seq: int = 0

    async def send(self, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        await self.ws.send_str(json.dumps({"op": 0, "t": event, "s": self.seq, "d": data}))


@dataclass
class Scripted:
    """A canned answer for the next call of a route: a status, headers and a JSON body."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


# REST endpoints the fake knows: (method, path pattern under /api/v10, route name).
_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (m, re.compile(p), n)
    for m, p, n in (
        ("GET", r"^/users/@me$", "me"),
        ("GET", r"^/oauth2/applications/@me$", "application"),
        ("GET", r"^/gateway/bot$", "gateway_bot"),
        ("GET", r"^/gateway$", "gateway"),
        ("PUT", r"^/applications/(?P<app>\d+)/commands$", "sync_global"),
        ("PUT", r"^/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands$", "sync_guild"),
        ("POST", r"^/channels/(?P<channel>\d+)/messages$", "create_message"),
        ("PATCH", r"^/channels/(?P<channel>\d+)/messages/(?P<message>\d+)$", "edit_message"),
        ("POST", r"^/channels/(?P<channel>\d+)/messages/(?P<message>\d+)/threads$", "start_thread"),
        ("POST", r"^/interactions/(?P<interaction>\d+)/(?P<token>[^/]+)/callback$", "callback"),
        ("POST", r"^/webhooks/(?P<app>\d+)/(?P<token>[^/]+)$", "followup"),
        ("PATCH", r"^/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/@original$", "edit_original"),
        ("DELETE", r"^/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/@original$", "delete_original"),
    )
]
_NO_AUTH = frozenset({"callback", "followup", "edit_original", "delete_original"})  # the token is in the URL


class DiscordFailure(Exception):
    """Raised inside a route to answer with Discord's error shape."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class FakeDiscord:
    def __init__(self, guilds: Sequence[int] = (GUILD_ID,)) -> None:
        self.guilds = list(guilds)
        self.calls: list[Call] = []
        self.scripted: dict[str, list[Scripted]] = {}
        self.channels: dict[int, dict[str, Any]] = {
            CHANNEL_ID: {"type": 0, "name": "deals"},
            NO_THREADS_CHANNEL: {"type": 0, "name": "no-threads"},
        }
        self.messages: dict[int, dict[str, Any]] = {}
        self.synced: dict[int | None, list[dict[str, Any]]] = {}
        self.identifies: list[dict[str, Any]] = []
        self.gateway_queries: list[dict[str, str]] = []
        self.heartbeats = 0
        self.originals: dict[str, dict[str, Any]] = {}  # interaction token -> the response message
        self._by_nonce: dict[str, int] = {}
        self._ids = itertools.count(1500000000000000001)
        self._sessions: list[_Session] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # lifecycle

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        app.router.add_get("/gateway", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        for session in list(self._sessions):
            await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def config(self, **overrides: Any) -> DiscordConfig:
        """A config that points discord.py here."""
        values: dict[str, Any] = {
            "token": TOKEN,
            "api_url": f"{self.url}/api/v10",
            "gateway_url": self.gateway_url,
            "guild_ids": [GUILD_ID],
        }
        values.update(overrides)
        return DiscordConfig(**values)

    # what the tests look at

    def calls_to(self, route: str) -> list[Call]:
        return [c for c in self.calls if c.route == route]

    def answers(self, token: str) -> list[Call]:
        """Every callback, follow-up and edit of the interaction with this token, in order."""
        return [c for c in self.calls if c.route in _NO_AUTH and f"/{token}/" in c.path + "/"]

    def fail_next(self, route: str, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        self.scripted.setdefault(route, []).append(Scripted(status, body, dict(headers or {})))

    async def wait_until(self, check: Callable[[], bool], within_s: float = 5.0) -> None:
        """Until `check()` holds after some call or gateway message arrived; fails the test after `within_s`."""
        async with asyncio.timeout(within_s), self._changed:
            await self._changed.wait_for(check)

    async def _note(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # REST

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        auth = request.headers.get("Authorization")
        found = self._route(request.method, path)
        if found is None:
            missing = {"message": "404: Not Found", "code": 0}
            self.calls.append(Call("unknown", request.method, path, dict(request.query), body, auth, 404, missing))
            await self._note()
            return _json(missing, 404)
        name, match = found
        call = Call(name, request.method, path, dict(request.query), body, auth)
        headers: dict[str, str] = {}
        if name not in _NO_AUTH and auth != f"Bot {TOKEN}":
            call.status, call.result = 401, {"message": "401: Unauthorized", "code": 0}
        elif self.scripted.get(name):
            canned = self.scripted[name].pop(0)
            call.status, call.result, headers = canned.status, canned.body, canned.headers
        else:
            try:
                call.result = getattr(self, "_" + name)(call, **match.groupdict())
                call.status = 204 if call.result is None else 200
            except DiscordFailure as failure:
                call.status, call.result = failure.status, {"message": failure.message, "code": failure.code}
        self.calls.append(call)
        await self._note()
        if call.status == 204:
            return web.Response(status=204, headers=headers)
        return _json(call.result, call.status, headers)

    @staticmethod
    def _route(method: str, path: str) -> tuple[str, re.Match[str]] | None:
        for verb, pattern, name in _ROUTES:
            match = pattern.match(path)
            if verb == method and match:
                return name, match
        return None

    def _next_id(self) -> int:
        return next(self._ids)

    def _me(self, _call: Call | None = None) -> dict[str, Any]:
        return {**_user(BOT_ID, "dealwatch", bot=True), "verified": True, "mfa_enabled": False, "flags": 0}

    def _application(self, _call: Call) -> dict[str, Any]:
        return {
            "id": str(APP_ID),
            "name": "dealwatch",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": _user(OWNER_ID, "owner"),
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _gateway_bot(self, _call: Call) -> dict[str, Any]:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    def _gateway(self, _call: Call) -> dict[str, Any]:
        return {"url": self.gateway_url}

    def _sync(self, guild: int | None, commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
        synced = []
        for command in commands:
            out = {**command, "id": str(self._next_id()), "application_id": str(APP_ID), "version": "1"}
            if guild is not None:
                out["guild_id"] = str(guild)
            synced.append(out)
        self.synced[guild] = synced
        return synced

    def _sync_global(self, call: Call, app: str) -> list[dict[str, Any]]:
        return self._sync(None, call.body)

    def _sync_guild(self, call: Call, app: str, guild: str) -> list[dict[str, Any]]:
        return self._sync(int(guild), call.body)

    def _message(
        self, channel: int, body: Mapping[str, Any], *, author: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        reference = body.get("message_reference")
        message: dict[str, Any] = {
            "id": str(self._next_id()),
            "channel_id": str(channel),
            "author": author or _user(BOT_ID, "dealwatch", bot=True),
            "content": body.get("content") or "",
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": [],
            "pinned": False,
            "type": 19 if reference else 0,
            "flags": body.get("flags") or 0,
        }
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        if reference:
            message["message_reference"] = {"channel_id": str(channel), **reference}
        return message

    def _create_message(self, call: Call, channel: str) -> dict[str, Any]:
        channel_id = int(channel)
        if channel_id not in self.channels:
            raise DiscordFailure(404, 10003, "Unknown Channel")
        nonce = call.body.get("nonce")
        if nonce is not None and call.body.get("enforce_nonce") and nonce in self._by_nonce:
            return self.messages[self._by_nonce[nonce]]  # Discord returns the message that nonce already made
        message = self._message(channel_id, call.body)
        self.messages[int(message["id"])] = message
        if nonce is not None:
            self._by_nonce[nonce] = int(message["id"])
        return message

    def _edit_message(self, call: Call, channel: str, message: str) -> dict[str, Any]:
        found = self.messages.get(int(message))
        if found is None or found["channel_id"] != channel:
            raise DiscordFailure(404, 10008, "Unknown Message")
        for key in ("content", "embeds"):
            if key in call.body:
                found[key] = call.body[key]
        found["edited_timestamp"] = _now()
        return found

    def _start_thread(self, call: Call, channel: str, message: str) -> dict[str, Any]:
        channel_id, message_id = int(channel), int(message)
        if channel_id == NO_THREADS_CHANNEL:
            raise DiscordFailure(400, 50024, "Cannot execute action on this channel type")
        found = self.messages.get(message_id)
        if found is None or found["channel_id"] != channel:
            raise DiscordFailure(404, 10008, "Unknown Message")
        if message_id in self.channels:
            raise DiscordFailure(400, 160004, "A thread has already been created for this message")
        self.channels[message_id] = {"type": 11, "name": call.body["name"], "parent_id": channel_id}
        return {
            "id": str(message_id),
            "guild_id": str(GUILD_ID),
            "parent_id": channel,
            "owner_id": str(BOT_ID),
            "type": 11,
            "name": call.body["name"],
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": call.body["auto_archive_duration"],
                "archive_timestamp": _now(),
                "locked": False,
            },
        }

    def threads(self) -> dict[int, dict[str, Any]]:
        return {cid: c for cid, c in self.channels.items() if c["type"] == 11}

    def messages_in(self, channel: int) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m["channel_id"] == str(channel)]

    def _callback(self, call: Call, interaction: str, token: str) -> dict[str, Any]:
        kind = call.body["type"]
        data = call.body.get("data") or {}
        ephemeral = bool((data.get("flags") or 0) & 64)
        result: dict[str, Any] = {
            "interaction": {"id": interaction, "type": 2, "response_message_loading": kind == 5},
            "resource": {"type": kind},
        }
        if kind in (4, 5):
            message = self._message(CHANNEL_ID, {} if kind == 5 else data, author=_user(APP_ID, "dealwatch", bot=True))
            message.update(application_id=str(APP_ID), webhook_id=str(APP_ID))
            self.originals[token] = message
            result["interaction"].update(response_message_id=message["id"], response_message_ephemeral=ephemeral)
            result["resource"]["message"] = message
        return result

    def _followup(self, call: Call, app: str, token: str) -> dict[str, Any]:
        message = self._message(CHANNEL_ID, call.body, author=_user(APP_ID, "dealwatch", bot=True))
        message.update(application_id=str(APP_ID), webhook_id=str(APP_ID))
        return message

    def _edit_original(self, call: Call, app: str, token: str) -> dict[str, Any]:
        original = self.originals.get(token)
        if original is None:
            raise DiscordFailure(404, 10008, "Unknown Message")
        for key in ("content", "embeds"):
            if key in call.body:
                original[key] = call.body[key]
        return original

    def _delete_original(self, call: Call, app: str, token: str) -> None:
        if self.originals.pop(token, None) is None:
            raise DiscordFailure(404, 10008, "Unknown Message")

    # gateway

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.gateway_queries.append(dict(request.query))
        session = _Session(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None}))
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                if payload.get("op") == 1:
                    self.heartbeats += 1
                    await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
                elif payload.get("op") == 2:
                    await self._identify(session, payload["d"])
                await self._note()
        finally:
            if session in self._sessions:
                self._sessions.remove(session)
        return ws

    async def _identify(self, session: _Session, data: dict[str, Any]) -> None:
        self.identifies.append(data)
        if data.get("token") != TOKEN:
            await session.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard = data.get("shard")
        guilds = [g for g in self.guilds if shard is None or (g >> 22) % shard[1] == shard[0]]
        ready: dict[str, Any] = {
            "v": 10,
            "user": self._me(),
            "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
            "session_id": f"fake-session-{len(self.identifies)}",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
        }
        if shard is not None:
            ready["shard"] = shard
        await session.send("READY", ready)
        for guild in guilds:
            await session.send("GUILD_CREATE", self._guild(guild))
        self._sessions.append(session)

    def _guild(self, guild: int) -> dict[str, Any]:
        channels = [
            {**_channel(cid, guild, info["name"]), "guild_id": str(guild)}
            for cid, info in self.channels.items()
            if info["type"] == 0
        ]
        return {
            "id": str(guild),
            "name": "Fake Guild",
            "icon": None,
            "owner_id": str(OWNER_ID),
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [
                {
                    "id": str(guild),
                    "name": "@everyone",
                    "permissions": str(MEMBER_RIGHTS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_flags": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "unavailable": False,
            "member_count": 3,
            "large": False,
            "members": [],
            "channels": channels,
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "joined_at": _now(),
            "premium_progress_bar_enabled": False,
        }

    def connections(self) -> int:
        """Identified gateway connections still open."""
        return len(self._sessions)

    async def connected(self, within_s: float = 5.0) -> None:
        """Until a client has identified on the gateway."""
        await self.wait_until(lambda: bool(self._sessions), within_s)

    async def dispatch(self, event: str, data: dict[str, Any], within_s: float = 5.0) -> None:
        """Send one dispatch event over the newest identified gateway connection."""
        await self.connected(within_s)
        await self._sessions[-1].send(event, data)

    async def interact(self, payload: dict[str, Any]) -> str:
        """Deliver an INTERACTION_CREATE; returns its token, the key to `answers`."""
        await self.dispatch("INTERACTION_CREATE", payload)
        return str(payload["token"])

    def interaction(
        self,
        path: Sequence[str],
        options: Mapping[str, Any] | None = None,
        *,
        user: int = MEMBER_ID,
        permissions: int = MEMBER_RIGHTS,
        channel: int = CHANNEL_ID,
        focused: str | None = None,
    ) -> dict[str, Any]:
        """An INTERACTION_CREATE payload for `/path[0] path[1] ... options` (autocomplete when `focused`)."""
        interaction_id = self._next_id()
        leaf = [
            {
                "name": name,
                "type": INTEGER if isinstance(value, int) else STRING,
                "value": value,
                **({"focused": True} if name == focused else {}),
            }
            for name, value in (options or {}).items()
        ]
        nested: list[dict[str, Any]] = leaf
        for depth, name in reversed(list(enumerate(path[1:], start=1))):
            kind = SUBCOMMAND if depth == len(path) - 1 else SUBCOMMAND_GROUP
            nested = [{"name": name, "type": kind, "options": nested}]
        synced = self.synced.get(GUILD_ID) or self.synced.get(None) or []
        command_id = next((c["id"] for c in synced if c["name"] == path[0]), str(self._next_id()))
        data: dict[str, Any] = {"id": command_id, "name": path[0], "type": 1, "options": nested}
        if GUILD_ID in self.synced:
            data["guild_id"] = str(GUILD_ID)
        return {
            "id": str(interaction_id),
            "application_id": str(APP_ID),
            "type": 4 if focused else 2,
            "data": data,
            "guild_id": str(GUILD_ID),
            "channel_id": str(channel),
            "channel": {**_channel(channel, GUILD_ID, "deals"), "permissions": str(permissions)},
            "member": {
                "user": _user(user, f"user{user % 100}"),
                "roles": [],
                "joined_at": _now(),
                "deaf": False,
                "mute": False,
                "flags": 0,
                "pending": False,
                "nick": None,
                "avatar": None,
                "permissions": str(permissions),
            },
            "token": f"itoken-{interaction_id}",
            "version": 1,
            "app_permissions": str(MEMBER_RIGHTS | (1 << 14)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 0,
            "attachment_size_limit": 8 * 1024 * 1024,
        }


def _channel(channel: int, guild: int, name: str) -> dict[str, Any]:
    return {
        "id": str(channel),
        "type": 0,
        "guild_id": str(guild),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """Exactly `application/json`: discord.py treats anything else (even with a charset) as text."""
    out = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=out)


def rate_limited(retry_after: float) -> tuple[int, dict[str, Any], dict[str, str]]:
    """A 429 discord.py waits out: JSON `retry_after` and a `Via` header (without it, it assumes Cloudflare)."""
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
    return 429, body, {"Via": "1.1 google", "X-RateLimit-Scope": "user"}


@asynccontextmanager
async def running_fake(guilds: Sequence[int] = (GUILD_ID,)) -> AsyncIterator[FakeDiscord]:
    """A started fake; discord.py's process-wide endpoints are put back afterwards."""
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    fake = await FakeDiscord(guilds).start()
    try:
        yield fake
    finally:
        await fake.close()
        Route.BASE = base
        DiscordWebSocket.DEFAULT_GATEWAY = gateway


def texts(value: Any) -> list[str]:
    """Every string inside a request body (content, embed titles, fields...), for escaping checks."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in texts(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in texts(v)]
    return []
