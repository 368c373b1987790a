"""Batches of a refresh spilled to Parquet before the one write.

A refresh reads and extracts in batches, but writes once (one transaction, one swap).
Holding every parsed document and statement until then makes memory grow with the
corpus; instead each batch's block texts and statements go to Parquet files in a
private directory beside the warehouse, only the small document metadata stays in
memory, and the writer bulk-inserts the files with DuckDB's Parquet reader. The
directory is removed when the run ends, whatever the outcome; one left by a killed
run is removed by the next run. Its owner holds a lock on a file inside it, so a folder
whose lock can be taken has no owner left, whatever its process id now belongs to.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.parquet as pq

from extractors.statement import Statement
from warehouse.errors import WarehouseError
from warehouse.load import DocumentRow, blocks_table, statements_table

log = logging.getLogger(__name__)

_PREFIX = "staging"
_OWNER = "owner.lock"


class StagingError(WarehouseError):
    """A batch could not be spilled; the message names the directory and the documents."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owned(path: Path) -> bool:
    """True while the run that made `path` still holds the lock on its owner file."""
    try:
        fh = open(path / _OWNER, "rb")
    except OSError:
        return False
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return False


def remove_stale(warehouse: Path, *, writer: bool = False) -> list[Path]:
    """Staging directories of `warehouse` left by runs that are gone: their process is dead,
    or their owner lock is free. With `writer` (the caller holds the warehouse's writer lock,
    so no other refresh of it runs) a folder without an owner lock goes too, even when its
    process id is alive again (ids are reused, soon in a container)."""
    removed = []
    for path in warehouse.parent.glob(f".{warehouse.name}.{_PREFIX}-*"):
        if not path.is_dir():
            continue
        pid = path.name.rsplit("-", 2)[-2] if path.name.count("-") >= 2 else ""
        dead = pid.isdigit() and not _pid_alive(int(pid))
        has_owner = (path / _OWNER).exists()
        if dead or (has_owner and not _owned(path)) or (writer and not has_owner):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    if removed:
        log.warning("removed %d staging folders left by interrupted refreshes of %s", len(removed), warehouse)
    return removed


class Staging:
    """The spilled batches of one run: `add` per batch, then `block_files` and
    `statement_files` for the writer."""

    def __init__(self, warehouse: Path) -> None:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(warehouse)
        self.directory = Path(tempfile.mkdtemp(prefix=f".{warehouse.name}.{_PREFIX}-{os.getpid()}-",
                                               dir=warehouse.parent))
        self._owner = open(self.directory / _OWNER, "wb")
        fcntl.flock(self._owner.fileno(), fcntl.LOCK_EX)
        self.block_files: list[Path] = []
        self.statement_files: list[Path] = []
        self.statements = 0

    def add(self, documents: list[DocumentRow], statements: dict[str, list[Statement]]) -> list[DocumentRow]:
        """Spill one batch; returns its documents without their blocks (what stays in memory).
        `statements` maps a document's doc_id (or source name) to what was extracted from it."""
        keys = {d.doc_id for d in documents} | {d.source_name for d in documents}
        stray = sorted(k for k, items in statements.items() if items and k not in keys)
        if stray:
            raise StagingError(f"{self.directory}: statements given for documents not in the batch: {stray}")
        n = len(self.block_files)
        try:
            blocks = blocks_table(documents)
            if blocks.num_rows:
                path = self.directory / f"blocks-{n:06d}.parquet"
                pq.write_table(blocks, path)
                self.block_files.append(path)
            items = [s for d in documents for s in _statements_of(d, statements)]
            if items:
                table = statements_table(items)
                path = self.directory / f"statements-{n:06d}.parquet"
                pq.write_table(table, path)
                self.statement_files.append(path)
                self.statements += table.num_rows
        except (OSError, pa.ArrowException) as exc:
            names = ", ".join(sorted({d.source_name for d in documents})[:5])
            raise StagingError(f"{self.directory}: cannot spill the batch of {names}: {exc}") from exc
        return [replace(d, blocks=[], block_kinds={}) for d in documents]

    def close(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
        self._owner.close()

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _statements_of(doc: DocumentRow, statements: dict[str, list[Statement]]) -> list[Statement]:
    if doc.doc_id == doc.source_name:
        return list(statements.get(doc.doc_id, []))
    return [*statements.get(doc.doc_id, []), *statements.get(doc.source_name, [])]

