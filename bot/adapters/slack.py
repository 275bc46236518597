"""Chat adapters: Slack <-> commands (`/dealwatch`, @mentions -> handlers), Card and Reply -> Block Kit.

The only module that imports `slack_bolt` or `slack_sdk`. Translation only: acknowledge at once,
decide who may do what, call `handlers.dispatch`, lay the answer out. Every piece of text that
came from the news (or from a person) is escaped before Slack sees it, so nothing outside this
module can make the bot ping a channel or draw a link of its choosing.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import SlackConfig
from bot.model import Alert, Card, Reply, SourceRef
from bot.ports import Clock, Store
from bot.render import pack_lines, render_alert, source_lines
from handlers import dispatch as dispatch_command
from handlers.context import Context, SourceCheck

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
Dispatch = Callable[[Context, str], Awaitable[Reply]]

# Block Kit's limits (characters unless said otherwise); going over fails the whole message.
HEADER_MAX = 150
SECTION_MAX = 3000
FIELD_MAX = 2000
FIELDS_MAX = 10
CONTEXT_MAX = 2000
BLOCKS_MAX = 50
FALLBACK_MAX = 3000
CARDS_PER_REPLY = 8
URL_MAX = 600  # a longer link is shown as its title only, so three links always fit in one section

# Errors that say the bot token itself is wrong: starting anyway would only fail every send.
_FATAL_AUTH = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"})
_LEADING_MENTIONS = re.compile(r"^(?:\s*<@[A-Z0-9]+(?:\|[^>]*)?>)+\s*")
_SLACK_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


class SlackError(Exception):
    """A Slack call failed; the message names the method and Slack's error code, never a token."""


# --- escaping: news text -> text Slack shows literally -----------------------------------------


def escape(text: str) -> str:
    """Slack's three control characters as entities: `<!channel>` in a headline stays text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Escaped `text` in at most `limit` characters, cut between characters, never inside an entity."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    out: list[str] = []
    size = 0
    for ch in text:
        piece = escape(ch)
        if size + len(piece) > limit - 1:
            break
        out.append(piece)
        size += len(piece)
    return "".join(out) + "…"


def safe_url(url: str) -> str | None:
    """An http(s) URL that cannot end or split Slack's `<url|label>`; None for anything else."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    cleaned = "".join(quote(ch, safe="") if ch in '<>|"' or ch.isspace() or not ch.isprintable() else ch for ch in url)
    return cleaned.replace("&", "&amp;")


def link(url: str, label: str, limit: int = 300) -> str:
    """`<url|label>` built here, from a sanitised URL and an escaped label; plain label if the URL is unusable."""
    target = safe_url(url)
    text = clip(" ".join(label.split()) or url, limit)
    return f"<{target}|{text}>" if target and len(target) <= URL_MAX else text


def command_text(raw: str) -> str:
    """What a person typed, as the handlers read it: Slack's link markup and entities undone."""
    text = _LEADING_MENTIONS.sub("", raw)

    def plain(m: re.Match[str]) -> str:
        target, label = m.group(1), m.group(2)
        if target.startswith(("#", "@", "!")):
            return label or target
        return target  # a URL Slack wrapped: the URL itself is what `source add` wants

    text = _SLACK_LINK.sub(plain, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


# --- layout: Card / Reply -> Block Kit ----------------------------------------------------------


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def card_blocks(card: Card) -> list[dict[str, Any]]:
    """Header (type and status), the facts as fields, the evidence as a quote, the sources as links."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(card.title, HEADER_MAX), "emoji": False}}
    ]
    if card.fields:
        fields = [
            _mrkdwn(f"*{clip(name, 100)}*\n{clip(value, FIELD_MAX - 110)}") for name, value in card.fields[:FIELDS_MAX]
        ]
        blocks.append({"type": "section", "fields": fields})
    if card.evidence:
        evidence = " ".join(card.evidence.split())
        blocks.append(_section("> " + clip(f"“{evidence}”", SECTION_MAX - 10)))
    if card.sources or card.more_sources:
        blocks.append(_section(_sources_text(card)))
    return blocks


def _sources_text(card: Card) -> str:
    """The card's sources as links, then "and N more"; a link that would overflow the section counts as more."""

    def choices(ref: SourceRef) -> tuple[str]:
        publisher = f" ({clip(ref.source, 80)})" if ref.source else ""
        return (f"• {link(ref.url, ref.title, 250)}{publisher}",)

    return "\n".join(source_lines(card, choices, SECTION_MAX))


def reply_blocks(reply: Reply) -> list[dict[str, Any]]:
    """A command's answer: its text in sections, its cards, and the "more" hint as a context line."""
    blocks = [
        _section(chunk)
        for chunk in pack_lines((clip(line, SECTION_MAX) for line in reply.text.splitlines()), SECTION_MAX)
        if chunk.strip()
    ]
    for card in reply.cards[:CARDS_PER_REPLY]:
        if blocks:
            blocks.append({"type": "divider"})
        blocks.extend(card_blocks(card))
    hidden = len(reply.cards) - CARDS_PER_REPLY
    more = reply.more or (f"and {hidden} more" if hidden > 0 else None)
    if len(blocks) > BLOCKS_MAX - 1:
        blocks = blocks[: BLOCKS_MAX - 1]
        more = more or "(cut short)"
    if more:
        blocks.append(_context(clip(more, CONTEXT_MAX)))
    return blocks or [_section(reply_text(reply))]


def reply_text(reply: Reply) -> str:
    """The notification and screen-reader text of a reply."""
    text = reply.text or "\n\n".join(card.fallback for card in reply.cards) or "(no answer)"
    return clip(text, FALLBACK_MAX)


# --- the web client: base URL, retries -----------------------------------------------------------


def _retry_after(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values[0]))
            except ValueError:
                break
    return 1.0


class RateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 retry, waiting exactly Retry-After on an injectable sleep, and only for short waits:
    a long one goes back to the outbox instead of holding up every other delivery."""

    def __init__(self, *, max_retry_count: int = 2, max_wait_s: float = 30.0, sleep: Sleep = asyncio.sleep) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._max_wait_s = max_wait_s
        self._sleep = sleep

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code == 429 and _retry_after(response) <= self._max_wait_s

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        assert response is not None
        state.next_attempt_requested = True
        wait = _retry_after(response)
        log.info("slack rate limit on %s; waiting %.1fs", request.url.rsplit("/", 1)[-1], wait)
        await self._sleep(wait)
        state.increment_current_attempt()


def slack_client(config: SlackConfig, *, sleep: Sleep = asyncio.sleep, timeout_s: int = 30) -> AsyncWebClient:
    """The Web API client for `config`: its base URL (GovSlack, a test server) and retries for 429 and
    dropped connections."""
    if config.bot_token is None:
        raise ValueError("slack.bot_token is not set")
    base_url = config.api_url if config.api_url.endswith("/") else config.api_url + "/"
    retries: list[AsyncRetryHandler] = [
        RateLimitRetry(sleep=sleep),
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
    ]
    return AsyncWebClient(
        token=config.bot_token.get_secret_value(),
        base_url=base_url,
        timeout=timeout_s,
        retry_handlers=retries,
    )


def _error_code(exc: SlackApiError) -> str:
    try:
        return str(exc.response.get("error") or exc.response.status_code)
    except Exception:  # a malformed response still deserves a readable error
        return "unknown_error"


def channel_of(target: str) -> str:
    """`slack:C0123ABCD` -> `C0123ABCD`."""
    platform, _, channel = target.partition(":")
    if platform != "slack" or not channel:
        raise ValueError(f"{target!r} is not a Slack target like slack:C0123ABCD")
    return channel


# --- alerts --------------------------------------------------------------------------------------


class SlackNotifier:
    """Posts alerts as Block Kit messages; an update goes into the first alert's thread and the first
    alert is edited to show the latest status.

    Messages to one channel are spaced `per_channel_s` apart (Slack allows about one a second); the
    clock and sleep are injectable so tests need not wait. Any failure raises, so the outbox keeps the
    delivery and tries again later.
    """

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        per_channel_s: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._client = client
        self._per_channel_s = per_channel_s
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_at: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def send(self, alert: Alert) -> str:
        channel = channel_of(alert.target)
        card = render_alert(alert)
        thread = alert.thread_ref if alert.kind == "update" else None
        if thread:
            # Edit first: an edit can be repeated harmlessly when a retry comes, a post cannot.
            await self._edit_parent(channel, thread, render_alert(replace(alert, kind="new")))
        return await self._post(channel, card, thread_ts=thread)

    async def notice(self, target: str, text: str) -> None:
        """An operational notice (a source is broken) as a plain message; it quotes URLs and errors, so escaped."""
        channel = channel_of(target)
        async with self._turn(channel):
            try:
                await self._client.chat_postMessage(
                    channel=channel,
                    text=clip(text, FALLBACK_MAX),
                    blocks=[_section(clip(text, SECTION_MAX))],
                    unfurl_links=False,
                    unfurl_media=False,
                )
            except SlackApiError as exc:
                raise SlackError(f"chat.postMessage to {channel} failed: {_error_code(exc)}") from None

    @asynccontextmanager
    async def _turn(self, channel: str) -> AsyncIterator[None]:
        """One message at a time per channel, at most one per `per_channel_s`."""
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            wait = self._next_at.get(channel, float("-inf")) - self._monotonic()
            if wait > 0:
                await self._sleep(wait)
            try:
                yield
            finally:
                self._next_at[channel] = self._monotonic() + self._per_channel_s

    async def _post(self, channel: str, card: Card, *, thread_ts: str | None) -> str:
        async with self._turn(channel):
            try:
                response = await self._client.chat_postMessage(
                    channel=channel,
                    text=clip(card.fallback, FALLBACK_MAX),
                    blocks=card_blocks(card),
                    thread_ts=thread_ts,
                    unfurl_links=False,
                    unfurl_media=False,
                )
            except SlackApiError as exc:
                code = _error_code(exc)
                hint = " (invite the bot to that channel: /invite @dealwatch)" if code == "not_in_channel" else ""
                raise SlackError(f"chat.postMessage to {channel} failed: {code}{hint}") from None
        ts = response.get("ts")
        if not isinstance(ts, str) or not ts:
            raise SlackError(f"chat.postMessage to {channel} returned no ts")
        return ts

    async def _edit_parent(self, channel: str, ts: str, card: Card) -> None:
        try:
            await self._client.chat_update(
                channel=channel, ts=ts, text=clip(card.fallback, FALLBACK_MAX), blocks=card_blocks(card)
            )
        except SlackApiError as exc:
            code = _error_code(exc)
            if code in ("message_not_found", "cant_update_message", "edit_window_closed"):
                # The parent is gone or frozen; the update still belongs in the thread.
                log.warning("could not edit alert %s in %s: %s", ts, channel, code)
                return
            raise SlackError(f"chat.update in {channel} failed: {code}") from None


# --- commands ------------------------------------------------------------------------------------


class SlackAdapter:
    """Slack -> commands: the Bolt app with `/dealwatch` and @mentions, connected by Socket Mode when
    an app token is set and served at `/slack/events` on the bot's HTTP server when a signing secret is.

    Every request is acknowledged before the handler runs, so Slack's 3-second limit always holds;
    the answer follows through the command's `response_url` or as a message in the channel.
    """

    def __init__(
        self,
        config: SlackConfig,
        store: Store,
        clock: Clock,
        *,
        client: AsyncWebClient | None = None,
        check_source: SourceCheck | None = None,
        version: str = "",
        dispatch: Dispatch | None = None,
        admin_ttl_s: float = 300.0,
        monotonic: Callable[[], float] = time.monotonic,
        ping_interval_s: float = 10.0,
    ) -> None:
        self.client = client or slack_client(config)
        self._store = store
        self._clock = clock
        self._check_source = check_source
        self._version = version
        self._dispatch: Dispatch = dispatch or dispatch_command
        self._admins = frozenset(config.admins)
        self._admin_ttl_s = admin_ttl_s
        self._monotonic = monotonic
        self._admin_cache: dict[str, tuple[bool, float]] = {}
        self._answered: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._app_token = config.app_token.get_secret_value() if config.app_token else None
        secret = config.signing_secret.get_secret_value() if config.signing_secret else None
        self._http_mode = secret is not None
        self._ping_interval_s = ping_interval_s
        self._socket: AsyncSocketModeHandler | None = None
        self._connecting: asyncio.Task[None] | None = None
        self.app = AsyncApp(
            client=self.client,
            # Without a secret no HTTP route is mounted, so verification never sees a request.
            signing_secret=secret or "",
            name="dealwatch",
            logger=logging.getLogger("bot.adapters.slack.bolt"),
        )
        self.app.command("/dealwatch")(self._on_command)
        self.app.event("app_mention")(self._on_mention)

    # lifecycle

    def routes(self) -> list[web.RouteDef]:
        """`POST /slack/events` for HTTP mode, to mount on the bot's own server; none without a signing secret."""
        return [web.post("/slack/events", self._on_http)] if self._http_mode else []

    async def start(self, *, connect_timeout_s: float = 15.0) -> None:
        """Check the token, then open the Socket Mode connection (on this event loop) if there is an app token."""
        try:
            who = await self.client.auth_test()
            log.info("slack: signed in as %s in %s", who.get("user"), who.get("team"))
        except SlackApiError as exc:
            code = _error_code(exc)
            if code in _FATAL_AUTH:
                raise SlackError(f"Slack refused slack.bot_token: {code}") from None
            log.warning("slack: auth.test failed (%s); carrying on", code)
        if self._app_token is None:
            if not self._http_mode:
                log.warning(
                    "slack: neither app_token (Socket Mode) nor signing_secret (HTTP mode) is set; "
                    "alerts will be posted but commands will not be heard"
                )
            return
        self._socket = AsyncSocketModeHandler(
            self.app, app_token=self._app_token, web_client=self.client, ping_interval=self._ping_interval_s
        )
        # connect_async() keeps retrying until it gets through; the bot's other work must not wait on it.
        self._connecting = asyncio.create_task(self._socket.connect_async())  # type: ignore[no-untyped-call]
        done, _ = await asyncio.wait({self._connecting}, timeout=connect_timeout_s)
        if not done:
            log.warning("slack: Socket Mode not connected after %.0fs; still trying", connect_timeout_s)
            return
        error = self._connecting.exception()
        if error is not None:
            raise SlackError(f"Socket Mode connection failed: {type(error).__name__}: {error}")
        log.info("slack: Socket Mode connected")

    async def close(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
            await asyncio.gather(self._connecting, return_exceptions=True)
            self._connecting = None
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None

    # transports

    async def _on_http(self, request: web.Request) -> web.Response:
        """HTTP mode: Bolt checks the signature and timestamp (401 otherwise) and dispatches."""
        response = await self.app.async_dispatch(await to_bolt_request(request))
        result: web.Response = await to_aiohttp_response(response)
        return result

    # listeners (Bolt passes arguments by name)

    async def _on_command(
        self, ack: Callable[..., Awaitable[Any]], command: dict[str, Any], respond: Callable[..., Awaitable[Any]]
    ) -> None:
        await ack()
        reply = await self.answer(
            channel=str(command.get("channel_id", "")),
            user=str(command.get("user_id", "")),
            text=command_text(str(command.get("text", ""))),
        )
        try:
            result = await respond(
                text=reply_text(reply),
                blocks=reply_blocks(reply),
                response_type="ephemeral" if reply.ephemeral else "in_channel",
                unfurl_links=False,
                unfurl_media=False,
            )
            status = getattr(result, "status_code", 200)
            if status >= 300:
                log.warning("slack: response_url answered %s", status)
        except Exception as exc:  # an expired response_url must not look like a crash
            log.warning("slack: could not answer /dealwatch: %s", type(exc).__name__)

    async def _on_mention(self, event: dict[str, Any]) -> None:
        channel = str(event.get("channel", ""))
        user = str(event.get("user", ""))
        ts = str(event.get("ts", ""))
        if not self._first_time(channel, ts):
            return  # Slack retried an event it had already delivered
        reply = await self.answer(channel=channel, user=user, text=command_text(str(event.get("text", ""))))
        thread_ts = event.get("thread_ts")
        try:
            if reply.ephemeral:
                await self.client.chat_postEphemeral(
                    channel=channel,
                    user=user,
                    text=reply_text(reply),
                    blocks=reply_blocks(reply),
                    thread_ts=thread_ts,
                )
            else:
                await self.client.chat_postMessage(
                    channel=channel,
                    text=reply_text(reply),
                    blocks=reply_blocks(reply),
                    thread_ts=thread_ts,
                    unfurl_links=False,
                    unfurl_media=False,
                )
        except SlackApiError as exc:
            log.warning("slack: could not answer a mention in %s: %s", channel, _error_code(exc))

    def _first_time(self, channel: str, ts: str) -> bool:
        key = (channel, ts)
        if key in self._answered:
            return False
        self._answered[key] = None
        while len(self._answered) > 1000:
            self._answered.popitem(last=False)
        return True

    # commands

    async def answer(self, *, channel: str, user: str, text: str) -> Reply:
        """One command from `user` in `channel`, through the shared handlers."""
        is_admin = await self.is_admin(user)
        ctx = Context(
            store=self._store,
            clock=self._clock,
            platform="slack",
            channel=f"slack:{channel}",
            user=user,
            is_admin=is_admin,
            check_source=self._check_source,
            version=self._version,
        )
        # The handlers refuse (and log) admin commands from others, and answer every input with a Reply.
        return await self._dispatch(ctx, text)

    async def is_admin(self, user: str) -> bool:
        """Config admins, plus workspace admins and owners per `users.info` (remembered for a few minutes)."""
        if user in self._admins:
            return True
        now = self._monotonic()
        cached = self._admin_cache.get(user)
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            response = await self.client.users_info(user=user)
        except SlackApiError as exc:
            # Slack's answer (no such user, the users:read scope missing) holds a while: remember it too.
            code = _error_code(exc)
            hint = " (add the users:read scope and reinstall the app)" if code == "missing_scope" else ""
            log.warning("slack: users.info for %s failed: %s%s; not treating them as an admin", user, code, hint)
            self._admin_cache[user] = (False, now + self._admin_ttl_s)
            return False
        except Exception as exc:  # Slack unreachable: answer the command, without admin rights
            log.warning("slack: users.info for %s failed (%s); not treating them as an admin", user, type(exc).__name__)
            return False
        info = response.get("user") or {}
        admin = bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))
        self._admin_cache[user] = (admin, now + self._admin_ttl_s)
        return admin
