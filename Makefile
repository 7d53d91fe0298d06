# `make check` before every commit: lint, types, import contracts, the fast tests.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: check lint types imports test slow browser venv lock

check: lint types imports test

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check qualcode tests

types:
	$(BIN)/mypy

imports:
	$(BIN)/lint-imports

test:
	$(BIN)/python -m pytest -n 2 -q -m "not slow and not browser"

# The long concurrency and crash tests (CI runs them too); pytest's 5 means none selected.
slow:
	$(BIN)/python -m pytest -n 2 -q -m "slow and not browser" || [ $$? -eq 5 ]

# Reports rendered by LibreOffice and headless Chromium (Debian packages; see .ci/run).
browser:
	$(BIN)/python -m pytest -q -m browser

venv:
	python3 -m venv $(VENV)
	$(BIN)/pip install -q -c requirements/test.lock -e ".[test,dev]"

# Rewrite the lock from the current virtualenv after changing a dependency.
lock:
	{ sed -n '1,2p' requirements/test.lock; $(BIN)/pip freeze --exclude-editable | grep -v '^qualcode'; } > requirements/test.lock.new
	mv requirements/test.lock.new requirements/test.lock
