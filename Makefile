# The two commands of the README, and the steps behind them.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint format setup migrate data clean system-packages test-packages

# Programs pip cannot install, from Debian's packages: asciidoctor renders the rule documents;
# chromium drives the browser tests. Installed with apt-get when missing (as root); otherwise
# named, and the service or the suite says what it cannot do without them.
define apt_ensure
	@missing=""; for p in $(1); do command -v $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing (Debian packages)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -qq $$missing >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq $$missing >/dev/null 2>&1; } \
	      || echo "note: could not install$$missing"; \
	  else \
	    echo "note: not installed:$$missing (install them with your system's package manager)"; \
	  fi; \
	fi
endef

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 or run 'make PYTHON=/path/to/python3.11 ...'"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

system-packages:
	$(call apt_ensure,asciidoctor)

test-packages:
	$(call apt_ensure,asciidoctor chromium)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

data: migrate
	$(PY) manage.py load_wg_data
	$(PY) manage.py load_catalogue

run: data system-packages
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py ensure_admin
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py serve

test: $(STAMP) test-packages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Keeps the database and the embedded broker's data (queued work survives a restart).
clean:
	rm -rf var/test var/static var/serve-status.json
