# zhicun: `make run` starts the platform with the demo district; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: run test lint format install install-test assets browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	@touch $(VENV)/.installed $@

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,bench]'
	@touch $(VENV)/.installed $(VENV)/.installed-test $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

assets: | $(BIN)/python
	$(BIN)/python scripts/fetch_assets.py

run: install assets
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python scripts/run_dev.py --port $(PORT)

browser:
	@sh scripts/ensure_chromium.sh

test: install-test assets browser
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/pytest

# Generates a city of 1,000,000 persons (and one of 100,000) in PostgreSQL once, then measures;
# BENCH_ARGS="--only search,load" runs some, "--fresh" regenerates. Needs root for apt-get.
bench: $(VENV)/.installed-bench
	@sh scripts/ensure_postgres.sh
	@sh scripts/ensure_wrk.sh
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) assets staticfiles var
