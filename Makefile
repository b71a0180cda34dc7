# sgov — every target installs what it needs into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE ?= sample_workbooks/puxing-2023

.PHONY: install test lint format demo samples goldens catalog bench bench-city fuzz clean

$(BIN)/sgov: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

install: $(BIN)/sgov

test: install
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

lint: install
	$(BIN)/ruff check selfgov_cli tests scripts
	$(BIN)/ruff format --check selfgov_cli tests scripts

format: install
	$(BIN)/ruff format selfgov_cli tests scripts
	$(BIN)/ruff check --fix selfgov_cli tests scripts

demo: install
	-$(BIN)/sgov validate $(SAMPLE)
	-$(BIN)/sgov run $(SAMPLE) -o build/demo

samples: install
	$(BIN)/python scripts/make_samples.py

goldens: install
	$(BIN)/python scripts/make_goldens.py

catalog: install
	$(BIN)/python -m selfgov_cli.rules.catalog

bench: install
	$(BIN)/python scripts/bench.py

bench-city: install
	$(BIN)/python scripts/bench.py --city

fuzz: install
	$(BIN)/python scripts/fuzz.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
