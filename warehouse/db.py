"""Connections and numbered migrations.

Migrations are SQL files `migrations/NNN_name.sql`, applied once each and in order,
recorded in `schema_migrations`, so an existing warehouse only gets what it lacks.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from warehouse.errors import MigrationError, WarehouseError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MODELS_DIR = Path(__file__).resolve().parent / "models"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. Read-only connections cannot reach files, extensions or the
    network and cannot change that setting back, so a user's SQL cannot escape."""
    if read_only:
        con = duckdb.connect(str(path), read_only=True)
        con.execute("SET enable_external_access = false")
        con.execute("SET autoinstall_known_extensions = false")
        con.execute("SET autoload_known_extensions = false")
        con.execute("SET lock_configuration = true")
        return con
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    # A refresh's bulk loads would otherwise let DuckDB's buffers grow toward most of the
    # machine's memory; beyond the limit it spills to a temporary directory instead.
    con.execute(f"SET memory_limit = '{writer_memory_limit()}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def is_lock_conflict(exc: BaseException) -> bool:
    """True for DuckDB's refusal to open a file another process has open (a reader)."""
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def writer_memory_limit() -> str:
    """DuckDB memory for a refresh (AIFACTS_DUCKDB_MEMORY, e.g. 2GB; default 256MB)."""
    value = os.environ.get("AIFACTS_DUCKDB_MEMORY", "256MB").strip()
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", value, re.I):
        raise WarehouseError(f"AIFACTS_DUCKDB_MEMORY={value!r}: expected a size such as 512MB or 2GB")
    return value


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, str, Path]]:
    out = []
    for path in sorted(directory.glob("*.sql")):
        m = _MIGRATION_NAME.match(path.name)
        if not m:
            raise MigrationError(f"migration file {path.name!r} does not match NNN_name.sql")
        out.append((int(m.group(1)), m.group(2), path))
    versions = [v for v, _, _ in out]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"duplicate migration numbers in {directory}")
    return out


def migrate(con: duckdb.DuckDBPyConnection, directory: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply the migrations not yet recorded; returns the versions applied now.

    Runs inside the caller's transaction when there is one (the refresh writer), so a
    failing migration leaves nothing half-applied."""
    con.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)""")
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, path in migration_files(directory):
        if version in done:
            continue
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            raise MigrationError(f"migration {path.name} failed: {exc}") from exc
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [version, name, datetime.now(timezone.utc).replace(tzinfo=None)])
        applied.append(version)
    return applied


def run_model(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Execute one SQL model file from `models/` (marts are built by these)."""
    path = MODELS_DIR / f"{name}.sql"
    try:
        con.execute(path.read_text(encoding="utf-8"))
    except duckdb.Error as exc:
        raise MigrationError(f"model {path.name} failed: {exc}") from exc
