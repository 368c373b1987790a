"""Bulk writes of Python rows into DuckDB through Arrow (never row by row)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import duckdb
import pyarrow as pa


def scanned_once(table: pa.Table) -> pa.RecordBatchReader:
    """`table` as a stream that lets go of each batch once DuckDB has read it.

    Inside an open transaction DuckDB keeps every Arrow object a statement scanned until
    the transaction ends. A refresh is one transaction, so each registered table (the
    documents, the mention links, every factory's values and conflicts) stayed whole in
    memory to its end: 80 MB and growing by the last factories of a thousand-fold
    corpus. What DuckDB keeps of a stream is the emptied stream. A stream is read once:
    only for a statement that names it once."""
    batches = table.to_batches()
    batches.reverse()

    def drain():  # noqa: ANN202
        while batches:
            yield batches.pop()
    return pa.RecordBatchReader.from_batches(table.schema, drain())


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[str]:
    """`table` visible to the statements of the block as view `name`, read once (see
    `scanned_once`): for one INSERT or CREATE ... AS that names it once."""
    con.register(name, scanned_once(table))
    try:
        yield name
    finally:
        con.unregister(name)


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
    with registered(con, f"_in_{table}", pa.table(data)) as view:
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {view}")
    return len(rows)


STR_LIST = pa.list_(pa.string())
