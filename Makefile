# ACE Portal. `make run` runs the portal locally; `make test` passes the tests (see README.md).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Written once the dependencies are installed; rebuilt when pyproject.toml changes.
STAMP := $(VENV)/.installed
# Directories that hold no source strings or translations of ours.
I18N_IGNORE := --ignore=.venv --ignore=staticfiles --ignore=var --ignore=node_modules

RUN_ADDR ?= 127.0.0.1:8000
# Links in emails (footer, List-Unsubscribe) point where `make run` listens; a server on all
# interfaces (0.0.0.0) is reached locally at 127.0.0.1. An ACE_BASE_URL already set wins.
RUN_BASE_URL := http://$(subst 0.0.0.0,127.0.0.1,$(RUN_ADDR))
PYTEST_ARGS ?=
BENCH ?=
BENCH_ARGS ?=
DOCKER_COMPOSE ?= docker-compose

.PHONY: help venv run test services compilemessages messages lint format migrations-check \
	compose-check bench worker beat clean

help:
	@echo "make run               run the portal on http://$(RUN_ADDR)/ (SQLite, demo data)"
	@echo "make test              run every test against PostgreSQL and Redis (PYTEST_ARGS=...)"
	@echo "make venv              create $(VENV)/ with Python >= 3.12 and install the dependencies"
	@echo "make lint | format     ruff + the import contracts (lint-imports) | reformat and fix"
	@echo "make migrations-check  fail when a model change has no migration"
	@echo "make compose-check     validate docker-compose.yml"
	@echo "make messages          update the French message catalogue (locale/fr)"
	@echo "make worker | beat     Celery worker | beat scheduler (needs REDIS_URL)"
	@echo "make bench BENCH=name  run bench/<name>.py"
	@echo "make clean             remove the venv, caches and collected static files"

# --- Environment ------------------------------------------------------------------------------

venv: $(STAMP)

# The venv is (re)created only when it is missing or its Python is older than 3.12; otherwise
# the dependencies are brought in line with pyproject.toml in place.
$(STAMP): pyproject.toml scripts/requirements
	@if ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		python=$$(scripts/find-python); \
		echo "Creating $(VENV)/ with $$python"; \
		rm -rf $(VENV); \
		"$$python" -m venv $(VENV); \
	fi
	$(PY) scripts/requirements dev > $(VENV)/requirements.txt
	$(PY) -m pip install --quiet --requirement $(VENV)/requirements.txt
	@touch $(STAMP)

services:
	scripts/services

# Compiles locale/*/LC_MESSAGES/*.po when there are any (there may be none yet).
compilemessages: venv
	@if find . \( -path ./.venv -o -path ./staticfiles -o -path ./var -o -path ./.git \) -prune \
		-o -path '*/locale/*' -name '*.po' -print | grep -q .; then \
		$(MANAGE) compilemessages $(I18N_IGNORE); \
	else \
		echo "compilemessages: no .po files yet, nothing to compile."; \
	fi

messages: venv
	@mkdir -p locale
	$(MANAGE) makemessages -l fr -d django $(I18N_IGNORE)

# --- The two commands -------------------------------------------------------------------------

run: venv compilemessages
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	ACE_BASE_URL="$${ACE_BASE_URL:-$(RUN_BASE_URL)}" $(MANAGE) runserver $(RUN_ADDR)

# Tests run against PostgreSQL and Redis; a variable already set in the environment wins.
test: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ace_portal
test: export REDIS_URL ?= redis://127.0.0.1:6379/15
test: venv services compilemessages
	@echo "pytest against DATABASE_URL=$$DATABASE_URL REDIS_URL=$$REDIS_URL"
	$(PY) -m pytest $(PYTEST_ARGS)

# --- Checks -----------------------------------------------------------------------------------

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: venv
	@mkdir -p var
	$(MANAGE) makemigrations --check --dry-run

compose-check:
	@command -v $(DOCKER_COMPOSE) >/dev/null || { \
		echo "error: $(DOCKER_COMPOSE) not found; install it: apt-get install -y docker-compose" >&2; \
		exit 1; }
	$(DOCKER_COMPOSE) -f docker-compose.yml config -q
	@echo "docker-compose.yml is valid."

# --- Background work and benchmarks -----------------------------------------------------------

define need_redis
@if [ -z "$${REDIS_URL:-}" ]; then \
	echo "error: make $@ needs REDIS_URL (the Celery broker), e.g." >&2; \
	echo "  export REDIS_URL=redis://127.0.0.1:6379/0 DATABASE_URL=postgres://postgres@127.0.0.1:5432/ace_portal" >&2; \
	echo "Without REDIS_URL the portal runs its tasks inline and needs no worker." >&2; \
	exit 1; \
fi
endef

worker: venv
	$(need_redis)
	$(VENV)/bin/celery -A ace_portal worker --concurrency=2 --loglevel=INFO

beat: venv
	$(need_redis)
	$(VENV)/bin/celery -A ace_portal beat --loglevel=INFO \
		--scheduler django_celery_beat.schedulers:DatabaseScheduler

bench: venv
	@if [ -z "$(BENCH)" ]; then \
		echo "error: name a benchmark: make bench BENCH=<name> runs bench/<name>.py" >&2; \
		ls bench/*.py 2>/dev/null | sed 's|^bench/\(.*\)\.py$$|  \1|' >&2 || true; \
		exit 1; \
	fi
	@if [ ! -f "bench/$(BENCH).py" ]; then \
		echo "error: bench/$(BENCH).py does not exist. Benchmarks available:" >&2; \
		ls bench/*.py 2>/dev/null | sed 's|^bench/\(.*\)\.py$$|  \1|' >&2 || echo "  (none yet)" >&2; \
		exit 1; \
	fi
	$(PY) bench/$(BENCH).py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles test-results .pytest_cache .ruff_cache
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
	@echo "Kept var/ (the local SQLite database and uploads); remove it for a fresh start."
