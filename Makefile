# Two commands on a fresh machine: `make run` (the bot, console output) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONFIG ?= config.example.yaml

.PHONY: run test lint bench eval clean

$(BIN)/dealwatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

run: $(BIN)/dealwatch
	$(BIN)/dealwatch run --config $(CONFIG)

test: $(BIN)/dealwatch
	@scripts/ensure-postgres || echo "PostgreSQL is not available: its tests will be skipped (see README, Tests)"
	$(BIN)/pytest

lint: $(BIN)/dealwatch
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(BIN)/dealwatch
	$(BIN)/python -m bench

eval: $(BIN)/dealwatch
	$(BIN)/dealwatch eval --watchlist ../shared/eval/watchlist.yaml ../shared/eval/dev.jsonl

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache dealwatch.db*
