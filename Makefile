# The README's two commands: `make demo` (set-up + main job) and `make test` (set-up + all tests).
# Each target installs what it needs, so both work on a fresh clone. `make help` lists the rest.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHECKOV_VENV := .tools/checkov
SAMPLE ?= samples/rds-instance-class.yaml
KIND ?= kind
CLUSTER ?= relnotes
IMAGE ?= relnotes:0.1.0
KIND_CONFIG := manifests/overlays/kind/cluster.yaml

.PHONY: help demo test lint typecheck unit integration acceptance terraform-test e2e \
	kind-up kind-down image deploy system-deps bench clean lock

## help: list the targets.
help:
	@grep -E '^## [a-z0-9-]+:' $(MAKEFILE_LIST) | sed 's/^## /  /'

$(BIN)/relnotes: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

$(CHECKOV_VENV)/bin/checkov:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet 'checkov>=3.2,<4'

## lock: pin the image's dependencies, with hashes, in requirements.lock (the Dockerfile installs
## exactly those, --require-hashes). pip-compile resolves through pip's own configuration (its
## index, find-links and mirrors), so it needs no access to PyPI itself; existing pins are kept
## unless pyproject.toml needs others (add --upgrade by hand to move everything forward).
lock: $(BIN)/relnotes
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links --output-file=requirements.lock pyproject.toml

## demo: draft a release note for a sample manifest, offline, on embedded defaults.
demo: $(BIN)/relnotes
	$(BIN)/relnotes render $(SAMPLE)

## system-deps: Redis and Postgres server binaries the tests start (Debian/Ubuntu, as root).
system-deps:
	bash scripts/install-system-deps.sh

## lint: ruff check and ruff format --check.
lint: $(BIN)/relnotes
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## typecheck: strict mypy over the package, the tests and the benchmarks.
typecheck: $(BIN)/relnotes
	$(BIN)/mypy
	$(BIN)/mypy tests bench

## test: lint, types, then every test tier (unit, integration, acceptance, terraform, e2e-or-skip).
test: system-deps $(BIN)/relnotes $(CHECKOV_VENV)/bin/checkov lint typecheck
	$(BIN)/pytest

## unit: the unit tier alone.
unit: $(BIN)/relnotes
	$(BIN)/pytest tests/unit

## integration: real Redis and Postgres, kopf in-process on the emulated API.
integration: system-deps $(BIN)/relnotes
	$(BIN)/pytest tests/integration

## acceptance: the whole product as separate processes, driven with kubectl.
acceptance: system-deps $(BIN)/relnotes
	$(BIN)/pytest tests/acceptance

## terraform-test: fmt, validate, checkov, and the moto apply of the Terraform.
terraform-test: $(BIN)/relnotes $(CHECKOV_VENV)/bin/checkov
	$(BIN)/pytest tests/terraform

## kind-up: a kind cluster with an app node and a tainted model node (needs Docker and kind).
kind-up:
	$(KIND) get clusters 2>/dev/null | grep -qx '$(CLUSTER)' || \
		$(KIND) create cluster --name $(CLUSTER) --config $(KIND_CONFIG)

## kind-down: delete the kind cluster.
kind-down:
	$(KIND) delete cluster --name $(CLUSTER)

## image: build the relnotes image (needs Docker), labelled with this commit and the build time.
image:
	docker build --build-arg REVISION="$$(git rev-parse HEAD)" \
	  --build-arg CREATED="$$(date -u +%Y-%m-%dT%H:%M:%SZ)" -t $(IMAGE) .

## deploy: load the image into the kind cluster and apply the kind overlay.
deploy:
	$(KIND) load docker-image $(IMAGE) --name $(CLUSTER)
	kubectl apply --server-side -k manifests/overlays/kind
	@# The model-service bearer key: random, made once per cluster, never committed.
	kubectl -n relnotes get secret relnotes-model-service-key >/dev/null 2>&1 || \
	  kubectl -n relnotes create secret generic relnotes-model-service-key \
	    --from-literal=api-key="$$(openssl rand -hex 32)"
	kubectl -n relnotes wait --for=condition=complete job/relnotes-migrate --timeout=180s
	kubectl -n relnotes wait --for=condition=Available deployment --all --timeout=180s

## e2e: kind-up, image and deploy, then the samples on the cluster (skips without Docker).
e2e: $(BIN)/relnotes
	$(BIN)/pytest tests/e2e

## bench: the benchmarks, run on demand (not part of `make test`); fails if a target is missed.
bench: system-deps $(BIN)/relnotes
	$(BIN)/python bench/gateway_throughput.py; gw=$$?; \
	$(BIN)/python bench/startup.py; st=$$?; \
	$(BIN)/python bench/operator_throughput.py; op=$$?; \
	$(BIN)/python bench/engine_quality.py; eq=$$?; \
	$(BIN)/python bench/view_throughput.py; vw=$$?; \
	test $$gw -eq 0 -a $$st -eq 0 -a $$op -eq 0 -a $$eq -eq 0 -a $$vw -eq 0

## clean: remove the virtualenvs and caches.
clean:
	rm -rf $(VENV) .tools .mypy_cache .ruff_cache .pytest_cache
