"""Curated tables as files, for people who work in spreadsheets or notebooks."""

from __future__ import annotations

from pathlib import Path

from warehouse.db import connect

EXPORTED = ("factories", "factory_values", "conflicts", "events", "programme_facts", "runs",
            "factory_history", "documents", "v_statements")


def export_tables(warehouse: Path, out_dir: Path, fmt: str) -> list[tuple[str, Path, int]]:
    """Writes one file per table; returns (table, path, rows). Read-only on the warehouse."""
    out_dir.mkdir(parents=True, exist_ok=True)
    con = connect(warehouse, read_only=True)
    written = []
    try:
        for name in EXPORTED:
            rel = con.execute(f"SELECT * FROM {name}")
            table = rel.fetch_arrow_table()
            path = out_dir / f"{name}.{fmt}"
            if fmt == "parquet":
                import pyarrow.parquet as pq
                pq.write_table(table, path)
            else:
                import pyarrow.csv as pacsv
                pacsv.write_csv(table, path)
            written.append((name, path, table.num_rows))
    finally:
        con.close()
    return written
