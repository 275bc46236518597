"""Layering, one way only: chat platforms stay in bot/adapters, HTTP in fetch, APScheduler in the scheduler."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")])


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# module prefix -> the only files allowed to import it
ONLY_IN = {
    "slack_bolt": {"bot/adapters/slack.py"},
    "slack_sdk": {"bot/adapters/slack.py"},
    "discord": {"bot/adapters/discord.py"},
    "apscheduler": {"bot/scheduler.py"},
    "httpx": {"bot/pipeline/fetch.py"},
    "httpcore": {"bot/pipeline/fetch.py"},
}


@pytest.mark.parametrize("path", SOURCES, ids=rel)
def test_platform_libraries_stay_in_their_module(path: Path) -> None:
    for module in imports(path):
        top = module.split(".")[0]
        if top in ONLY_IN:
            assert rel(path) in ONLY_IN[top], f"{rel(path)} imports {module}"


@pytest.mark.parametrize(
    "path", [p for p in SOURCES if not rel(p).startswith(("bot/adapters/", "bot/app.py"))], ids=rel
)
def test_nothing_below_the_adapters_imports_them(path: Path) -> None:
    assert not any(m.startswith("bot.adapters") for m in imports(path)), rel(path)


@pytest.mark.parametrize(
    "path",
    [p for p in SOURCES if rel(p) in ("bot/model.py", "bot/ports.py") or rel(p).startswith("bot/pipeline/")],
    ids=rel,
)
def test_core_never_imports_wiring(path: Path) -> None:
    wiring = {"bot.app", "bot.cli", "bot.scheduler", "bot.delivery", "bot.web", "handlers"}
    assert not any(m in wiring or m.startswith("handlers.") for m in imports(path)), rel(path)
