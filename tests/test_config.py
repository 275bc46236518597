"""Config: the example works as it is; every mistake is named by file and key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, load_config_text, parse_duration, parse_size
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[1]


def test_example_config_is_valid_and_complete() -> None:
    config = load_config(ROOT / "config.example.yaml", env={})
    assert config.database == "sqlite:///dealwatch.db"
    assert {c.name for c in config.watchlist} >= {"Scale AI", "Meta", "OpenAI", "Mercor"}
    assert all(s.url and s.url.startswith("https://") for s in config.sources if s.kind == "rss")
    assert not config.slack.enabled and not config.discord.enabled
    assert config.subscriptions[0].target == "console"


def test_environment_fills_secrets_and_database() -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-secret", "DEALWATCH_DATABASE": "postgresql://dw@db/dw"}
    config = load_config(ROOT / "config.example.yaml", env=env)
    assert config.slack.enabled and config.slack.bot_token is not None
    assert config.slack.bot_token.get_secret_value() == "xoxb-secret"
    assert "xoxb-secret" not in repr(config) and "xoxb-secret" not in str(config.slack)
    assert config.database == "postgresql://dw@db/dw"


def test_every_error_names_file_and_key_path() -> None:
    path = DATA / "config" / "broken.yaml"
    with pytest.raises(ConfigError) as err:
        load_config_text(path.read_text(), "broken.yaml", env={})
    expected = (DATA / "config" / "broken.expected").read_text().strip().splitlines()
    assert str(err.value).splitlines() == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: [", "c.yaml: expected the node content, but found '<stream end>' (line 1, column 11)"),
        ("- just\n- a list\n", "c.yaml: expected a mapping of keys at the top level"),
    ],
)
def test_yaml_problems_are_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=None) as err:
        load_config_text(text, "c.yaml", env={})
    assert str(err.value) == message


def test_missing_file_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "config.yaml")


def test_empty_file_gives_defaults() -> None:
    config = load_config_text("", "empty.yaml", env={})
    assert config.fetch.max_bytes == 5_000_000 and config.fetch.timeout == 20


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10m", 600), ("2h", 7200), ("7d", 604800), ("1h30m", 5400), ("45s", 45), (90, 90), ("1.5h", 5400)],
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["10 minutes", "", "m", "-5", "10x", True, None, "1h 30"])
def test_bad_durations(text: object) -> None:
    with pytest.raises(ValueError, match="is not a duration like 10m"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "size"),
    [("5MB", 5_000_000), ("512KB", 512_000), ("1GiB", 1024**3), (1024, 1024), ("10 mb", 10_000_000)],
)
def test_sizes(text: object, size: int) -> None:
    assert parse_size(text) == size


def test_short_interval_refused() -> None:
    with pytest.raises(ConfigError, match=r"sources\[0\]\.interval: 5s is too short"):
        load_config_text("sources:\n  - kind: rss\n    url: https://a.example/f\n    interval: 5s\n", "c.yaml", env={})
