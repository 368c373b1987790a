"""The single write path of a refresh: everything in one transaction.

The flow fetches, parses and extracts without the database, then hands the results to
`commit_refresh`, so the file is locked only for the load, the reconcile and the
contract checks. If any step raises, the transaction is rolled back (the previous marts
stay), the failed run is recorded in a separate small transaction, and a
`WarehouseError` is raised.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

import common.paths
from extractors.statement import Statement
from warehouse import db, load
from warehouse.contracts import check_contracts
from warehouse.errors import WarehouseError
from warehouse.history import ValueChange, update_history
from warehouse.knowledge import load_knowledge
from warehouse.load import DocumentRow
from warehouse.places import GazetteerLike
from warehouse.policy import load_overrides, load_policy
from warehouse.reconcile import Reconciler
from warehouse.staging import Staging


class CheckpointError(WarehouseError):
    """The run's transaction committed but could not be checkpointed into the file (a full
    disk): the run counts as failed and its copy is not swapped in."""


@dataclass(frozen=True, slots=True)
class RunInfo:
    """`partial_scope`: the run read only some sources (--only), so sources it did not
    read are not treated as removed."""

    flow_run_id: str | None = None
    started_at: datetime | None = None
    full: bool = False
    partial_scope: bool = False


@dataclass(slots=True)
class RunSummary:
    run_id: int
    status: str  # ok | partial | failed
    sources_total: int = 0
    fetched: int = 0
    unchanged: int = 0
    failed: int = 0
    statements_new: int = 0
    statements_retired: int = 0
    values_changed: int = 0
    marts_rebuilt: bool = False
    changes: list[ValueChange] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source_name, error)
    removed_sources: list[str] = field(default_factory=list)

    @property
    def changed_values(self) -> list[tuple[str, str, object, object]]:
        """(factory, attribute, old, new) with decoded values, for the run artifact."""
        decode = lambda v: None if v is None else json.loads(v)  # noqa: E731
        return [(c.factory_id, c.attribute, decode(c.old), decode(c.new)) for c in self.changes]

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("run_id", "status", "sources_total", "fetched", "unchanged", "failed",
                                           "statements_new", "statements_retired", "values_changed",
                                           "marts_rebuilt", "removed_sources")}
        d["changed_values"] = [dict(zip(("factory", "attribute", "old", "new"), c)) for c in self.changed_values]
        d["failures"] = [{"source": s, "error": e} for s, e in self.failures]
        return d


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def config_fingerprint(directory: Path) -> str:
    """Hash of what reconciliation reads besides statements: a changed policy, override
    or knowledge file makes the next run rebuild the marts."""
    h = hashlib.sha256()
    paths = [directory / "policy.yaml", directory / "overrides.yaml", *sorted((directory / "knowledge").glob("*.yaml"))]
    for p in paths:
        if p.exists():
            h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def _default_gazetteer() -> GazetteerLike:
    from warehouse.gazetteer import load_gazetteer  # written alongside; imported when first needed
    return load_gazetteer()


def prepare(config_dir: str | Path | None = None) -> None:
    """What a write reads besides the statements (policy and its place words, overrides,
    knowledge, gazetteer),
    loaded now: all of it is cached, so a run can load it while it waits for extraction
    instead of after (about a second of a cold run)."""
    cfg = _resolve_config(config_dir)
    load_policy(cfg).name_check.place_words  # noqa: B018 - built on first use, cached
    load_overrides(cfg)
    load_knowledge(cfg)
    _default_gazetteer()


def commit_refresh(db_path: str | Path, *, run: RunInfo, documents: list[DocumentRow],
                   statements: dict[str, list[Statement]], unchanged_sources: list[str],
                   failed: list[DocumentRow], active_sources: list[str], full: bool,
                   config_dir: str | Path | None = None, gazetteer: GazetteerLike | None = None,
                   staged: Staging | None = None) -> RunSummary:
    """Write one refresh. `documents` are the fetched (new or changed) documents;
    `statements` maps each one's doc_id (or source name) to the statements extracted from it.
    Blocks and statements of batches spilled to `staged` are loaded with them."""
    cfg = _resolve_config(config_dir)
    started = run.started_at or _now()
    con = db.connect(db_path)
    try:
        run_id = None
        try:
            con.execute("BEGIN TRANSACTION")
            db.migrate(con)
            run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchall()[0][0]
            summary = _write(con, run_id, run, started, documents, statements, unchanged_sources, failed,
                             active_sources, full, cfg, gazetteer, staged)
            con.execute("COMMIT")
        except Exception as exc:  # any failure must roll back; re-raised below as WarehouseError
            con.execute("ROLLBACK")
            try:
                _record_failure(con, run, started, exc, len(active_sources))
            except duckdb.Error as record_exc:
                exc.add_note(f"recording the failed run also failed: {record_exc}")
            if isinstance(exc, WarehouseError):
                raise
            detail = str(exc)
            if isinstance(exc, duckdb.OutOfMemoryException):
                detail = (f"{detail.splitlines()[0]} (DuckDB may use {db.writer_memory_limit()} for a refresh: "
                          "set AIFACTS_DUCKDB_MEMORY higher, e.g. AIFACTS_DUCKDB_MEMORY=1GB)")
            raise WarehouseError(f"refresh of warehouse {db_path} failed and was rolled back: "
                                 f"{type(exc).__name__}: {detail}") from exc
        try:
            # written into the file now, not at some later close: a checkpoint that fails
            # (a full disk) fails the run instead of leaving it to the WAL unannounced
            con.execute("CHECKPOINT")
        except duckdb.Error as exc:
            raise CheckpointError(f"refresh of warehouse {db_path} committed run {run_id} but could not write it "
                                  f"into the file (checkpoint failed: {type(exc).__name__}: "
                                  f"{str(exc).splitlines()[0]}); the run is not kept") from exc
        return summary
    finally:
        con.close()


def record_failed_run(db_path: str | Path, *, run: RunInfo, error: BaseException, sources_total: int) -> int:
    """A run that ended before its write (an aborted run) recorded as a failed row of `runs`;
    returns its run id."""
    con = db.connect(db_path)
    try:
        _record_failure(con, run, run.started_at or _now(), error, sources_total)
        return con.execute("SELECT max(run_id) FROM runs").fetchall()[0][0]
    finally:
        con.close()


def _resolve_config(explicit: str | Path | None) -> Path:
    return common.paths.config_dir(explicit)


def _write(con: duckdb.DuckDBPyConnection, run_id: int, run: RunInfo, started: datetime,
           documents: list[DocumentRow], statements: dict[str, list[Statement]], unchanged_sources: list[str],
           failed: list[DocumentRow], active_sources: list[str], full: bool, cfg: Path,
           gazetteer: GazetteerLike | None, staged: Staging | None) -> RunSummary:
    policy = load_policy(cfg)
    con.execute("INSERT INTO runs (run_id, flow_run_id, started_at, status, full_refresh) VALUES (?, ?, ?, 'running', ?)",
                [run_id, run.flow_run_id, started, full])
    load.snapshot_current(con)
    fetched_names = {d.source_name for d in documents}
    keys = fetched_names | {d.doc_id for d in documents}
    unknown_docs = [name for name, items in statements.items() if items and name not in keys]
    if unknown_docs:
        raise WarehouseError(f"statements given for sources without a fetched document: {sorted(unknown_docs)}")
    bad_trust = [d.source_name for d in documents if d.trust not in policy.trust_tiers]
    if bad_trust:
        raise WarehouseError(f"documents with a trust tier not in policy.yaml: {bad_trust}")
    load.insert_documents(con, run_id, [*documents, *failed])
    batch: list[Statement] = []
    for doc in documents:
        batch += [*statements.get(doc.doc_id, []), *statements.get(doc.source_name, [])] \
            if doc.doc_id != doc.source_name else statements.get(doc.doc_id, [])
    load.set_source_current(con, run_id, documents)
    if staged is not None:
        load.insert_blocks(con, files=staged.block_files)
    # one bulk insert, not one per document
    new = load.upsert_statements(con, run_id, batch, files=staged.statement_files if staged else None)
    unknown = load.mark_unchanged(con, run_id, [s for s in unchanged_sources if s not in fetched_names])
    if unknown:
        raise WarehouseError(f"sources reported unchanged but never loaded into this warehouse: {unknown}")
    removed = [] if run.partial_scope else load.deactivate_removed(con, active_sources)
    load.record_run_sources(con, run_id, [
        *[(d.source_name, "fetched", d.doc_id, None) for d in documents],
        *[(s, "unchanged", None, None) for s in unchanged_sources if s not in fetched_names],
        *[(d.source_name, "failed", d.doc_id, d.error) for d in failed],
        *[(s, "removed", None, None) for s in removed]])
    added, retired = load.current_changes(con)
    fingerprint = config_fingerprint(cfg)
    last = con.execute("""SELECT config_hash FROM runs WHERE marts_rebuilt AND status IN ('ok', 'partial')
                          ORDER BY run_id DESC LIMIT 1""").fetchall()
    full = full or run.full
    rebuild = full or bool(added or retired) or not last or last[0][0] != fingerprint
    changes: list[ValueChange] = []
    if rebuild:
        gaz = gazetteer if gazetteer is not None else _default_gazetteer()
        outcome = Reconciler(load_knowledge(cfg), policy, load_overrides(cfg), gaz).run(con)
        changes = update_history(con, run_id, outcome.chosen)
        db.run_model(con, "factories")
        db.run_model(con, "events")
    check_contracts(con, policy.trust_tiers)
    n_unchanged = len([s for s in unchanged_sources if s not in fetched_names])
    status = "partial" if failed else "ok"  # a failed source never fails the run; a failed write does
    summary = RunSummary(run_id=run_id, status=status, sources_total=len(active_sources), fetched=len(documents),
                         unchanged=n_unchanged, failed=len(failed), statements_new=new, statements_retired=retired,
                         values_changed=len(changes), marts_rebuilt=rebuild, changes=changes,
                         failures=[(d.source_name, d.error or "") for d in failed], removed_sources=removed)
    con.execute("""UPDATE runs SET finished_at = ?, status = ?, sources_total = ?, fetched = ?, unchanged = ?,
                   failed = ?, statements_new = ?, statements_retired = ?, values_changed = ?,
                   marts_rebuilt = ?, config_hash = ? WHERE run_id = ?""",
                [_now(), status, summary.sources_total, summary.fetched, summary.unchanged, summary.failed,
                 new, retired, len(changes), rebuild, fingerprint if rebuild else None, run_id])
    return summary


def _record_failure(con: duckdb.DuckDBPyConnection, run: RunInfo, started: datetime, exc: Exception,
                    sources_total: int) -> None:
    """After a rollback: a small transaction of its own, so the failure is visible in `runs`."""
    try:
        con.execute("BEGIN TRANSACTION")
        db.migrate(con)
        run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchall()[0][0]
        con.execute("""INSERT INTO runs (run_id, flow_run_id, started_at, finished_at, status, sources_total, error)
                       VALUES (?, ?, ?, ?, 'failed', ?, ?)""",
                    [run_id, run.flow_run_id, started, _now(), sources_total, f"{type(exc).__name__}: {exc}"[:2000]])
        con.execute("COMMIT")
    except duckdb.Error:
        con.execute("ROLLBACK")
        raise
