# Two commands matter: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck unit snapshots-update screenshots screenshot-web bench bench-serve sim serve-ssh serve-web clean

# keyrings.alt goes apart from the venv, in $(VENV)/keyrings-alt: the tests put it on
# the path of the subprocesses that need keyring's chain (tests/test_keyring_machines.py);
# everything else runs without it, as most users do (beside the app it changes which
# backend keyring picks). keyrings.cryptfile, the README's way out of a machine without
# an OS keyring, goes apart the same way, in $(VENV)/keyrings-cryptfile, with its argon2
# (pycryptodome and jaraco.classes are in the venv already).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(BIN)/python -m pip install --quiet --no-deps --upgrade --target $(VENV)/keyrings-alt \
		-c constraints.txt keyrings.alt
	$(BIN)/python -m pip install --quiet --no-deps --upgrade --target $(VENV)/keyrings-cryptfile \
		-c constraints.txt keyrings.cryptfile argon2-cffi argon2-cffi-bindings
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

## The web demo in Chromium (the serve web test), saved as screenshots/serve-web-demo.png.
screenshot-web: $(STAMP)
	A2A_TUI_WEB_SCREENSHOT=$(CURDIR)/screenshots/serve-web-demo.png $(BIN)/pytest -q -n 0 tests/serve/test_web.py

bench: $(STAMP)
	$(BIN)/python benchmarks/quote_stream.py
	$(BIN)/python benchmarks/sources.py
	$(BIN)/python benchmarks/orders.py
	$(BIN)/python benchmarks/tracking.py
	$(BIN)/python benchmarks/serve.py

## Only the serve benchmark: first paint over SSH, bytes per second, sessions per machine.
bench-serve: $(STAMP)
	$(BIN)/python benchmarks/serve.py

## A public-demo SSH server on loopback (ssh -p 2222 127.0.0.1) and the same in a browser.
serve-ssh: $(STAMP)
	$(BIN)/a2a-tui serve ssh --demo --allow-anyone

serve-web: $(STAMP)
	$(BIN)/a2a-tui serve web --demo

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .import_linter_cache *.egg-info
