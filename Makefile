# napiter: `make run` starts everything with demo data at http://127.0.0.1:$(PORT); `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Rebuild the virtualenv only when the dependency list changes.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml 2>/dev/null | sha256sum | cut -c1-16)

.PHONY: run stop test test-system test-unit test-browser fuzz lint format bench backup restore bench-smoke

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
test: test-system test-unit test-browser

# One line naming the Debian packages the suite needs and this machine lacks, before anything runs.
test-system: $(STAMP)
	@$(BIN)/python -m napiter.devservices check-test

test-unit: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not fuzz" -n 2 --dist loadfile

test-browser: $(STAMP)
	$(BIN)/python -m pytest -m browser

# Schemathesis against every API operation (FUZZ_EXAMPLES per operation, 100 by default) and the hostile
# input tests; CI runs it after `make test`.
fuzz: $(STAMP)
	$(BIN)/python -m pytest -m fuzz -n 2

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy napiter cases assistance assessments sinergi privacy dashboards tests

# Backup of the database, media and trust roots with a manifest (var/backups/ unless OUT=dir); restore
# into a fresh database and prove it (audit chain, every signed PDF). DATABASE_URL wins over var/.
backup: $(STAMP)
	$(BIN)/python -m napiter.backup create $(if $(OUT),--out $(OUT))

restore: $(STAMP)
	@test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=var/backups/napiter-..." && exit 2)
	$(BIN)/python -m napiter.backup restore $(BACKUP)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks are measurements, not tests: they print numbers and assert nothing about speed.
# napiter.scale runs its own servers under var/bench-<people>/ and writes var/bench/latest.json.
BENCH_PEOPLE ?= 1000000
bench: $(STAMP)
	$(BIN)/python -m napiter.scale --people $(BENCH_PEOPLE)
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/documents/bench_case_report.py

# CI: every benchmark at a small scale, to prove the harness works (the numbers mean little at this size).
bench-smoke: $(STAMP)
	$(BIN)/python -m napiter.scale --people 2000 --runs 5 --load-seconds 20 --load-users 10
