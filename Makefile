# Two commands do all set-up: `make demo` builds the demo site, `make test` runs every test.
# Both create the virtual environment in .venv from the pinned requirements.txt first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo serve test check

$(VENV)/installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

demo: $(VENV)/installed
	$(BIN)/mkdocs build --strict

serve: $(VENV)/installed
	$(BIN)/mkdocs serve --livereload

check: $(VENV)/installed
	$(BIN)/python -m generator check

test: $(VENV)/installed
	$(BIN)/python -m pytest
