# The two commands of the README: `make run` and `make test`. Everything they need
# is installed into .venv from PyPI; nothing is fetched from elsewhere.

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# One test process per core (each with its own test database and Redis database).
PYTEST_ARGS ?= -n auto --maxprocesses=8

.PHONY: run test bench lint format messages install install-test clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Embedded defaults: SQLite in var/, a broker in the file system, mail on the console.
# Links in e-mails and the feed point to the address served, unless PORTAL_URL is set.
run: export DEBUG ?= true
run: export PORTAL_URL ?= http://127.0.0.1:$(PORT)
run: install
	mkdir -p var/celery/queue var/celery/processed var/media
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  Portal:  http://127.0.0.1:$(PORT)/   (admin: /admin/, log in with 'office')"
	@echo "  Links in e-mails and the feed: $(PORTAL_URL)/"
	@echo ""
	@trap 'kill 0' EXIT INT TERM; \
	$(VENV)/bin/celery -A portal worker --beat --loglevel=info --concurrency=2 & \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# PostgreSQL from DATABASE_URL, else the local one on 127.0.0.1:5432. Outside CI a
# missing PostgreSQL falls back to SQLite, loudly; under CI=true it is a failure.
PICK_DATABASE = if [ -z "$$DATABASE_URL" ]; then \
	  if $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
	    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal; \
	  elif [ "$$CI" = "true" ]; then \
	    echo "ERROR: PostgreSQL is not reachable on 127.0.0.1:5432 and CI=true." >&2; exit 1; \
	  else \
	    echo "" >&2; \
	    echo "!!! WARNING: PostgreSQL is not reachable on 127.0.0.1:5432." >&2; \
	    echo "!!! Falling back to SQLite: this is NOT the database the portal runs on." >&2; \
	    echo "" >&2; \
	    mkdir -p var; DATABASE_URL=sqlite:///var/test.sqlite3; \
	  fi; \
	fi; \
	export DATABASE_URL

# The whole suite on PostgreSQL with a real Redis broker.
test: install-test
	@set -e; \
	$(PICK_DATABASE); \
	export CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/15}; \
	export SECRET_KEY=$${SECRET_KEY:-test-only-key-not-for-production}; \
	export SECURE_SSL_REDIRECT=false; \
	export CONN_MAX_AGE=0; \
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && \
	$(VENV)/bin/lint-imports && \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: install-test
	@set -e; \
	$(PICK_DATABASE); \
	export DEBUG=$${DEBUG:-true}; \
	export DJANGO_SETTINGS_MODULE=portal.settings; \
	export SECRET_KEY=$${SECRET_KEY:-bench-only-key-not-for-production}; \
	export SECURE_SSL_REDIRECT=false; \
	export CONN_MAX_AGE=0; \
	export PYTHONPATH=.; \
	for script in tests/benchmarks/bench_*.py; do \
	  echo "== $$script"; \
	  $(PY) $$script; \
	done

lint: install-test
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports

format: install-test
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

# Extract the strings, then compile them. The compiled .mo files are committed, so
# the portal runs without gettext installed.
messages: install
	DEBUG=true $(PY) manage.py makemessages --locale zh_Hans --no-location --ignore=.venv --ignore=var
	DEBUG=true $(PY) manage.py compilemessages --locale zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) var
