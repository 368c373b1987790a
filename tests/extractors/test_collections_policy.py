"""The collector thresholds of pipeline.yaml hold inside an extraction batch only."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from extractors.collections_policy import fewer_collections
from extractors.config import ConfigError, config_dir, load_yaml


@pytest.fixture(autouse=True)
def _fresh_config():
    """Config files are read once per process: each test here reads its own."""
    load_yaml.cache_clear()
    yield
    load_yaml.cache_clear()


def _configs_with(tmp_path: Path, line: str) -> Path:
    target = tmp_path / "configs"
    shutil.copytree(config_dir(), target)
    text = (target / "pipeline.yaml").read_text(encoding="utf-8")
    kept = "\n".join(x for x in text.splitlines() if not x.startswith("gc_thresholds:"))
    (target / "pipeline.yaml").write_text(kept + "\n" + line + "\n", encoding="utf-8")
    return target


def test_the_batch_thresholds_hold_inside_and_the_old_ones_come_back(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(_configs_with(tmp_path, "gc_thresholds: [12345, 6, 7]")))
    before = gc.get_threshold()
    with pytest.raises(RuntimeError):
        with fewer_collections():
            assert gc.get_threshold() == (12345, 6, 7)
            raise RuntimeError("a batch that fails")
    assert gc.get_threshold() == before


def test_without_thresholds_the_collector_is_left_alone(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(_configs_with(tmp_path, "")))
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == before


@pytest.mark.parametrize("bad", ["[700, 10]", "[a, b, c]", "[-1, 10, 10]", "700"])
def test_a_malformed_setting_is_named(tmp_path, monkeypatch, bad: str) -> None:
    monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(_configs_with(tmp_path, f"gc_thresholds: {bad}")))
    with pytest.raises(ConfigError, match="gc_thresholds"):
        with fewer_collections():
            pass


def test_the_shipped_setting_collects_less_often_than_python() -> None:
    with fewer_collections():
        assert gc.get_threshold()[0] > 700
