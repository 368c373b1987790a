"""The Dask task runner (prefect-dask) produces the same warehouse as the default thread pool."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from flows.runners import (ConfiguredTaskRunner, RunnerConfig, RuntimeConfigError, load_runtime,
                           make_task_runner)

ROOT = Path(__file__).resolve().parents[2]


def _subset(corpus_dir: Path, dest: Path, per_kind: dict[str, int]) -> Path:
    """A few dev documents of each kind, copied beside their own sources file."""
    entries = yaml.safe_load((corpus_dir / "dev" / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    picked, left = [], dict(per_kind)
    for e in entries:
        if left.get(e.get("kind"), 0) > 0:
            left[e["kind"]] -= 1
            picked.append(e)
            shutil.copy(corpus_dir / "dev" / e["path"], dest / e["path"])
    (dest / "sources.yaml").write_text(yaml.safe_dump({"sources": picked}, allow_unicode=True), encoding="utf-8")
    return dest / "sources.yaml"


def _configs_with_runner(tmp_path: Path, runner: dict) -> Path:
    cfg = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", cfg)
    (cfg / "runtime.yaml").write_text(yaml.safe_dump({"task_runner": runner}), encoding="utf-8")
    return cfg


def _factories(path: Path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT * EXCLUDE (updated_run) FROM factories ORDER BY factory_id").fetchall()
    finally:
        con.close()


@pytest.mark.usefixtures("prefect_harness")
def test_dask_local_cluster_builds_the_same_warehouse(corpus_dir: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch):
    pytest.importorskip("prefect_dask")
    from prefect_dask import DaskTaskRunner

    from flows.refresh import refresh

    src = tmp_path / "src"
    src.mkdir()
    sources = _subset(corpus_dir, src, {"html": 2, "text": 3, "pdf": 1})

    monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(_configs_with_runner(tmp_path, {"kind": "threads"})))
    assert type(ConfiguredTaskRunner().duplicate()).__name__ == "ThreadPoolTaskRunner"
    threads = refresh(sources=str(sources), warehouse=str(tmp_path / "threads.duckdb"))

    monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(_configs_with_runner(
        tmp_path / "d", {"kind": "dask", "dask": {"n_workers": 2, "threads_per_worker": 1, "processes": False}})))
    assert isinstance(ConfiguredTaskRunner().duplicate(), DaskTaskRunner)
    dask = refresh(sources=str(sources), warehouse=str(tmp_path / "dask.duckdb"))

    assert threads.summary.fetched == dask.summary.fetched == 6
    rows = _factories(tmp_path / "threads.duckdb")
    assert rows, "the subset should yield at least one factory"
    assert _factories(tmp_path / "dask.duckdb") == rows


def test_missing_runtime_file_means_threads(tmp_path: Path):
    assert load_runtime(tmp_path) == RunnerConfig()
    assert type(make_task_runner(RunnerConfig())).__name__ == "ThreadPoolTaskRunner"


@pytest.mark.parametrize("runner, problem", [
    ({"kind": "ray"}, "not one of"),
    ({"kind": "threads", "workers": 3}, "unknown key"),
    ({"kind": "dask", "dask": {"n_workers": "many"}}, "not an integer"),
])
def test_bad_runtime_file_is_named(tmp_path: Path, runner: dict, problem: str):
    (tmp_path / "runtime.yaml").write_text(yaml.safe_dump({"task_runner": runner}), encoding="utf-8")
    with pytest.raises(RuntimeConfigError, match=problem) as err:
        load_runtime(tmp_path)
    assert "runtime.yaml" in str(err.value)


def test_the_shipped_runtime_file_is_valid():
    assert load_runtime(ROOT / "configs").kind in ("threads", "dask")
