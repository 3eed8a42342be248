# ecs-privatelink: every target bootstraps ./venv from the pinned requirements itself.
SHELL := /bin/bash
VENV := venv
PY := $(VENV)/bin/python
STACK ?= dev

.PHONY: test lint typecheck unit preview up verify bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt policypack/requirements.txt constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

test: lint typecheck unit

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

unit: $(VENV)/.installed
	$(VENV)/bin/pytest

preview: $(VENV)/.installed
	$(PY) -m sandbox preview --stack $(STACK)

up: $(VENV)/.installed
	$(PY) -m sandbox up --stack $(STACK)

bench: $(VENV)/.installed
	$(PY) -m sandbox bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
