"""Refreshes that overlap, readers during a write, and a refresh killed mid-write, all
with real `aifacts` processes on one warehouse.

A refresh is held at the end of its write window (after its shadow copy is written,
before the swap) by the AIFACTS_TEST_HOLD_WRITE hook: while the named file exists it
waits, so each test decides exactly when the write ends, or kills it there.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from flows.guard import HOLD_ENV, lock_path_for, shadow_path_for
from tests.flows.test_ops_incremental import _bump_first_amount
from tests.flows.test_ops_support import (AIFACTS, aifacts, ops_env, prefect_api, refresh_json,  # noqa: F401
                                          rows, seed_sources, start, stop_leftovers, wait_for)


@pytest.fixture(scope="module")
def baseline(corpus_dir: Path, tmp_path_factory, prefect_api: str) -> Path:  # noqa: F811
    """One refreshed warehouse of the seed corpus; each test works on its own copy."""
    base = tmp_path_factory.mktemp("baseline")
    sources = seed_sources(corpus_dir, base / "src")
    refresh_json(aifacts(["refresh", "--sources", str(sources), "--warehouse", str(base / "w.duckdb"), "--json"],
                         ops_env(base, prefect_api), base / "logs", "baseline"))
    return base


def _copy(baseline: Path, tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(baseline / "src", tmp_path / "src")
    shutil.copyfile(baseline / "w.duckdb", tmp_path / "w.duckdb")
    return tmp_path / "src" / "sources.yaml", tmp_path / "w.duckdb"


def _lock_is_held(warehouse: Path) -> bool:
    with open(lock_path_for(warehouse), "a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return False


def _factories(wh: Path, env: dict, logs: Path, name: str) -> dict[str, dict]:
    proc = aifacts(["factories", "--warehouse", str(wh), "--json"], env, logs, name, timeout=120)
    assert proc.popen.returncode == 0, proc.explain()
    return {r["factory_id"]: r for r in json.loads(proc.stdout)}


def test_overlapping_refreshes_wait_or_give_up_and_readers_keep_reading(baseline, tmp_path, prefect_api):  # noqa: F811
    sources, wh = _copy(baseline, tmp_path)
    logs, hold = tmp_path / "logs", tmp_path / "hold"
    hold.touch()
    refresh = ["refresh", "--sources", str(sources), "--warehouse", str(wh), "--json"]
    before = _factories(wh, ops_env(tmp_path, None), logs, "factories-before")
    assert before
    first = start([AIFACTS, *refresh, "--full"], ops_env(tmp_path, prefect_api, **{HOLD_ENV: str(hold)}), logs, "first")
    wait_for(lambda: shadow_path_for(wh, first.popen.pid).exists(), 240, "the first refresh to start writing", first)
    assert _lock_is_held(wh)

    quitter = start([AIFACTS, *refresh], ops_env(tmp_path, prefect_api, AIFACTS_LOCK_WAIT="1"), logs, "quitter")
    waiter = start([AIFACTS, *refresh], ops_env(tmp_path, prefect_api, AIFACTS_LOCK_WAIT="240"), logs, "waiter")

    # readers work while the writer holds the lock, and see the last good state
    query = aifacts(["query", "SELECT count(*) AS n FROM runs", "--warehouse", str(wh), "--json"],
                    ops_env(tmp_path, None), logs, "query", timeout=120)
    assert query.popen.returncode == 0, query.explain()
    assert json.loads(query.stdout) == [{"n": 1}]
    assert _factories(wh, ops_env(tmp_path, None), logs, "factories-during") == before

    assert quitter.wait(240) == 3, quitter.explain()
    assert "another refresh" in quitter.stderr and "giving up" in quitter.stderr
    wait_for(lambda: "waiting up to" in waiter.stderr, 240, "the second refresh to wait for the lock", waiter)
    assert first.popen.poll() is None and waiter.popen.poll() is None

    hold.unlink()
    assert first.wait(240) == 0, first.explain()
    assert waiter.wait(240) == 0, waiter.explain()
    assert json.loads(first.stdout)["marts_rebuilt"] is True
    assert json.loads(waiter.stdout)["unchanged"] == 1
    runs = rows(wh, "SELECT run_id, status, finished_at IS NOT NULL FROM runs ORDER BY run_id")
    assert runs == [(1, "ok", True), (2, "ok", True), (3, "ok", True)]
    assert _factories(wh, ops_env(tmp_path, None), logs, "factories-after").keys() == before.keys()
    assert not list(tmp_path.glob(".w.duckdb.*"))


def test_a_refresh_killed_mid_write_leaves_the_last_good_warehouse(baseline, tmp_path, prefect_api):  # noqa: F811
    sources, wh = _copy(baseline, tmp_path)
    logs, hold = tmp_path / "logs", tmp_path / "hold"
    env = ops_env(tmp_path, prefect_api)
    before = _factories(wh, env, logs, "before")
    seed_file = next((tmp_path / "src").glob("000_*.txt"))
    old, new = _bump_first_amount(seed_file)
    amounts = lambda facts: sorted(f["budget_total_eur"] for f in facts.values() if f["budget_total_eur"])  # noqa: E731
    assert old in amounts(before) and new not in amounts(before)

    hold.touch()
    refresh = [AIFACTS, "refresh", "--sources", str(sources), "--warehouse", str(wh), "--json"]
    victim = start(refresh, ops_env(tmp_path, prefect_api, **{HOLD_ENV: str(hold)}), logs, "victim")
    shadow = shadow_path_for(wh, victim.popen.pid)
    wait_for(shadow.exists, 240, "the refresh to write its shadow copy", victim)
    os.killpg(victim.popen.pid, signal.SIGKILL)
    assert victim.popen.wait(30) == -signal.SIGKILL
    assert shadow.exists(), "the kill should leave the half-done copy behind"

    assert _factories(wh, env, logs, "after-kill") == before
    assert rows(wh, "SELECT count(*) FROM runs") == [(1,)]
    assert not _lock_is_held(wh)

    hold.unlink()
    redo = start(refresh, env, logs, "redo")
    assert redo.wait(240) == 0, redo.explain()
    summary = json.loads(redo.stdout)
    assert (summary["status"], summary["fetched"]) == ("ok", 1)
    assert not shadow.exists()
    after = _factories(wh, env, logs, "after-redo")
    assert new in amounts(after) and old not in amounts(after)
    assert rows(wh, "SELECT run_id, status FROM runs ORDER BY run_id") == [(1, "ok"), (2, "ok")]
