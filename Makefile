# The two commands of the README: `make run` and `make test` (both set up .venv first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

# The Spark build's test tier (tests/spark/) needs PySpark besides Java (.ci/run installs it).
$(VENV)/.spark-installed: requirements-spark.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-spark.txt
	touch $@

.PHONY: setup run test lint bench sample screenshots
setup: $(BIN)/activate

run: setup
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: setup $(VENV)/.spark-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup --durations=30

lint: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

sample: setup
	rm -rf data/sample
	$(BIN)/python -m scoring generate --out data/sample --tickets 60000 --agents 60 --teams 6 --months 12 --seed 2026 --bad-rows

# Every page in both languages, on the sample and an imported helpdesk export, into docs/.
screenshots: setup
	SPD_SCREENSHOT_DIR=docs/screenshots $(BIN)/python -m pytest -q tests/browser/test_every_page_browser.py

bench: setup
	$(BIN)/python bench/bench_generate.py --tickets 10000000
	$(BIN)/python bench/bench_scoring.py
	$(BIN)/python bench/bench_pages.py
	$(BIN)/python bench/bench_whatif.py
