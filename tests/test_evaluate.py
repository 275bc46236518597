"""The eval scorer on hand-made predictions, the classify stream and the watchlist loader."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError
from bot.evaluate import classify_stream, format_table, load_watchlist, run_eval, score
from bot.model import Company

COMPANIES = [
    Company("Meta", ("Facebook",)),
    Company("Scale AI", ("Scale",)),
    Company("OpenAI"),
    Company("Microsoft", ("MSFT",)),
]


def ev(etype: str, status: str, parties: dict[str, list[str]], amount: float | None = None) -> dict[str, Any]:
    return {"type": etype, "status": status, "parties": parties, "amount_usd": amount, "stake_pct": None}


def item(item_id: str, *events: dict[str, Any]) -> dict[str, Any]:
    return {"id": item_id, "title": "t", "label": {"events": list(events)}}


META_SCALE = ev("investment", "announced", {"investor": ["Meta"], "target": ["Scale AI"]}, 14.3e9)
OPENAI_SCALE_END = ev("partnership_end", "announced", {"parties": ["OpenAI", "Scale AI"]})

ITEMS = [
    item("a", META_SCALE),  # found, all right
    item("b", OPENAI_SCALE_END),  # found, wrong status
    item("c", ev("acquisition", "rumor", {"acquirer": ["Microsoft"], "target": ["Nuance"]}, 16e9)),  # swapped
    item("d", ev("funding", "completed", {"target": ["OpenAI"]})),  # missed
    item("e"),  # false alarm
    item("f"),  # true negative
    item("g", ev("merger", "announced", {"parties": ["Meta", "Acme"]}), OPENAI_SCALE_END),  # one of two found
]
PREDICTIONS = {
    # alias and case differences still match; the amount is within 1%
    "a": [ev("investment", "announced", {"investor": ["facebook"], "target": ["SCALE"]}, 14.2e9)],
    "b": [ev("partnership_end", "completed", {"parties": ["Scale AI", "OpenAI"]})],
    "c": [ev("acquisition", "rumor", {"acquirer": ["Nuance"], "target": ["MSFT"]}, 1.0)],
    "d": [],
    "e": [ev("partnership", "announced", {"parties": ["Meta", "OpenAI"]})],
    "f": [],
    "g": [
        ev("merger", "announced", {"parties": ["Meta", "Acme"]}, 5e9),
        ev("acquisition", "announced", {"acquirer": ["Meta"], "target": ["Acme"]}),
    ],
}


def test_detection_over_items() -> None:
    s = score(ITEMS, PREDICTIONS, COMPANIES)
    # positives a b c d g; alerted a b c e g; true positives a b c g
    assert (s.items, s.positives, s.alerted, s.true_positives) == (7, 5, 5, 4)
    assert s.precision == pytest.approx(4 / 5)
    assert s.recall == pytest.approx(4 / 5)
    assert s.f1 == pytest.approx(0.8)


def test_events_status_roles_amounts_among_true_positives() -> None:
    s = score(ITEMS, PREDICTIONS, COMPANIES)
    # labelled events in a b c g: 1 + 1 + 1 + 2 = 5; found: a b c g(merger) = 4
    assert (s.events_labelled, s.events_found) == (5, 4)
    assert s.status_correct == 3  # b is wrong
    assert s.roles_correct == 3  # c has acquirer and target swapped
    # stated amounts among found events: a (right), c (wrong); g's merger states none but one came back
    assert (s.amounts_stated, s.amounts_correct, s.amounts_invented) == (2, 1, 1)
    assert s.extra_events == 1  # g's extra acquisition
    assert s.by_type["partnership_end"] == [2, 1]


def test_roles_need_primary_roles_but_tolerate_missing_optional_ones() -> None:
    label = ev("acquisition", "announced", {"acquirer": ["Microsoft"], "target": ["Nuance"], "seller": ["X"]})
    ok = ev("acquisition", "announced", {"acquirer": ["Microsoft"], "target": ["Nuance"]})
    swapped_optional = ev(
        "acquisition", "announced", {"acquirer": ["X"], "target": ["Nuance"], "seller": ["Microsoft"]}
    )
    s = score([item("x", label)], {"x": [ok]}, COMPANIES)
    assert s.roles_correct == 1
    s = score([item("x", label)], {"x": [swapped_optional]}, COMPANIES)
    assert s.roles_correct == 0


def test_table_shows_counts_and_ratios() -> None:
    table = format_table(score(ITEMS, PREDICTIONS, COMPANIES))
    assert "detection precision" in table and "4/5" in table and "0.800" in table
    assert "amounts invented" in table


def test_classify_stream_reports_bad_lines_and_carries_on(capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        json.dumps(
            {
                "id": 1,
                "title": "Meta takes 49% stake in Scale AI for $14.3 billion",
                "summary": "",
                "source": "Wire",
                "published": "2025-06-13T09:00:00Z",
            }
        ),
        "{not json",
        json.dumps(["no", "id"]),
        "",
        json.dumps({"id": "x", "title": "SoftBank agrees \u00a324bn takeover of Arm"}),
    ]
    out = io.StringIO()
    status = classify_stream(
        io.StringIO("\n".join(lines) + "\n"), out, [*COMPANIES, Company("SoftBank"), Company("Arm")], explain=True
    )
    assert status == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "line 3" in err
    records = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [r["id"] for r in records] == [1, "x"]
    [investment] = records[0]["events"]
    assert investment == {
        "type": "investment",
        "status": "announced",
        "parties": {"investor": ["Meta"], "target": ["Scale AI"]},
        "amount_usd": 14300000000,
        "stake_pct": 49,
        "evidence": investment["evidence"],
    }
    [takeover] = records[1]["events"]
    assert takeover["amount_usd"] is None
    assert takeover["amount"] == {"value": 24000000000, "currency": "GBP"}


def test_classify_stream_clean_input_returns_zero() -> None:
    out = io.StringIO()
    assert classify_stream(io.StringIO('{"id": "a", "title": "nothing here"}\n'), out, COMPANIES) == 0
    assert json.loads(out.getvalue()) == {"id": "a", "events": []}


def test_load_watchlist(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("watchlist:\n  - name: Scale AI\n    aliases: [Scale]\n  - name: Meta\n", encoding="utf-8")
    assert load_watchlist(path) == [Company("Scale AI", ("Scale",)), Company("Meta")]
    path.write_text("watchlist:\n  - name: Meta\n  - aliases: [x]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"watchlist\[1\]\.name"):
        load_watchlist(path)
    with pytest.raises(ConfigError, match="no such"):
        load_watchlist(tmp_path / "missing.yaml")


def test_run_eval_on_a_small_file(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    rows = [
        {"id": "1", "title": "Meta takes 49% stake in Scale AI for $14.3 billion", "label": {"events": [META_SCALE]}},
        {"id": "2", "title": "Meta-analysis ties steps to health", "label": {"events": []}},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    table = run_eval(path, COMPANIES)
    assert "detection precision" in table
    assert "1/1" in table
