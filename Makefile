# NPO-platform. The two set-up commands are `make run` and `make test`; both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := $(shell cat .python-version)
# pyenv's shim honours .python-version; a plain pythonX.Y on PATH works just as well.
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RUN_ENV := DEBUG=true
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run test lint format checks check-figures migrate demo worker beat messages browser clean

help: ## Show the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python >= 3.12 is needed; found " + sys.version)'
	$(PYTHON) -m venv $(VENV)

# Locked, hashed dependencies: a fresh machine installs exactly the same versions.
$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@touch $@ $(VENV)/.base-installed

browser: ## Install Debian's Chromium for the browser tests when it is missing
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium (Debian packages chromium, chromium-driver)..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver poppler-utils >/dev/null; }

migrate: $(VENV)/.base-installed
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input -v 0

demo: migrate ## Load the reference data and the demo content (idempotent)
	$(RUN_ENV) $(BIN)/python manage.py load_reference_data
	$(RUN_ENV) $(BIN)/python manage.py seed_demo

run: demo ## Install, migrate, load demo data and serve on http://127.0.0.1:8000
	@echo ""
	@echo "NPO-platform draait op http://$(HOST):$(PORT)/ (stoppen: Ctrl+C)"
	@[ -n "$$REDIS_URL$$CELERY_BROKER_URL" ] || { \
	  echo "Zonder broker draait er geen Celery beat: herinneringen en overzichtsmails gaan niet vanzelf."; \
	  echo "Draai de dagelijkse ronde met de hand:  $(BIN)/python manage.py send_reminders [--date JJJJ-MM-DD]"; }
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# pytest-xdist: one test process per core (TEST_WORKERS=0 runs in this process, e.g. for pdb).
TEST_WORKERS ?= auto
test: $(VENV)/.dev-installed browser ## Install and run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed ## ruff check, format check, and the import contracts (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

checks: $(VENV)/.dev-installed ## Migrations in sync, and Django's deployment checks with production-like values
	$(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=false SECRET_KEY="$$(head -c 48 /dev/urandom | base64)" ALLOWED_HOSTS=npo.example.nl \
	  SECURE_HSTS_PRELOAD=true $(BIN)/python manage.py check --deploy --fail-level WARNING

check-figures: $(VENV)/.dev-installed ## Recompute every municipality's figures from reference_data/ and compare with the pages
	$(BIN)/python scripts/check_figures.py

worker: $(VENV)/.base-installed ## A Celery worker (needs REDIS_URL)
	$(BIN)/celery -A npo_platform worker --loglevel INFO --max-tasks-per-child 50

beat: $(VENV)/.base-installed ## Celery beat (needs REDIS_URL)
	$(BIN)/celery -A npo_platform beat --loglevel INFO --schedule var/celerybeat-schedule

messages: $(VENV)/.dev-installed ## Update and compile the translation files
	$(RUN_ENV) $(BIN)/python manage.py makemessages -l en --ignore '.venv/*' --ignore 'var/*'
	@$(BIN)/python -c 'import polib; po = polib.pofile("locale/en/LC_MESSAGES/django.po"); \
	  print(f"locale/en: {po.percent_translated()}% translated, {len(po.untranslated_entries())} untranslated, {len(po.fuzzy_entries())} fuzzy")'
	$(RUN_ENV) $(BIN)/python manage.py compilemessages --ignore '.venv/*'

# The NL Design System CSS and fonts (static/nlds/), built from the npm lockfile in frontend/.
# Only for changing their versions: the output is committed, so run and test need no Node.
.PHONY: assets
assets: ## Rebuild static/nlds/ from frontend/package-lock.json (needs Node and npm)
	@command -v npm >/dev/null 2>&1 || { echo "make assets needs Node.js and npm (e.g. Debian's nodejs and npm)"; exit 1; }
	cd frontend && npm ci --ignore-scripts --no-audit --no-fund && npm run build

clean:
	rm -rf $(VENV) var
