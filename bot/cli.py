"""The `dealwatch` command: parses arguments, loads config, and hands over to the app or a one-shot tool."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot import __version__
from bot.config import PER_COMPANY_KINDS, Config, ConfigError, load_config

log = logging.getLogger("dealwatch")


class UserError(Exception):
    """A mistake a person can fix; shown as one line, never a traceback."""


def resolve_config_path(given: str | None) -> Path:
    """--config, else ./config.yaml, else $DEALWATCH_CONFIG."""
    if given:
        return Path(given)
    if Path("config.yaml").exists():
        return Path("config.yaml")
    env = os.environ.get("DEALWATCH_CONFIG")
    if env:
        return Path(env)
    raise UserError(
        "no config: pass --config FILE, create config.yaml (cp config.example.yaml config.yaml) or set DEALWATCH_CONFIG"
    )


def read_config(given: str | None) -> Config:
    return load_config(resolve_config_path(given))


def _build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dealwatch", description="Watch the news for company deals; alert chat.")
    p.add_argument("--version", action="version", version=f"dealwatch {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log debug detail to stderr")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_config(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sp.add_argument("--config", help="YAML config (default: ./config.yaml, then $DEALWATCH_CONFIG)")
        return sp

    with_config(sub.add_parser("run", help="run the bot: scheduler, chat adapters, health server"))
    sp = with_config(sub.add_parser("poll", help="poll every source once, deliver, exit"))
    sp.add_argument("--once", action="store_true", required=True, help="one pass, then exit (required)")
    sp.add_argument("--json", action="store_true", help="print alerts as JSON lines")
    sp = sub.add_parser("classify", help="classify JSON-lines items from a file or stdin")
    sp.add_argument(
        "--watchlist",
        help="YAML file with a watchlist: section; without it, deals among any organisations the items name",
    )
    sp.add_argument("--in", dest="infile", help="input file (default: stdin)")
    sp.add_argument("--explain", action="store_true", help="include the evidence phrase of each event")
    sp.add_argument("--lexicon", help="YAML file of extra lexicon phrases, as the config's classify.lexicon")
    sp = sub.add_parser("eval", help="score classify on labelled JSON-lines files or directories of them")
    sp.add_argument("--watchlist", required=True)
    sp.add_argument("--lexicon", help="YAML file of extra lexicon phrases, as the config's classify.lexicon")
    sp.add_argument("--misses", action="store_true", help="list every item scored wrong after the table")
    sp.add_argument("labelled", nargs="+", help="a .jsonl file or a directory of them; several are scored together")
    sp = sub.add_parser("parse", help="parse saved source payloads into JSON-lines items")
    sp.add_argument("--kind", required=True)
    sp.add_argument("files", nargs="+")
    db = sub.add_parser("db", help="database maintenance")
    dbsub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    with_config(dbsub.add_parser("upgrade", help="apply database migrations"))
    with_config(sub.add_parser("check-config", help="validate the config and print a summary"))
    with_config(sub.add_parser("sources", help="print the sources and their health"))
    return p


def check_config(config: Config, path: Path, out: TextIO) -> None:
    out.write(f"{path}: ok\n")
    out.write(f"  database: {config.database}\n")
    per_company = [s.kind for s in config.sources if s.kind in PER_COMPANY_KINDS]
    out.write(f"  sources: {len(config.sources)} ({len(config.sources) - len(per_company)} feeds")
    out.write(f", per-company kinds: {', '.join(per_company)})\n" if per_company else ")\n")
    out.write(f"  watchlist: {len(config.watchlist)} companies ({', '.join(c.name for c in config.watchlist)})\n")
    out.write(f"  subscriptions: {len(config.subscriptions)} ({', '.join(s.target for s in config.subscriptions)})\n")
    out.write(
        f"  slack: {'on' if config.slack.enabled else 'off'}; discord: {'on' if config.discord.enabled else 'off'}\n"
    )


async def _run(config: Config) -> int:
    from bot.app import App

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with App(config) as app:
        await app.run(stop)
    return 0


async def _poll_once(config: Config, as_json: bool) -> int:
    from bot.app import App

    async with App(config, as_json=as_json) as app:
        reports = await app.poll_once()
    failed = [r for r in reports if r.error]
    for r in failed:
        print(f"source {r.source_id} ({r.url}): {r.error}", file=sys.stderr)
    return 1 if reports and len(failed) == len(reports) else 0


async def _sources(config: Config, out: TextIO) -> int:
    from bot.store import open_store

    store = await open_store(config.database)
    try:
        rows = await store.list_sources()
    finally:
        await store.close()
    out.write(f"{'id':>4}  {'kind':<12} {'company':<16} {'health':<36} {'next poll':<20} url\n")
    for s in rows:
        if s.error_count:
            since = s.failing_since.strftime("%Y-%m-%d %H:%M") if s.failing_since else "?"
            state = "broken" if s.broken_at else "failing"
            health = f"{state} since {since} ({s.error_count}x)"
        else:
            health = "ok" if s.last_success else "not polled yet"
        nxt = s.next_poll.strftime("%Y-%m-%d %H:%M:%S") if s.next_poll else "now"
        out.write(f"{s.id:>4}  {s.kind:<12} {(s.company or '-')[:16]:<16} {health:<36} {nxt:<20} {s.url}\n")
        if s.last_error:
            out.write(f"      last error: {s.last_error}\n")
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    cmd = args.command
    if cmd == "parse":
        from bot.sources.files import parse_files

        return parse_files(args.kind, args.files, sys.stdout, sys.stderr)
    if cmd in ("classify", "eval"):
        from bot.config import load_lexicon_file
        from bot.evaluate import classify_stream, load_watchlist, run_eval

        companies = load_watchlist(args.watchlist) if args.watchlist else None
        extra = load_lexicon_file(args.lexicon) if args.lexicon else None
        if cmd == "eval":
            assert companies is not None  # required by the parser
            print(run_eval(args.labelled, companies, extra_lexicon=extra, misses=args.misses))
            return 0
        if args.infile:
            with open(args.infile, encoding="utf-8") as inp:
                return classify_stream(inp, sys.stdout, companies, explain=args.explain, extra_lexicon=extra)
        return classify_stream(sys.stdin, sys.stdout, companies, explain=args.explain, extra_lexicon=extra)
    path = resolve_config_path(args.config)
    config = load_config(path)
    if cmd == "check-config":
        check_config(config, path, sys.stdout)
        return 0
    if cmd == "db":
        from bot.store import upgrade

        asyncio.run(upgrade(config.database))
        print(f"database {config.database}: up to date")
        return 0
    if cmd == "sources":
        return asyncio.run(_sources(config, sys.stdout))
    if cmd == "poll":
        return asyncio.run(_poll_once(config, args.json))
    if cmd == "run":
        return asyncio.run(_run(config))
    raise UserError(f"unknown command {cmd!r}")


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request URL at INFO; that is noise (and URLs can carry keys).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # A tick still running when the next is due is skipped by design (coalesce); no need to say so.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return _dispatch(args)
    except (ConfigError, UserError) as exc:
        print(f"dealwatch: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"dealwatch: {exc.filename}: no such file", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `dealwatch sources | head`
        sys.stderr.close()
        return 0
    except OSError as exc:
        print(f"dealwatch: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
