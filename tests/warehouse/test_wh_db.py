"""Migrations apply once; read-only connections refuse every kind of write or escape."""

from __future__ import annotations

import duckdb
import pytest

from warehouse import db
from warehouse.errors import MigrationError, WarehouseError
from warehouse.queries import run_query

PUBLIC = {"documents", "statements", "factories", "factory_values", "conflicts", "events", "programme_facts",
          "runs", "factory_history", "blocks", "source_state", "mention_links", "v_statements"}


def test_migrations_apply_once_and_record(tmp_path):
    con = db.connect(tmp_path / "w.duckdb")
    first = db.migrate(con)
    second = db.migrate(con)
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    recorded = con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    con.close()
    assert first == [v for v, _, _ in db.migration_files()] and first
    assert second == []
    assert [r[0] for r in recorded] == first
    assert PUBLIC <= names


def test_new_migration_file_is_applied_alone(tmp_path):
    mig = tmp_path / "mig"
    mig.mkdir()
    (mig / "001_a.sql").write_text("CREATE TABLE a (x INTEGER);")
    con = db.connect(tmp_path / "w.duckdb")
    assert db.migrate(con, mig) == [1]
    (mig / "002_b.sql").write_text("INSERT INTO a VALUES (1);")
    assert db.migrate(con, mig) == [2]
    assert db.migrate(con, mig) == []
    assert con.execute("SELECT count(*) FROM a").fetchall()[0][0] == 1
    (mig / "bad.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="bad.sql"):
        db.migrate(con, mig)
    con.close()


@pytest.mark.parametrize("sql", [
    "INSERT INTO runs (run_id, started_at, status) VALUES (99, now(), 'ok')",
    "DROP TABLE factories",
    "ATTACH '{other}' AS other",
    "COPY factories TO '{out}'",
    "INSTALL spatial",
    "SET enable_external_access = true",
])
def test_read_only_queries_refuse_writes_and_escapes(tmp_path, sql):
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    db.migrate(con)
    con.close()
    with pytest.raises(WarehouseError):
        run_query(path, sql.format(other=tmp_path / "x.duckdb", out=tmp_path / "out.csv"))
    assert not (tmp_path / "out.csv").exists()
    cols, rows = run_query(path, "SELECT count(*) AS n FROM factories")
    assert cols == ["n"] and rows == [(0,)]
    with duckdb.connect(str(path), read_only=True) as check:
        assert check.execute("SELECT count(*) FROM runs").fetchall() == [(0,)]
