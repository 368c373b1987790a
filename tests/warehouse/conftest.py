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
