"""Chat adapters: Discord <-> commands (`/dealwatch` slash commands -> handlers), Card and Reply -> embeds.

The only module that imports `discord`. Translation only: answer or defer within Discord's three
seconds, decide who may do what, call the handler of the `COMMANDS` entry, lay the answer out.
Every message goes out with no mentions allowed, and every piece of text that came from the news
(or from a person) is escaped, so nothing outside this module can make the bot ping anyone or
format text its way.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final
from urllib.parse import quote as url_quote
from urllib.parse import urlsplit

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import DiscordConfig
from bot.model import EVENT_TYPES, Alert, Card, EventType, Reply, SourceRef, Status
from bot.ports import Clock, Store
from bot.render import TYPE_LABEL, headline, pack_lines, render_alert, source_lines
from handlers import COMMANDS
from handlers.args import Token, name_key, tokenize
from handlers.context import Command, Context, SourceCheck

log = logging.getLogger(__name__)

Interaction = discord.Interaction[discord.Client]
AppCommand = app_commands.Command[Any, ..., Any]
Callback = Callable[..., Coroutine[Any, Any, None]]
Choices = list[app_commands.Choice[str]]

# Discord's limits (characters unless said otherwise); going over fails the whole request.
CONTENT_MAX = 2000
TITLE_MAX = 256
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_ROOM = 100  # kept free in every embed for the "more" hint in its footer
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL_MAX = 6000
THREAD_NAME_MAX = 100
CHOICES_MAX = 25
COMMAND_TEXT_MAX = 100  # command and option descriptions, choice names and values
NONCE_MAX = 25
URL_MAX = 400  # a longer link is shown as its title only, so a few sources always fit one field
# One answer is at most this many messages (the response and its follow-ups); more is cut short.
PAGES_MAX = 5
THREAD_ARCHIVE_MINUTES: Final = 10080  # a week: updates of one deal can be days apart

DEFAULT_API = Route.BASE
DEFAULT_GATEWAY = DiscordWebSocket.DEFAULT_GATEWAY
NO_MENTIONS = discord.AllowedMentions.none()

# What the bot needs in a channel it posts to; the invite URL (and docs/discord.md) carry this number.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    read_message_history=True,  # replying to the first alert where threads are not allowed
    create_public_threads=True,
    send_messages_in_threads=True,
)
SCOPES = ("bot", "applications.commands")

MEMBER_GROUP = "dealwatch"
# Discord applies default permissions to top-level commands only, so admin commands get their own.
ADMIN_GROUP = "dealwatch-admin"

# Discord error codes the notifier acts on.
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
WRONG_CHANNEL_TYPE = 50024
ARCHIVED_THREAD = 50083
THREAD_EXISTS = 160004
THREAD_LOCKED = 160005
_NO_THREAD_HERE = frozenset({MISSING_ACCESS, MISSING_PERMISSIONS, WRONG_CHANNEL_TYPE, UNKNOWN_MESSAGE})
_THREAD_CLOSED = frozenset({UNKNOWN_CHANNEL, MISSING_ACCESS, MISSING_PERMISSIONS, ARCHIVED_THREAD, THREAD_LOCKED})

COLOURS: Mapping[EventType, int] = {
    "acquisition": 0xE67E22,
    "merger": 0x9B59B6,
    "investment": 0x2ECC71,
    "funding": 0x1ABC9C,
    "divestiture": 0xE74C3C,
    "partnership": 0x3498DB,
    "partnership_end": 0x95A5A6,
}
NEUTRAL = 0x607D8B

# escape_mentions only knows real-length ids; anything shaped like a mention is neutralised here.
_LOOSE_MENTION = re.compile(r"@(everyone|here|[!&]?\d+)")
_VERSIONED = re.compile(r"/v\d+/?$")
_NEXT_PAGE = re.compile(r"\bpage (\d+)$")


class DiscordError(Exception):
    """A Discord call failed; the message names the call and Discord's answer, never the token."""


# --- escaping: news text -> text Discord shows literally -----------------------------------------


def escape(text: str) -> str:
    """Markdown shown as typed and mentions broken with a zero-width space: `@everyone` stays text."""
    text = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    return _LOOSE_MENTION.sub("@\u200b\\1", text)


def clip(text: str, limit: int) -> str:
    """Escaped `text` in at most `limit` characters; a cut never leaves a backslash to escape the ellipsis."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    return escaped[: limit - 1].rstrip("\\") + "…"


def plain(text: str, limit: int) -> str:
    """One line of at most `limit` characters, for places Discord shows unformatted (names, choices)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def safe_url(url: str) -> str | None:
    """An http(s) URL that cannot end a markdown link early; None for anything else."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or len(url) > URL_MAX:
        return None
    return "".join(
        url_quote(ch, safe="") if ch in "()<>[]" or ch.isspace() or not ch.isprintable() else ch for ch in url
    )


def link(url: str, label: str, limit: int = 200) -> str:
    """`[label](url)` from a sanitised URL and an escaped label without brackets; the label alone if unusable."""
    text = clip(" ".join(label.split()).replace("[", "(").replace("]", ")") or url, limit)
    target = safe_url(url)
    return f"[{text}](<{target}>)" if target else text


# --- layout: Card / Reply -> embeds and messages -------------------------------------------------


def card_embed(card: Card) -> discord.Embed:
    """Title (type and status), the facts as inline fields, the evidence and sources below, coloured by type."""
    colour = COLOURS.get(card.event_type, NEUTRAL) if card.event_type else NEUTRAL
    embed = discord.Embed(title=clip(card.title, TITLE_MAX), colour=colour)
    room = FIELDS_MAX - 2
    for name, value in card.fields[:room]:
        embed.add_field(name=clip(name, FIELD_NAME_MAX), value=clip(value, FIELD_VALUE_MAX) or "-", inline=True)
    if card.evidence:
        evidence = " ".join(card.evidence.split())
        embed.add_field(name="Evidence", value=clip(f"“{evidence}”", FIELD_VALUE_MAX), inline=False)
    if card.sources or card.more_sources:
        embed.add_field(name="Sources", value=_sources_text(card), inline=False)
    _fit(embed)
    return embed


def _sources_text(card: Card) -> str:
    """The card's sources as links, then "and N more"; a source that would overflow the field counts as more."""

    def choices(ref: SourceRef) -> tuple[str, str]:
        publisher = f" ({clip(ref.source, 60)})" if ref.source else ""
        return f"• {link(ref.url, ref.title)}{publisher}", f"• {clip(ref.title, 200)}{publisher}"

    return "\n".join(source_lines(card, choices, FIELD_VALUE_MAX))


def _fit(embed: discord.Embed) -> None:
    """Shorten the longest field until the embed is within Discord's total; rarely needed, never fails a send."""
    while len(embed) > EMBED_TOTAL_MAX - FOOTER_ROOM and embed.fields:
        index, longest = max(enumerate(embed.fields), key=lambda pair: len(pair[1].value or ""))
        value = longest.value or ""
        excess = len(embed) - (EMBED_TOTAL_MAX - FOOTER_ROOM)
        keep = max(1, len(value) - excess - 1)
        shorter = value[:keep].rstrip("\\") + "…" if keep < len(value) else "…"
        embed.set_field_at(index, name=longest.name or "-", value=shorter, inline=bool(longest.inline))


@dataclass
class Page:
    """One message of an answer: some text, some embeds, or both."""

    content: str = ""
    embeds: list[discord.Embed] = field(default_factory=list)

    def size(self) -> int:
        return sum(len(e) for e in self.embeds)


def more_hint(more: str) -> str:
    """The handlers' "more" hint in slash-command terms: their hints are typed commands (`... page 2`)."""
    page = _NEXT_PAGE.search(more)
    if page:
        return f"More: the same command with page:{page.group(1)}"
    return f"More: /{MEMBER_GROUP} {more}"


def reply_pages(reply: Reply) -> list[Page]:
    """A command's answer as messages: text in 2000-character pieces, cards as embeds (10 and 6000
    characters a message), the "more" hint last; more than PAGES_MAX messages are cut short."""
    lines = reply.text.splitlines()
    if reply.more and not reply.cards:
        lines.append(more_hint(reply.more))
    pages = [
        Page(content=chunk)
        for chunk in pack_lines((clip(line, CONTENT_MAX) for line in lines), CONTENT_MAX)
        if chunk.strip()
    ]
    for card in reply.cards:
        embed = card_embed(card)
        last = pages[-1] if pages else None
        if (
            last is None
            or len(last.embeds) >= EMBEDS_PER_MESSAGE
            or last.size() + len(embed) > EMBED_TOTAL_MAX - FOOTER_ROOM
        ):
            last = Page()
            pages.append(last)
        last.embeds.append(embed)
    if reply.more and reply.cards:
        # Embeds show below a message's text, so after cards the hint goes at the foot of the last one.
        pages[-1].embeds[-1].set_footer(text=plain(more_hint(reply.more), FOOTER_ROOM))
    if not pages:
        return [Page(content="(no answer)")]
    if len(pages) > PAGES_MAX:
        pages = pages[:PAGES_MAX]
        note = "(cut short: ask for less, e.g. a shorter since or one company)"
        tail = pages[-1]
        tail.content = (tail.content + "\n" + note) if len(tail.content) + len(note) < CONTENT_MAX else note
    return pages


def _message_kwargs(page: Page) -> dict[str, Any]:
    """What every message of an answer is sent with: no mentions, and no link previews on text-only messages."""
    return {
        "content": page.content,
        "embeds": page.embeds,
        "allowed_mentions": NO_MENTIONS,
        "suppress_embeds": not page.embeds,
    }


# --- the client: endpoints, intents, shards ------------------------------------------------------


def rest_base(api_url: str) -> str:
    """`https://proxy.example` -> `https://proxy.example/api/v10`; a URL that names a version is kept."""
    url = api_url.rstrip("/")
    return url if _VERSIONED.search(url) else f"{url}/api/v10"


def use_endpoints(api_url: str | None, gateway_url: str | None) -> None:
    """Where discord.py sends REST calls and opens the gateway. discord.py keeps both process-wide (class
    attributes), so one process talks to one Discord; unset means Discord's own."""
    Route.BASE = rest_base(api_url) if api_url else DEFAULT_API
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url) if gateway_url else DEFAULT_GATEWAY


def discord_client(config: DiscordConfig, *, guild_ready_timeout: float = 2.0) -> discord.Client:
    """A client for `config`: its endpoints, the one intent slash commands need, no caches the bot does not
    use, and an AutoShardedClient when shards are configured."""
    if config.shard_ids is not None and config.shard_count is None:
        raise ValueError("discord.shard_ids needs discord.shard_count (the total number of shards)")
    if config.shard_count is not None and any(not 0 <= s < config.shard_count for s in config.shard_ids or ()):
        raise ValueError(f"discord.shard_ids must lie between 0 and shard_count - 1 ({config.shard_count - 1})")
    use_endpoints(config.api_url, config.gateway_url)
    # The bot never joins voice: no warnings at start about voice libraries it does not need.
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    intents = discord.Intents.none()
    intents.guilds = True  # guild and channel events; members' rights arrive with each interaction
    options: dict[str, Any] = {
        "intents": intents,
        "allowed_mentions": NO_MENTIONS,
        "max_messages": None,
        "chunk_guilds_at_startup": False,
        "member_cache_flags": discord.MemberCacheFlags.none(),
        "guild_ready_timeout": guild_ready_timeout,
        # A longer rate-limit wait raises instead, and the outbox tries again later.
        "max_ratelimit_timeout": 30.0,
    }
    if config.shard_ids is not None or config.shard_count is not None:
        if config.shard_ids is not None:
            options["shard_ids"] = list(config.shard_ids)
        return discord.AutoShardedClient(shard_count=config.shard_count, **options)
    return discord.Client(**options)


def invite_url(application_id: int) -> str:
    """The link that adds the bot to a server with its slash commands and the permissions it needs."""
    return discord.utils.oauth_url(application_id, permissions=BOT_PERMISSIONS, scopes=SCOPES)


def _token(config: DiscordConfig) -> str:
    if config.token is None:
        raise ValueError("discord.token is not set")
    return config.token.get_secret_value()


async def _login(client: discord.Client, token: str) -> None:
    try:
        await client.login(token)
    except discord.LoginFailure:
        raise DiscordError("Discord refused discord.token (401): check the bot token") from None
    except discord.HTTPException as exc:
        raise DiscordError(f"signing in to Discord failed: {_describe(exc)}") from None


def _describe(exc: discord.HTTPException) -> str:
    code = f" (code {exc.code})" if exc.code else ""
    return f"{exc.status}{code} {exc.text}".strip()


def channel_of(target: str) -> int:
    """`discord:123456789` -> 123456789."""
    platform, _, channel = target.partition(":")
    if platform != "discord" or not channel.isdigit():
        raise ValueError(f"{target!r} is not a Discord target like discord:123456789")
    return int(channel)


def nonce_for(alert: Alert) -> str:
    """The same for every attempt of one delivery, so Discord (enforce_nonce) posts it once."""
    nonce = f"dw{alert.delivery_id}"
    if len(nonce) > NONCE_MAX:
        raise ValueError(f"delivery id {alert.delivery_id} is too long for a Discord nonce")
    return nonce


# --- alerts --------------------------------------------------------------------------------------


class DiscordNotifier:
    """Posts alerts as embeds; an update goes into a thread on the first alert's message (created when
    missing, reused when there) or, where threads are not allowed, as a reply to it, and the first
    alert is edited to show the latest status.

    REST only: it signs in on first use and never opens the gateway. Rate limits are discord.py's;
    any failure raises, so the outbox keeps the delivery and tries again later.
    """

    def __init__(self, client: discord.Client, token: str) -> None:
        self.client = client
        self._token = token
        self._signed_in = False
        self._lock = asyncio.Lock()

    @classmethod
    def from_config(cls, config: DiscordConfig) -> DiscordNotifier:
        return cls(discord_client(config), _token(config))

    async def close(self) -> None:
        await self.client.close()

    async def _ready(self) -> discord.Client:
        async with self._lock:
            if not self._signed_in:
                await _login(self.client, self._token)
                self._signed_in = True
        return self.client

    async def send(self, alert: Alert) -> str:
        channel_id = channel_of(alert.target)
        client = await self._ready()
        embed = card_embed(render_alert(alert))
        nonce = nonce_for(alert)
        first = alert.thread_ref if alert.kind == "update" else None
        if first is None:
            message = await self._post(client, channel_id, embed, nonce)
            return str(message.id)
        first_id = int(first)
        # Edit first: an edit can be repeated harmlessly when a retry comes; the post is made once by its nonce.
        await self._edit_first(client, channel_id, first_id, card_embed(render_alert(replace(alert, kind="new"))))
        thread_id = await self._thread_for(client, channel_id, first_id, alert)
        if thread_id is not None:
            try:
                message = await self._post(client, thread_id, embed, nonce, fallible=True)
                return str(message.id)
            except discord.HTTPException as exc:
                if exc.code not in _THREAD_CLOSED:
                    raise DiscordError(f"posting in thread {thread_id} failed: {_describe(exc)}") from None
                log.warning("thread %s of alert %s is closed (%s); replying instead", thread_id, first_id, exc.code)
        reference = discord.MessageReference(message_id=first_id, channel_id=channel_id, fail_if_not_exists=False)
        message = await self._post(client, channel_id, embed, nonce, reference=reference)
        return str(message.id)

    async def notice(self, target: str, text: str) -> None:
        """An operational notice (a source is broken) as plain text; it quotes URLs and errors, so escaped."""
        channel_id = channel_of(target)
        client = await self._ready()
        try:
            await client.get_partial_messageable(channel_id).send(
                clip(text, CONTENT_MAX), allowed_mentions=NO_MENTIONS, suppress_embeds=True
            )
        except discord.HTTPException as exc:
            raise DiscordError(f"posting a notice to channel {channel_id} failed: {_describe(exc)}") from None

    async def _post(
        self,
        client: discord.Client,
        channel_id: int,
        embed: discord.Embed,
        nonce: str,
        *,
        reference: discord.MessageReference | None = None,
        fallible: bool = False,
    ) -> discord.Message:
        """One message with the delivery's nonce; `fallible` hands Discord's error back for the caller to judge."""
        try:
            channel = client.get_partial_messageable(channel_id)
            if reference is not None:
                return await channel.send(
                    embed=embed, nonce=nonce, allowed_mentions=NO_MENTIONS, reference=reference, mention_author=False
                )
            return await channel.send(embed=embed, nonce=nonce, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            if fallible:
                raise
            hint = ""
            if exc.code in (MISSING_ACCESS, MISSING_PERMISSIONS):
                hint = " (give the bot View Channel, Send Messages and Embed Links there)"
            raise DiscordError(f"posting to channel {channel_id} failed: {_describe(exc)}{hint}") from None

    async def _edit_first(self, client: discord.Client, channel_id: int, message_id: int, embed: discord.Embed) -> None:
        message = client.get_partial_messageable(channel_id).get_partial_message(message_id)
        try:
            await message.edit(embed=embed, allowed_mentions=NO_MENTIONS)
        except discord.NotFound:
            # The first alert is gone; the update still belongs with it.
            log.warning("could not edit alert %s in channel %s: it no longer exists", message_id, channel_id)
        except discord.HTTPException as exc:
            raise DiscordError(f"editing alert {message_id} failed: {_describe(exc)}") from None

    async def _thread_for(self, client: discord.Client, channel_id: int, message_id: int, alert: Alert) -> int | None:
        """The thread on the first alert's message: started now, or the one already there (its id is the
        message's); None where this channel allows no thread."""
        name = plain(f"{TYPE_LABEL[alert.event.type]}: {headline(alert.event)}", THREAD_NAME_MAX)
        try:
            data = await client.http.start_thread_with_message(
                channel_id, message_id, name=name, auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:
                return message_id
            if exc.code in _NO_THREAD_HERE or exc.status == 403:
                log.info("no thread possible on alert %s in %s (%s); replying", message_id, channel_id, exc.code)
                return None
            raise DiscordError(f"starting a thread on alert {message_id} failed: {_describe(exc)}") from None
        return int(data["id"])


# --- commands ------------------------------------------------------------------------------------


def _named(value: str) -> str:
    """A company name from an option: one argument however many words, as if quoted."""
    return Token(" ".join(value.split()), quoted=True)


def _names(value: str | None) -> list[str]:
    """Company names from a comma-separated option."""
    return [_named(part) for part in (value or "").split(",") if part.strip()]


def _words(value: str | None) -> list[str]:
    """Plain words (event types, a command name) from an option, split on commas and spaces."""
    return [w for w in re.split(r"[\s,]+", value or "") if w]


def _option(keyword: str, value: object | None) -> list[str]:
    """`since 30d`, `page 2`: the handlers' keyword arguments, present only when the option was given."""
    return [] if value is None or value == "" else [keyword, str(value)]


def _group_or_company(value: str | None) -> list[str]:
    """`all` and `any` are keywords of subscribe; anything else names a company."""
    if not value or not value.strip():
        return []
    word = value.strip()
    return [word] if word.casefold() in ("all", "any", "*") else [_named(word)]


def _subscription_or_company(value: str) -> list[str]:
    word = value.strip()
    if word.casefold() in ("all", "any", "*") or word.removeprefix("#").isdigit():
        return [word]
    return [_named(word)]


def _complete_list(current: str, options: Sequence[str], separator: str) -> Choices:
    """Completes the last item of a list the person is typing (`investment, part` -> `investment, partnership`)."""
    head, sep, last = current.rpartition(separator)
    prefix = f"{head}{sep} " if sep else ""
    typed = name_key(last)
    ranked = sorted(options, key=lambda o: (not name_key(o).startswith(typed), name_key(o)))
    found = [o for o in ranked if typed in name_key(o)]
    return [
        app_commands.Choice(name=plain(prefix + o, COMMAND_TEXT_MAX), value=(prefix + o)[:COMMAND_TEXT_MAX])
        for o in found[:CHOICES_MAX]
        if len(prefix + o) <= COMMAND_TEXT_MAX
    ]


class DiscordAdapter:
    """Discord -> commands: a client with one `/dealwatch` command (and `/dealwatch-admin` for the admin
    commands, which default to the Manage Server permission) whose subcommands are the `COMMANDS`
    entries, with typed options and autocomplete.

    A handler that answers within `answer_within_s` is answered directly; a slower one is deferred
    first (Discord allows three seconds) and answered by follow-up. Long answers are paged.
    """

    def __init__(
        self,
        config: DiscordConfig,
        store: Store,
        clock: Clock,
        *,
        client: discord.Client | None = None,
        check_source: SourceCheck | None = None,
        version: str = "",
        commands: Mapping[str, Command] = COMMANDS,
        answer_within_s: float = 1.5,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        self._token = _token(config)
        self.client = client or discord_client(config, guild_ready_timeout=guild_ready_timeout)
        self.tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(self.client)
        self.tree.error(self._on_tree_error)
        self._store = store
        self._clock = clock
        self._check_source = check_source
        self._version = version
        self._commands = commands
        self._admins = frozenset(config.admins)
        self._guild_ids = list(config.guild_ids)
        self._answer_within_s = answer_within_s
        self._connecting: asyncio.Task[None] | None = None
        self.registered: dict[str, AppCommand] = self._register()

    # registration

    def _register(self) -> dict[str, AppCommand]:
        """One subcommand per COMMANDS entry: `watch add` -> group `watch`, subcommand `add`."""
        member = app_commands.Group(name=MEMBER_GROUP, description="Deal and partnership alerts for watched companies")
        admin = app_commands.Group(
            name=ADMIN_GROUP,
            description="Manage dealwatch's watchlist and news sources",
            default_permissions=discord.Permissions(manage_guild=True),
            guild_only=True,
        )
        subgroups: dict[tuple[str, str], app_commands.Group] = {}
        registered: dict[str, AppCommand] = {}
        callbacks = self._callbacks()
        for key, command in self._commands.items():
            top = admin if command.admin else member
            words = key.split()
            parent = top
            if len(words) > 1:
                group_key = (top.name, words[0])
                if group_key not in subgroups:
                    subgroups[group_key] = app_commands.Group(
                        name=words[0], description=f"{words[0]} commands", parent=top
                    )
                parent = subgroups[group_key]
            name = "-".join(words[1:]) if len(words) > 1 else words[0]
            callback = callbacks.get(key) or self._free_text(key)
            registered[key] = app_commands.Command(
                name=name, description=plain(command.summary, COMMAND_TEXT_MAX), callback=callback, parent=parent
            )
            parent.add_command(registered[key])
        for group in (member, admin):
            if group.commands:
                self.tree.add_command(group)
        return registered

    def _free_text(self, key: str) -> Callback:
        """A command this adapter has no typed options for still works: its arguments as one text option."""

        @app_commands.describe(arguments="What follows the command name, as in /dealwatch help")
        async def run(interaction: Interaction, arguments: str | None = None) -> None:
            await self._run(interaction, key, tokenize(arguments or ""))

        return run

    def _no_options(self, key: str) -> Callback:
        async def run(interaction: Interaction) -> None:
            await self._run(interaction, key, [])

        return run

    def _callbacks(self) -> dict[str, Callback]:
        """Typed options per command, each turned back into the handler's argument list."""
        run = self._run
        companies = self._complete_company
        types = self._complete_types

        @app_commands.describe(command="A command to explain, e.g. history")
        @app_commands.autocomplete(command=self._complete_command)
        async def help_(interaction: Interaction, command: str | None = None) -> None:
            await run(interaction, "help", _words(command))

        @app_commands.describe(company="The company's name", aliases="Other names news uses for it, comma-separated")
        async def watch_add(interaction: Interaction, company: str, aliases: str | None = None) -> None:
            await run(interaction, "watch add", [_named(company), *_names(aliases)])

        @app_commands.describe(company="A watched company")
        @app_commands.autocomplete(company=companies)
        async def watch_remove(interaction: Interaction, company: str) -> None:
            await run(interaction, "watch remove", [_named(company)])

        @app_commands.describe(page="Which page of the list")
        async def sources(interaction: Interaction, page: app_commands.Range[int, 1, 1000] | None = None) -> None:
            await run(interaction, "sources", _option("page", page))

        @app_commands.describe(url="An RSS or Atom feed address", interval="How often to poll it, e.g. 15m")
        async def source_add(interaction: Interaction, url: str, interval: str | None = None) -> None:
            await run(interaction, "source add", [url.strip(), *_words(interval)])

        @app_commands.describe(source_id="The #number that /dealwatch sources shows")
        @app_commands.rename(source_id="id")
        async def source_remove(interaction: Interaction, source_id: app_commands.Range[int, 1]) -> None:
            await run(interaction, "source remove", [str(source_id)])

        @app_commands.describe(
            company="A watched company, all (every watched one) or any (any company)",
            types="Event types, comma-separated (default: every type)",
            min_status="Alert from this status on (default: announced)",
        )
        @app_commands.autocomplete(company=self._complete_target, types=types)
        async def subscribe(
            interaction: Interaction,
            company: str | None = None,
            types: str | None = None,
            min_status: Status | None = None,
        ) -> None:
            args = [*_group_or_company(company), *_words(types), *([min_status] if min_status else [])]
            await run(interaction, "subscribe", args)

        @app_commands.describe(what="A company, all, any or a subscription's #id")
        @app_commands.autocomplete(what=self._complete_subscription)
        async def unsubscribe(interaction: Interaction, what: str) -> None:
            await run(interaction, "unsubscribe", _subscription_or_company(what))

        @app_commands.describe(
            company="A company (watched or not)",
            since="How far back: 30d, 12h or a date like 2025-06-01",
            event_type="Only this type of event",
            page="Which page of events",
        )
        @app_commands.rename(event_type="type")
        @app_commands.autocomplete(company=companies, event_type=types)
        async def history(
            interaction: Interaction,
            company: str,
            since: str | None = None,
            event_type: str | None = None,
            page: app_commands.Range[int, 1, 1000] | None = None,
        ) -> None:
            args = [_named(company), *_option("since", since), *_words(event_type), *_option("page", page)]
            await run(interaction, "history", args)

        @app_commands.describe(
            since="How far back: 7d, 12h or a date like 2025-06-01",
            event_type="Only this type of event",
            companies="Only these companies, comma-separated",
            page="Which page of events",
        )
        @app_commands.rename(event_type="type")
        @app_commands.autocomplete(event_type=types, companies=self._complete_companies)
        async def deals(
            interaction: Interaction,
            since: str | None = None,
            event_type: str | None = None,
            companies: str | None = None,
            page: app_commands.Range[int, 1, 1000] | None = None,
        ) -> None:
            args = [*_option("since", since), *_words(event_type), *_names(companies), *_option("page", page)]
            await run(interaction, "deals", args)

        return {
            "help": help_,
            "watch add": watch_add,
            "watch remove": watch_remove,
            "watch list": self._no_options("watch list"),
            "sources": sources,
            "source add": source_add,
            "source remove": source_remove,
            "subscribe": subscribe,
            "unsubscribe": unsubscribe,
            "subscriptions": self._no_options("subscriptions"),
            "history": history,
            "deals": deals,
            "status": self._no_options("status"),
        }

    # lifecycle

    async def start(self, *, connect_timeout_s: float = 15.0) -> None:
        """Sign in, sync the commands (to each configured guild, or globally), then open the gateway on this
        event loop without waiting on it for longer than `connect_timeout_s`."""
        await _login(self.client, self._token)
        await self.sync()
        # READY received is enough: on_ready would also wait out guild_ready_timeout after the last guild.
        ready = asyncio.create_task(self.client.wait_for("connect"))
        self._connecting = asyncio.create_task(self.client.connect(reconnect=True))
        try:
            done, _ = await asyncio.wait(
                {self._connecting, ready}, timeout=connect_timeout_s, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            ready.cancel()
        if self._connecting in done:
            error = self._connecting.exception()
            self._connecting = None
            why = f"{type(error).__name__}: {error}" if error else "the connection closed"
            raise DiscordError(f"Discord gateway connection failed: {why}")
        if not done:
            log.warning("discord: gateway not connected after %.0fs; still trying", connect_timeout_s)
            return
        log.info("discord: connected as %s in %d server(s)", self.client.user, len(self.client.guilds))
        if not self.client.guilds and self.client.application_id is not None:
            log.warning(
                "discord: the bot is in no server yet; invite it with %s", invite_url(self.client.application_id)
            )

    async def sync(self) -> None:
        """Guild commands appear at once, global ones can take a while: configured guilds get their own copy."""
        try:
            if self._guild_ids:
                for guild_id in self._guild_ids:
                    guild = discord.Object(id=guild_id)
                    self.tree.copy_global_to(guild=guild)
                    await self.tree.sync(guild=guild)
                log.info("discord: commands synced to %d server(s)", len(self._guild_ids))
            else:
                await self.tree.sync()
                log.info("discord: commands synced globally (they may take a while to appear)")
        except discord.HTTPException as exc:
            hint = " (invite the bot with the applications.commands scope)" if exc.status == 403 else ""
            raise DiscordError(f"syncing slash commands failed: {_describe(exc)}{hint}") from None

    async def close(self) -> None:
        await self.client.close()
        if self._connecting is not None:
            self._connecting.cancel()
            await asyncio.gather(self._connecting, return_exceptions=True)
            self._connecting = None

    # answering

    def context(self, interaction: Interaction) -> Context:
        return Context(
            store=self._store,
            clock=self._clock,
            platform="discord",
            channel=f"discord:{interaction.channel_id}",
            user=str(interaction.user.id),
            is_admin=self.is_admin(interaction),
            check_source=self._check_source,
            version=self._version,
        )

    def is_admin(self, interaction: Interaction) -> bool:
        """Config admins, plus members with Manage Server (or Administrator) where the command was used.
        Discord's default permissions only hide the admin command; this is the check that counts."""
        if interaction.user.id in self._admins:
            return True
        if interaction.guild_id is None:
            return False
        rights = interaction.permissions
        return bool(rights.manage_guild or rights.administrator)

    async def _run(self, interaction: Interaction, key: str, args: Sequence[str]) -> None:
        """The handler of `key` with `args`; deferred if it is not done within `answer_within_s`."""
        ctx = self.context(interaction)
        handler = self._commands[key].handler

        async def call() -> Reply:
            return await handler(ctx, list(args))

        task = asyncio.create_task(call())
        done, _ = await asyncio.wait({task}, timeout=self._answer_within_s)
        if not done:
            try:
                await interaction.response.defer(thinking=True)
            except discord.HTTPException as exc:
                log.warning("discord: could not defer /%s: %s", key, _describe(exc))
        reply = await task
        await self._answer(interaction, reply, key)

    async def _answer(self, interaction: Interaction, reply: Reply, key: str) -> None:
        pages = reply_pages(reply)
        try:
            if not interaction.response.is_done():
                await interaction.response.send_message(ephemeral=reply.ephemeral, **_message_kwargs(pages[0]))
                rest = pages[1:]
            elif reply.ephemeral:
                # The deferred answer shows to everyone; a private one replaces it.
                await interaction.delete_original_response()
                rest = pages
            else:
                first = _message_kwargs(pages[0])
                del first["suppress_embeds"]
                await interaction.edit_original_response(**first)
                rest = pages[1:]
            for page in rest:
                await interaction.followup.send(ephemeral=reply.ephemeral, wait=True, **_message_kwargs(page))
        except discord.HTTPException as exc:
            log.warning("discord: could not answer /%s: %s", key, _describe(exc))

    async def _on_tree_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        """Whatever went wrong before or around a handler, the person gets an answer, not a spinning wheel."""
        log.warning("discord: command failed: %s: %s", type(error).__name__, error)
        text = f"Sorry, that did not work: something went wrong on our side. Try /{MEMBER_GROUP} help."
        try:
            if interaction.response.is_done():  # deferred: the "thinking…" message becomes the apology
                await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)
            else:
                await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.warning("discord: could not report the failure: %s", _describe(exc))

    # autocomplete

    async def _company_names(self) -> list[str]:
        return [c.name for c in await self._store.list_companies()]

    async def _complete_company(self, interaction: Interaction, current: str) -> Choices:
        """Watched companies whose name or an alias contains what was typed, prefix matches first."""
        typed = name_key(current)
        ranked: list[tuple[bool, str]] = []
        for company in await self._store.list_companies():
            spellings = [name_key(n) for n in company.names]
            if any(typed in s for s in spellings):
                ranked.append((not any(s.startswith(typed) for s in spellings), company.name))
        names = [name for _, name in sorted(ranked)][:CHOICES_MAX]
        return [app_commands.Choice(name=plain(n, COMMAND_TEXT_MAX), value=n[:COMMAND_TEXT_MAX]) for n in names]

    async def _complete_companies(self, interaction: Interaction, current: str) -> Choices:
        return _complete_list(current, await self._company_names(), ",")

    async def _complete_target(self, interaction: Interaction, current: str) -> Choices:
        groups = [c for c in ("all", "any") if c.startswith(name_key(current))]
        choices = [app_commands.Choice(name=g, value=g) for g in groups]
        return (choices + await self._complete_company(interaction, current))[:CHOICES_MAX]

    async def _complete_subscription(self, interaction: Interaction, current: str) -> Choices:
        """This channel's subscriptions by #id and company, then all and any."""
        mine = await self._store.list_subscriptions(f"discord:{interaction.channel_id}")
        typed = name_key(current)
        choices: Choices = []
        for sub in mine:
            label = plain(f"#{sub.id} {', '.join(sub.companies)}", COMMAND_TEXT_MAX)
            if typed in name_key(label):
                choices.append(app_commands.Choice(name=label, value=f"#{sub.id}"))
        choices += [app_commands.Choice(name=g, value=g) for g in ("all", "any") if g.startswith(typed)]
        return choices[:CHOICES_MAX]

    async def _complete_types(self, interaction: Interaction, current: str) -> Choices:
        return _complete_list(current, list(EVENT_TYPES), ",")

    async def _complete_command(self, interaction: Interaction, current: str) -> Choices:
        typed = name_key(current)
        return [app_commands.Choice(name=k, value=k) for k in self._commands if typed in k][:CHOICES_MAX]
