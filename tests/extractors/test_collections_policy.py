"""The collector thresholds of pipeline.yaml hold from a process's first batch on."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from common.paths import config_dir
from extractors.collections_policy import fewer_collections
from extractors.config import ConfigError, load_yaml


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


@pytest.fixture()
def _thresholds_back():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_the_batch_thresholds_hold_inside_and_after(tmp_path, monkeypatch, _thresholds_back) -> None:
    monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(_configs_with(tmp_path, "gc_thresholds: [12345, 6, 7]")))
    gc.set_threshold(700, 10, 10)
    with pytest.raises(RuntimeError):
        with fewer_collections():
            assert gc.get_threshold() == (12345, 6, 7)
            raise RuntimeError("a batch that fails")
    # not restored: the end of each batch would collect all the batch left alive
    assert gc.get_threshold() == (12345, 6, 7)


def test_without_thresholds_the_collector_is_left_alone(tmp_path, monkeypatch, _thresholds_back) -> None:
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


def test_the_shipped_setting_collects_less_often_than_python(_thresholds_back) -> None:
    with fewer_collections():
        assert gc.get_threshold()[0] > 700


def test_reading_a_batch_runs_under_the_batch_thresholds(tmp_path, monkeypatch, _thresholds_back) -> None:
    from flows import steps

    monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(_configs_with(tmp_path, "gc_thresholds: [23456, 7, 8]")))
    seen = []
    monkeypatch.setattr(steps, "read_one", lambda spec, cache_dir, previous: seen.append(gc.get_threshold()))
    steps.read_batch(["a", "b"], tmp_path, [None, None])
    assert seen == [(23456, 7, 8)] * 2


@pytest.mark.parametrize("setting, frozen", [("gc_freeze_built: true", True), ("gc_freeze_built: false", False)])
def test_what_is_built_is_frozen_unless_turned_off(tmp_path, monkeypatch, setting: str, frozen: bool) -> None:
    from extractors.collections_policy import keep_built

    target = _configs_with(tmp_path, "gc_thresholds: [50000, 20, 100]")
    text = (target / "pipeline.yaml").read_text(encoding="utf-8")
    kept = "\n".join(x for x in text.splitlines() if not x.startswith("gc_freeze_built:"))
    (target / "pipeline.yaml").write_text(kept + "\n" + setting + "\n", encoding="utf-8")
    monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(target))
    gc.unfreeze()
    built = [{"a gazetteer entry": [n]} for n in range(1000)]
    try:
        assert keep_built() is frozen
        assert (gc.get_freeze_count() >= len(built)) is frozen
    finally:
        gc.unfreeze()


def test_a_built_pipeline_has_its_gazetteer_built_and_frozen() -> None:
    from extractors import places
    from extractors.pipeline import build_pipeline

    build_pipeline.cache_clear()
    places.clear_caches()
    gc.unfreeze()
    try:
        build_pipeline("en")
        assert any(key[0] == "en" for key in places._PATTERNS)  # built by the warm-up, not by the first batch
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()
