# The two commands of the quick start: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= $(shell nproc 2>/dev/null || echo 1)
CHROMIUM := /usr/bin/chromium
# Extra pytest arguments, e.g. PYTEST_ARGS=--randomly-seed=1234 replays the order a run printed.
PYTEST_ARGS ?=

.PHONY: run test test-stress lint types unit js bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Lernmi Playground needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]'
	touch $@

## Serve the playground on http://$(HOST):$(PORT)
run: $(VENV)/.installed-run
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m app.serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

## Lint, type-check and run every test (in a new random order each run: pytest-randomly)
test: lint types unit js

## `make test` while busy processes hold every core: no test may care how fast the machine is
test-stress:
	@bash -c 'busy=(); for _ in $$(seq "$$(nproc)"); do yes > /dev/null & busy+=($$!); done; \
		trap "kill $${busy[*]}; wait" EXIT; $(MAKE) --no-print-directory test'

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

types: $(VENV)/.installed-test
	$(BIN)/mypy

unit: $(VENV)/.installed-test $(CHROMIUM)
	$(BIN)/pytest $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium; as root, make installs it (never `playwright install`).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y --no-install-recommends chromium; \
	else echo "The browser tests need Debian's chromium (sudo apt-get install chromium); without it they are skipped, and fail under CI=true."; fi

## The page's modules (hash codec, colours, frames, connection), with Node's own test runner
js: $(VENV)/.installed-test
	$(BIN)/node --test tests/js/*.test.mjs

## Print the engine's and the server's figures (docs/performance.md, docs/security.md)
bench: $(VENV)/.installed-run
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m benchmarks.engine
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m benchmarks.load
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m benchmarks.restore

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
