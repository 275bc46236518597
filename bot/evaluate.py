"""Offline checks of the match and classify steps: `dealwatch classify` and `dealwatch eval` run these.

Items are JSON lines (`id`, `title`, `summary`, `source`, `published`); labelled items add
`label.events`. Scoring follows shared/eval/README.md: detection over items, then, among truly
positive detected items, events found, status, roles and amounts per labelled event.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import yaml
from pydantic import ValidationError

from bot.config import CompanyConfig, ConfigError
from bot.model import ROLES, Article, Company, DealEvent
from bot.pipeline.classify import Classifier, build_classifier
from bot.pipeline.match import Matcher, read_lexicon

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Roles an event must get right; the others only must not be swapped.
PRIMARY_ROLES: Mapping[str, tuple[str, ...]] = {
    "acquisition": ("acquirer", "target"),
    "merger": ("parties",),
    "investment": ("investor", "target"),
    "funding": ("target",),
    "divestiture": ("seller", "target"),
    "partnership": ("parties",),
    "partnership_end": ("parties",),
}


# --- watchlist -------------------------------------------------------------------


def load_watchlist(path: str | Path) -> list[Company]:
    """Companies under the `watchlist:` key of a YAML file, validated like the config's."""
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: no such watchlist file") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{p}: cannot read: {exc}") from None
    entries = raw.get("watchlist") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{p}: watchlist: expected a list of companies")
    out: list[Company] = []
    for n, entry in enumerate(entries):
        try:
            out.append(CompanyConfig.model_validate(entry).to_company())
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(x) for x in err["loc"])
            raise ConfigError(f"{p}: watchlist[{n}]{'.' + where if where else ''}: {err['msg']}") from None
    return out


# --- classify ----------------------------------------------------------------------


@dataclass(frozen=True)
class Pipeline:
    """Match then classify, built once for a watchlist (or none: every organisation named counts)."""

    matcher: Matcher
    classifier: Classifier

    @classmethod
    def for_companies(
        cls,
        companies: Sequence[Company] | None,
        extra_lexicon: Mapping[str, Any] | None = None,
        *,
        open_world: bool = False,
    ) -> Pipeline:
        """`companies=None` is the watchlist-free mode; `open_world` keeps a watchlist's names but
        reports deals among unwatched organisations too."""
        watchlist = companies or ()
        lexicon = read_lexicon(extra_lexicon)
        return cls(
            Matcher(watchlist, lexicon),
            build_classifier(watchlist, extra_lexicon, open_world=open_world or companies is None),
        )

    def events(self, item: Mapping[str, Any]) -> list[DealEvent]:
        article = article_from_item(item)
        mentions = self.matcher.match(article.title, article.summary)
        return self.classifier(article, mentions)


def article_from_item(item: Mapping[str, Any]) -> Article:
    title = item.get("title")
    summary = item.get("summary")
    return Article(
        key=str(item.get("id", "")),
        title=title if isinstance(title, str) else "",
        summary=summary if isinstance(summary, str) else "",
        url=str(item.get("url") or ""),
        publisher=str(item.get("source") or ""),
        published=_published(item.get("published")),
    )


def _published(value: object) -> datetime:
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return _EPOCH
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return _EPOCH


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def event_json(event: DealEvent, explain: bool = False) -> dict[str, Any]:
    """One event in the shape of shared/eval/README.md."""
    out: dict[str, Any] = {
        "type": event.type,
        "status": event.status,
        "parties": {role: list(names) for role, names in event.parties.items()},
        "amount_usd": _number(event.amount_usd),
        "stake_pct": _number(event.stake_pct),
    }
    if event.amount is not None and event.amount.currency != "USD":
        out["amount"] = {"value": _number(event.amount.value), "currency": event.amount.currency}
    if explain:
        out["evidence"] = event.evidence
    return out


def classify_stream(
    inp: TextIO,
    out: TextIO,
    companies: Sequence[Company] | None = None,
    explain: bool = False,
    extra_lexicon: Mapping[str, Any] | None = None,
) -> int:
    """JSON lines of items in, one JSON line of events per item out; 2 when any line was bad.

    Without `companies` every organisation an item names counts (watchlist-free mode)."""
    pipeline = Pipeline.for_companies(companies, extra_lexicon)
    bad = False
    for number, line in enumerate(inp, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"line {number}: not JSON: {exc.msg}", file=sys.stderr)
            bad = True
            continue
        if not isinstance(item, dict) or "id" not in item:
            print(f"line {number}: expected an object with an id", file=sys.stderr)
            bad = True
            continue
        if not isinstance(item.get("title", ""), str) or not isinstance(item.get("summary", "") or "", str):
            print(f"line {number}: title and summary must be strings", file=sys.stderr)
            bad = True
            continue
        events = pipeline.events(item)
        record = {"id": item["id"], "events": [event_json(e, explain) for e in events]}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 2 if bad else 0


# --- scoring -------------------------------------------------------------------------


@dataclass
class Scores:
    """Counts behind the eval table; ratios are derived."""

    items: int = 0
    positives: int = 0
    alerted: int = 0
    true_positives: int = 0
    events_labelled: int = 0
    events_found: int = 0
    status_correct: int = 0
    roles_correct: int = 0
    amounts_stated: int = 0
    amounts_correct: int = 0
    amounts_invented: int = 0
    extra_events: int = 0
    by_type: dict[str, list[int]] = field(default_factory=dict)  # type -> [labelled, found]
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.alerted)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.positives)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


class _Names:
    """Compares party names: watched names by canonical name or alias, others as written."""

    def __init__(self, companies: Sequence[Company]) -> None:
        self._canon = {self.norm(n): self.norm(c.name) for c in companies for n in c.names}

    @staticmethod
    def norm(name: str) -> str:
        return " ".join(str(name).casefold().replace("\u2019", "'").split()).strip(" .,'\"")

    def canon(self, names: Iterable[str]) -> set[str]:
        return {self._canon.get(self.norm(n), self.norm(n)) for n in names}


def _all_names(event: Mapping[str, Any]) -> list[str]:
    parties = event.get("parties") or {}
    return [n for names in parties.values() for n in (names or [])]


def _roles_ok(label: Mapping[str, Any], pred: Mapping[str, Any], names: _Names) -> bool:
    lp: Mapping[str, list[str]] = label.get("parties") or {}
    pp: Mapping[str, list[str]] = pred.get("parties") or {}
    etype = str(label.get("type"))
    for role in PRIMARY_ROLES.get(etype, ()):
        if lp.get(role) and not (names.canon(lp[role]) & names.canon(pp.get(role) or [])):
            return False
    directional = [r for r in ROLES.get(etype, ()) if r != "parties"]  # type: ignore[call-overload]
    for role in directional:
        for other in directional:
            if role != other and lp.get(role) and pp.get(other) and names.canon(lp[role]) & names.canon(pp[other]):
                return False
    return True


def _amount_ok(label: float, pred: object) -> bool:
    if not isinstance(pred, int | float) or isinstance(pred, bool):
        return False
    return abs(float(pred) - label) <= 0.01 * abs(label)


def score(
    items: list[dict[str, Any]], predictions: dict[str, list[dict[str, Any]]], companies: Sequence[Company]
) -> Scores:
    """Score predicted events (id -> events as JSON dicts) against labelled items."""
    names = _Names(companies)
    s = Scores()
    for item in items:
        s.items += 1
        item_id = str(item.get("id"))
        labelled: list[dict[str, Any]] = list(((item.get("label") or {}).get("events")) or [])
        predicted = list(predictions.get(item_id) or [])
        positive, alerted = bool(labelled), bool(predicted)
        s.positives += positive
        s.alerted += alerted
        if positive and not alerted:
            s.misses.append(f"{item_id}: missed")
        if alerted and not positive:
            s.misses.append(f"{item_id}: false alarm")
        if not (positive and alerted):
            continue
        s.true_positives += 1
        unused = list(range(len(predicted)))
        for lab in labelled:
            etype = str(lab.get("type"))
            counts = s.by_type.setdefault(etype, [0, 0])
            counts[0] += 1
            s.events_labelled += 1
            lab_names = names.canon(_all_names(lab))
            best, best_shared = -1, 0
            for k in unused:
                pred = predicted[k]
                if pred.get("type") != etype:
                    continue
                shared = len(lab_names & names.canon(_all_names(pred)))
                if shared > best_shared:
                    best, best_shared = k, shared
            if best < 0:
                s.misses.append(f"{item_id}: {etype} not found")
                continue
            unused.remove(best)
            pred = predicted[best]
            counts[1] += 1
            s.events_found += 1
            if pred.get("status") == lab.get("status"):
                s.status_correct += 1
            else:
                s.misses.append(f"{item_id}: status {pred.get('status')} != {lab.get('status')}")
            if _roles_ok(lab, pred, names):
                s.roles_correct += 1
            else:
                s.misses.append(f"{item_id}: roles {pred.get('parties')} != {lab.get('parties')}")
            amount = lab.get("amount_usd")
            if isinstance(amount, int | float) and not isinstance(amount, bool):
                s.amounts_stated += 1
                if _amount_ok(float(amount), pred.get("amount_usd")):
                    s.amounts_correct += 1
                else:
                    s.misses.append(f"{item_id}: amount {pred.get('amount_usd')} != {amount}")
            elif pred.get("amount_usd") is not None:
                s.amounts_invented += 1
                s.misses.append(f"{item_id}: amount {pred.get('amount_usd')} invented")
        s.extra_events += len(unused)
    return s


def format_table(scores: Scores) -> str:
    """A plain-text table of counts and ratios."""
    s = scores
    rows: list[tuple[str, str, str]] = [
        ("items", str(s.items), ""),
        ("labelled positive", str(s.positives), ""),
        ("alerted", str(s.alerted), ""),
        ("detection precision", f"{s.true_positives}/{s.alerted}", f"{s.precision:.3f}"),
        ("detection recall", f"{s.true_positives}/{s.positives}", f"{s.recall:.3f}"),
        ("detection F1", "", f"{s.f1:.3f}"),
        (
            "events found (type)",
            f"{s.events_found}/{s.events_labelled}",
            f"{_ratio(s.events_found, s.events_labelled):.3f}",
        ),
        ("status", f"{s.status_correct}/{s.events_found}", f"{_ratio(s.status_correct, s.events_found):.3f}"),
        ("roles", f"{s.roles_correct}/{s.events_found}", f"{_ratio(s.roles_correct, s.events_found):.3f}"),
        (
            "amount (within 1%)",
            f"{s.amounts_correct}/{s.amounts_stated}",
            f"{_ratio(s.amounts_correct, s.amounts_stated):.3f}",
        ),
        ("amounts invented", str(s.amounts_invented), ""),
        ("extra events in true positives", str(s.extra_events), ""),
    ]
    for etype in sorted(s.by_type):
        labelled, found = s.by_type[etype]
        rows.append((f"  {etype}", f"{found}/{labelled}", f"{_ratio(found, labelled):.3f}"))
    width = max(len(r[0]) for r in rows)
    lines = [f"{'metric'.ljust(width)}  {'count':>9}  {'ratio':>6}", "-" * (width + 19)]
    lines += [f"{name.ljust(width)}  {count:>9}  {ratio:>6}" for name, count, ratio in rows]
    return "\n".join(lines)


def labelled_files(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    """The files behind `paths`: each file as given, each directory's `*.jsonl` in name order."""
    given = [paths] if isinstance(paths, str | Path) else list(paths)
    out: list[Path] = []
    for p in map(Path, given):
        out.extend(sorted(p.glob("*.jsonl")) if p.is_dir() else [p])
    return out


def read_items(paths: str | Path | Sequence[str | Path]) -> list[dict[str, Any]]:
    """Items of one or more JSON-lines files or directories of them, in order."""
    items: list[dict[str, Any]] = []
    for path in labelled_files(paths):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    value = json.loads(line)
                    if isinstance(value, dict):
                        items.append(value)
    return items


def predict(
    items: Iterable[Mapping[str, Any]], companies: Sequence[Company], pipeline: Pipeline | None = None
) -> dict[str, list[dict[str, Any]]]:
    pipeline = pipeline or Pipeline.for_companies(companies)
    return {str(item.get("id")): [event_json(e) for e in pipeline.events(item)] for item in items}


def run_eval(
    labelled: str | Path | Sequence[str | Path],
    companies: Sequence[Company],
    pipeline: Pipeline | None = None,
    *,
    extra_lexicon: Mapping[str, Any] | None = None,
    misses: bool = False,
) -> str:
    """Classify labelled files (or directories of them) and return the score table (and the misses)."""
    items = read_items(labelled)
    pipeline = pipeline or Pipeline.for_companies(companies, extra_lexicon)
    scores = score(items, predict(items, companies, pipeline), companies)
    table = format_table(scores)
    if misses and scores.misses:
        table += "\n\n" + "\n".join(scores.misses)
    return table
