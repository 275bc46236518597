"""Benchmarks: `python -m bench` (or `make bench`). Figures, not pass/fail tests."""
