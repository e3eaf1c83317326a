# resguardo — developer and user entry points. Needs python3 (3.11+) with venv and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
#: what running needs (make run); the test and lint tools come only with make test and the rest
RUN_STAMP  := $(VENV)/.run-stamp
DEV_STAMP  := $(VENV)/.dev-stamp
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test check lint format typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

$(RUN_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -c constraints.txt -e .
	@touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -c constraints.txt -e '.[test,dev]'
	@touch $(DEV_STAMP) $(RUN_STAMP)

## make run: set up if needed and open the workbench on the default database (as `resguardo` does;
## the first time, its wizard picks the institution profile and offers the demo). DB=RUTA opens another.
run: $(RUN_STAMP)
	@$(BIN)/resguardo $(if $(DB),--db "$(DB)")

## make test: set up if needed and run the whole test suite.
test: $(DEV_STAMP)
	$(BIN)/python -m pytest -n auto -q

## make lint: ruff's rules, and the formatting ruff format gives (make format applies it).
lint: $(DEV_STAMP)
	$(BIN)/ruff check policy store tui tests bench
	$(BIN)/ruff format --check policy store tui tests bench

format: $(DEV_STAMP)
	$(BIN)/ruff format policy store tui tests bench

typecheck: $(DEV_STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --strict policy tui/core

## make check: lint, types and tests.
check: lint typecheck test

## make bench: the benchmarks of bench/ (they build their own data; minutes, not seconds).
bench: $(DEV_STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
