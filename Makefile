# Two commands set up everything: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test check lint typecheck pytest fuzz bench catalog clean

$(STAMP): pyproject.toml scripts/system-packages
	scripts/system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/beoordeling demo -o demo-output

test: check

check: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy tests
	$(BIN)/mypy bench

pytest: $(STAMP)
	$(BIN)/python -m pytest

# After adding or changing a message: gather it into the Dutch catalog, translate it there, compile.
catalog: $(STAMP)
	scripts/catalog update
	scripts/catalog check
	scripts/catalog compile

# The fuzz suite runs in `make test` on a fixed budget; this runs twenty times as many cases, freshly random.
fuzz: $(STAMP)
	BEOORDELING_FUZZ=long $(BIN)/python -m pytest -q tests/test_fuzz.py

bench: $(STAMP)
	$(BIN)/python bench/store_append.py
	$(BIN)/python bench/criteria_eval.py
	$(BIN)/python bench/workflow_walk.py
	$(BIN)/python bench/workbook_read.py
	$(BIN)/python bench/letters_render.py
	$(BIN)/python bench/letters_memory.py
	$(BIN)/python bench/overview_write.py
	$(BIN)/python bench/hostile_inputs.py
	$(BIN)/python bench/cli_start.py
	$(BIN)/python bench/budget_postings.py
	$(BIN)/python bench/books_fresh.py
	$(BIN)/python bench/stats_quarter.py
	$(BIN)/python bench/rules_impact.py
	$(BIN)/python bench/web_load.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
