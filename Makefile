# JobBridge: `make run` serves the site with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install migrate seed bench lint clean wheel

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/jobbridge db upgrade

seed: migrate
	$(BIN)/jobbridge seed --demo

run: seed
	@echo "就业桥 JobBridge: http://127.0.0.1:8000  (demo accounts: see README)"
	$(BIN)/jobbridge serve --host 127.0.0.1 --port 8000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/bench_vacancies.py
	$(BIN)/python bench/bench_matching.py

lint: install
	$(BIN)/ruff check .

wheel:
	$(PYTHON) -m pip wheel . --no-deps -w dist

clean:
	rm -rf $(VENV) build dist *.egg-info
