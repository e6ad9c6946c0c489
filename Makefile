# Dealtracker: `make run` to use it, `make test` to test it. Both bootstrap .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Runs a command with the embedded PostgreSQL up (unless DATABASE_URL is set), stopping it afterwards.
WITH_DB := $(PY) -m dealtracker.embedded_postgres exec --
PYTEST_ARGS ?=
# pytest-xdist processes for `make test`, each with its own test database (CI has 2 cores).
PYTEST_WORKERS ?= 2

.PHONY: help install run test checks pytest test-services test-browser lint format db-start db-stop db-shell \
	bench bench-quick bench-extraction messages clean

help:
	@echo "make run            start Dealtracker on http://127.0.0.1:8000/ (database, worker, beat, web)"
	@echo "make test           lint, type check, Django checks and the test suite"
	@echo "make test-services  tests against the machine's PostgreSQL, Redis and RabbitMQ"
	@echo "make bench-quick    benchmarks on small data (minutes); make bench for the full run"
	@echo "make bench-extraction  report extraction: precision and recall per field on the corpus, reports/s"
	@echo "make db-start / db-stop / db-shell   manage the embedded PostgreSQL under var/"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	@touch $@

install: $(STAMP)

run: install
	$(PY) -m dealtracker.localrun

test: install
	$(WITH_DB) $(MAKE) --no-print-directory checks pytest

checks:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

pytest:
	$(PY) -m pytest -m "not services" -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-services: install
	$(PY) -m pytest -m services $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages -l de --no-obsolete --ignore=.venv --ignore=var --ignore=bench --ignore=tests --ignore=static
	$(PY) manage.py compilemessages --ignore=.venv

db-start: install
	$(PY) -m dealtracker.embedded_postgres start

db-stop: install
	$(PY) -m dealtracker.embedded_postgres stop

db-shell: install
	$(WITH_DB) $(PY) manage.py dbshell

bench-quick: install
	$(WITH_DB) $(PY) -m bench --quick

bench: install
	$(WITH_DB) $(PY) -m bench

# Pure Python, no database: one core, as the target is stated.
bench-extraction: install
	$(shell command -v taskset >/dev/null && echo taskset -c 0) $(PY) -m bench.extraction

clean:
	-$(PY) -m dealtracker.embedded_postgres stop
	rm -rf $(VENV) var staticfiles

# Re-pin requirements.lock after changing dependencies in pyproject.toml.
lock: install
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock \
		--quiet --custom-compile-command "make lock"
