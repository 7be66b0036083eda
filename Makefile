# SIAM Performance Workbook — developer and CI entry points.  `make help` lists the targets.
#   make demo   set up, generate the demo estate and run the monthly job
#   make test   set up and run the whole test suite (what .ci/run does)

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV        := .venv
BIN         := $(VENV)/bin
PY          := $(BIN)/python
STAMP       := $(VENV)/.installed
# Every runtime and dev dependency pinned (pip-tools); `make lock` regenerates it.
LOCK        := requirements.lock
LOCK_ARGS   ?=
LOCK_TOOLS  := $(or $(TMPDIR),/tmp)/siam-pip-tools
PERIOD      ?= 2026-10
PYTEST_ARGS ?= -n 2
# Debian packages: Chromium for browser tests, fonts and Pango for HTML/PDF rendering (WeasyPrint).
APT_PACKAGES := chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help venv lock browser demo golden test lint format bench clean

help: ## Show this list of targets
	@echo "Usage: make <target>   (main command: make demo; tests: make test)"
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-zA-Z_-]+:[^#]*## / {printf "  %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

venv: $(STAMP) ## Create .venv (Python 3.11): the pinned packages of requirements.lock, the workbook editable

# Reinstalls only when requirements.lock or pyproject.toml changes; otherwise `make venv` is
# instant. The lock holds every package, so the project itself goes in with --no-deps.
$(STAMP): pyproject.toml $(LOCK)
	@if [ ! -x $(PY) ]; then \
	  py=""; \
	  for c in python3.11 python3; do \
	    if $$c -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1; then py=$$c; break; fi; \
	  done; \
	  if [ -z "$$py" ]; then echo "error: Python 3.11 not found (python3.11, or python3 being 3.11)" >&2; exit 1; fi; \
	  echo "creating $(VENV) with $$(command -v $$py)"; \
	  $$py -m venv $(VENV); \
	fi
	@$(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
	  echo "error: $(VENV) is not Python 3.11; remove it and rerun make venv" >&2; exit 1; }
	$(PY) -m pip install -r $(LOCK)
	$(PY) -m pip install --no-deps -e .
	@touch $@

# pip-tools lives in its own throwaway venv: it is a tool for the lock, not a dependency.
lock: ## Regenerate requirements.lock from pyproject.toml (LOCK_ARGS=--upgrade for newest pins)
	@if [ ! -x $(LOCK_TOOLS)/bin/pip-compile ]; then \
	  python3.11 -m venv $(LOCK_TOOLS) && $(LOCK_TOOLS)/bin/pip install -q 'pip-tools>=7.4,<8'; \
	fi
	$(LOCK_TOOLS)/bin/pip-compile --quiet --extra=dev --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) --output-file=$(LOCK) pyproject.toml

browser: ## Install Debian's Chromium (+ fonts, Pango) with apt-get if missing; never `playwright install`
	@missing=""; \
	if command -v dpkg-query >/dev/null 2>&1; then \
	  for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	  done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  echo "apt-get install:$$missing"; \
	  $(SUDO) apt-get update; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi; \
	if [ ! -x /usr/bin/chromium ]; then echo "error: /usr/bin/chromium missing (install Debian's chromium)" >&2; exit 1; fi; \
	echo "browser: /usr/bin/chromium ok"

demo: venv ## Generate the demo estate and run the monthly job for PERIOD (default 2026-10)
	$(BIN)/siam demo-data
	$(BIN)/siam run --period $(PERIOD)

golden: venv ## Regenerate tests/golden/demo-2026-10-figures.csv (deliberately: review the diff)
	$(BIN)/python -m tests.golden.regenerate

test: venv browser ## Run the whole test suite (PYTEST_ARGS, default "-n 2")
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv ## Check code style: ruff check and ruff format --check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: venv ## Fix what ruff can, format code, strip notebook outputs
	$(PY) -m ruff check --fix --exit-zero .
	$(PY) -m ruff format .
	@if [ -d notebooks ]; then \
	  find notebooks -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' -exec $(BIN)/nbstripout {} +; \
	fi

bench: venv ## Run the benchmarks (results in benchmarks/results/)
	$(PY) benchmarks/run_all.py

clean: ## Remove caches and generated output (keeps .venv, data/samples, reports/README.md)
	rm -rf .pytest_cache .hypothesis .ruff_cache build dist *.egg-info \
	  test-artifacts outbox data/demo data/cache benchmarks/results
	rm -rf reports/*/
	find . -path ./.venv -prune -o -type d \( -name __pycache__ -o -name .ipynb_checkpoints \) \
	  -print0 | xargs -0 rm -rf
