"""Read-only access for users and the CLI.

DuckDB refuses every other connection, even a read-only one, while a writer holds the
file. Refreshes keep that window short (one transaction at the end), so readers retry
with backoff for a bounded time and then fail with a message that says why.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import duckdb

from warehouse import db
from warehouse.errors import ExplainError, QueryError, WarehouseBusy, WarehouseError

__all__ = ["ExplainError", "NotAWarehouse", "QueryError", "WarehouseBusy", "WarehouseError"]

DEFAULT_WAIT_SECONDS = 30.0
# the curated factories as users see them (`aifacts factories`, the export): every column,
# the aliases without the placeholder of an unnamed reference ("(unnamed AI Factory, BG)")
FACTORIES_SQL = """SELECT * REPLACE (list_filter(aliases, lambda a: NOT starts_with(a, '(unnamed ')) AS aliases)
                   FROM factories ORDER BY country_code, factory_id"""


class NotAWarehouse(WarehouseError):
    """The file given as the warehouse is no DuckDB database (or cannot be opened)."""


def open_readonly(path: str | Path, wait_seconds: float | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection; waits up to `wait_seconds` (default AIFACTS_READ_WAIT, 30 s)
    while a refresh holds the file."""
    if wait_seconds is None:
        wait_seconds = float(os.environ.get("AIFACTS_READ_WAIT") or DEFAULT_WAIT_SECONDS)
    path = Path(path)
    if not path.exists():
        raise WarehouseError(f"warehouse {path} does not exist; run a refresh first")
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            return db.connect(path, read_only=True)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise NotAWarehouse(f"cannot open {path} as a warehouse ({exc}); pass --warehouse the DuckDB "
                                    "file a refresh wrote") from exc
            if time.monotonic() >= deadline:
                raise WarehouseBusy(f"warehouse {path} is locked by a running refresh; gave up after "
                                    f"{wait_seconds:.0f} s (try again when the refresh has finished)") from exc
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 1.0)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description] if cur.description else []
    return cols, cur.fetchall()


def run_query(path: str | Path, sql: str, wait_seconds: float | None = None) -> tuple[list[str], list[tuple]]:
    """Any SQL on a read-only connection with external access disabled: writes, ATTACH,
    COPY TO and INSTALL fail inside DuckDB."""
    con = open_readonly(path, wait_seconds)
    try:
        return _rows(con, sql)
    except duckdb.Error as exc:
        raise QueryError(f"query refused or failed on {path}: {exc}") from exc
    finally:
        con.close()


def factories_rows(path: str | Path) -> tuple[list[str], list[tuple]]:
    con = open_readonly(path)
    try:
        return _rows(con, FACTORIES_SQL)
    finally:
        con.close()


CONTRACT_TABLES = ("documents", "statements", "factories", "factory_values", "conflicts", "events",
                   "programme_facts", "runs", "factory_history", "v_statements")


def table_comments(path: str | Path) -> tuple[list[str], list[tuple]]:
    """Every table and view of the warehouse with its comment (COMMENT ON, migrations)."""
    con = open_readonly(path)
    try:
        return _rows(con, """
            SELECT table_name AS name, 'table' AS kind, estimated_size AS rows, comment FROM duckdb_tables()
            WHERE NOT internal AND schema_name = 'main'
            UNION ALL
            SELECT view_name, 'view', NULL, comment FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'
            ORDER BY kind, name""")
    finally:
        con.close()


def column_comments(path: str | Path, table: str) -> tuple[list[str], list[tuple]]:
    """The columns of one table or view: type, nullability and comment."""
    con = open_readonly(path)
    try:
        return _rows(con, """SELECT column_name AS "column", data_type AS type, comment FROM duckdb_columns()
                             WHERE table_name = ? AND schema_name = 'main' ORDER BY column_index""", [table])
    finally:
        con.close()


def conflict_rows(path: str | Path, all: bool = False) -> tuple[list[str], list[tuple]]:
    con = open_readonly(path)
    try:
        where = "" if all else "WHERE status = 'open'"
        return _rows(con, f"""SELECT coalesce(factory_id, 'programme') AS factory, attribute, wave,
                                     chosen_json AS chosen, status, reason
                              FROM conflicts {where} ORDER BY factory, attribute, wave""")
    finally:
        con.close()


def resolve_factory(con: duckdb.DuckDBPyConnection, factory: str) -> str:
    """A factory id, name or alias, case-insensitively."""
    wanted = factory.casefold()
    rows = con.execute("SELECT factory_id, name, aliases FROM factories ORDER BY factory_id").fetchall()
    for match in (lambda r: r[0].casefold() == wanted, lambda r: (r[1] or "").casefold() == wanted,
                  lambda r: any(a.casefold() == wanted for a in r[2] or ())):
        hits = [r[0] for r in rows if match(r)]
        if hits:
            return hits[0]
    raise ExplainError(f"no factory named {factory!r} in the warehouse (see `aifacts factories`)")


def explain(path: str | Path, factory: str, attribute: str | None = None) -> dict[str, Any]:
    """The chosen value of each attribute with every candidate, its sources, trust,
    publication date, and the sentence (block text) and span it came from."""
    con = open_readonly(path)
    try:
        fid = resolve_factory(con, factory)
        name = con.execute("SELECT name FROM factories WHERE factory_id = ?", [fid]).fetchall()[0][0]
        params: list = [fid]
        cond = ""
        if attribute:
            cond, params = "AND fv.attribute = ?", [fid, attribute]
        cols, rows = _rows(con, f"""
            SELECT fv.attribute, fv.value_json, fv.chosen, fv.reason, s.statement_id, s.source_name, d.trust,
                   d.published_on, d.url, s.value_text, s.block, s.span_start, s.span_end, b.text AS block_text
            FROM factory_values fv
            LEFT JOIN statements s ON list_contains(fv.statement_ids, s.statement_id)
            LEFT JOIN documents d ON d.doc_id = s.doc_id
            LEFT JOIN blocks b ON b.doc_id = s.doc_id AND b.block = s.block
            WHERE fv.factory_id = ? {cond}
            ORDER BY fv.attribute, fv.chosen DESC, fv.value_json, s.source_name""", params)
        if attribute and not rows:
            raise ExplainError(f"factory {fid} has no values for attribute {attribute!r}")
        conflicts = dict(con.execute("SELECT attribute, reason FROM conflicts WHERE factory_id = ?", [fid]).fetchall())
    finally:
        con.close()
    attrs: dict[str, dict[str, Any]] = {}
    for r in (dict(zip(cols, row)) for row in rows):
        a = attrs.setdefault(r["attribute"], {"attribute": r["attribute"], "chosen": None, "candidates": {},
                                              "conflict": conflicts.get(r["attribute"])})
        cand = a["candidates"].setdefault(r["value_json"], {"value": json.loads(r["value_json"]),
                                                            "chosen": r["chosen"], "reason": r["reason"],
                                                            "evidence": []})
        if r["chosen"]:
            a["chosen"] = cand["value"]
        if r["statement_id"]:
            cand["evidence"].append({
                "source": r["source_name"], "trust": r["trust"],
                "published_on": r["published_on"].isoformat() if r["published_on"] else None,
                "url": r["url"], "stated": r["value_text"], "block": r["block"],
                "span": [r["span_start"], r["span_end"]], "sentence": r["block_text"]})
    for a in attrs.values():
        a["candidates"] = list(a["candidates"].values())
    return {"factory_id": fid, "name": name, "attributes": list(attrs.values())}


def history(path: str | Path, runs: int = 5) -> tuple[list[str], list[tuple]]:
    """Value changes made by the last `runs` runs: (run, factory, attribute, old, new)."""
    con = open_readonly(path)
    try:
        return _rows(con, """
            WITH recent AS (SELECT run_id FROM runs ORDER BY run_id DESC LIMIT ?),
            opened AS (
                SELECT h.valid_from_run AS run_id, h.factory_id, h.attribute, o.value_json AS old, h.value_json AS new
                FROM factory_history h
                LEFT JOIN factory_history o ON o.factory_id = h.factory_id AND o.attribute = h.attribute
                     AND o.valid_to_run = h.valid_from_run
                WHERE h.valid_from_run IN (SELECT run_id FROM recent)),
            closed AS (
                SELECT h.valid_to_run AS run_id, h.factory_id, h.attribute, h.value_json AS old, NULL AS new
                FROM factory_history h
                WHERE h.valid_to_run IN (SELECT run_id FROM recent)
                  AND NOT EXISTS (SELECT 1 FROM factory_history n WHERE n.factory_id = h.factory_id
                                  AND n.attribute = h.attribute AND n.valid_from_run = h.valid_to_run))
            SELECT * FROM opened UNION ALL SELECT * FROM closed
            ORDER BY run_id DESC, factory_id, attribute""", [runs])
    finally:
        con.close()


def runs_rows(path: str | Path, limit: int = 10) -> tuple[list[str], list[tuple]]:
    con = open_readonly(path)
    try:
        return _rows(con, "SELECT * FROM runs ORDER BY run_id DESC LIMIT ?", [limit])
    finally:
        con.close()


def source_cache(path: str | Path) -> list[tuple[str, str | None, str | None, str | None, str | None]]:
    """What the fetcher needs for conditional GETs and same-hash skips: (source_name,
    sha256, etag, last_modified, declared) of each active source's current document.
    Empty when the warehouse does not exist yet."""
    if not Path(path).exists():
        return []
    con = open_readonly(path)
    try:
        has = con.execute("SELECT count(*) FROM information_schema.tables "
                          "WHERE table_name = 'source_state'").fetchall()[0][0]
        if not has:
            return []
        declared = con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'source_state' "
                               "AND column_name = 'declared'").fetchall()[0][0]
        return con.execute(f"SELECT source_name, sha256, etag, last_modified, {'declared' if declared else 'NULL'} "
                           "FROM source_state WHERE active ORDER BY source_name").fetchall()
    finally:
        con.close()
