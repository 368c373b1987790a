"""Fixtures for the reliability suite: a sources folder with two good documents from the
dev corpus, a config copy with short network limits, and a refresh that reports what
ended up in the warehouse."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import duckdb
import psutil
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GOOD = {  # name -> dev corpus file; small, and each yields factories
    "good_txt": "d010_dedep-transformative-step.txt",
    "good_html": "d001_first-seven.html",
}
# Faster failure than production: one attempt, short timeouts; a small page cap.
LIMITS = {"fetch": {"timeout_seconds": 1, "retries": 0, "backoff_seconds": 0, "deadline_seconds": 4},
          "pdf": {"max_pages": 5, "max_seconds": 30}}


@pytest.fixture(scope="session")
def rel_config(tmp_path_factory) -> Path:
    """A copy of configs/ whose ingest limits are LIMITS; one copy per session so the
    extraction pipelines (cached per config folder) are built once."""
    target = tmp_path_factory.mktemp("rel") / "configs"
    shutil.copytree(ROOT / "configs", target)
    ingest = yaml.safe_load((target / "ingest.yaml").read_text(encoding="utf-8"))
    for section, values in LIMITS.items():
        ingest[section].update(values)
    (target / "ingest.yaml").write_text(yaml.safe_dump(ingest, allow_unicode=True), encoding="utf-8")
    return target


@pytest.fixture()
def env(rel_config: Path, monkeypatch) -> Path:
    monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(rel_config))
    return rel_config


@pytest.fixture()
def src(tmp_path: Path, corpus_dir: Path) -> Path:
    """The folder of the sources file, with the good documents copied in."""
    folder = tmp_path / "src"
    folder.mkdir()
    for file in GOOD.values():
        shutil.copyfile(corpus_dir / "dev" / file, folder / file)
    return folder


def entry(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "publisher": "Reliability test", "trust": "press", **fields}


def write_sources(folder: Path, extra: list[dict[str, Any]], *, good: bool = True) -> Path:
    entries = [entry(n, path=f, lang="en") for n, f in GOOD.items()] if good else []
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": entries + extra}, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Outcome:
    """What a run left in the warehouse, by source name."""

    documents: dict[str, tuple[str, str | None]]
    statements: dict[str, int]
    factories: int
    blocks: dict[str, list[str]]

    def error(self, name: str) -> str:
        status, error = self.documents[name]
        assert status == "error", f"{name} was {status}, expected an error row"
        assert error and repr(name) in error, f"the error must name the source: {error!r}"
        return error

    def assert_good_loaded(self) -> None:
        for name in GOOD:
            assert self.documents.get(name, ("missing",))[0] == "ok", self.documents
            assert self.statements.get(name, 0) > 0, f"no statements from {name}"
        assert self.factories > 0


def outcome(warehouse: Path) -> Outcome:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        docs = {r[0]: (r[1], r[2]) for r in con.execute(
            "SELECT source_name, status, error FROM documents ORDER BY fetched_at").fetchall()}
        stmts = dict(con.execute("""SELECT d.source_name, count(*) FROM statements s
                                    JOIN documents d USING (doc_id) GROUP BY 1""").fetchall())
        factories = con.execute("SELECT count(*) FROM factories").fetchall()[0][0]
        blocks: dict[str, list[str]] = {}
        for name, text in con.execute("""SELECT d.source_name, b.text FROM blocks b
                                         JOIN documents d USING (doc_id) ORDER BY d.source_name, b.block""").fetchall():
            blocks.setdefault(name, []).append(text)
    finally:
        con.close()
    return Outcome(docs, stmts, factories, blocks)


def run(sources_file: Path, warehouse: Path, **kw: Any):
    """One real refresh flow in-process (under the session's Prefect test harness)."""
    from flows.refresh import refresh

    return refresh(sources=str(sources_file), warehouse=str(warehouse), **kw)


@pytest.fixture()
def refresh_with(env: Path, src: Path, tmp_path: Path, prefect_harness):
    """Refresh the good sources plus `extra` entries; returns (result, Outcome)."""
    def go(extra: list[dict[str, Any]]):
        wh = tmp_path / "wh" / "w.duckdb"
        result = run(write_sources(src, extra), wh)
        return result, outcome(wh)
    return go


_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _high_water() -> int | None:
    """The kernel's peak resident size of this process (VmHWM), in bytes, where Linux gives it."""
    try:
        found = re.search(r"^VmHWM:\s+(\d+) kB", _STATUS.read_text(), re.M)
    except OSError:
        return None
    return int(found.group(1)) * 1024 if found else None


class PeakRss:
    """This process's peak resident memory over a block. ru_maxrss is a lifetime
    high-water mark that an earlier test may already have set; on Linux the kernel's mark
    is reset on entry (/proc/self/clear_refs) and read on exit, which sees a spike however
    short. A sampling thread stands in elsewhere, and it cannot see a spike that lasts
    while the main thread holds the GIL (reading and decoding a file whole does)."""

    def __init__(self, interval_s: float = 0.005) -> None:
        self._proc = psutil.Process()
        self._interval = interval_s
        self._stop = threading.Event()
        try:
            _CLEAR_REFS.write_text("5")
            self._kernel = _high_water() is not None
        except OSError:
            self._kernel = False
        self.base = self._proc.memory_info().rss
        self.peak = self.base
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            time.sleep(self._interval)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self._kernel:
            self.peak = max(self.peak, _high_water() or 0)

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.base) / 2**20


@pytest.fixture()
def harness_env(prefect_harness) -> dict[str, str]:
    """Environment for an `aifacts` subprocess that talks to the harness's Prefect server
    instead of starting an ephemeral one of its own (which takes tens of seconds)."""
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ)
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    env["COLUMNS"] = "400"  # rich wraps stderr at 80 columns otherwise
    return env


AIFACTS = [str(ROOT / ".venv" / "bin" / "aifacts")]


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """The user-facing tables, sorted, to compare a warehouse before and after a fault."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = ["documents", "statements", "factories", "factory_values", "conflicts", "runs"]
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        con.close()


@pytest.fixture()
def good_warehouse(env: Path, src: Path, tmp_path: Path, prefect_harness) -> Iterator[Path]:
    """A warehouse holding one good run of the good sources."""
    wh = tmp_path / "good" / "w.duckdb"
    result = run(write_sources(src, []), wh)
    assert result.summary.status == "ok"
    yield wh
