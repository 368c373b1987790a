"""Faults during the write: the run fails cleanly and the previous warehouse survives."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import duckdb
import pytest

from flows.guard import WarehouseLocked, writer_lock
from tests.reliability.conftest import ROOT, entry, run, snapshot, write_sources

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _with_new_source(src: Path) -> Path:
    """The same good sources plus one more, so the next run has something to write."""
    (src / "extra.txt").write_text("A second note on computing\n\nThe centre in the north adds a "
                                   "new hall for researchers next year.\n", encoding="utf-8")
    return write_sources(src, [entry("extra", path="extra.txt", lang="en")])


def _new_run_statuses(warehouse: Path, before: dict) -> list[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        old = max((r[0] for r in before["runs"]), default=0)
        return [r[0] for r in con.execute("SELECT status FROM runs WHERE run_id > ? ORDER BY run_id",
                                          [old]).fetchall()]
    finally:
        con.close()


class _FailingConnection:
    """A DuckDB connection whose statement inserts fail as a full or broken disk would."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def execute(self, sql: str, *args, **kw):
        if "INSERT INTO statements" in " ".join(sql.split()):
            raise duckdb.IOException("injected: could not write block (No space left on device)")
        return self._con.execute(sql, *args, **kw)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def test_write_error_in_duckdb_fails_the_run_and_keeps_the_marts(good_warehouse: Path, src: Path, monkeypatch):
    from warehouse import db

    before = snapshot(good_warehouse)
    real = db.connect
    monkeypatch.setattr(db, "connect", lambda path, read_only=False: real(path, read_only) if read_only
                        else _FailingConnection(real(path, read_only)))
    with pytest.raises(Exception) as err:
        run(_with_new_source(src), good_warehouse, full=True)
    assert "injected" in str(err.value) or "injected" in repr(err.value.__cause__)
    monkeypatch.setattr(db, "connect", real)
    after = snapshot(good_warehouse)
    for table in ("documents", "statements", "factories", "factory_values", "conflicts"):
        assert after[table] == before[table], table
    assert _new_run_statuses(good_warehouse, before) in ([], ["failed"]), "the run is recorded as failed or not at all"
    assert not list(good_warehouse.parent.glob(".*.writing")), "the shadow copy is cleaned up"


@pytest.fixture()
def tiny_mount(tmp_path: Path, good_warehouse: Path):
    """A tmpfs 1 MB larger than the good warehouse: room for it, not for a second copy.
    Needs root and a kernel that lets this process mount."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    size_kb = good_warehouse.stat().st_size // 1024 + 1024
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(mnt)],
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot run mount: {exc}")
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True, timeout=10)


def test_full_disk_fails_the_run_and_keeps_the_warehouse(good_warehouse: Path, src: Path, tiny_mount: Path):
    wh = tiny_mount / "w.duckdb"
    shutil.copyfile(good_warehouse, wh)
    before, digest = snapshot(wh), _digest(wh)
    filler = tiny_mount / "filler"
    with filler.open("wb") as fh:  # leave less room than one more copy of the warehouse
        try:
            fh.write(b"\0" * (2 * 2**20))
        except OSError:
            pass
    with pytest.raises(Exception) as err:
        run(_with_new_source(src), wh, full=True)
    assert "space" in str(err.value).lower() or "space" in repr(err.value.__cause__).lower()
    assert _digest(wh) == digest
    assert snapshot(wh) == before


def test_read_only_warehouse_folder_fails_cleanly(good_warehouse: Path, src: Path, tiny_mount: Path):
    wh = tiny_mount / "w.duckdb"
    shutil.copyfile(good_warehouse, wh)
    digest = _digest(wh)
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_mount)], check=True, timeout=10)
    with pytest.raises(OSError):
        run(_with_new_source(src), wh, full=True)
    assert _digest(wh) == digest


def test_second_refresh_waits_then_gives_up_while_one_is_writing(good_warehouse: Path, src: Path, monkeypatch):
    """The lock is held by another thread (another writer: a context of its own)."""
    monkeypatch.setenv("AIFACTS_LOCK_WAIT", "0.5")
    digest = _digest(good_warehouse)
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with writer_lock(good_warehouse, wait_s=1):
            held.set()
            release.wait(60)

    thread = threading.Thread(target=holder, daemon=True)
    thread.start()
    try:
        assert held.wait(30)
        with pytest.raises(WarehouseLocked) as err:
            run(_with_new_source(src), good_warehouse)
    finally:
        release.set()
        thread.join(30)
    assert str(good_warehouse) in str(err.value)
    assert _digest(good_warehouse) == digest


KILLED_WRITER = """
import sys, time
from pathlib import Path
from flows import steps
from flows.settings import Settings
from warehouse import load

marker = Path(sys.argv[3])
real_insert = load.insert_documents
def insert_then_hang(*a, **kw):
    real_insert(*a, **kw)
    marker.write_text("writing")
    time.sleep(120)
load.insert_documents = insert_then_hang
settings = Settings.resolve(sources=sys.argv[1], warehouse=sys.argv[2], full=True)
specs = steps.load_sources(settings)
reads = [steps.read_one(s, settings.cache_dir, None) for s in specs]
steps.write(settings, specs, reads, {}, None)
"""


def test_sigkill_during_the_load_leaves_the_last_good_warehouse(good_warehouse: Path, src: Path,
                                                                 env: Path, tmp_path: Path):
    before, digest = snapshot(good_warehouse), _digest(good_warehouse)
    marker = tmp_path / f"marker-{uuid.uuid4().hex}"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(_with_new_source(src)),
                             str(good_warehouse), str(marker)], cwd=ROOT,
                            env={**os.environ, "AIFACTS_CONFIG_DIR": str(env)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()[1].decode()[-2000:]
            assert time.monotonic() < deadline, "the writer never reached the load"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _digest(good_warehouse) == digest and snapshot(good_warehouse) == before
    result = run(write_sources(src, []), good_warehouse)  # the next run works and sweeps the stray copy
    assert result.summary.status == "ok"
    assert not list(good_warehouse.parent.glob(".*.writing"))
