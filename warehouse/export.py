"""Curated tables as files, for people who work in spreadsheets or notebooks."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from warehouse.queries import FACTORIES_SQL, open_readonly

EXPORTED = ("factories", "factory_values", "conflicts", "events", "programme_facts", "runs",
            "factory_history", "documents", "v_statements")


def _flat_for_csv(table: pa.Table) -> pa.Table:
    """CSV has no lists or structs: such columns are written as JSON text."""
    for i, column in enumerate(table.schema):
        if pa.types.is_nested(column.type):
            values = [None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                      for v in table.column(i).to_pylist()]
            table = table.set_column(i, column.name, pa.array(values, type=pa.string()))
    return table


def export_tables(warehouse: Path, out_dir: Path, fmt: str) -> list[tuple[str, Path, int]]:
    """Writes one file per table; returns (table, path, rows). Read-only on the warehouse."""
    con = open_readonly(warehouse)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for name in EXPORTED:
            table = con.sql(FACTORIES_SQL if name == "factories" else f"SELECT * FROM {name}").to_arrow_table()
            path = out_dir / f"{name}.{fmt}"
            if fmt == "parquet":
                import pyarrow.parquet as pq
                pq.write_table(table, path)
            else:
                import pyarrow.csv as pacsv
                pacsv.write_csv(_flat_for_csv(table), path)
            written.append((name, path, table.num_rows))
    finally:
        con.close()
    return written
