# archive-qa: `make run` (install, index seeds/, serve) and `make test` (install, lint, tests).
SHELL := /bin/bash
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA_DIR ?= data
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: install run test lint bench bench-peer clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# CPU torch first and pinned, so nothing below resolves a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

run: install
	$(BIN)/archive-qa index seeds/ --data-dir $(DATA_DIR)
	$(BIN)/archive-qa ask "What did the Jinzhou electric furnace factory make in 1965?" --data-dir $(DATA_DIR)
	$(BIN)/archive-qa serve --data-dir $(DATA_DIR) --host 127.0.0.1 --port 7860

# bench/ is type-checked apart: its index.py would clash with the index package.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mypy bench

test: install lint
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/embeddings.py

# The LangChain peer that bench/index.py compares with, in its own venv (see the requirements).
bench-peer: .venv-peer/.installed

.venv-peer/.installed: bench/peer-requirements.txt
	test -x .venv-peer/bin/python || $(PY) -m venv .venv-peer
	.venv-peer/bin/pip install -q --upgrade pip
	.venv-peer/bin/pip install -q torch==2.13.0
	.venv-peer/bin/pip install -q -r bench/peer-requirements.txt
	touch $@

clean:
	rm -rf $(DATA_DIR) .pytest_cache .mypy_cache .ruff_cache
