"""Spilled batches (warehouse/staging.py) load exactly what the same documents and
statements held in memory load, and the spill directory never outlives its run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.staging import Staging, StagingError, remove_stale
from warehouse.writer import RunInfo, commit_refresh

from .wh_helpers import doc, fact

TABLES = ("SELECT doc_id, block, kind, text FROM blocks ORDER BY 1, 2",
          "SELECT statement_id, attribute, value_json, first_seen_run, last_seen_run FROM statements ORDER BY 1",
          "SELECT source_name, doc_id, active, last_run FROM source_state ORDER BY 1",
          "SELECT factory_id, attribute, value_json FROM factory_values WHERE chosen ORDER BY 1, 2")


def _batches():
    a = doc("alpha", blocks=["AURORA AI Factory in Kuusamo.", "It gets EUR 20 million."])
    b = doc("beta", blocks=["Kestrel sits in Vianden."])
    c = doc("gamma", blocks=["ORCA AI Factory, Tarragona."])
    return [[(a, [fact(a, "AURORA", "city", "Kuusamo"), fact(a, "AURORA", "budget_total",
                                                               {"amount": 20_000_000, "qualifier": "exact"}, block=1)]),
             (b, [fact(b, "Kestrel", "city", "Vianden")])],
            [(c, [fact(c, "ORCA AI Factory", "city", "Tarragona"), fact(c, "ORCA AI Factory", "city", "Tarragona")])]]


def _dump(path: Path) -> list[list[tuple]]:
    import duckdb
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [con.execute(q).fetchall() for q in TABLES]
    finally:
        con.close()


@pytest.mark.parametrize("files_per_insert", [1, 25])
def test_spilled_batches_load_the_same_warehouse_as_memory(tmp_path: Path, config_dir: Path, gazetteer,
                                                           monkeypatch, files_per_insert: int) -> None:
    import warehouse.load
    monkeypatch.setattr(warehouse.load, "FILES_PER_INSERT", files_per_insert)
    batches = _batches()
    names = sorted(d.source_name for batch in batches for d, _ in batch)
    memory = tmp_path / "memory.duckdb"
    docs = [d for batch in batches for d, _ in batch]
    commit_refresh(memory, run=RunInfo(), documents=docs,
                   statements={d.doc_id: s for batch in batches for d, s in batch},
                   unchanged_sources=[], failed=[], active_sources=names, full=False,
                   config_dir=config_dir, gazetteer=gazetteer)
    spilled = tmp_path / "spilled.duckdb"
    with Staging(spilled) as staging:
        light = []
        for batch in batches:
            light += staging.add([d for d, _ in batch], {d.doc_id: s for d, s in batch})
        assert all(not d.blocks for d in light)
        assert len(staging.block_files) == 2 and len(staging.statement_files) == 2
        summary = commit_refresh(spilled, run=RunInfo(), documents=light, statements={},
                                 unchanged_sources=[], failed=[], active_sources=names, full=False,
                                 config_dir=config_dir, gazetteer=gazetteer, staged=staging)
        directory = staging.directory
    assert not directory.exists()
    assert summary.statements_new == 4
    expected = _dump(memory)
    assert expected[0] and expected[1] and expected[3]
    assert _dump(spilled) == expected


def test_statements_of_a_document_outside_the_batch_are_refused(tmp_path: Path) -> None:
    a = doc("alpha", blocks=["x"])
    with Staging(tmp_path / "w.duckdb") as staging:
        with pytest.raises(StagingError, match="not in the batch"):
            staging.add([a], {"someone-else": [fact(a, "AURORA", "city", "Kuusamo")]})


def test_a_killed_runs_spill_directory_is_removed_by_the_next_run(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".w.duckdb.staging-{int(dead.stdout)}-abc"
    stale.mkdir()
    (stale / "blocks-000000.parquet").write_bytes(b"x")
    mine = tmp_path / f".w.duckdb.staging-{os.getpid()}-live"
    mine.mkdir()
    assert remove_stale(warehouse) == [stale]
    assert not stale.exists() and mine.exists()


def test_a_write_beyond_duckdbs_memory_is_rolled_back_and_says_which_setting(
        tmp_path: Path, config_dir: Path, gazetteer, monkeypatch) -> None:
    from warehouse.errors import WarehouseError

    first = doc("alpha", blocks=["AURORA AI Factory in Kuusamo."])
    path = tmp_path / "w.duckdb"
    commit_refresh(path, run=RunInfo(), documents=[first], statements={first.doc_id: [fact(first, "AURORA", "city", "Kuusamo")]},
                   unchanged_sources=[], failed=[], active_sources=["alpha"], full=False,
                   config_dir=config_dir, gazetteer=gazetteer)
    before = _dump(path)
    big = doc("beta", blocks=[f"Sentence {i} of a long text about the Kestrel AI Factory." for i in range(3000)])
    facts = [fact(big, "Kestrel", "city", f"Town {i}", block=i) for i in range(3000)]
    monkeypatch.setenv("AIFACTS_DUCKDB_MEMORY", "1MB")
    with pytest.raises(WarehouseError, match="AIFACTS_DUCKDB_MEMORY"):
        commit_refresh(path, run=RunInfo(), documents=[big], statements={big.doc_id: facts},
                       unchanged_sources=["alpha"], failed=[], active_sources=["alpha", "beta"], full=False,
                       config_dir=config_dir, gazetteer=gazetteer)
    monkeypatch.delenv("AIFACTS_DUCKDB_MEMORY")
    assert _dump(path) == before


def test_a_statement_spilled_in_two_groups_is_inserted_once(tmp_path: Path, monkeypatch) -> None:
    import pyarrow.parquet as pq

    import warehouse.load
    from warehouse import db
    from warehouse.load import statements_table, upsert_statements

    a = doc("alpha", blocks=["AURORA AI Factory in Kuusamo."])
    table = statements_table([fact(a, "AURORA", "city", "Kuusamo"), fact(a, "AURORA", "country", "FI")])
    files = []
    for i in range(2):
        files.append(tmp_path / f"statements-{i}.parquet")
        pq.write_table(table, files[-1])
    monkeypatch.setattr(warehouse.load, "FILES_PER_INSERT", 1)
    con = db.connect(tmp_path / "w.duckdb")
    db.migrate(con)
    assert upsert_statements(con, 1, files=files) == 2
    assert upsert_statements(con, 2, files=files) == 0
    assert con.execute("SELECT min(first_seen_run), min(last_seen_run) FROM statements").fetchall() == [(1, 2)]

