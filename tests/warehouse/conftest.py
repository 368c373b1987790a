from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from wh_helpers import TinyGazetteer, Warehouse, make_config_dir  # noqa: E402


@pytest.fixture
def gazetteer() -> TinyGazetteer:
    return TinyGazetteer()


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return make_config_dir(tmp_path)


@pytest.fixture
def wh(tmp_path: Path, config_dir: Path, gazetteer: TinyGazetteer) -> Warehouse:
    return Warehouse(tmp_path / "wh.duckdb", config_dir, gazetteer)


@pytest.fixture(scope="session")
def rounds_warehouse(corpus_dir: Path, tmp_path_factory) -> Path:
    """The seed, dev and dev2 refreshed together (rounds 1 and 2 of the expected table), built once."""
    from tests.extractors.corpus_run import extract_corpus
    from tests.warehouse.expected_match import combined_sources

    tmp = tmp_path_factory.mktemp("rounds")
    sources = combined_sources(corpus_dir, tmp / "sources.yaml", ("seed", "dev", "dev2"))
    extract_corpus(sources, tmp / "corpus.duckdb", tmp / "raw")
    return tmp / "corpus.duckdb"
