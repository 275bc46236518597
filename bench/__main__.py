"""Runs every benchmark and prints its figures."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import classify_speed


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("--seconds", type=float, default=3.0, help="CPU time budget per benchmark")
    p.add_argument("--rounds", type=int, default=5, help="rounds per benchmark; the best is reported")
    p.add_argument(
        "--against",
        type=Path,
        help="another checkout to measure in the same run, e.g. the last commit: git archive HEAD | tar -x -C DIR",
    )
    args = p.parse_args()
    classify_speed.run(args.seconds, args.rounds, args.against)


if __name__ == "__main__":
    main()
