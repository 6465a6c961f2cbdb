# snab: one uv workspace; everything runs from .venv, created on first use.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Compiled bytecode of every dependency is written once, at install: a machine that sets
# PYTHONDONTWRITEBYTECODE would otherwise compile sqlalchemy & co. in every process start.
export UV_COMPILE_BYTECODE := 1

.PHONY: run test lint format contracts env-example bench bench-bus bench-cluster compile clean-data help

help:
	@echo "make run        start the whole system (embedded NATS and PostgreSQL under .data/)"
	@echo "make test       run every test against real servers"
	@echo "make lint       ruff and mypy"
	@echo "make contracts  export JSON Schema of every message to libs/contracts/schemas"
	@echo "make env-example  write .env.example from the settings classes"
	@echo "make bench      the whole pipeline: start time, throughput, latency, memory"
	@echo "make bench-bus  durable bus throughput against raw NATS"
	@echo "make bench-cluster  1 vs 2 replicas of parser and orders, one NATS vs a 3-node cluster"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock $(wildcard libs/*/pyproject.toml services/*/pyproject.toml)
	$(UV) sync --python $(PYTHON)
	@touch $@

# The project's own modules, compiled the same way (only what changed since the last time).
compile: $(VENV)/.synced
	@$(VENV)/bin/python -m compileall -q -j 0 libs services deploy/local tests bench > /dev/null

run: compile
	$(VENV)/bin/python deploy/local/run.py

test: compile
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy libs/*/src services/*/src deploy/local bench
	$(VENV)/bin/python deploy/local/envdoc.py --check

format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

contracts: $(VENV)/.synced
	$(VENV)/bin/python -m snab_contracts export libs/contracts/schemas

# After adding or changing a setting: regenerate .env.example and commit it.
env-example: $(VENV)/.synced
	$(VENV)/bin/python deploy/local/envdoc.py

bench: compile
	$(VENV)/bin/python bench/pipeline.py $(BENCH_ARGS)

bench-bus: $(VENV)/.synced
	$(VENV)/bin/python libs/kit/bench/bus_throughput.py

bench-cluster: compile
	$(VENV)/bin/python bench/cluster.py $(BENCH_ARGS)

clean-data:
	rm -rf .data
