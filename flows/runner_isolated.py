"""Reading and extracting in a worker process the run can stop: time and memory budgets.

A size cap bounds bytes, not time or memory: a page can be small and still take minutes to
parse, or gigabytes to hold, in C code that no Python-level timeout interrupts. So a
batch's sources are read in one worker process and extracted in another (a pair per batch
in flight, kept for the next batches so the pipelines and block cache stay warm; the
extracting one builds its pipelines while the other reads), each with its address space
capped (RLIMIT_AS, `budgets.memory_mb`), and the run watches them from outside:

- reading: the worker says when it starts and ends each source; one that takes longer than
  `budgets.read_seconds` (fetch and parse) gets the worker killed, and becomes that
  source's error; the sources not yet read go to a new worker.
- extracting: the batch has `extract_seconds` plus its characters at
  `extract_chars_per_second`; past that the worker is killed and the documents not yet
  done are extracted again one by one, each with its own such budget, so only the one
  that overruns fails.
- a worker that dies (the memory cap, a crash in C code) fails the sources it was on, the
  same way.

`budgets.isolation: inline` reads and extracts in the run's own process (no budgets), as
does a daemonic process (a Dask worker), which may not start one.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from sources.settings import load_config

if TYPE_CHECKING:  # a worker imports only what its role needs, so an extracting one starts building sooner
    from extractors.statement import Statement
    from sources.fetch import CacheEntry
    from sources.read import SourceRead
    from sources.registry import SourceSpec

log = logging.getLogger(__name__)

POLL_S = 0.2


@dataclass(frozen=True, slots=True)
class Budget:
    isolation: str = "process"
    read_seconds: float = 120.0
    extract_seconds: float = 60.0
    extract_chars_per_second: float = 20_000.0
    memory_mb: int = 4096

    def extract_deadline(self, chars: int) -> float:
        return self.extract_seconds + chars / max(1.0, self.extract_chars_per_second)


def load_budget() -> Budget:
    cfg = load_config("ingest.yaml").get("budgets") or {}
    b = Budget(isolation=str(cfg.get("isolation", "process")), read_seconds=float(cfg.get("read_seconds", 120)),
               extract_seconds=float(cfg.get("extract_seconds", 60)),
               extract_chars_per_second=float(cfg.get("extract_chars_per_second", 20_000)),
               memory_mb=int(cfg.get("memory_mb", 4096)))
    if b.isolation not in ("process", "inline"):
        raise ValueError(f"ingest.yaml: budgets.isolation {b.isolation!r} is not 'process' or 'inline'")
    return b


def can_start_workers() -> bool:
    """False inside a daemonic process (a Dask worker), which may not start processes: its
    batches are read and extracted inline there, as with `isolation: inline`."""
    return not mp.current_process().daemon


class WorkerGone(Exception):
    """The worker process ended (killed by the run, the memory cap, or a crash)."""


# ---------------------------------------------------------------- the worker process

def _child(conn: Connection, memory_mb: int) -> None:
    import resource

    from extractors import native

    native.install()  # this process's entry: decided before any rule module loads
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    send_lock = threading.Lock()

    def send(msg: tuple) -> None:
        with send_lock:
            conn.send(msg)

    def read_one(spec: SourceSpec, cache_dir: Path, previous: CacheEntry | None) -> SourceRead:
        from sources.read import SourceRead, read_source

        send(("started", spec.name))
        try:
            read = read_source(spec, cache_dir, previous)
        except MemoryError:
            read = SourceRead(spec.name, "error", error=f"source {spec.name!r}: reading it needed more than the "
                                                        f"{memory_mb} MB a source may use", cache=previous)
        send(("read", read))
        return read

    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg[0] == "read":
            from flows import steps

            steps.read_one = read_one  # the batch's reads, each announced to the run (this process only)
            _, specs, cache_dir, previous = msg
            steps.read_batch(specs, Path(cache_dir), previous)
            send(("reads_done",))
        elif msg[0] == "warm":
            from extractors.pipeline import build_pipeline

            for lang in msg[1]:
                try:
                    build_pipeline(lang)
                except Exception:  # noqa: BLE001 - the extraction that needs it reports the error
                    log.debug("warming the %r pipeline failed", lang, exc_info=True)
        elif msg[0] == "extract":
            docs = msg[1]
            from extractors.pipeline import build_pipeline

            for lang in {d.lang or "en" for d in docs}:
                build_pipeline(lang)  # built before the clock starts
            send(("extracting",))
            from flows.steps import extract_batch

            failures: dict[str, str] = {}
            try:
                statements = extract_batch(docs, failures)
            except MemoryError:
                send(("memory",))
                continue
            send(("extracted", statements, failures))
        else:
            return


# ---------------------------------------------------------------- the run's side

class Worker:
    def __init__(self, budget: Budget) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child_conn = ctx.Pipe()
        self.proc = ctx.Process(target=_child, args=(child_conn, budget.memory_mb), daemon=True,
                                name="aifacts-worker")
        self.proc.start()
        child_conn.close()
        self.memory_mb = budget.memory_mb
        self.key = _key(budget)

    def alive(self) -> bool:
        return self.proc.is_alive()

    def send(self, msg: tuple) -> None:
        try:
            self.conn.send(msg)
        except (OSError, ValueError) as exc:
            raise WorkerGone(self.why()) from exc

    def recv(self, timeout: float) -> tuple | None:
        try:
            if self.conn.poll(timeout):
                return self.conn.recv()
        except (EOFError, OSError) as exc:
            raise WorkerGone(self.why()) from exc
        if not self.proc.is_alive():
            raise WorkerGone(self.why())
        return None

    def why(self) -> str:
        self.proc.join(timeout=1)
        code = self.proc.exitcode
        if code is not None and code < 0:
            return f"its worker process was killed by signal {-code} (the {self.memory_mb} MB memory cap, or a crash)"
        return f"its worker process ended (exit code {code}; the {self.memory_mb} MB memory cap, or a crash)"

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=10)
        self.conn.close()


def _key(budget: Budget) -> tuple:
    """What a worker was started with: its cap and the settings it read from the environment
    (the config folder above all). A worker started under other ones is replaced."""
    return budget.memory_mb, tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("AIFACTS_")))


# A batch holds two workers (in its thread) from its first read to `release`: one reads, one
# extracts. Apart, the extracting one can build its pipelines while the other reads, and a
# source that kills its reader costs no built pipeline. Idle workers wait for the next batch,
# so batches in flight at once (Dask threads) never share one, and successive batches reuse
# warm ones whichever thread runs them.
READ, EXTRACT = "read", "extract"
_local = threading.local()
_idle: list[tuple[str, Worker]] = []
_idle_lock = threading.Lock()


def _held() -> dict[str, Worker]:
    if not hasattr(_local, "workers"):
        _local.workers = {}
    return _local.workers


def _take_idle(role: str, budget: Budget) -> Worker | None:
    """An idle worker of `role` started under this budget; stale ones are ended on the way."""
    key = _key(budget)
    with _idle_lock:
        for i, (r, candidate) in enumerate(_idle):
            if r != role:
                continue
            if candidate.alive() and candidate.key == key:
                del _idle[i]
                return candidate
        stale = [(r, w) for r, w in _idle if r == role]
        _idle[:] = [(r, w) for r, w in _idle if r != role]
    for _, w in stale:
        w.kill()
    return None


def _get_worker(budget: Budget, role: str) -> Worker:
    held = _held()
    worker = held.get(role)
    if worker is not None and worker.alive() and worker.key == _key(budget):
        return worker
    if worker is not None:
        worker.kill()
    held[role] = _take_idle(role, budget) or Worker(budget)
    return held[role]


def prestart(langs: Iterable[str]) -> None:
    """The extracting worker started now, building the pipelines of `langs` while the run is
    still starting (Prefect) and reading: building them is most of a cold run's extraction
    time (French alone compiles a tokenizer pattern for two seconds). A worker already held
    or idle is asked to build what it lacks instead, so calling this again never adds a
    process."""
    budget = load_budget()
    if budget.isolation != "process" or not can_start_workers():
        return
    worker = _held().get(EXTRACT)
    if worker is None or not worker.alive() or worker.key != _key(budget):
        worker = _take_idle(EXTRACT, budget) or Worker(budget)
        with _idle_lock:
            _idle.append((EXTRACT, worker))
    try:
        worker.send(("warm", sorted(set(langs))))
    except WorkerGone:
        log.debug("a prestarted worker ended before its warm-up", exc_info=True)


def prestart_for(specs: Iterable[SourceSpec]) -> None:
    """`prestart` for the languages these sources declare, and English, which the ones that
    declare none mostly are."""
    prestart({s.lang for s in specs if s.lang} | {"en"})


def release() -> None:
    """The batch is done with its workers: kept for the next batch."""
    held = _held()
    kept = [(role, w) for role, w in held.items() if w.alive()]
    held.clear()
    with _idle_lock:
        _idle.extend(kept)


def _drop_worker(role: str) -> None:
    worker = _held().pop(role, None)
    if worker is not None:
        worker.kill()


def _failed(spec: SourceSpec, previous: CacheEntry | None, problem: str) -> SourceRead:
    from sources.read import SourceRead

    return SourceRead(spec.name, "error", error=f"source {spec.name!r}: {problem}", cache=previous)


_SHARED_FAILURE = ("MemoryError", "memory cap", "worker process", "failed to map")


def read_isolated(specs: list[SourceSpec], cache_dir: Path, previous: list[CacheEntry | None],
                  budget: Budget) -> list[SourceRead]:
    """The batch's reads, each within `read_seconds` and the memory cap. The sources of a
    batch are read side by side in one worker, so one that exhausts the memory (or crashes
    the worker) can fail the others read at the same moment: every source that failed that
    way is read again alone, so the cap is each source's own."""
    reads = _read_in_worker(specs, cache_dir, previous, budget)
    if len(specs) < 2:
        return reads
    again = [i for i, r in enumerate(reads) if r.status == "error" and any(w in (r.error or "") for w in _SHARED_FAILURE)]
    for i in again:
        log.warning("reading %s again on its own: %s", specs[i].name, reads[i].error)
        reads[i] = _read_in_worker([specs[i]], cache_dir, [previous[i]], budget)[0]
    return reads


def _read_in_worker(specs: list[SourceSpec], cache_dir: Path, previous: list[CacheEntry | None],
                    budget: Budget) -> list[SourceRead]:
    done: dict[str, SourceRead] = {}
    todo = list(zip(specs, previous))
    while todo:
        worker = _get_worker(budget, READ)
        started: dict[str, float] = {}
        try:
            worker.send(("read", [s for s, _ in todo], str(cache_dir), [p for _, p in todo]))
            while True:
                msg = worker.recv(POLL_S)
                now = time.monotonic()
                if msg is not None:
                    if msg[0] == "started":
                        started[msg[1]] = now
                    elif msg[0] == "read":
                        done[msg[1].source_name] = msg[1]
                        started.pop(msg[1].source_name, None)
                    elif msg[0] == "reads_done":
                        break
                over = [n for n, t in started.items() if now - t > budget.read_seconds]
                if over:
                    _drop_worker(READ)
                    for spec, prev in todo:
                        if spec.name in over:
                            done[spec.name] = _failed(spec, prev, f"reading took longer than the "
                                                      f"{budget.read_seconds:g} s a source may take; stopped")
                    break
        except WorkerGone as exc:
            _drop_worker(READ)
            culprits = list(started) or [s.name for s, _ in todo if s.name not in done][:1]
            for spec, prev in todo:
                if spec.name in culprits:
                    done[spec.name] = _failed(spec, prev, f"reading it stopped: {exc}")
        todo = [(s, p) for s, p in todo if s.name not in done]
    return [done[s.name] for s in specs]


def extract_isolated(reads: list[SourceRead], budget: Budget) -> tuple[dict[str, list[Statement]], dict[str, str]]:
    """The documents of the batch's reads extracted within the budget: all together first;
    when that overruns or the worker dies, the ones left one by one."""
    docs = [r.document for r in reads if r.document is not None]
    statements, failures = _extract_in_worker(docs, budget)
    if statements is not None:
        return statements, failures
    log.warning("extraction of a batch of %d documents overran its budget or lost its worker; "
                "extracting them one by one", len(docs))
    statements, failures = {}, {}
    for doc in docs:
        one, failed = _extract_in_worker([doc], budget)
        if one is None:
            failures[doc.doc_id] = (f"source {doc.source_name!r}: extraction stopped: {failed.get('why')} "
                                    f"({sum(len(b.text) for b in doc.blocks)} characters)")
        else:
            statements.update(one)
            failures.update(failed)
    return statements, failures


def _extract_in_worker(docs: list, budget: Budget) -> tuple[dict | None, dict[str, str]]:
    chars = sum(len(b.text) for d in docs for b in d.blocks)
    limit = budget.extract_deadline(chars)
    worker = _get_worker(budget, EXTRACT)
    try:
        worker.send(("extract", docs))
        deadline = None
        while True:
            msg = worker.recv(POLL_S)
            if msg is not None and msg[0] == "extracting":
                deadline = time.monotonic() + limit
            elif msg is not None and msg[0] == "extracted":
                return msg[1], msg[2]
            elif msg is not None and msg[0] == "memory":
                _drop_worker(EXTRACT)
                return None, {"why": f"it needed more than the {budget.memory_mb} MB a source may use"}
            if deadline is not None and time.monotonic() > deadline:
                _drop_worker(EXTRACT)
                return None, {"why": f"it took longer than the {limit:.0f} s its text allows; stopped"}
    except WorkerGone as exc:
        _drop_worker(EXTRACT)
        return None, {"why": str(exc)}
