# Every target works on a fresh clone: the first one creates .venv and installs the project.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench serve worker clean

$(STAMP): setup.cfg pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)            ## load the Tianqiao scenario into var/redproperty.db and serve the API
	$(BIN)/redprop demo --fresh

serve: $(STAMP)           ## the API under gunicorn (run `make worker` beside it)
	$(BIN)/redprop serve

worker: $(STAMP)          ## projections, the subsidy process and the SLA tick
	$(BIN)/redprop worker

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy domain

test: $(STAMP) lint typecheck   ## lint, type-check domain/, then the whole suite (SQLite + PostgreSQL + Kafka)
	$(BIN)/pytest -q

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
