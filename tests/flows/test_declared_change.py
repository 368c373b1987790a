"""A source whose declaration changes (trust tier, date) while its bytes stay the same
is read again on the next refresh, and the warehouse keeps both versions."""

from __future__ import annotations

from pathlib import Path

import duckdb
import yaml

from flows import steps
from flows.settings import Settings


def _refresh(sources: Path, warehouse: Path) -> steps.RefreshResult:
    settings = Settings.resolve(sources=sources, warehouse=warehouse, cache_dir=warehouse.parent / "raw")
    specs = steps.load_sources(settings)
    previous = steps.previous_state(settings, specs)
    reads = [steps.read_one(s, settings.cache_dir, previous.get(s.name)) for s in specs]
    statements = steps.extract_batch([r.document for r in reads if r.document is not None])
    return steps.write(settings, specs, reads, statements, None)


def _declare(path: Path, trust: str) -> None:
    entry = {"name": "note", "path": "note.txt", "publisher": "A newsroom", "trust": trust, "lang": "en"}
    path.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")


def test_a_new_trust_tier_is_read_again_without_new_bytes(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("The Nordlys AI Factory in Tromsø, Norway, will cost EUR 40 million.\n",
                                       encoding="utf-8")
    sources, warehouse = tmp_path / "sources.yaml", tmp_path / "w.duckdb"
    _declare(sources, "press")
    first = _refresh(sources, warehouse)
    assert first.summary.fetched == 1
    assert _refresh(sources, warehouse).summary.unchanged == 1  # same bytes, same declaration

    _declare(sources, "official")
    third = _refresh(sources, warehouse)
    assert (third.summary.fetched, third.summary.unchanged) == (1, 0)
    assert third.summary.statements_new > 0 and third.summary.statements_retired > 0
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        trusts = con.execute("SELECT trust FROM documents WHERE source_name = 'note' ORDER BY first_run").fetchall()
        current = con.execute("SELECT DISTINCT trust FROM v_current_statements").fetchall()
    finally:
        con.close()
    assert trusts == [("press",), ("official",)]  # both versions kept
    assert current == [("official",)]
    assert _refresh(sources, warehouse).summary.unchanged == 1
