"""Shared checks for parser fixtures: a payload beside its `.expected.json`, and mojibake spotting."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.model import Article
from bot.sources import ParseError, parse
from bot.sources.text import iso_utc

DATA = Path(__file__).resolve().parents[1] / "data"
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference-payloads"
FETCHED_AT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

# UTF-8 read as windows-1252 or Latin-1: the usual signature of a wrong charset.
MOJIBAKE_SEQUENCES = ("Ã©", "Ã¨", "Ã£", "Ã§", "Ã¡", "Ã³", "Ã¼", "Ã¶", "Ã¤", "Ã‰", "â€", "Â ", "ï»¿")


def looks_like_mojibake(text: str) -> bool:
    """True for a typical sequence, or for UTF-8 that was decoded as a single-byte charset."""
    if any(seq in text for seq in MOJIBAKE_SEQUENCES):
        return True
    for codec in ("cp1252", "latin-1"):
        try:
            if text.encode(codec).decode("utf-8") != text:
                return True
        except UnicodeError:
            continue
    return False


def fixtures_of(kind: str) -> list[Path]:
    folder = DATA / "sources" / kind
    return sorted(p for p in folder.iterdir() if not p.name.endswith(".expected.json"))


def as_dict(article: Article) -> dict[str, object]:
    return {
        "key": article.key,
        "title": article.title,
        "summary": article.summary,
        "url": article.url,
        "publisher": article.publisher,
        "published": iso_utc(article.published),
        "extra": dict(article.extra),
    }


def expect_fixture(kind: str, path: Path) -> list[Article]:
    """Parses `path` as `kind` and checks it against `<path>.expected.json` (articles, or the error
    it must raise, with optional response headers). Returns the articles for further checks."""
    expected = json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))
    headers = expected.get("headers", {})
    if "error" in expected:
        with pytest.raises(ParseError, match=re.escape(expected["error"])):
            parse(kind, path.read_bytes(), headers, FETCHED_AT)
        return []
    articles = parse(kind, path.read_bytes(), headers, FETCHED_AT)
    assert [as_dict(a) for a in articles] == expected["articles"]
    for article in articles:
        assert article.published.tzinfo is not None
        assert not looks_like_mojibake(article.title), article.title
    return articles


def reference_files(folders: Iterable[str]) -> list[Any]:
    """Every file under those folders of shared/reference-payloads as test params, or one skip
    saying where they were looked for when the folder is not beside the checkout."""
    if not REFERENCE.is_dir():
        reason = f"shared reference payloads not found at {REFERENCE}"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="reference-payloads-absent")]
    return [
        pytest.param(path, id=str(path.relative_to(REFERENCE)))
        for folder in folders
        for path in sorted((REFERENCE / folder).rglob("*"))
        if path.is_file()
    ]
