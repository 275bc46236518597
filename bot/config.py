"""Reads and validates the YAML config once, into typed objects; errors name the file and key path."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)

from bot.model import EVENT_TYPES, Company, EventType, SourceSpec, Status, Subscription
from bot.pipeline.match import check_lexicon

SOURCE_KINDS = ("rss", "google_news", "edgar", "gdelt", "hackernews")
# Kinds that make one feed per watched company; they need no url.
PER_COMPANY_KINDS = ("google_news", "gdelt", "hackernews", "edgar")

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1000, "kib": 1024, "mb": 1000**2, "mib": 1024**2, "gb": 1000**3, "gib": 1024**3}
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ConfigError(Exception):
    """A config problem, already phrased for a person: `file: key.path: what is wrong`."""


def parse_duration(value: object) -> float:
    """Seconds from `10m`, `2h`, `7d`, `1h30m`, `45s` or a bare number of seconds."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration like 10m")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(f"{value!r} is not a duration like 10m (it is negative)")
        return float(value)
    if isinstance(value, str):
        text = value.strip().lower()
        pos, total = 0, 0.0
        for m in _DURATION.finditer(text):
            if m.start() != pos:
                break
            total += float(m.group(1)) * _DURATION_UNITS[m.group(2)]
            pos = m.end()
        if text and pos == len(text):
            return total
    raise ValueError(f"{value!r} is not a duration like 10m")


def parse_size(value: object) -> int:
    """Bytes from `5MB`, `512KB`, `1GiB` or a bare number of bytes."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str):
        m = _SIZE.match(value)
        if m:
            return int(float(m.group(1)) * _SIZE_UNITS[(m.group(2) or "b").lower()])
    raise ValueError(f"{value!r} is not a size like 5MB")


Duration = Annotated[float, BeforeValidator(parse_duration)]
Size = Annotated[int, BeforeValidator(parse_size)]


def _blank_to_none(value: object) -> object:
    return None if value == "" else value


OptionalSecret = Annotated[SecretStr | None, BeforeValidator(_blank_to_none)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FetchConfig(_Strict):
    timeout: Duration = 20.0
    max_bytes: Size = 5_000_000
    max_redirects: int = Field(default=5, ge=0, le=20)
    allow_private_networks: bool = False
    per_host_limit: int = Field(default=2, ge=1, le=50)
    contact: str = "https://github.com/dealwatch/dealwatch"
    max_backoff: Duration = 6 * 3600.0
    # Hosts (or host:port) exempt from the private-address guard, e.g. an operator's intranet feed.
    allow_hosts: list[str] = []


class SourceConfig(_Strict):
    kind: Literal["rss", "google_news", "edgar", "gdelt", "hackernews"]
    url: str | None = None
    interval: Duration = 600.0
    backfill: Duration = 0.0
    # google_news only: the edition to search and how far back (Google's `when:`).
    lang: str = "en"
    region: str = "US"
    recency: str = "1d"

    @field_validator("interval")
    @classmethod
    def _sane_interval(cls, v: float) -> float:
        if v < 30:
            raise ValueError(f"{v:g}s is too short; poll a source at most every 30s")
        return v

    def model_post_init(self, _context: Any) -> None:
        if self.kind == "rss" and not self.url:
            raise ValueError("an rss source needs a url")
        if self.kind != "google_news" and (self.lang, self.region, self.recency) != ("en", "US", "1d"):
            raise ValueError("lang, region and recency apply to google_news sources only")
        if self.url is not None and not re.match(r"^https?://[^\s/]+", self.url):
            raise ValueError(f"url {self.url!r} is not an http(s) URL")


class CompanyConfig(_Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = []
    case_sensitive: bool | None = None
    context_required: bool | None = None
    cik: str | None = None
    # Where no cik is given, EDGAR finds one through SEC's ticker file by this ticker, else by
    # the aliases that look like tickers.
    ticker: str | None = None

    @field_validator("ticker")
    @classmethod
    def _ticker_shape(cls, v: str | None) -> str | None:
        if v is None:
            return None
        ticker = v.strip().upper()
        if not re.fullmatch(r"[A-Z]{1,5}(?:[.-][A-Z]{1,2})?", ticker):
            raise ValueError(f"{v!r} is not a ticker like ACME or BRK.B")
        return ticker

    def to_company(self) -> Company:
        return Company(
            name=self.name.strip(),
            aliases=tuple(a.strip() for a in self.aliases if a.strip()),
            case_sensitive=self.case_sensitive,
            context_required=self.context_required,
            cik=self.cik,
            ticker=self.ticker,
        )


class SubscriptionConfig(_Strict):
    target: str
    companies: list[str] = ["*"]
    types: list[EventType] = list(EVENT_TYPES)
    min_status: Status = "announced"

    @field_validator("target")
    @classmethod
    def _known_target(cls, v: str) -> str:
        if v == "console" or re.fullmatch(r"(slack|discord):[A-Za-z0-9_-]+", v):
            return v
        raise ValueError(f"{v!r} is not a target like console, slack:C0123ABCD or discord:123456789")

    def to_subscription(self) -> Subscription:
        return Subscription(
            target=self.target,
            companies=tuple(self.companies) or ("*",),
            types=tuple(self.types) or EVENT_TYPES,
            min_status=self.min_status,
        )


class SlackConfig(_Strict):
    bot_token: OptionalSecret = None
    app_token: OptionalSecret = None
    signing_secret: OptionalSecret = None
    admins: list[str] = []
    api_url: str = "https://slack.com/api/"

    @property
    def enabled(self) -> bool:
        return self.bot_token is not None


class DiscordConfig(_Strict):
    token: OptionalSecret = None
    admins: list[int] = []
    guild_ids: list[int] = []
    api_url: str | None = None
    gateway_url: str | None = None
    shard_ids: list[int] | None = None
    shard_count: int | None = None

    @property
    def enabled(self) -> bool:
        return self.token is not None


class EdgarConfig(_Strict):
    # SEC's fair-access policy: declare who you are, with a contact e-mail, in every request.
    user_agent: str | None = None
    # SEC's ticker file, for watched companies without a cik (a test server may stand in).
    tickers_url: str = "https://www.sec.gov/files/company_tickers.json"

    @field_validator("tickers_url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not re.match(r"^https?://[^\s/]+", v):
            raise ValueError(f"{v!r} is not an http(s) URL")
        return v


class ClassifyConfig(_Strict):
    """Extra trigger and exclusion phrases for the classifier, merged with bot/data/lexicon.yaml.

    `lexicon` is a YAML file of them, `extra` the same inline; both use the packaged lexicon's keys
    (verbs: {buy: [...]}, exclusions: [...], ambiguous_names: [...], ...).
    """

    lexicon: str | None = None
    extra: dict[str, Any] = {}

    @field_validator("lexicon")
    @classmethod
    def _readable_lexicon(cls, v: str | None) -> str | None:
        if v is not None:
            read_lexicon_file(v)  # fails here, at load, rather than at the first poll
        return v

    @field_validator("extra")
    @classmethod
    def _lexicon_shape(cls, v: dict[str, Any]) -> dict[str, Any]:
        errors = check_lexicon(v)
        if errors:
            raise ValueError("; ".join(errors))
        return v

    def extra_lexicon(self) -> dict[str, Any] | None:
        """The file's phrases, then the inline ones; None when there are none."""
        merged: dict[str, Any] = {}
        for part in (read_lexicon_file(self.lexicon) if self.lexicon else {}, self.extra):
            for key, value in part.items():
                if isinstance(value, dict):
                    into = merged.setdefault(key, {})
                    for sub, phrases in value.items():
                        into[sub] = [*into.get(sub, []), *phrases]
                else:
                    merged[key] = [*merged.get(key, []), *value]
        return merged or None


def read_lexicon_file(path: str | Path) -> dict[str, Any]:
    """Extra lexicon phrases from a YAML file, checked; a ValueError names the file and key path."""
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{p}: no such lexicon file") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{p}: cannot read: {exc}") from None
    raw = raw or {}
    errors = check_lexicon(raw)
    if errors:
        raise ValueError("; ".join(f"{p}: {e}" for e in errors))
    assert isinstance(raw, dict)
    return raw


def load_lexicon_file(path: str | Path) -> dict[str, Any]:
    """`read_lexicon_file` for commands: a problem is a ConfigError."""
    try:
        return read_lexicon_file(path)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


class HttpConfig(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)


class DeliveryConfig(_Strict):
    max_attempts: int = Field(default=12, ge=1)
    retry_base: Duration = 10.0
    retry_max: Duration = 3600.0


class Config(_Strict):
    database: str = "sqlite:///dealwatch.db"
    fetch: FetchConfig = FetchConfig()
    sources: list[SourceConfig] = []
    watchlist: list[CompanyConfig] = []
    subscriptions: list[SubscriptionConfig] = [SubscriptionConfig(target="console")]
    slack: SlackConfig = SlackConfig()
    discord: DiscordConfig = DiscordConfig()
    http: HttpConfig = HttpConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    edgar: EdgarConfig = EdgarConfig()
    classify: ClassifyConfig = ClassifyConfig()
    admin_channel: str = "console"
    dedup_window: Duration = 30 * 86400.0

    @field_validator("database")
    @classmethod
    def _known_database(cls, v: str) -> str:
        if not re.match(r"^(sqlite(\+aiosqlite)?|postgres(ql)?(\+asyncpg)?)://", v):
            raise ValueError(f"{v!r} is not a database URL like sqlite:///dealwatch.db or postgresql://host/db")
        return v

    def model_post_init(self, _context: Any) -> None:
        if any(s.kind == "edgar" for s in self.sources):
            ua = self.edgar.user_agent or ""
            if not re.search(r"[\w.+-]+@[\w-]+\.[\w.-]+", ua):
                raise ValueError(
                    f"edgar.user_agent: {ua!r} has no contact e-mail; SEC requires one for edgar sources, "
                    "e.g. 'Acme Research ops@acme.example'"
                )

    def companies(self) -> list[Company]:
        return [c.to_company() for c in self.watchlist]

    def source_specs(self) -> list[SourceSpec]:
        """Configured sources; per-company kinds have no url here (see pipeline.sources_for)."""
        return [
            SourceSpec(kind=s.kind, url=s.url or "", interval_s=int(s.interval), backfill_s=int(s.backfill))
            for s in self.sources
        ]


def substitute_env(value: Any, env: dict[str, str]) -> Any:
    """Replace `${NAME}` and `${NAME:-default}` in every string; an unset name becomes ''."""
    if isinstance(value, str):
        return _ENV_REF.sub(lambda m: env.get(m.group(1), m.group(2) or ""), value)
    if isinstance(value, list):
        return [substitute_env(v, env) for v in value]
    if isinstance(value, dict):
        return {k: substitute_env(v, env) for k, v in value.items()}
    return value


def _key_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not part.startswith(("function-", "literal[", "union[")) and part not in ("str", "int", "float"):
            out += f".{part}" if out else part
    return out


def _message(err: Any) -> str:
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    if err["type"] == "extra_forbidden":
        return "unknown key"
    if err["type"] == "missing":
        return "is required"
    if err["type"] == "literal_error":
        return f"{err.get('input')!r} is not one of: {msg.removeprefix('Input should be ')}"
    return msg


def load_config_text(text: str, name: str, env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ) if env is None else env
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{name}: {problem}{where}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{name}: expected a mapping of keys at the top level")
    try:
        return Config.model_validate(substitute_env(raw, env))
    except ValidationError as exc:
        lines = [
            f"{name}: {path}: {_message(e)}" if (path := _key_path(tuple(e["loc"]))) else f"{name}: {_message(e)}"
            for e in exc.errors()
        ]
        raise ConfigError("\n".join(lines)) from None


def load_config(path: str | Path, env: dict[str, str] | None = None) -> Config:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{p}: no such config file (copy config.example.yaml to start)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read: {exc}") from None
    return load_config_text(text, str(p), env)
