# Two commands matter: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck unit snapshots-update screenshots bench sim clean

# keyrings.alt goes apart from the venv, in $(VENV)/keyrings-alt: the tests put it on
# the path of the subprocesses that need keyring's chain (tests/test_keyring_machines.py);
# everything else runs without it, as most users do (beside the app it changes which
# backend keyring picks).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(BIN)/python -m pip install --quiet --no-deps --upgrade --target $(VENV)/keyrings-alt \
		-c constraints.txt keyrings.alt
	touch $(STAMP)

## Run the app against the embedded simulator (no network, demo keys in memory only).
demo: $(STAMP)
	$(BIN)/a2a-tui demo

## Everything CI checks: lint, format, types, import contracts, tests.
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy a2a_tui

unit: $(STAMP)
	$(BIN)/pytest -q -n auto

sim: $(STAMP)
	$(BIN)/a2a-tui sim

snapshots-update: $(STAMP)
	$(BIN)/pytest -q -n 0 tests/app --snapshot-update

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

bench: $(STAMP)
	$(BIN)/python benchmarks/quote_stream.py
	$(BIN)/python benchmarks/orders.py
	$(BIN)/python benchmarks/tracking.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .import_linter_cache *.egg-info
