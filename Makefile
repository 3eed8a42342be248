# ecs-privatelink: every target bootstraps ./venv from the pinned requirements itself.
SHELL := /bin/bash
VENV := venv
PY := $(VENV)/bin/python
STACK ?= dev

.PHONY: lock test lint typecheck unit preview up up-server down down-server verify bench bench-checkov-venv diagram cost clean

# The dev lock holds the whole tree, hashed (it has the runtime locks' versions); the program finds awsfacts
# through the root symlink awsfacts -> policypack/awsfacts, so nothing local is installed.
$(VENV)/.installed: requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@

# Recompiles the locks from the .in files (top-level pins) against PyPI alone, this machine's pip
# configuration aside: whole trees, with hashes, for Python 3.11 on Linux. tests/test_locks.py checks offline
# that they are current. Each lock takes the ones before it as constraints, so shared packages have one version.
PIP_TOOLS_VERSION := 7.6.2
LOCK_VENV := .venv-lock
PIP_COMPILE := env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL -u PIP_CONSTRAINT \
	PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --no-strip-extras --no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple
lock: $(LOCK_VENV)/bin/pip-compile
	$(PIP_COMPILE) --output-file policypack/requirements.txt policypack/requirements.in
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

$(LOCK_VENV)/bin/pip-compile:
	python3 -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check pip-tools==$(PIP_TOOLS_VERSION)

test: lint typecheck unit

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy
	# A project of its own (its __main__ would clash with the program's in one mypy run).
	$(VENV)/bin/mypy examples/existing-vpc/__main__.py

unit: $(VENV)/.installed
	$(VENV)/bin/pytest

preview: $(VENV)/.installed
	$(PY) -m sandbox preview --stack $(STACK)

up: $(VENV)/.installed
	$(PY) -m sandbox up --stack $(STACK)

# A moto_server on loopback that stays up after the deploy, to look around with the AWS CLI or boto3
# (--endpoint-url http://127.0.0.1:$(MOTO_PORT)); stop it with `make down-server`.
MOTO_PORT ?= 5000
up-server: $(VENV)/.installed
	@curl -s -o /dev/null http://127.0.0.1:$(MOTO_PORT)/ || { \
	  MOTO_IAM_LOAD_MANAGED_POLICIES=true nohup $(VENV)/bin/moto_server -H 127.0.0.1 -p $(MOTO_PORT) \
	    > .sandbox-moto.log 2>&1 & echo $$! > .sandbox-moto.pid; \
	  for i in $$(seq 60); do curl -s -o /dev/null http://127.0.0.1:$(MOTO_PORT)/ && break; sleep 0.5; done; }
	$(PY) -m sandbox up --stack $(STACK) --endpoint-url http://127.0.0.1:$(MOTO_PORT)

# Delete the deployment `make up-server` recorded in .sandbox/$(STACK).json from the moto_server.
down: $(VENV)/.installed
	$(PY) -m sandbox destroy --stack $(STACK)

# Stops only the moto_server up-server started: the pid file may be stale and its pid reused since.
down-server:
	@if [ ! -f .sandbox-moto.pid ]; then echo "No moto_server started by make up-server (no .sandbox-moto.pid)."; \
	elif { tr '\0' ' ' < /proc/$$(cat .sandbox-moto.pid)/cmdline; } 2>/dev/null \
	    | grep -q "moto_server -H 127.0.0.1 -p $(MOTO_PORT)"; then \
	  kill $$(cat .sandbox-moto.pid) && echo "Stopped moto_server (pid $$(cat .sandbox-moto.pid))."; \
	  rm -f .sandbox-moto.pid; \
	else echo "Process $$(cat .sandbox-moto.pid) is not the moto_server up-server started; left alone."; \
	  rm -f .sandbox-moto.pid; fi

bench: $(VENV)/.installed
	$(PY) -m sandbox bench

# checkov, for the bench's time-to-verdict comparison only, in a venv of its own (its pins are not ours);
# the bench finds it there by itself (or through CHECKOV=<executable>, or on PATH).
CHECKOV_VERSION ?= 3.3.30
bench-checkov-venv: .venv-checkov/bin/checkov

.venv-checkov/bin/checkov:
	python3 -m venv .venv-checkov
	.venv-checkov/bin/pip install --quiet --disable-pip-version-check checkov==$(CHECKOV_VERSION)

# Architecture pictures of the dev and prod stacks in docs/; Graphviz's dot comes from Debian.
diagram: $(VENV)/.installed
	command -v dot >/dev/null || { apt-get update && apt-get install -y graphviz; }
	$(PY) -m sandbox diagram --stack dev --stack prod --out docs

cost: $(VENV)/.installed
	$(PY) -m sandbox cost --stack $(STACK)

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
