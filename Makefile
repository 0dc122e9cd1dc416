# The README's two commands: `make demo` (set-up + main job) and `make test` (set-up + all tests).
# Each target installs what it needs, so both work on a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHECKOV_VENV := .tools/checkov
SAMPLE ?= samples/rds-instance-class.yaml

.PHONY: demo test lint typecheck unit integration terraform-test system-deps bench clean

$(BIN)/relnotes: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

$(CHECKOV_VENV)/bin/checkov:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet 'checkov>=3.2,<4'

## demo: draft a release note for a sample manifest, offline, on embedded defaults.
demo: $(BIN)/relnotes
	$(BIN)/relnotes render $(SAMPLE)

## system-deps: Redis and Postgres server binaries the integration tests start (Debian/Ubuntu).
system-deps:
	bash scripts/install-system-deps.sh

lint: $(BIN)/relnotes
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/relnotes
	$(BIN)/mypy
	$(BIN)/mypy tests bench

## test: lint, types, then every test tier (unit, integration, terraform, e2e-or-skip).
test: system-deps $(BIN)/relnotes $(CHECKOV_VENV)/bin/checkov lint typecheck
	$(BIN)/pytest

## bench: the benchmarks, run on demand (not part of `make test`); fails if a target is missed.
bench: $(BIN)/relnotes
	$(BIN)/python bench/gateway_throughput.py; gw=$$?; \
	$(BIN)/python bench/startup.py; st=$$?; \
	$(BIN)/python bench/operator_throughput.py; op=$$?; \
	test $$gw -eq 0 -a $$st -eq 0 -a $$op -eq 0

clean:
	rm -rf $(VENV) .tools .mypy_cache .ruff_cache .pytest_cache
