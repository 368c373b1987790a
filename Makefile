# aifacts: `make run` and `make test` work on a fresh machine (they create .venv and install).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# the compiled relation rules (extractors/native.py): rebuilt when an extractor source changed;
# a machine without a C compiler runs the Python sources instead
NATIVE := extractors/native.json

.PHONY: install native run test eval bench bench-quick clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev,dask,native]'
	touch $(STAMP)

$(NATIVE): $(STAMP) configs/native.yaml $(wildcard extractors/*.py)
	$(BIN)/python -m extractors.build_native

install: $(STAMP) $(NATIVE)

native: $(STAMP)
	$(BIN)/python -m extractors.build_native --force

run: $(STAMP) $(NATIVE)
	$(BIN)/aifacts refresh --quiet
	$(BIN)/aifacts factories

# one pytest worker per core, each test file on one worker (its module fixtures built once)
TEST_WORKERS ?= auto

test: $(STAMP) $(NATIVE)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

eval: $(STAMP) $(NATIVE)
	$(BIN)/aifacts refresh --quiet --sources ../shared/corpus/dev/sources.yaml --warehouse data/dev.duckdb
	$(BIN)/aifacts eval ../shared/corpus/dev/gold.jsonl --warehouse data/dev.duckdb

bench: $(STAMP) $(NATIVE)
	$(BIN)/python -m flows.bench --out data/bench.json --scales 1,10,100,1000 --workers 2

bench-quick: $(STAMP) $(NATIVE)
	$(BIN)/python -m flows.bench --out data/bench-quick.json --scales 1,10,100 --workers 2

clean:
	rm -rf data/*.duckdb data/raw data/bench*.json $(NATIVE) extractors/*.so
