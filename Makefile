# Everything a fresh machine needs goes through these targets; see README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080

.PHONY: install serve test lint typecheck unit emulator models lock clean bench bench-deps test-deps soak deploy-deps bundles package package-size deploy-aws secrets-baseline schemathesis checkov-deps

install: $(VENV)/.installed

# The project itself goes in editable, without dependencies (the lock has them), for the serverless-ml command.
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

serve: install
	HOST=127.0.0.1 PORT=$(PORT) $(BIN)/python -m handlers.cloud_run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# System tools the tests run, installed with apt when missing: wrk (the soak smoke test), chromium (the
# headless check that the HTML charts draw).
test-deps:
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

unit: install test-deps deploy-deps checkov-deps
	$(BIN)/python -m pytest -q

# checkov, the deploy files' security scanner (tests/deploy/test_checkov.py), in a venv of its own: it pins its
# dependencies, which would clash with requirements.lock. requirements/checkov.lock holds every exact pin.
CHECKOV_VENV := .venv-checkov
checkov-deps: $(CHECKOV_VENV)/.installed

$(CHECKOV_VENV)/.installed: requirements/checkov.lock
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements/checkov.lock
	touch $@

# Rescan for credentials into .secrets.baseline, keeping the reviewed labels; then review what is new with
# `.venv/bin/detect-secrets audit .secrets.baseline` (tests/reliability/test_secrets.py fails until it is).
secrets-baseline: install
	$(BIN)/detect-secrets scan --all-files --baseline .secrets.baseline \
	  --exclude-files '^(data/.*\.csv(\.gz)?|tests/reference/.*\.csv)$$' \
	  --exclude-lines '"sha256": "[0-9a-f]{64}"' --exclude-secrets '^iVBORw0KGgo' \
	  $$(git ls-files --cached --others --exclude-standard)

# The Cloud Run server under wrk, 60 s at 64 connections, valid and invalid requests; fails on any 5xx,
# socket error, lost log line or RSS growth >= 10 %; records the figures in docs/benchmarks.md.
soak: install test-deps
	$(BIN)/python -m bench.soak --duration 60 --connections 64 --record

# The emulator replays the recorded-event corpus and checks every platform answers alike (docs: README.md).
emulator: install
	$(BIN)/python -m emulator replay
	$(BIN)/python -m emulator parity --config serverless.yml

test: lint typecheck emulator unit

# The OpenAPI document against a real server, every schemathesis check on, 300 examples per operation (about
# five minutes); make test runs the same test with fewer examples (tests/handlers/test_schemathesis.py).
schemathesis: install
	SCHEMATHESIS_EXAMPLES=300 SCHEMATHESIS_ANALYSES_EXAMPLES=300 $(BIN)/python -m pytest -q tests/handlers/test_schemathesis.py

# Benchmarks (docs/benchmarks.md), side by side with the R plumber service from ../shared/peers when it is
# there: `make bench`, or `make bench BENCH_ARGS=--quick` for a smoke run. Our modules are byte-compiled
# first, as the Docker image and the Lambda bundles ship them.
bench-deps:
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	@if [ -d ../shared/peers/r-plumber ] && ! Rscript -e 'for (p in c("plumber", "mlbench", "tidytext", "ggplot2", "dslabs", "dplyr", "lubridate")) library(p, character.only = TRUE)' >/dev/null 2>&1; then \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends r-base-core r-cran-plumber r-cran-mlbench \
	    r-cran-tidytext r-cran-ggplot2 r-cran-dslabs r-cran-dplyr r-cran-tidyr r-cran-lubridate; fi

bench: install deploy-deps bench-deps
	$(BIN)/python -m compileall -q core handlers emulator main.py
	$(BIN)/python deploy/lambda_package.py
	$(BIN)/python -m bench $$([ -d ../shared/peers/r-plumber ] && echo --r-peer) $(BENCH_ARGS)

models: install
	$(BIN)/python -m core.prediction.training

# Deployment tooling: osls (the Serverless Framework v3 fork) and serverless-python-requirements, as
# pinned by package-lock.json; the tests package the Lambda functions with them, offline.
deploy-deps: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Each deployment's pinned requirements (requirements/*.txt, requirements.txt) from requirements.lock.
bundles: install
	$(BIN)/python deploy/bundles.py

# The Lambda bundles from a real `serverless package` (no AWS credentials needed), and each function's
# zipped and unzipped size; fails above Lambda's 250 MB. Needs CPython 3.12, Lambda's runtime.
package package-size: install deploy-deps
	$(BIN)/python deploy/lambda_package.py

# Deploy to AWS with the credentials of the environment: make deploy-aws STAGE=prod [ACCESS=public]
STAGE ?= dev
ACCESS ?= iam
deploy-aws: install deploy-deps
	$(BIN)/python deploy/lambda_package.py --deploy $(STAGE) -- --param=access=$(ACCESS)

lock:
	rm -rf /tmp/serverless-ml-lock && $(PYTHON) -m venv /tmp/serverless-ml-lock
	/tmp/serverless-ml-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Generated by 'make lock' from requirements.in with $$($(PYTHON) --version); do not edit by hand."; \
	  /tmp/serverless-ml-lock/bin/pip freeze --all --exclude pip --exclude setuptools --exclude wheel; } > requirements.lock
	/tmp/serverless-ml-lock/bin/python deploy/bundles.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
