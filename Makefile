# hocbaso: `make demo` runs the system with a seeded demo district on SQLite;
# `make test` runs the whole suite on SQLite and on a throwaway PostgreSQL.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DIR ?= $(CURDIR)/var/demo
DEMO_PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help setup system-deps demo test test-sqlite test-postgres lint fmt bench clean

help:
	@echo "make demo   - set up and serve the demo district on http://127.0.0.1:$(DEMO_PORT)"
	@echo "make test   - set up and run the whole suite (SQLite, then PostgreSQL)"
	@echo "make lint   - ruff format --check, ruff check, mypy on the pure packages, import contracts"
	@echo "make fmt    - format the code"
	@echo "make bench  - run the benchmarks under bench/"

# uv, bootstrapped with pip when it is missing.
$(UV):
	python3 -m pip install --quiet --user uv || python3 -m pip install --quiet --break-system-packages --user uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python python3.11
	@touch $@

setup: system-deps $(VENV)/.synced

# Debian packages the tests need, installed only when missing.
system-deps:
	@bash scripts/system-deps

demo: setup
	@HOCBASO_DATA_DIR=$(DEMO_DIR) DEMO_PORT=$(DEMO_PORT) bash scripts/demo

test: setup
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(VENV)/.synced
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

# Tests marked `once` (servers with their own SQLite databases, browser tests of
# page behaviour) ran in the SQLite half and prove nothing more on PostgreSQL.
test-postgres: $(VENV)/.synced
	bash scripts/with-postgres $(PY) -m pytest -m "not once" $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

fmt: $(VENV)/.synced
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
