"""Bulk writes of Python rows into DuckDB through Arrow (never row by row)."""

from __future__ import annotations

from typing import Any, Sequence

import duckdb
import pyarrow as pa


def arrow_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]],
               types: dict[str, pa.DataType] | None = None) -> pa.Table:
    """`rows` (tuples in `columns` order) as an Arrow table: compact to hold while a stream
    that must not be interrupted is still being read, then inserted with `insert_table`."""
    types = types or {}
    data = {}
    for i, col in enumerate(columns):
        values = [r[i] for r in rows]
        data[col] = pa.array(values, type=types.get(col)) if col in types else pa.array(values)
    return pa.table(data)


def insert_table(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> int:
    """Insert an Arrow table into `table` (by column name) with one statement."""
    if not data.num_rows:
        return 0
    view = f"_in_{table}"
    con.register(view, data)
    try:
        columns = ", ".join(data.column_names)
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {view}")
    finally:
        con.unregister(view)
    return data.num_rows


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str],
                rows: Sequence[Sequence[Any]], types: dict[str, pa.DataType] | None = None) -> int:
    """Insert `rows` (tuples in `columns` order) into `table` with one statement."""
    if not rows:
        return 0
    return insert_table(con, table, arrow_rows(columns, rows, types))


STR_LIST = pa.list_(pa.string())
