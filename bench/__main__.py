"""Runs every benchmark and prints its figures."""

from __future__ import annotations

import argparse

from bench import classify_speed


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("--seconds", type=float, default=3.0, help="time budget per benchmark")
    args = p.parse_args()
    classify_speed.run(args.seconds)


if __name__ == "__main__":
    main()
