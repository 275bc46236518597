"""Dedup decisions, one data-file case each."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.model import DealEvent
from bot.pipeline.dedup import dedup, normalise_name
from tests.conftest import DATA

CASES = json.loads((DATA / "dedup" / "cases.json").read_text())


def event(raw: dict[str, Any]) -> DealEvent:
    return DealEvent(
        type=raw["type"],
        status=raw["status"],
        parties={role: tuple(names) for role, names in raw["parties"].items()},
        amount_usd=raw.get("amount_usd"),
        id=raw.get("id"),
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_dedup_case(case: dict[str, Any]) -> None:
    decision = dedup(event(case["incoming"]), [event(k) for k in case["known"]])
    assert decision.kind == case["expect"]
    if "expect_id" in case:
        assert decision.event.id == case["expect_id"]
    else:
        assert decision.event.id is None
    if "expect_status" in case:
        assert decision.event.status == case["expect_status"]
    if "expect_amount" in case:
        assert decision.event.amount_usd == case["expect_amount"]


def test_newest_matching_event_wins() -> None:
    old = event({"id": 1, "type": "partnership", "status": "announced", "parties": {"parties": ["A", "B"]}})
    new = event({"id": 7, "type": "partnership", "status": "announced", "parties": {"parties": ["A", "B"]}})
    assert dedup(old, [old, new]).event.id == 7


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Meta Platforms, Inc.", "meta platforms"),
        ("Zoom Video Communications", "zoom video communications"),
        ("Meta’s", "meta"),
        ("AT&T Inc.", "at&t"),
    ],
)
def test_normalise_name_folds_spelling(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)
