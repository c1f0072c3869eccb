# Two commands do all set-up: `make demo` builds the demo site, `make test` runs every test.
# Each creates the virtual environment in .venv from the pinned requirements first; `make test`
# also installs its test tools (pytest, linters, the browser and npm packages) when missing.
# Empty: scripts/make-venv takes the Python .venv was made with, or python3 for a first one.
PYTHON ?=
VENV := .venv
BIN := $(VENV)/bin
# Through scripts/retry: a one-off registry error is tried again, not a failed CI run.
PIP := scripts/retry $(BIN)/python -m pip install --quiet --disable-pip-version-check
# Deselected by `make test-fast`: everything that builds a site, starts a browser or a server.
SLOW_MARKERS := build or browser or smtp or engines or slow
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo serve check test test-fast lint

$(VENV)/installed: requirements.txt pyproject.toml
	MAKE_GOALS='$(MAKECMDGOALS)' scripts/make-venv '$(PYTHON)' $(VENV)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/test-tools: $(VENV)/installed requirements-test.txt
	$(PIP) -r requirements-test.txt
	touch $@

# The demo is a preview: in CI (no secret there) it builds with a throwaway secret instead of
# failing; on a laptop REFERRAL_PREVIEW changes nothing (the secret comes from .referral/secret).
demo: $(VENV)/installed
	REFERRAL_PREVIEW=1 $(BIN)/mkdocs build --strict

# --dirty: after a save only the pages whose Markdown changed are rebuilt (a quarter of the CPU
# of a full rebuild at 1,000 partners; benchmarks/README.md). The leak guard still runs.
serve: $(VENV)/installed
	$(BIN)/mkdocs serve --livereload --dirty

check: $(VENV)/installed
	$(BIN)/python -m generator check

lint: $(VENV)/test-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Everything: lint and types, then every test, browser and engines included (about 13 minutes
# on 2 cores; README.md, Testing).
test: lint
	scripts/ensure-test-tools
	$(BIN)/python -m pytest --durations=15

# After every change (about a minute): unit, validation, rendering and golden tests.
test-fast: $(VENV)/test-tools
	$(BIN)/python -m pytest -q --durations=15 -m "not ($(SLOW_MARKERS))"
