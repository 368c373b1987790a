"""`aifacts export`: every curated table and v_statements as files that DuckDB reads back whole."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.flows.sample_warehouse import sample_warehouse

# DESIGN.md's user-facing tables and the statements view: an export that drops one fails here
CURATED = ("factories", "factory_values", "conflicts", "events", "programme_facts", "runs", "factory_history",
           "documents", "v_statements")
READERS = {"parquet": "read_parquet", "csv": "read_csv_auto"}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_warehouse(tmp_path_factory.getbasetemp())


def _counts(warehouse: Path) -> dict[str, int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in CURATED}
    finally:
        con.close()


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_writes_every_table_and_duckdb_reads_the_same_rows(fmt: str, warehouse: Path, tmp_path: Path):
    out = tmp_path / fmt
    result = CliRunner().invoke(app, ["export", "--format", fmt, "--out", str(out), "--warehouse", str(warehouse)])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    expected = _counts(warehouse)
    assert expected["factories"] > 0 and expected["v_statements"] > 0
    con = duckdb.connect()
    try:
        for table, rows in expected.items():
            path = out / f"{table}.{fmt}"
            assert path.exists(), f"{table} was not exported"
            back = con.execute(f"SELECT count(*) FROM {READERS[fmt]}(?)", [str(path)]).fetchall()[0][0]
            assert back == rows, f"{table}: {rows} rows in the warehouse, {back} read back from {path.name}"
            assert f"{table}: {rows} rows" in result.output
    finally:
        con.close()


def test_parquet_keeps_the_columns_and_values(warehouse: Path, tmp_path: Path):
    result = CliRunner().invoke(app, ["export", "--format", "parquet", "--out", str(tmp_path),
                                      "--warehouse", str(warehouse)])
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS wh (READ_ONLY)", [str(warehouse)])
        wanted = con.execute("SELECT * FROM wh.factories ORDER BY factory_id").fetchall()
        cols = [d[0] for d in con.description]
        back = con.execute(f"SELECT {', '.join(cols)} FROM read_parquet(?) ORDER BY factory_id",
                           [str(tmp_path / "factories.parquet")]).fetchall()
    finally:
        con.close()
    assert back == wanted


def test_export_refuses_an_unknown_format(warehouse: Path, tmp_path: Path):
    result = CliRunner().invoke(app, ["export", "--format", "xlsx", "--out", str(tmp_path),
                                      "--warehouse", str(warehouse)])
    assert result.exit_code != 0 and not list(tmp_path.iterdir())
