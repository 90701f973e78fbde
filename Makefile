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
	$(BIN)/mypy --strict domain api

test: $(STAMP) lint typecheck   ## lint, type-check domain/ and api/ (strict), then the whole suite (SQLite + PostgreSQL + Kafka)
	$(BIN)/pytest -q

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var

# Mutation testing (mutmut, configured in setup.cfg [mutmut]) of the modules held to the
# 85% target, against the unit tests only. CPU-heavy: one worker unless MUTATE_JOBS says.
MUTATE_JOBS    ?= 1
MUTATE_MODULES ?= domain.service_issues domain.subsidy_entitlement domain.subsidy_budget \
                  domain.assessment_scoring domain.indicators infra.storage.chain \
                  domain.org_bodies
MUTATE_SAMPLE  ?= 7

.PHONY: mutate mutate-sample mutate-domain

mutate: $(STAMP)          ## every mutant of the target modules; prints the score table
	rm -rf mutants
	for module in $(MUTATE_MODULES); do \
	  $(BIN)/mutmut run --max-children $(MUTATE_JOBS) "$$module.*" > /dev/null || exit 1; \
	done
	$(BIN)/python -m tests.mutation.score --check

mutate-sample: $(STAMP)   ## the fixed sample: mutants numbered *7 (one in ten) of the target modules
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATE_JOBS) \
	  $(foreach module,$(MUTATE_MODULES),"$(module).*$(MUTATE_SAMPLE)") > /dev/null
	$(BIN)/python -m tests.mutation.score --check --sample "*$(MUTATE_SAMPLE)"

mutate-domain: $(STAMP)   ## every module of domain/ and infra/storage/chain.py (thousands of mutants: long)
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATE_JOBS) "domain.*" "infra.storage.chain.*" > /dev/null
	$(BIN)/python -m tests.mutation.score
