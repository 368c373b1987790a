"""Bulk inserts inside the refresh's one transaction must not keep their Arrow tables alive."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from warehouse.tables import insert_rows, scanned_once


def _rows(n: int, tag: str) -> list[tuple]:
    return [(f"{tag}-statement-{i:08d}", [f"id-{i:08d}-of-a-support"], i) for i in range(n)]


def test_inserted_tables_are_let_go_before_the_transaction_ends() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (a VARCHAR, b VARCHAR[], c INTEGER)")
    con.execute("BEGIN TRANSACTION")
    before = pa.total_allocated_bytes()
    for k in range(3):
        insert_rows(con, "t", ["a", "b", "c"], _rows(50_000, str(k)), {"b": pa.list_(pa.string()), "c": pa.int32()})
    held = pa.total_allocated_bytes() - before
    # a registered table would be kept whole until COMMIT: three of them, several MB each
    assert held < 1_000_000, held
    assert con.execute("SELECT count(*), count(DISTINCT a), sum(c) FROM t").fetchone() == \
        (150_000, 150_000, 3 * sum(range(50_000)))
    con.execute("COMMIT")


def test_a_stream_gives_every_row_once() -> None:
    table = pa.table({"x": pa.array(range(10_000), pa.int64())})
    reader = scanned_once(table)
    assert reader.read_all().equals(table)
    with pytest.raises(StopIteration):  # drained, not rewound
        reader.read_next_batch()
