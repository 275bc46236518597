"""Routing by company, type and minimum status, from a data file."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.model import DealEvent, Subscription
from bot.pipeline.route import route
from tests.conftest import DATA

SPEC = json.loads((DATA / "route" / "cases.json").read_text())
SUBS = [
    Subscription(
        target=s["target"],
        companies=tuple(s["companies"]),
        types=tuple(s["types"]),
        min_status=s["min_status"],
    )
    for s in SPEC["subscriptions"]
]
WATCHED = {n.casefold() for n in SPEC["watchlist"]}


@pytest.mark.parametrize("case", SPEC["cases"], ids=[c["name"] for c in SPEC["cases"]])
def test_route_case(case: dict[str, Any]) -> None:
    raw = case["event"]
    ev = DealEvent(type=raw["type"], status=raw["status"], parties={r: tuple(n) for r, n in raw["parties"].items()})
    assert list(route(ev, SUBS, WATCHED)) == case["expect"]
