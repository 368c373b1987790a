"""Runs that must leave a record and an honest exit code, a lock taken before the work,
readers that never break a refresh, and the small things around the warehouse file
(issue 27, points 6, 8, 9 and 10)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from flows import guard
from tests.reliability.conftest import AIFACTS, ROOT, entry, run, snapshot, write_sources
from warehouse import db

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _runs(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT run_id, status, error FROM runs ORDER BY run_id").fetchall()
    finally:
        con.close()


def _cli(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*AIFACTS, *args], capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT)


def test_partial_run_exits_1_and_names_the_failed_source(env: Path, src: Path, tmp_path: Path, harness_env):
    sources = write_sources(src, [entry("vanished", path="no-such-file.txt", lang="en")])
    wh = tmp_path / "w.duckdb"
    proc = _cli(["refresh", "--sources", str(sources), "--warehouse", str(wh), "--quiet"],
                {**harness_env, "AIFACTS_CONFIG_DIR": str(env)})
    assert proc.returncode == 1, (proc.stdout, proc.stderr[-2000:])
    assert "partial" in proc.stdout and "vanished" in proc.stderr
    assert [r[1] for r in _runs(wh)] == ["partial"]


def test_a_run_that_stops_before_its_write_leaves_a_failed_runs_row(good_warehouse: Path, src: Path,
                                                                     monkeypatch):
    """A batch that cannot be spilled (injected: the disk is full) ends the run before its
    write; the run is still recorded, failed, with the error."""
    from warehouse.staging import Staging, StagingError

    def full_disk(self, documents, statements):  # noqa: ANN001
        raise StagingError(f"{self.directory}: injected: No space left on device")

    before = _runs(good_warehouse)
    monkeypatch.setattr(Staging, "add", full_disk)
    with pytest.raises(StagingError):
        run(write_sources(src, []), good_warehouse, full=True)
    monkeypatch.undo()
    after = _runs(good_warehouse)
    assert len(after) == len(before) + 1, after
    assert after[-1][1] == "failed" and "No space left on device" in after[-1][2], after[-1]


HOLDER = """
import sys, time
from pathlib import Path
from flows.guard import writer_lock
with writer_lock(Path(sys.argv[1]), wait_s=5):
    Path(sys.argv[2]).write_text("held")
    time.sleep(float(sys.argv[3]))
"""


def test_a_second_refresh_meets_the_lock_before_reading_anything(env: Path, src: Path, tmp_path: Path,
                                                                 harness_env):
    """Another process holds the writer lock: the refresh gives up with exit 3 and one clear
    line, having fetched nothing (its raw cache stays empty) and printed no traceback."""
    wh = tmp_path / "wh" / "w.duckdb"
    held = tmp_path / "held"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(wh), str(held), "120"], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while not held.exists():
            assert holder.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        started = time.monotonic()
        proc = _cli(["refresh", "--sources", str(write_sources(src, [])), "--warehouse", str(wh), "--quiet"],
                    {**harness_env, "AIFACTS_CONFIG_DIR": str(env), "AIFACTS_LOCK_WAIT": "1"})
        took = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert proc.returncode == 3, (proc.stdout, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "another refresh" in proc.stderr, proc.stderr[-2000:]
    raw = wh.parent / "raw"
    assert not raw.exists() or not any(raw.rglob("*")), "the refresh read sources before meeting the lock"
    assert took < 60, took


READER = """
import sys, time
from pathlib import Path
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SELECT count(*) FROM documents").fetchall()
Path(sys.argv[2]).write_text("open")
time.sleep(float(sys.argv[3]))
"""


def test_a_no_change_refresh_while_a_reader_has_the_warehouse_open(good_warehouse: Path, src: Path,
                                                                   tmp_path: Path):
    opened = tmp_path / "opened"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(good_warehouse), str(opened), "120"], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while not opened.exists():
            assert reader.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        result = run(write_sources(src, []), good_warehouse)
        assert reader.poll() is None, "the reader must still have the file open"
    finally:
        reader.kill()
        reader.wait(timeout=30)
    assert result.summary.status == "ok" and result.summary.unchanged == 2
    assert [r[1] for r in _runs(good_warehouse)] == ["ok", "ok"]


class _CheckpointFails:
    """A connection whose CHECKPOINT fails as on a full disk (the data already committed)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def execute(self, sql: str, *args, **kw):
        if sql.strip().upper() == "CHECKPOINT":
            raise duckdb.IOException("injected: could not write to file (No space left on device)")
        return self._con.execute(sql, *args, **kw)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def test_a_failed_checkpoint_is_a_failed_run(good_warehouse: Path, src: Path, monkeypatch):
    from warehouse.errors import WarehouseError

    before = snapshot(good_warehouse)
    real = db.connect
    monkeypatch.setattr(db, "connect", lambda *a, **kw: _CheckpointFails(real(*a, **kw)))
    (src / "extra.txt").write_text("A second note\n\nThe centre in the north adds a hall.\n", encoding="utf-8")
    with pytest.raises(WarehouseError, match="checkpoint"):
        run(write_sources(src, [entry("extra", path="extra.txt", lang="en")]), good_warehouse)
    monkeypatch.undo()
    after = snapshot(good_warehouse)
    assert {t: v for t, v in after.items() if t != "runs"} == {t: v for t, v in before.items() if t != "runs"}, \
        "the run that could not be checkpointed was swapped in"
    assert [r[1] for r in _runs(good_warehouse)] == ["ok", "failed"]
    assert "checkpoint" in _runs(good_warehouse)[-1][2]


def test_warehouse_files_are_the_owners_alone(good_warehouse: Path):
    for path in [good_warehouse, *good_warehouse.parent.glob(good_warehouse.name + ".wal")]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, oct(path.stat().st_mode)


def test_the_hold_hook_does_nothing_outside_tests(tmp_path: Path, monkeypatch):
    hold = tmp_path / "hold"
    hold.write_text("x")
    monkeypatch.setenv(guard.HOLD_ENV, str(hold))
    monkeypatch.delenv(guard.UNDER_TEST_ENV, raising=False)
    worker = threading.Thread(target=guard.hold_point, daemon=True)
    worker.start()
    worker.join(timeout=2)
    assert not worker.is_alive(), "the test hook held a run outside pytest"


def test_spill_folders_of_runs_that_are_gone_are_removed_at_the_next_start(good_warehouse: Path, src: Path):
    """One left by a killed process, one whose process id is alive again (pid 1 here): with
    the writer lock held, neither can belong to a live refresh of this warehouse."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftovers = [good_warehouse.parent / f".{good_warehouse.name}.staging-{int(dead.stdout)}-abc123",
                 good_warehouse.parent / f".{good_warehouse.name}.staging-1-def456"]
    for path in leftovers:
        path.mkdir()
        (path / "blocks-000000.parquet").write_bytes(b"PAR1")
    run(write_sources(src, []), good_warehouse)
    assert not [p for p in leftovers if p.exists()]


def test_a_changed_trust_with_unchanged_bytes_is_read_again(good_warehouse: Path, src: Path):
    sources = write_sources(src, [])
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("trust: press", "trust: official", 1), encoding="utf-8")
    result = run(sources, good_warehouse)
    assert result.summary.fetched == 1 and result.summary.unchanged == 1
    con = duckdb.connect(str(good_warehouse), read_only=True)
    try:
        trusts = {r[0] for r in con.execute(
            "SELECT trust FROM documents WHERE source_name = 'good_txt' AND status = 'ok'").fetchall()}
    finally:
        con.close()
    assert "official" in trusts


def test_temporary_prefect_servers_of_two_warehouses_never_share_a_database(tmp_path: Path, monkeypatch):
    """Point 10: concurrent ephemeral runs under one HOME failed on one SQLite file."""
    from flows.runner import ephemeral_database
    from flows.settings import Settings

    for name in ("PREFECT_SERVER_DATABASE_CONNECTION_URL", "PREFECT_API_DATABASE_CONNECTION_URL"):
        monkeypatch.delenv(name, raising=False)
    first = ephemeral_database(Settings.resolve(sources="s.yaml", warehouse=tmp_path / "a" / "one.duckdb"))
    second = ephemeral_database(Settings.resolve(sources="s.yaml", warehouse=tmp_path / "b" / "one.duckdb"))
    third = ephemeral_database(Settings.resolve(sources="s.yaml", warehouse=tmp_path / "a" / "two.duckdb"))
    assert len({first, second, third}) == 3
    assert first == f"sqlite+aiosqlite:///{tmp_path / 'a' / '.prefect' / 'one.sqlite'}"
    assert (tmp_path / "a" / ".prefect").is_dir()
    monkeypatch.setenv("PREFECT_SERVER_DATABASE_CONNECTION_URL", "sqlite+aiosqlite:////elsewhere.db")
    assert ephemeral_database(Settings.resolve(sources="s.yaml", warehouse=tmp_path / "one.duckdb")) is None
