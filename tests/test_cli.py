"""The command-line contract: one clear line for every user mistake, the documented outputs otherwise."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_check_config_prints_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config", "--config", str(ROOT / "config.example.yaml")]) == 0
    out = capsys.readouterr().out
    assert "config.example.yaml: ok" in out
    assert "Scale AI" in out and "subscriptions: 1 (console)" in out


def test_config_error_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text("sources:\n  - kind: rss\n    url: https://a.example/f\n    interval: 10 minutes\n")
    assert main(["check-config", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err == f"dealwatch: {bad}: sources[0].interval: '10 minutes' is not a duration like 10m\n"


def test_missing_config_explains_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEALWATCH_CONFIG", raising=False)
    assert main(["poll", "--once"]) == 2
    assert "no config: pass --config FILE" in capsys.readouterr().err


def test_config_from_environment_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DEALWATCH_CONFIG", str(ROOT / "config.example.yaml"))
    assert main(["check-config"]) == 0
    assert "config.example.yaml: ok" in capsys.readouterr().out


def test_parse_names_the_bad_file_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.xml"
    good.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        "<item><title>Acme buys Widget Co</title><link>https://w.example/1</link></item></channel></rss>"
    )
    bad = tmp_path / "bad.xml"
    bad.write_text("this is not a feed")
    assert main(["parse", "--kind", "rss", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    (item,) = [json.loads(line) for line in captured.out.splitlines()]
    assert item["title"] == "Acme buys Widget Co" and item["source"] == "Wire"
    assert set(item) == {"id", "title", "summary", "url", "source", "published"}
    (line,) = captured.err.splitlines()
    assert line.startswith(f"{bad}:")


def test_classify_writes_one_line_per_item(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text("watchlist:\n  - name: Scale AI\n    aliases: [Scale]\n  - name: Meta\n")
    items = tmp_path / "items.jsonl"
    items.write_text(
        json.dumps({"id": "a", "title": "Meta takes 49% stake in Scale AI for $14.3 billion"})
        + "\n"
        + json.dumps({"id": "b", "title": "Meta shares rise after earnings"})
        + "\n"
    )
    assert main(["classify", "--watchlist", str(watchlist), "--in", str(items)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    (event,) = lines[0]["events"]
    assert event["type"] == "investment" and event["parties"] == {"investor": ["Meta"], "target": ["Scale AI"]}
    assert event["amount_usd"] == 14.3e9 and event["stake_pct"] == 49
    assert lines[1]["events"] == []


def test_db_upgrade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(f"database: sqlite:///{tmp_path / 'x.db'}\n")
    assert main(["db", "upgrade", "--config", str(config)]) == 0
    assert "up to date" in capsys.readouterr().out
    assert (tmp_path / "x.db").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_serves_health_and_stops_cleanly_on_signal(tmp_path: Path, sig: signal.Signals) -> None:
    port = _free_port()
    config = tmp_path / "config.yaml"
    config.write_text(f"database: sqlite:///{tmp_path / 'dw.db'}\nhttp:\n  port: {port}\n")
    script = Path(sys.executable).parent / "dealwatch"
    proc = subprocess.Popen(
        [str(script), "run", "--config", str(config)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SLACK_BOT_TOKEN": "", "DISCORD_TOKEN": ""},
    )
    try:
        health = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and health is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as resp:
                    health = json.loads(resp.read())
            except OSError:
                time.sleep(0.1)
        assert health is not None, "health endpoint never answered"
        assert health["ok"] is True and health["pending_deliveries"] == 0
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        assert "shutting down" in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_sources_table_shows_health(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = _free_port()  # nothing listens there
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database: sqlite:///{tmp_path / 'dw.db'}\nfetch:\n  allow_private_networks: true\n"
        f"sources:\n  - kind: rss\n    url: http://127.0.0.1:{port}/feed.xml\n"
    )
    assert main(["poll", "--once", "--config", str(config)]) == 1
    assert f"source 1 (http://127.0.0.1:{port}/feed.xml):" in capsys.readouterr().err
    assert main(["sources", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    header, row, error = out.splitlines()
    assert header.split() == ["id", "kind", "company", "health", "next", "poll", "url"]
    assert row.split()[:4] == ["1", "rss", "-", "failing"] and "(1x)" in row
    assert error.strip().startswith("last error:")
