"""Which Prefect task runner a refresh uses, chosen in `configs/runtime.yaml`.

The flow is decorated with `ConfiguredTaskRunner`, a stand-in that reads the config only
when a flow run starts (Prefect calls `duplicate()` then), so importing the flow reads
nothing and every caller (CLI, `aifacts serve`, a deployment) gets the same choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from common import yaml_files
from common.paths import config_dir

RUNNER_KINDS = ("threads", "dask")
_DASK_KEYS = {"address", "n_workers", "threads_per_worker", "processes"}


class RuntimeConfigError(ValueError):
    """runtime.yaml is unreadable or names an unknown runner or key; the message says which."""


@dataclass(frozen=True, slots=True)
class RunnerConfig:
    kind: str = "threads"
    max_workers: int | None = None
    dask_address: str | None = None
    n_workers: int = 2
    threads_per_worker: int = 1
    processes: bool = True

    @property
    def batches_in_flight(self) -> int:
        """Batches submitted before the oldest is collected: one per Dask worker thread; one
        with the thread pool, where batches would only contend for the GIL (each batch
        already fetches its sources in parallel)."""
        return max(1, self.n_workers * self.threads_per_worker) if self.kind == "dask" else 1


def load_runtime(directory: Path | None = None) -> RunnerConfig:
    """The task-runner choice; a missing runtime.yaml means the default thread pool."""
    path = (directory or config_dir()) / "runtime.yaml"
    return _load(str(path), path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=8)
def _load(path: str, _mtime: int) -> RunnerConfig:
    """Cached per file version, so a long-running `aifacts serve` sees an edited file."""
    p = Path(path)
    if not p.exists():
        return RunnerConfig()
    try:
        data = yaml_files.parse(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RuntimeConfigError(f"{p}: cannot be read: {exc}") from exc
    section = data.get("task_runner") or {}
    if not isinstance(section, dict):
        raise RuntimeConfigError(f"{p}: 'task_runner' must be a mapping")
    unknown = set(section) - {"kind", "max_workers", "dask"}
    if unknown:
        raise RuntimeConfigError(f"{p}: unknown key(s) under task_runner: {sorted(unknown)}")
    kind = section.get("kind", "threads")
    if kind not in RUNNER_KINDS:
        raise RuntimeConfigError(f"{p}: task_runner.kind {kind!r} is not one of {RUNNER_KINDS}")
    dask = section.get("dask") or {}
    if not isinstance(dask, dict) or set(dask) - _DASK_KEYS:
        raise RuntimeConfigError(f"{p}: task_runner.dask accepts only {sorted(_DASK_KEYS)}")
    try:
        return RunnerConfig(kind=kind, max_workers=_opt_int(section.get("max_workers")),
                            dask_address=dask.get("address"), n_workers=int(dask.get("n_workers", 2)),
                            threads_per_worker=int(dask.get("threads_per_worker", 1)),
                            processes=bool(dask.get("processes", True)))
    except (TypeError, ValueError) as exc:
        raise RuntimeConfigError(f"{p}: a worker count is not an integer: {exc}") from exc


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def make_task_runner(cfg: RunnerConfig | None = None) -> TaskRunner:
    """A fresh runner for one flow run."""
    cfg = cfg or load_runtime()
    if cfg.kind == "threads":
        return ThreadPoolTaskRunner(max_workers=cfg.max_workers)
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise RuntimeConfigError("runtime.yaml selects the dask task runner but prefect-dask is not installed "
                                 "(pip install prefect-dask)") from exc
    if cfg.dask_address:
        return DaskTaskRunner(address=cfg.dask_address)
    return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                          cluster_kwargs={"n_workers": cfg.n_workers, "threads_per_worker": cfg.threads_per_worker,
                                          "processes": cfg.processes, "dashboard_address": None})


class ConfiguredTaskRunner(ThreadPoolTaskRunner):
    """Placeholder on the flow definition; each run gets the runner runtime.yaml names."""

    def duplicate(self) -> TaskRunner:  # type: ignore[override]
        return make_task_runner()
