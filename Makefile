# aifacts: `make run` and `make test` work on a fresh machine (they create .venv and install).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test eval bench bench-quick clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev,dask]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/aifacts refresh --quiet
	$(BIN)/aifacts factories

test: $(STAMP)
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/aifacts refresh --quiet --sources ../shared/corpus/dev/sources.yaml --warehouse data/dev.duckdb
	$(BIN)/aifacts eval ../shared/corpus/dev/gold.jsonl --warehouse data/dev.duckdb

bench: $(STAMP)
	$(BIN)/python -m flows.bench --out data/bench.json --scales 1,10,100,1000 --workers 2

bench-quick: $(STAMP)
	$(BIN)/python -m flows.bench --out data/bench-quick.json --scales 1,10,100 --workers 2

clean:
	rm -rf data/*.duckdb data/raw data/bench*.json
