"""Bulk writes of Python rows into DuckDB through Arrow (never row by row)."""

from __future__ import annotations

from typing import Any, Sequence

import duckdb
import pyarrow as pa


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str],
                rows: Sequence[Sequence[Any]], types: dict[str, pa.DataType] | None = None) -> int:
    """Insert `rows` (tuples in `columns` order) into `table` with one statement."""
    if not rows:
        return 0
    types = types or {}
    data = {}
    for i, col in enumerate(columns):
        values = [r[i] for r in rows]
        data[col] = pa.array(values, type=types.get(col)) if col in types else pa.array(values)
    view = f"_in_{table}"
    con.register(view, pa.table(data))
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {view}")
    finally:
        con.unregister(view)
    return len(rows)


STR_LIST = pa.list_(pa.string())
