# napiter: `make run` starts everything with demo data at http://127.0.0.1:$(PORT); `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Rebuild the virtualenv only when the dependency list changes.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml 2>/dev/null | sha256sum | cut -c1-16)

.PHONY: run stop test test-unit test-browser lint format bench

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

run: $(STAMP)
	PORT=$(PORT) $(BIN)/python -m napiter.devservices run

stop: $(STAMP)
	$(BIN)/python -m napiter.devservices stop

# Browser tests run in their own pytest process: Playwright's event loop breaks asyncio.run() afterwards.
test: test-unit test-browser

test-unit: $(STAMP)
	$(BIN)/python -m pytest -m "not browser" -n 2 --dist loadfile

test-browser: $(STAMP)
	$(BIN)/python -m pytest -m browser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy napiter cases assistance assessments sinergi tests

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks are measurements, not tests: they print numbers and assert nothing about speed.
bench: $(STAMP)
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/documents/bench_case_report.py
