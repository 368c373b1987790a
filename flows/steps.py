"""The plain functions a refresh is made of. The Prefect flow only sequences them."""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
import logging
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator

from extractors.collections_policy import fewer_collections
from extractors.statement import Statement
from flows.guard import WarehouseLocked, hold_point, in_place, shadow_copy, writer_lock
from flows.settings import Settings
from sources.document import Document, doc_id_for
from sources.errors import RegistryError
from sources.fetch import CacheEntry
from sources.read import SourceRead, read_source
from sources.registry import SourceSpec, load_registry
from sources.settings import load_config
from warehouse.load import DocumentRow
from warehouse.queries import source_cache
from warehouse.db import is_lock_conflict
from warehouse.errors import WarehouseError
from warehouse.staging import Staging, remove_stale
from warehouse.writer import CheckpointError, RunInfo, RunSummary, commit_refresh, record_failed_run
from warehouse.writer import prepare as prepare_write

log = logging.getLogger(__name__)


class SourcesFileError(RuntimeError):
    """The sources file cannot be used; the run stops before it starts."""


@dataclass
class RefreshResult:
    """What a run did, for the CLI, the artifacts and the tests."""

    summary: RunSummary
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed_values(self) -> list[tuple[Any, ...]]:
        return list(self.summary.changed_values)

    def to_dict(self) -> dict:
        d = self.summary.to_dict()
        d["failures"] = [{"source": s, "error": e} for s, e in self.failures]
        return d

    def markdown(self) -> str:
        s = self.summary
        lines = [f"# aifacts refresh run {s.run_id}: {s.status}", "",
                 "| sources | fetched | unchanged | failed | statements new | retired | values changed |",
                 "|---|---|---|---|---|---|---|",
                 f"| {s.sources_total} | {s.fetched} | {s.unchanged} | {s.failed} | {s.statements_new} "
                 f"| {s.statements_retired} | {s.values_changed} |"]
        if self.failures:
            lines += ["", "## Failed sources", ""] + [f"- **{n}**: {e}" for n, e in self.failures]
        if s.changed_values:
            lines += ["", "## Changed values", "", "| factory | attribute | old | new |", "|---|---|---|---|"]
            lines += [f"| {f} | {a} | {o} | {n} |" for f, a, o, n in s.changed_values]
        return "\n".join(lines)


def load_sources(settings: Settings) -> list[SourceSpec]:
    specs = load_registry(settings.sources_file, allow_outside=settings.allow_outside)
    if settings.only:
        unknown = set(settings.only) - {s.name for s in specs}
        if unknown:
            raise SourcesFileError(f"{settings.sources_file}: no source named {', '.join(sorted(unknown))}")
        specs = [s for s in specs if s.name in settings.only]
    return specs


def previous_state(settings: Settings, specs: list[SourceSpec]) -> dict[str, CacheEntry]:
    """What the warehouse remembers of each source's last bytes (for 304 / same-hash skips),
    for the sources declared as they were then: a source whose entry in the sources file
    changed (trust, publisher, date...) is read again even if its bytes did not."""
    if not settings.warehouse.exists():
        return {}
    declared = {s.name: s.declared() for s in specs}
    return {name: CacheEntry(sha256=sha, etag=etag, last_modified=lm)
            for name, sha, etag, lm, was in source_cache(settings.warehouse)
            if name in declared and was == declared[name]}


def unchanged_reads(settings: Settings) -> tuple[list[SourceSpec], list[SourceRead]] | None:
    """Every source read against the warehouse's memory of it, stopping at the first one
    that changed or failed (None). A run where all are unchanged has nothing to extract."""
    if settings.full or not settings.warehouse.exists():
        return None
    specs = load_sources(settings)
    previous = previous_state(settings, specs)
    reads = []
    for spec in specs:
        read = read_one(spec, settings.cache_dir, previous.get(spec.name))
        if read.status != "unchanged":
            return None
        reads.append(read)
    return specs, reads


def read_one(spec: SourceSpec, cache_dir: Path, previous: CacheEntry | None) -> SourceRead:
    return read_source(spec, cache_dir, previous)


def read_batch(specs: list[SourceSpec], cache_dir: Path, previous: list[CacheEntry | None]) -> list[SourceRead]:
    """The sources of one batch, `fetch.parallel` at a time: fetching waits on the network,
    and a batch is one task, not one task per source. Never raises for a bad source.
    Parsing builds trees the collector would walk again and again while they are in use:
    it runs less often inside the batch (`collections_policy`)."""
    workers = max(1, min(len(specs), int(load_config("ingest.yaml")["fetch"].get("parallel", 1))))
    with fewer_collections():
        if workers == 1:
            return [read_one(s, cache_dir, p) for s, p in zip(specs, previous)]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aifacts-read") as pool:
            return list(pool.map(read_one, specs, [cache_dir] * len(specs), previous))


def read_and_extract(specs: list[SourceSpec], cache_dir: Path,
                     previous: list[CacheEntry | None]) -> tuple[list[SourceRead], dict[str, list[Statement]]]:
    """One batch: its sources read, then their documents extracted together, in this process."""
    reads = read_batch(specs, cache_dir, previous)
    documents = [r.document for r in reads if r.document is not None]
    failures: dict[str, str] = {}
    statements = extract_batch(documents, failures) if documents else {}
    return failed_extractions(reads, failures), statements


def read_and_extract_budgeted(specs: list[SourceSpec], cache_dir: Path, previous: list[CacheEntry | None]
                              ) -> tuple[list[SourceRead], dict[str, list[Statement]]]:
    """`read_and_extract` as a run does it: in a worker process, within the time and memory
    budgets of `budgets` in ingest.yaml (see `runner_isolated`); in this process with
    `budgets.isolation: inline`."""
    from flows import runner_isolated

    budget = runner_isolated.load_budget()
    if budget.isolation != "process" or not runner_isolated.can_start_workers():
        return read_and_extract(specs, cache_dir, previous)
    runner_isolated.prestart_for(specs)  # the extracting worker builds while the other reads
    try:
        reads = runner_isolated.read_isolated(specs, cache_dir, previous, budget)
        if not any(r.document is not None for r in reads):
            return reads, {}
        statements, failures = runner_isolated.extract_isolated(reads, budget)
    finally:
        runner_isolated.release()
    for doc_id in failures:
        statements.pop(doc_id, None)
    return failed_extractions(reads, failures), statements


def load_write_config_ahead() -> None:
    """The write's configuration (policy, knowledge, gazetteer) loaded in a thread while the
    run reads and extracts: it is cached, and this process would otherwise only wait. The
    extracting worker warms itself (`runner_isolated.prestart_for`, per batch and from the CLI)."""
    threading.Thread(target=_prepare_write, name="aifacts-prepare-write", daemon=True).start()


def _prepare_write() -> None:
    try:
        prepare_write()
    except Exception:  # noqa: BLE001 - the write itself reports what is wrong
        log.debug("loading the write's configuration ahead failed", exc_info=True)


def failed_extractions(reads: list[SourceRead], failures: dict[str, str]) -> list[SourceRead]:
    """A source whose document the rules failed on is a failed source of the run (its
    error row names it and the error; the next run tries it again), like one that could
    not be read: the run goes on with the others."""
    if not failures:
        return reads
    return [replace(r, status="error", error=failures[r.document.doc_id], document=None)
            if r.document is not None and r.document.doc_id in failures else r for r in reads]


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def extract_batch(documents: list[Document], failures: dict[str, str] | None = None) -> dict[str, list[Statement]]:
    # imported here: the spaCy pipelines cost seconds to import, and a run with nothing
    # changed extracts nothing; whether the compiled rules run is decided before they load
    from extractors import native

    native.install()
    from extractors.extract import extract_many

    with fewer_collections():
        out = {doc.doc_id: statements for doc, statements in extract_many(documents, failures=failures)}
    for doc_id in failures or ():
        out.pop(doc_id, None)
    return out


def document_row(read: SourceRead, spec: SourceSpec) -> DocumentRow:
    doc = read.document
    entry = read.cache
    if doc is None:
        problem = read.error or "unknown error"
        return DocumentRow(doc_id=doc_id_for(spec.name, "error:" + hashlib.sha256(problem.encode()).hexdigest()),
                           source_name=spec.name,
                           url=spec.original_url or spec.url or (str(spec.path) if spec.path else None),
                           publisher=spec.publisher, trust=spec.trust, lang=spec.lang, published_on=spec.published,
                           title=None, sha256=entry.sha256 if entry else None, status="error", error=problem)
    return DocumentRow(doc_id=doc.doc_id, source_name=doc.source_name, url=doc.url, publisher=doc.publisher,
                       trust=doc.trust, lang=doc.lang, published_on=doc.published_on, title=doc.title,
                       sha256=doc.sha256, status="ok", error=None,
                       etag=entry.etag if entry else None, last_modified=entry.last_modified if entry else None,
                       blocks=[(b.index, b.text) for b in doc.blocks],
                       block_kinds={b.index: b.kind for b in doc.blocks}, declared=spec.declared())


class Collector:
    """What the batches of a run leave for the single writer. With a `Staging`, each
    batch's blocks and statements are spilled at once and only document metadata is
    kept, so memory stays flat however many sources the run reads."""

    def __init__(self, staging: Staging | None = None) -> None:
        self.staging = staging
        self.ok: list[DocumentRow] = []
        self.failed: list[DocumentRow] = []
        self.unchanged: list[str] = []
        self.active: list[str] = []
        self.statements: dict[str, list[Statement]] = {}

    def add(self, specs: list[SourceSpec], reads: list[SourceRead],
            statements: dict[str, list[Statement]]) -> None:
        pairs = list(zip(specs, reads))
        ok = [document_row(r, s) for s, r in pairs if r.status == "ok"]
        if self.staging is not None:
            ok = self.staging.add(ok, statements)
        else:
            self.statements.update(statements)
        self.ok += ok
        self.failed += [document_row(r, s) for s, r in pairs if r.status == "error"]
        # the names of the run's own specs: the reads' copies would outlive their batch
        self.unchanged += [s.name for s, r in pairs if r.status == "unchanged"]
        self.active += [s.name for s, _ in pairs]


def staging(settings: Settings) -> Staging:
    """The run's spill directory beside the warehouse (removed when the run ends)."""
    return Staging(settings.warehouse)


def write(settings: Settings, specs: list[SourceSpec], reads: list[SourceRead],
          statements: dict[str, list[Statement]], flow_run_id: str | None) -> RefreshResult:
    """The single writer for reads and statements held in memory (small runs, tests)."""
    collector = Collector()
    collector.add(specs, reads, statements)
    return write_collected(settings, collector, flow_run_id)


def write_collected(settings: Settings, collected: Collector, flow_run_id: str | None) -> RefreshResult:
    """The single writer: under the lock, on a shadow copy swapped in at the end."""
    run = RunInfo(flow_run_id=flow_run_id, full=settings.full, partial_scope=bool(settings.only))
    nothing_read = not collected.ok and not collected.failed and not settings.full and settings.warehouse.exists()

    def commit(path: Path) -> RunSummary:
        return commit_refresh(
            path, run=run, documents=collected.ok, statements=collected.statements,
            unchanged_sources=collected.unchanged, failed=collected.failed,
            active_sources=collected.active, full=settings.full, config_dir=settings.config_dir,
            staged=collected.staging)

    with writer_lock(settings.warehouse, wait_s=settings.lock_wait_s):
        summary = _small_write(settings, commit) if nothing_read else _shadow_write(settings, commit)
    return RefreshResult(summary=summary, failures=[(d.source_name, d.error or "") for d in collected.failed])


# How long a write in place waits for readers of the live file before it writes a copy instead.
READER_WAIT_S = 2.0


def _shadow_write(settings: Settings, commit: Any) -> Any:
    with shadow_copy(settings.warehouse) as shadow:
        try:
            out = commit(shadow.path)
        except CheckpointError:
            raise  # committed but not in the file: the copy is not kept, the live file stays the last good one
        except WarehouseError as exc:
            shadow.keep()  # rolled back, the failed run recorded: the copy is consistent and says why
            exc.run_recorded = True  # type: ignore[attr-defined]
            raise
        hold_point()
    return out


def _small_write(settings: Settings, commit: Any) -> Any:
    """A few bookkeeping rows: written in place, unless a reader has the live file open
    (DuckDB then refuses to open it for writing). Readers usually close within moments,
    so the write retries for READER_WAIT_S, then writes a copy and swaps it in, which
    readers never block: an open reader never breaks a refresh."""
    deadline = time.monotonic() + READER_WAIT_S
    while True:
        try:
            with in_place(settings.warehouse) as shadow:
                out = commit(shadow.path)
                hold_point()
            return out
        except Exception as exc:  # noqa: BLE001 - only a reader's lock is retried; all else re-raised
            if not is_lock_conflict(exc):
                raise
            if time.monotonic() >= deadline:
                log.warning("a reader has %s open; writing this run's rows to a copy instead (%s)",
                            settings.warehouse, str(exc).splitlines()[0])
                return _shadow_write(settings, commit)
            time.sleep(0.1)


def begin_run(settings: Settings) -> None:
    """What a run does first, holding the writer lock: spill folders of runs that are gone
    are removed (no other refresh of this warehouse can be using one now)."""
    remove_stale(settings.warehouse, writer=True)


def record_abort(settings: Settings, exc: BaseException, flow_run_id: str | None, sources_total: int = 0) -> None:
    """A run that stopped before its write still leaves a `runs` row (status failed, with
    the error), written like any small write. Never raises: the original error is the news."""
    if isinstance(exc, (WarehouseLocked, RegistryError, SourcesFileError)) or getattr(exc, "run_recorded", False):
        # not a run to record: locked out, refused before it started (a bad sources file or
        # --only name, which must not create or touch the warehouse), or recorded by the writer
        return
    run = RunInfo(flow_run_id=flow_run_id, full=settings.full, partial_scope=bool(settings.only))
    try:
        with writer_lock(settings.warehouse, wait_s=settings.lock_wait_s):
            write = _small_write if settings.warehouse.exists() else _shadow_write
            write(settings, lambda path: record_failed_run(path, run=run, error=exc, sources_total=sources_total))
    except Exception as record_exc:  # noqa: BLE001 - reported on the original error
        exc.add_note(f"recording the aborted run in {settings.warehouse} also failed: {record_exc}")
