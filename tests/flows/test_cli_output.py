"""What the commands print for scripts and for people: real JSON values, the export's columns,
values as people write them, `--format` wherever data is printed; the sources file edited by
`sources add` and `sources remove`; the warehouse's comments and dates."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from flows.cli import SHOWN_CHANGES, app, run_lines
from flows.output import human
from tests.flows.sample_warehouse import ROOT, sample_warehouse
from warehouse.history import ValueChange
from warehouse.queries import CONTRACT_TABLES
from warehouse.writer import RunSummary

runner = CliRunner()
DATA_COMMANDS = ("refresh", "query", "factories", "conflicts", "explain", "history", "eval", "tables",
                 "sources list", "sources check")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_warehouse(tmp_path_factory.getbasetemp())


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, (args, result.stderr, result.exception)
    return result.stdout


def test_every_command_that_prints_data_takes_format():
    group = typer.main.get_command(app)
    for name in DATA_COMMANDS:
        command = group
        for part in name.split():
            command = command.commands[part]
        opts = {o for p in command.params for o in p.opts}
        assert {"--format", "--json"} <= opts, f"`aifacts {name}` lacks --format or --json"


@pytest.mark.parametrize("value, text", [
    ({"amount": 200000000, "qualifier": "exact"}, "€200 m"),
    ({"amount": 80000000, "qualifier": "about"}, "about €80 m"),
    ({"amount": 556000000, "qualifier": "at_least"}, "at least €556 m"),
    ({"min": 100000000, "max": 200000000, "qualifier": "range"}, "€100 m to €200 m"),
    ({"amount": 15000000000, "currency": "CZK", "qualifier": "exact"}, "15,000,000,000 CZK"),
    ({"value": "2026-Q2"}, "2026-Q2"), ({"value": "2026", "mod": "by"}, "by 2026"),
    ('"Kajaani"', "Kajaani"), (["CZ", "SK"], "CZ, SK"), (None, "")])
def test_values_are_printed_as_people_write_them(value, text):
    assert human(value) == text


def test_refresh_lists_the_first_changes_then_says_how_many_more(tmp_path: Path):
    changes = [ValueChange(f"F{i:02d}", "budget_total_eur", None, json.dumps({"amount": 2e8, "qualifier": "exact"}))
               for i in range(SHOWN_CHANGES + 5)]
    summary = RunSummary(run_id=4, status="ok", sources_total=3, fetched=3, values_changed=len(changes),
                         changes=changes)
    lines = run_lines(summary, tmp_path / "w.duckdb")
    assert lines[0].startswith("run 4 ok: 3 sources")
    assert lines[1] == "  F00.budget_total_eur: (none) -> €200 m"
    assert len(lines) == 1 + SHOWN_CHANGES + 1
    assert lines[-1] == f"  … and 5 more (all of them: aifacts history --runs 1 -w {tmp_path / 'w.duckdb'})"
    assert run_lines(summary, quiet=True) == lines[:1]
    assert "{" not in "".join(lines), "a value printed as a Python dict"


def test_conflicts_json_holds_real_values(warehouse: Path):
    data = json.loads(_ok(["conflicts", "--all", "--json", "-w", str(warehouse)]))
    assert data
    for row in data:
        assert not (isinstance(row["chosen"], str) and row["chosen"][:1] in '"{['), row


def test_factories_output_has_the_columns_of_the_export(warehouse: Path, tmp_path: Path):
    header = next(csv.reader(io.StringIO(_ok(["factories", "--format", "csv", "-w", str(warehouse)]))))
    _ok(["export", "--format", "parquet", "--out", str(tmp_path), "-w", str(warehouse)])
    exported = pq.read_table(tmp_path / "factories.parquet")
    assert header == exported.column_names
    for column in ("wave", "budget_total_eur", "budget_eu_eur", "budget_national_eur", "budget_total_qualifier",
                   "selected_date", "selected_precision"):
        assert column in header
    rows = json.loads(_ok(["factories", "--json", "-w", str(warehouse)]))
    assert set(rows[0]) == set(header)
    table = _ok(["factories", "-w", str(warehouse)])
    assert all(word in table for word in ("round", "EU", "national"))


def test_no_placeholder_alias_is_exported(warehouse: Path, tmp_path: Path):
    import shutil

    copy = tmp_path / "aliases.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("UPDATE factories SET aliases = ['(unnamed AI Factory, BG)', 'Old Name'] WHERE factory_id = "
                    "(SELECT min(factory_id) FROM factories)")
    _ok(["export", "--format", "csv", "--out", str(tmp_path / "out"), "-w", str(copy)])
    text = (tmp_path / "out" / "factories.csv").read_text(encoding="utf-8")
    assert "(unnamed" not in text and "Old Name" in text
    shown = json.loads(_ok(["factories", "--json", "-w", str(copy)]))
    assert ["Old Name"] in [r["aliases"] for r in shown]


@pytest.mark.parametrize("args", [["explain", "MIMER", "city"], ["history"], ["tables"], ["tables", "factories"]])
def test_csv_and_json_of_the_other_data_commands(args: list[str], warehouse: Path):
    as_csv = list(csv.reader(io.StringIO(_ok([*args, "--format", "csv", "-w", str(warehouse)]))))
    assert len(as_csv) >= 2 and len({len(r) for r in as_csv}) == 1
    assert json.loads(_ok([*args, "--format", "json", "-w", str(warehouse)]))


def test_every_contract_table_has_a_comment(warehouse: Path):
    """`aifacts query "select table_name, comment from duckdb_tables()"`, as the issue asks."""
    tables = dict((r["table_name"], r["comment"]) for r in json.loads(
        _ok(["query", "select table_name, comment from duckdb_tables()", "--json", "-w", str(warehouse)])))
    views = dict((r["view_name"], r["comment"]) for r in json.loads(
        _ok(["query", "select view_name, comment from duckdb_views() where not internal", "--json",
             "-w", str(warehouse)])))
    comments = {**tables, **views}
    missing = [t for t in CONTRACT_TABLES if not comments.get(t)]
    assert not missing, f"contract tables without a comment: {missing}"
    columns = json.loads(_ok(["query", "select table_name, column_name, comment from duckdb_columns() "
                                       "where schema_name = 'main'", "--json", "-w", str(warehouse)]))
    bare = [f"{c['table_name']}.{c['column_name']}" for c in columns
            if c["table_name"] in CONTRACT_TABLES and not c["comment"]]
    assert not bare, f"contract columns without a comment: {bare}"


def test_every_table_says_what_it_holds(warehouse: Path):
    """A new table gets its comment in the migration that creates it (or the next)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        bare = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE comment IS NULL UNION ALL "
                                          "SELECT view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL")
                .fetchall()]
    assert not bare, f"tables without a comment (COMMENT ON TABLE ... in a migration): {bare}"


def test_dates_are_dates_with_their_precision(warehouse: Path):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'factories'")
                     .fetchall())
        rows = con.execute("SELECT selected_on, selected_date, selected_precision, operational_by, operational_date, "
                           "operational_precision FROM factories").fetchall()
        events = con.execute("SELECT on_date, event_date, precision FROM events").fetchall()
    finally:
        con.close()
    assert types["selected_date"] == types["operational_date"] == "DATE" and types["selected_on"] == "VARCHAR"
    shapes = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "quarter": r"\d{4}-Q[1-4]",
              "half": r"\d{4}-H[12]", "year": r"\d{4}"}
    for text, day, precision in [(r[0], r[1], r[2]) for r in rows] + [(r[3], r[4], r[5]) for r in rows] + events:
        if text is None:
            assert day is None and precision is None
            continue
        assert re.fullmatch(shapes[precision], text), (text, precision)
        assert day.isoformat()[:4] == text[:4]


def test_migration_keeps_the_rows_of_an_older_warehouse(tmp_path: Path):
    from warehouse.db import migrate, migration_files

    older = [p for v, _, p in migration_files() if v < 4]
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    try:
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                    "applied_at TIMESTAMP NOT NULL)")
        for v, (path) in enumerate(older, start=1):
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [v, path.stem])
        con.execute("INSERT INTO factories (factory_id, name, selected_on, operational_by) "
                    "VALUES ('X', 'X AI Factory', '2025-03', '2026-H2')")
        con.execute("INSERT INTO events (event_id, factory_id, kind, on_date, precision) "
                    "VALUES ('e', 'X', 'operation', '2026-Q2', 'quarter')")
        migrate(con)
        got = con.execute("SELECT name, selected_date, selected_precision, operational_date, operational_precision "
                          "FROM factories").fetchall()
        event = con.execute("SELECT on_date, event_date FROM events").fetchall()
        comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'factories'").fetchall()[0][0]
    finally:
        con.close()
    assert [(g[0], g[1].isoformat(), g[2], g[3].isoformat(), g[4]) for g in got] == [
        ("X AI Factory", "2025-03-01", "month", "2026-07-01", "half")]
    assert [(e[0], e[1].isoformat()) for e in event] == [("2026-Q2", "2026-04-01")]
    assert comment and "AI Factory" in comment


def _sources(folder: Path) -> Path:
    (folder / "a.txt").write_text("A text.\n", encoding="utf-8")
    (folder / "b.txt").write_text("B text.\n", encoding="utf-8")
    path = folder / "my.yaml"
    path.write_text("# my sources\nsources:\n  - name: a  # the first\n    path: a.txt\n    publisher: P\n"
                    "    trust: press\n  - name: b\n    path: b.txt\n    publisher: Q\n    trust: official\n",
                    encoding="utf-8")
    return path


def test_sources_add_stores_a_checked_path_and_says_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    sources = _sources(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("C text.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "sub")
    said = _ok(["sources", "add", "c", "--path", "c.txt", "--publisher", "R", "--trust", "secondary",
                "-s", str(sources)])
    assert f"next: aifacts refresh -s {sources} --only c" in said
    text = sources.read_text(encoding="utf-8")
    assert "path: sub/c.txt" in text and "# my sources" in text and "# the first" in text


def test_sources_remove_keeps_the_rest_as_written(tmp_path: Path):
    sources = _sources(tmp_path)
    said = _ok(["sources", "remove", "b", "-s", str(sources)])
    assert f"next: aifacts refresh -s {sources}" in said
    text = sources.read_text(encoding="utf-8")
    assert "name: b" not in text and "# the first" in text and "# my sources" in text
    listed = json.loads(_ok(["sources", "list", "-s", str(sources), "--json"]))
    assert [s["name"] for s in listed] == ["a"]


def test_sources_check_refuses_a_path_that_names_no_file(tmp_path: Path):
    sources = _sources(tmp_path)
    assert runner.invoke(app, ["sources", "check", "-s", str(sources)]).exit_code == 0
    (tmp_path / "b.txt").unlink()
    result = runner.invoke(app, ["sources", "check", "-s", str(sources)])
    assert result.exit_code == 2 and "b (" in result.stderr and "sources remove" in result.stderr


def test_readme_documents_tables_and_the_export_example_runs(warehouse: Path, tmp_path: Path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "duckdb -c" not in readme, "no duckdb CLI is installed: the README must not rely on it"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() UNION ALL "
                                           "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
    undocumented = [n for n in names if f"`{n}`" not in readme]
    assert not undocumented, f"tables and views the README does not name: {undocumented}"
