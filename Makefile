# Palermo — the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV      ?= .venv
PY        := $(VENV)/bin/python
MANAGE    := $(PY) manage.py
PG_URL    ?= postgres://postgres@127.0.0.1:5432/test
CHROMIUM  ?= /usr/bin/chromium
ARTIFACTS ?= test-artifacts

.PHONY: help demo test venv venv-dev chromium java lint types imports migrations-check \
        messages messages-check test-sqlite test-postgres test-browser serve clean

help:
	@echo "make demo   create .venv, migrate, load demo data, run on http://127.0.0.1:8000"
	@echo "make test   lint, types, contracts, migrations, catalogues, tests (SQLite, PostgreSQL, browser)"

# --- environment -----------------------------------------------------------
$(VENV)/.stamp-app: pyproject.toml
	@py=$$(scripts/find-python.sh); echo "Using $$py"; \
	  [ -x $(PY) ] || "$$py" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.stamp-dev: $(VENV)/.stamp-app
	$(PY) -m pip install --quiet -e ".[dev,spark]"
	touch $@

venv: $(VENV)/.stamp-app
venv-dev: $(VENV)/.stamp-dev

# Debian's chromium, never a downloaded browser.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@test -x $(CHROMIUM) || { echo "chromium is missing at $(CHROMIUM)"; exit 1; }

# Java for the Spark backend's test (PySpark local mode); Debian's default JRE.
java:
	@if ! command -v java >/dev/null 2>&1; then \
	  echo "Installing a Java runtime for the Spark backend test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; \
	fi

# --- demo --------------------------------------------------------------------
messages: venv
	$(MANAGE) compilemessages --ignore=.venv -v 0

demo: venv messages
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) seed_demo
	$(MANAGE) collectstatic --no-input -v 0
	@echo
	@echo "Palermo demo: http://127.0.0.1:8000  (logins above, and in var/demo-logins.csv)"
	$(MANAGE) runserver 127.0.0.1:8000

serve: venv messages
	$(MANAGE) runserver 127.0.0.1:8000

# --- tests -------------------------------------------------------------------
lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: venv-dev
	$(VENV)/bin/mypy

imports: venv-dev
	$(VENV)/bin/lint-imports

migrations-check: venv-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

messages-check: venv-dev
	$(PY) scripts/check_messages.py

test-sqlite: venv-dev messages java
	mkdir -p $(ARTIFACTS)
	$(VENV)/bin/pytest -m "not browser" --junitxml=$(ARTIFACTS)/junit-sqlite.xml

test-postgres: venv-dev messages
	mkdir -p $(ARTIFACTS)
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -m "not browser and not nodb" --junitxml=$(ARTIFACTS)/junit-postgres.xml

test-browser: venv-dev messages chromium
	mkdir -p $(ARTIFACTS)
	$(VENV)/bin/pytest -m browser --junitxml=$(ARTIFACTS)/junit-browser.xml

test: lint types imports migrations-check messages-check test-sqlite test-postgres test-browser
	$(PY) scripts/count_tests.py $(ARTIFACTS)/junit-*.xml

clean:
	rm -rf $(VENV) staticfiles $(ARTIFACTS)
