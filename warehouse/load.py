"""Append-only loading of documents, blocks and statements.

Nothing here deletes or overwrites a fact. A statement seen again gets its
`last_seen_run` bumped; a statement that its source no longer yields keeps its old
`last_seen_run`, which is what "retired" means (see `v_current_statements`).
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable

import duckdb
import pyarrow as pa

from extractors.statement import Statement
from warehouse.tables import registered

FILES_PER_INSERT = 25  # spilled batch files per INSERT (a batch file holds about 200 documents)


def _file_groups(files: list[Path] | None) -> list[list[str]]:
    names = [str(f) for f in files or []]
    return [names[i:i + FILES_PER_INSERT] for i in range(0, len(names), FILES_PER_INSERT)]


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """A document's metadata as the warehouse stores it (one per source and content)."""

    doc_id: str
    source_name: str
    url: str | None
    publisher: str | None
    trust: str
    lang: str | None
    published_on: date | None
    title: str | None
    sha256: str | None
    status: str = "ok"  # ok | error
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    blocks: list[tuple[int, str]] = field(default_factory=list)
    block_kinds: dict[int, str] = field(default_factory=dict)
    fetched_at: datetime | None = None
    declared: str | None = None  # fingerprint of the source's declaration (SourceSpec.declared)


@dataclass(slots=True)
class LoadCounts:
    statements_new: int = 0
    statements_seen: int = 0
    statements_retired: int = 0


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def snapshot_current(con: duckdb.DuckDBPyConnection) -> None:
    """Remember the current statements at the start of a write (inside the database:
    at a thousand-fold corpus the ids would be a large Python set, twice)."""
    con.execute("CREATE OR REPLACE TEMP TABLE _current_before AS SELECT statement_id FROM v_current_statements")


def current_changes(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(statements that became current, statements no longer current) since `snapshot_current`."""
    added, retired = con.execute("""
        SELECT (SELECT count(*) FROM v_current_statements
                WHERE statement_id NOT IN (SELECT statement_id FROM _current_before)),
               (SELECT count(*) FROM _current_before
                WHERE statement_id NOT IN (SELECT statement_id FROM v_current_statements))""").fetchall()[0]
    con.execute("DROP TABLE _current_before")
    return int(added), int(retired)


def insert_documents(con: duckdb.DuckDBPyConnection, run_id: int, docs: Iterable[DocumentRow]) -> None:
    """Documents are keyed by their stable id: a document seen before is not rewritten."""
    docs = list({d.doc_id: d for d in docs}.values())
    if not docs:
        return
    table = pa.table({
        "doc_id": [d.doc_id for d in docs],
        "source_name": [d.source_name for d in docs],
        "url": [d.url for d in docs],
        "publisher": [d.publisher for d in docs],
        "trust": [d.trust for d in docs],
        "lang": [d.lang for d in docs],
        "published_on": pa.array([d.published_on for d in docs], type=pa.date32()),
        "title": [d.title for d in docs],
        "sha256": [d.sha256 for d in docs],
        "fetched_at": pa.array([d.fetched_at or _now() for d in docs], type=pa.timestamp("us")),
        "status": [d.status for d in docs],
        "error": [d.error for d in docs],
        "etag": [d.etag for d in docs],
        "last_modified": [d.last_modified for d in docs],
        "first_run": pa.array([run_id] * len(docs), type=pa.int32()),
    })
    with registered(con, "_docs_in", table):
        con.execute("INSERT INTO documents SELECT * FROM _docs_in ON CONFLICT DO NOTHING")
    insert_blocks(con, blocks_table(docs))


def blocks_table(docs: Iterable[DocumentRow]) -> pa.Table:
    """The block texts of the documents that parsed, as one Arrow table."""
    rows = [(d.doc_id, b, d.block_kinds.get(b), text) for d in docs if d.status == "ok"
            for b, text in d.blocks]
    return pa.table({"doc_id": pa.array([r[0] for r in rows], pa.string()),
                     "block": pa.array([r[1] for r in rows], pa.int32()),
                     "kind": pa.array([r[2] for r in rows], pa.string()),
                     "text": pa.array([r[3] for r in rows], pa.string())})


def insert_blocks(con: duckdb.DuckDBPyConnection, table: pa.Table | None = None,
                  files: list[Path] | None = None) -> None:
    """Blocks from an Arrow table or spilled Parquet files (see warehouse/staging.py)."""
    if table is not None and table.num_rows:
        with registered(con, "_blocks_in", table):
            con.execute("INSERT INTO blocks SELECT * FROM _blocks_in ON CONFLICT DO NOTHING")
    for group in _file_groups(files):  # in groups, as statements are (see upsert_statements)
        con.execute("INSERT INTO blocks SELECT * FROM read_parquet(?) ON CONFLICT DO NOTHING", [group])


def statements_table(statements: Iterable[Statement]) -> pa.Table:
    """Statements as an Arrow table in the column order of `statements`, without the run
    columns (set at insert); duplicates (same id) kept once."""
    by_id = {s.statement_id: s for s in statements}
    ss = list(by_id.values())
    return pa.table({
        "statement_id": pa.array(list(by_id), pa.string()),
        "doc_id": pa.array([s.doc_id for s in ss], pa.string()),
        "source_name": pa.array([s.source_name for s in ss], pa.string()),
        "scope": pa.array([s.scope for s in ss], pa.string()),
        "subject_text": pa.array([s.subject_text for s in ss], pa.string()),
        "subject_key": pa.array([s.subject_key for s in ss], pa.string()),
        "factory_id": pa.array([None] * len(ss), pa.string()),
        "attribute": pa.array([s.attribute for s in ss], pa.string()),
        "value_json": pa.array([s.value_json for s in ss], pa.string()),
        "value_text": pa.array([s.value_text for s in ss], pa.string()),
        "block": pa.array([s.block for s in ss], pa.int32()),
        "span_start": pa.array([s.span_start for s in ss], pa.int32()),
        "span_end": pa.array([s.span_end for s in ss], pa.int32()),
        "rule": pa.array([s.rule for s in ss], pa.string()),
        "wave": pa.array([s.wave for s in ss], pa.int32()),
        "extractor_version": pa.array([s.extractor_version for s in ss], pa.string()),
    })


def upsert_statements(con: duckdb.DuckDBPyConnection, run_id: int, statements: Iterable[Statement] = (),
                      files: list[Path] | None = None) -> int:
    """Insert statements never seen, bump `last_seen_run` of those seen before; returns
    the number of new ones. Statements come from memory, spilled Parquet files, or both.

    Spilled files go in groups of `FILES_PER_INSERT`: one insert over a thousand-fold
    corpus's files made DuckDB hold every row at once to drop duplicate ids, and ran out
    of its memory limit. A statement in two groups is inserted by the first and only
    seen again by the second (`last_seen_run` set to this run either way)."""
    table = statements_table(statements)
    groups = _file_groups(files)
    if not table.num_rows and not groups:
        return 0
    with ExitStack() as stack:
        if table.num_rows:
            stack.enter_context(registered(con, "_stmts_in", table))
        before = con.execute("SELECT count(*) FROM statements").fetchall()[0][0]
        for i, group in enumerate(groups or [[]]):
            parts = ["SELECT * FROM _stmts_in"] if table.num_rows and i == 0 else []
            if group:
                parts.append(f"SELECT * FROM read_parquet({group!r})")
            con.execute(f"""INSERT INTO statements
                            SELECT DISTINCT ON (statement_id) *, ?::INTEGER AS first_seen_run,
                                   ?::INTEGER AS last_seen_run
                            FROM ({' UNION ALL '.join(parts)})
                            ON CONFLICT (statement_id) DO UPDATE SET last_seen_run = excluded.last_seen_run""",
                        [run_id, run_id])
        after = con.execute("SELECT count(*) FROM statements").fetchall()[0][0]
    return after - before


def set_source_current(con: duckdb.DuckDBPyConnection, run_id: int, docs: Iterable[DocumentRow]) -> None:
    """Make each document the current one of its source (its statements become current);
    one bulk upsert however many documents."""
    docs = list({d.source_name: d for d in docs}.values())
    if not docs:
        return
    table = pa.table({"source_name": pa.array([d.source_name for d in docs], pa.string()),
                      "doc_id": pa.array([d.doc_id for d in docs], pa.string()),
                      "sha256": pa.array([d.sha256 for d in docs], pa.string()),
                      "etag": pa.array([d.etag for d in docs], pa.string()),
                      "last_modified": pa.array([d.last_modified for d in docs], pa.string()),
                      "active": pa.array([True] * len(docs), pa.bool_()),
                      "last_run": pa.array([run_id] * len(docs), pa.int32()),
                      "declared": pa.array([d.declared for d in docs], pa.string())})
    with registered(con, "_state_in", table):
        con.execute("""INSERT INTO source_state BY NAME SELECT * FROM _state_in
                       ON CONFLICT (source_name) DO UPDATE SET doc_id = excluded.doc_id,
                         sha256 = excluded.sha256, etag = excluded.etag,
                         last_modified = excluded.last_modified, active = true,
                         last_run = excluded.last_run, declared = excluded.declared""")


def mark_unchanged(con: duckdb.DuckDBPyConnection, run_id: int, sources: list[str]) -> list[str]:
    """A source whose bytes did not change keeps its statements current: bump them.
    Returns the names that had no previous state (nothing to keep)."""
    if not sources:
        return []
    known = {r[0] for r in con.execute(
        "SELECT source_name FROM source_state WHERE source_name IN (SELECT unnest(?))", [sources]).fetchall()}
    con.execute("""UPDATE statements s SET last_seen_run = ?
                   FROM source_state ss
                   WHERE ss.source_name = s.source_name AND s.last_seen_run = ss.last_run
                     AND ss.source_name IN (SELECT unnest(?))""", [run_id, sources])
    con.execute("UPDATE source_state SET last_run = ?, active = true WHERE source_name IN (SELECT unnest(?))",
                [run_id, sources])
    return [s for s in sources if s not in known]


def deactivate_removed(con: duckdb.DuckDBPyConnection, active_sources: list[str]) -> list[str]:
    """Sources no longer in the registry stop being current; their statements are kept."""
    removed = [r[0] for r in con.execute(
        "SELECT source_name FROM source_state WHERE active AND source_name NOT IN (SELECT unnest(?))",
        [list(active_sources)]).fetchall()]
    if removed:
        con.execute("UPDATE source_state SET active = false WHERE source_name IN (SELECT unnest(?))", [removed])
    return removed


def record_run_sources(con: duckdb.DuckDBPyConnection, run_id: int,
                       rows: list[tuple[str, str, str | None, str | None]]) -> None:
    if not rows:
        return
    table = pa.table({"run_id": pa.array([run_id] * len(rows), pa.int32()),
                      "source_name": pa.array([r[0] for r in rows], pa.string()),
                      "outcome": pa.array([r[1] for r in rows], pa.string()),
                      "doc_id": pa.array([r[2] for r in rows], pa.string()),
                      "error": pa.array([r[3] for r in rows], pa.string())})
    with registered(con, "_run_sources_in", table):
        con.execute("INSERT INTO run_sources SELECT * FROM _run_sources_in")
