"""`dealwatch parse`: saved payloads -> JSON lines on out, one line per failed file on err."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

from bot.sources.files import parse_files

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
ITEM_FIELDS = {"id", "title", "summary", "url", "source", "published"}


def run(kind: str, *paths: Path | str) -> tuple[int, list[dict[str, str]], list[str]]:
    out, err = io.StringIO(), io.StringIO()
    status = parse_files(kind, [str(p) for p in paths], out, err, now=NOW)
    items = [json.loads(line) for line in out.getvalue().splitlines()]
    return status, items, err.getvalue().splitlines()


def test_items_are_json_lines_in_the_documented_shape() -> None:
    status, items, errors = run("rss", FEEDS / "rss2_deals.xml", FEEDS / "atom_partners.xml")
    assert (status, errors) == (0, [])
    assert len(items) == 5
    assert all(set(item) == ITEM_FIELDS for item in items)
    assert items[0] == {
        "id": "deal-desk-1001",
        "title": "Meta takes 49% stake in Scale AI for $14.3B",
        "summary": ("Meta Platforms said on Friday it will invest $14.3 billion… The deal values Scale at >$29B."),
        "url": "https://news.example.com/2025/06/meta-scale?id=42",
        "source": "Deal Desk & Wire",
        "published": "2025-06-13T13:30:00Z",
    }
    assert items[-1]["source"] == "Globex Newsroom"


def test_items_match_the_fixture_expectations() -> None:
    path = FEEDS / "latin1_no_declaration.xml"
    expected = json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))["articles"]
    status, items, _ = run("rss", path)
    assert status == 0
    assert [(i["id"], i["title"], i["source"], i["published"]) for i in items] == [
        (a["key"], a["title"], a["publisher"], a["published"]) for a in expected
    ]


def test_undated_items_take_now() -> None:
    _, items, _ = run("rss", FEEDS / "missing_and_duplicates.xml")
    undated = [i for i in items if i["title"] == "Rumour: Initech eyes Globex"]
    assert undated[0]["published"] == "2026-01-15T12:00:00Z"


def test_failed_files_are_named_once_and_the_rest_still_parse(tmp_path: Path) -> None:
    missing = tmp_path / "nope.xml"
    status, items, errors = run(
        "rss", FEEDS / "not_a_feed.html", FEEDS / "rss2_deals.xml", missing, FEEDS / "empty.xml"
    )
    assert status == 2
    assert len(items) == 3
    assert len(errors) == 3
    assert errors[0].startswith(f"{FEEDS / 'not_a_feed.html'}: ") and "HTML" in errors[0]
    assert errors[1].startswith(f"{missing}: ")
    assert errors[2] == f"{FEEDS / 'empty.xml'}: empty body"


def test_a_directory_is_a_failed_file(tmp_path: Path) -> None:
    status, items, errors = run("rss", tmp_path)
    assert (status, items) == (2, [])
    assert len(errors) == 1 and errors[0].startswith(f"{tmp_path}: ")


def test_a_feed_without_items_is_not_a_failure() -> None:
    assert run("rss", FEEDS / "empty_channel.xml") == (0, [], [])


def test_unknown_kind() -> None:
    status, items, errors = run("telex", FEEDS / "rss2_deals.xml")
    assert (status, items) == (2, [])
    assert len(errors) == 1 and "telex" in errors[0] and "rss" in errors[0]


def test_no_paths_is_success() -> None:
    assert run("rss") == (0, [], [])


def test_now_defaults_to_the_clock() -> None:
    out, err = io.StringIO(), io.StringIO()
    before = datetime.now(UTC).replace(microsecond=0)
    assert parse_files("rss", [str(FEEDS / "missing_and_duplicates.xml")], out, err) == 0
    undated = [json.loads(line) for line in out.getvalue().splitlines() if "Initech eyes" in line]
    published = datetime.fromisoformat(undated[0]["published"])
    assert published >= before
