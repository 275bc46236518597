"""The config's `classify:` section adds trigger and exclusion phrases to the packaged lexicon, without code."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import cli
from bot.config import ConfigError, load_config_text
from bot.model import Article, Company, SourceState
from bot.pipeline.extract import extractor_factory

FEED = SourceState(id=1, kind="rss", url="", interval_s=600, backfill_s=0, company=None)
WATCHLIST = [Company("Nvidia"), Company("Microsoft")]
HOOVER = "hoover up/hoovers up/hoovered up/hoovering up"


def types(title: str, extra: dict[str, object] | None = None) -> list[str]:
    article = Article("k", title, "", "https://example.com/a", "Wire", datetime(2025, 6, 13, tzinfo=UTC))
    return [e.type for e in extractor_factory(extra_lexicon=extra)(WATCHLIST, FEED)(article)]


def test_a_verb_added_by_config_makes_an_event() -> None:
    config = load_config_text(f'classify:\n  extra:\n    verbs:\n      buy: ["{HOOVER}"]\n', "c.yaml", env={})
    assert types("Nvidia hoovers up Deci") == []
    assert types("Nvidia hoovers up Deci", config.classify.extra_lexicon()) == ["acquisition"]


def test_an_exclusion_added_by_config_silences_a_deal_word() -> None:
    config = load_config_text("classify:\n  extra:\n    exclusions: [sponsorship]\n", "c.yaml", env={})
    assert types("Nvidia and Microsoft sign sponsorship deal") == ["partnership"]
    assert types("Nvidia and Microsoft sign sponsorship deal", config.classify.extra_lexicon()) == []


def test_a_lexicon_file_and_inline_phrases_are_merged(tmp_path: Path) -> None:
    path = tmp_path / "extra.yaml"
    path.write_text(f'verbs:\n  buy: ["{HOOVER}"]\n', encoding="utf-8")
    config = load_config_text(
        f"classify:\n  lexicon: {path}\n  extra:\n    verbs:\n      buy: [gulp/gulps/gulped/gulping]\n",
        "c.yaml",
        env={},
    )
    extra = config.classify.extra_lexicon()
    assert extra == {"verbs": {"buy": [HOOVER, "gulp/gulps/gulped/gulping"]}}
    assert types("Nvidia gulps Deci", extra) == types("Nvidia hoovers up Deci", extra) == ["acquisition"]
    assert load_config_text("database: sqlite:///x.db\n", "c.yaml", env={}).classify.extra_lexicon() is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("classify:\n  extra:\n    verbs:\n      grab: [x]\n", "c.yaml: classify.extra: verbs.grab: unknown"),
        ("classify:\n  extra:\n    exclusions: [1]\n", "classify.extra: exclusions[0]: expected a phrase"),
        ("classify:\n  extra:\n    nope: [x]\n", "classify.extra: nope: unknown lexicon key"),
        ("classify:\n  extra:\n    exclusions: fantasy\n", "classify.extra: exclusions: expected a list of phrases"),
        ("classify:\n  lexicon: /no/such/extra.yaml\n", "classify.lexicon: /no/such/extra.yaml: no such lexicon file"),
        ("classify:\n  extras: {}\n", "classify.extras: unknown key"),
    ],
)
def test_errors_name_the_key_path(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config_text(text, "c.yaml", env={})
    assert message in str(err.value)


def test_lexicon_file_errors_name_the_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "extra.yaml"
    path.write_text("status_cues:\n  maybe: [perhaps]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config_text(f"classify:\n  lexicon: {path}\n", "c.yaml", env={})
    assert f"classify.lexicon: {path}: status_cues.maybe: unknown" in str(err.value)


def test_classify_command_takes_a_lexicon_and_explains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lexicon = tmp_path / "extra.yaml"
    lexicon.write_text(f'verbs:\n  buy: ["{HOOVER}"]\n', encoding="utf-8")
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text("watchlist:\n  - name: Nvidia\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": "a", "title": "Nvidia hoovers up Deci"}\n'))
    code = cli.main(["classify", "--watchlist", str(watchlist), "--lexicon", str(lexicon), "--explain"])
    [event] = json.loads(capsys.readouterr().out)["events"]
    assert code == 0
    assert (event["type"], event["evidence"]) == ("acquisition", "Nvidia hoovers up Deci")


def test_classify_command_without_a_watchlist_reads_any_organisation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [
        {"id": "a", "title": "TEXACO TO ACQUIRE GETTY OIL FOR 10.1 BLN DLRS"},
        {"id": "b", "title": "Legal AI startup Harvey raises $300 million Series E led by Kleiner Perkins"},
        {"id": "c", "title": "Apple unveils a new iPhone"},
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(json.dumps(i) + "\n" for i in items)))
    assert cli.main(["classify", "--explain"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [[(e["type"], e["parties"]) for e in r["events"]] for r in out] == [
        [("acquisition", {"acquirer": ["TEXACO"], "target": ["GETTY OIL"]})],
        [("funding", {"target": ["Harvey"], "investors": ["Kleiner Perkins"]})],
        [],
    ]
    assert out[0]["events"][0]["evidence"] == "TEXACO TO ACQUIRE GETTY OIL"


def test_the_commented_example_in_config_example_is_valid() -> None:
    text = (Path(__file__).resolve().parents[2] / "config.example.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("# classify:")
    block = ["classify:"]
    for line in lines[start + 1 :]:
        if not line.startswith("#   ") or "lexicon:" in line:
            if not line.startswith("#   "):
                break
            continue  # the example file path does not exist here
        block.append(line[2:])
    extra = load_config_text("\n".join(block) + "\n", "config.example.yaml", env={}).classify.extra_lexicon()
    assert extra is not None and "hoover up/hoovers up/hoovered up/hoovering up" in extra["verbs"]["buy"]
