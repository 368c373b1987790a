"""Incremental refreshes through the real command line: an unchanged corpus costs a
read of each source and one small write; a changed source is the only one re-read."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.flows.test_ops_support import (aifacts, ops_env, prefect_api, refresh_json, rows,  # noqa: F401
                                          seed_sources, stop_leftovers)

EXTRA = ("d124_bnr-ai-factory-sofia",)


def _bump_first_amount(path: Path) -> tuple[int, int]:
    """Adds 10 to the first "<n> million euros" of a text: a value change a reader can check."""
    text = path.read_text(encoding="utf-8")
    m = re.search(r"\b(\d+) million euros", text)
    assert m, f"{path} has no amount in million euros to change"
    old = int(m.group(1))
    path.write_text(text[:m.start(1)] + str(old + 10) + text[m.end(1):], encoding="utf-8")
    return old * 1_000_000, (old + 10) * 1_000_000


def test_second_run_without_changes_skips_every_source_and_the_marts(corpus_dir, tmp_path, prefect_api):  # noqa: F811
    sources = seed_sources(corpus_dir, tmp_path / "src", EXTRA)
    wh = tmp_path / "w.duckdb"
    args = ["refresh", "--sources", str(sources), "--warehouse", str(wh), "--json"]
    first = refresh_json(aifacts(args, ops_env(tmp_path, prefect_api), tmp_path / "logs", "first"))
    assert (first["fetched"], first["unchanged"], first["marts_rebuilt"]) == (2, 0, True)
    assert first["statements_new"] > 0

    # no Prefect server configured: the fast path records the run without starting Prefect
    second = refresh_json(aifacts(args, ops_env(tmp_path, None), tmp_path / "logs", "second"))
    assert (second["sources_total"], second["fetched"], second["unchanged"], second["failed"]) == (2, 0, 2, 0)
    assert (second["statements_new"], second["statements_retired"], second["values_changed"]) == (0, 0, 0)
    assert second["marts_rebuilt"] is False

    runs = rows(wh, "SELECT run_id, status, unchanged, statements_new, marts_rebuilt, flow_run_id IS NULL "
                    "FROM runs ORDER BY run_id")
    assert runs == [(1, "ok", 0, first["statements_new"], True, False), (2, "ok", 2, 0, False, True)]
    outcomes = rows(wh, "SELECT DISTINCT outcome FROM run_sources WHERE run_id = 2")
    assert outcomes == [("unchanged",)]


def test_a_changed_source_is_the_only_one_read_and_history_shows_the_change(corpus_dir, tmp_path, prefect_api):  # noqa: F811
    sources = seed_sources(corpus_dir, tmp_path / "src", EXTRA)
    wh = tmp_path / "w.duckdb"
    env = ops_env(tmp_path, prefect_api)
    args = ["refresh", "--sources", str(sources), "--warehouse", str(wh), "--json"]
    refresh_json(aifacts(args, env, tmp_path / "logs", "first"))
    seed_file = next((tmp_path / "src").glob("000_*.txt"))
    old, new = _bump_first_amount(seed_file)

    second = refresh_json(aifacts(args, env, tmp_path / "logs", "second"))
    assert (second["fetched"], second["unchanged"]) == (1, 1)
    assert second["statements_new"] >= 1 and second["statements_retired"] >= 1
    assert second["values_changed"] >= 1
    read = rows(wh, "SELECT source_name, outcome FROM run_sources WHERE run_id = 2 ORDER BY source_name")
    assert read == [(seed_file.stem, "fetched"), (EXTRA[0], "unchanged")]

    hist = aifacts(["history", "--warehouse", str(wh), "--runs", "1", "--json"], env, tmp_path / "logs", "history")
    assert hist.popen.returncode == 0, hist.explain()
    changes = json.loads(hist.stdout)
    assert changes and {c["run_id"] for c in changes} == {2}
    # `history --json` holds the values themselves (issue 26), not JSON text
    amounts = [((c["old"] or {}).get("amount"), (c["new"] or {}).get("amount"))
               for c in changes if c["attribute"].startswith("budget")]
    assert (old, new) in amounts, changes
