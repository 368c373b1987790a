"""The `refresh` flow: read and extract batch by batch, then one short write to the warehouse.

The flow only sequences plain functions (in `flows/steps.py`); tasks add retries,
timeouts and logging. Sources go through in batches of `batch_docs`: one task reads a
batch's sources (several at a time, see `steps.read_batch`) and extracts its documents
(never a task per document); a few batches are in flight at once (as many as the task
runner has workers) and each batch's blocks and statements are spilled to Parquet as it
completes, so memory does not grow with the corpus. A single task then writes
DuckDB from the spilled files.
"""

from __future__ import annotations

import os
from collections import deque
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.context import get_run_context

from flows import progress, steps
from flows.guard import writer_lock
from flows.runners import ConfiguredTaskRunner, load_runtime
from flows.settings import Settings


# Results are passed on in memory and never cached: hashing parsed documents to build
# cache keys would cost more than the work, and a refresh must always look again.
@task(name="read-and-extract", cache_policy=NO_CACHE)
def batch_task(specs: list, cache_dir: str, previous: list):  # noqa: ANN001 - prefect parameters
    return steps.read_and_extract_budgeted(specs, Path(cache_dir), previous)


@task(name="write-warehouse", retries=0, cache_policy=NO_CACHE)
def write_task(settings: Settings, collected: steps.Collector, flow_run_id: str | None):  # noqa: ANN001
    return steps.write_collected(settings, collected, flow_run_id)


@flow(name="refresh", log_prints=True, task_runner=ConfiguredTaskRunner())
def refresh(sources: str | None = None, warehouse: str | None = None, only: list[str] | None = None,
            full: bool = False, allow_outside: bool = False) -> steps.RefreshResult:
    """One refresh run. Parameters are plain values so a deployment can schedule it."""
    settings = Settings.resolve(sources=sources, warehouse=warehouse, only=only, full=full,
                                allow_outside=allow_outside)
    return run_refresh(settings)


# What a served refresh reads and writes, fixed by `aifacts serve` when it starts (the runs it
# starts inherit its environment); see `scheduled_refresh`.
SERVED_SOURCES_ENV = "AIFACTS_SERVED_SOURCES"
SERVED_WAREHOUSE_ENV = "AIFACTS_SERVED_WAREHOUSE"


class ServedSettingsError(RuntimeError):
    """A served run was started without the settings `aifacts serve` fixes."""


@flow(name="refresh-scheduled", log_prints=True, task_runner=ConfiguredTaskRunner())
def scheduled_refresh(full: bool = False) -> steps.RefreshResult:
    """The flow `aifacts serve` deploys. The Prefect API has no authentication, so a served
    deployment takes no parameter that widens what it reads: the sources file and the
    warehouse were fixed when `aifacts serve` started, paths outside the sources file's
    folder are never allowed, and a run asked for with any other parameter fails before it
    reads anything (Prefect refuses parameters the flow does not declare)."""
    sources, warehouse = os.environ.get(SERVED_SOURCES_ENV), os.environ.get(SERVED_WAREHOUSE_ENV)
    if not sources or not warehouse:
        raise ServedSettingsError(f"{SERVED_SOURCES_ENV} and {SERVED_WAREHOUSE_ENV} are not set: "
                                  "served refreshes are started by `aifacts serve`")
    return run_refresh(Settings.resolve(sources=sources, warehouse=warehouse, full=bool(full), allow_outside=False))


def run_refresh(settings: Settings) -> steps.RefreshResult:
    """The body of the flow; callable inside any flow context (the CLI's, the server's).

    The writer lock is taken first, before anything is read: a second refresh of the same
    warehouse waits or gives up at once, not after extracting everything. A run that stops
    on an error before its write leaves a failed `runs` row saying why."""
    flow_run_id = _flow_run_id()
    with writer_lock(settings.warehouse, wait_s=settings.lock_wait_s):
        steps.begin_run(settings)
        try:
            return _run(settings, flow_run_id)
        except (Exception, KeyboardInterrupt) as exc:
            steps.record_abort(settings, exc, flow_run_id)
            raise


def _run(settings: Settings, flow_run_id: str | None) -> steps.RefreshResult:
    logger = get_run_logger()
    specs = steps.load_sources(settings)
    previous = steps.previous_state(settings, specs)
    in_flight = load_runtime().batches_in_flight
    with steps.staging(settings) as staging:
        collected = steps.Collector(staging)
        pending: deque = deque()

        def finish_oldest() -> None:
            batch, future = pending.popleft()
            reads, statements = future.result()
            for r in reads:
                if r.status == "error":
                    logger.warning("source %s failed: %s", r.source_name, r.error)
            collected.add(batch, reads, statements)  # spilled: the batch leaves memory here

        for batch in progress.track(steps.batches(specs, settings.batch_docs), "refreshing sources",
                                    total=len(specs), size=len):
            pending.append((batch, batch_task.submit(
                batch, str(settings.cache_dir), [None if settings.full else previous.get(s.name) for s in batch])))
            if len(pending) >= in_flight:
                finish_oldest()
        while pending:
            finish_oldest()
        result = write_task(settings, collected, flow_run_id)
    publish_artifacts(result)
    return result


def _flow_run_id() -> str | None:
    try:
        ctx = get_run_context()
        return str(ctx.flow_run.id) if getattr(ctx, "flow_run", None) else None
    except RuntimeError:
        return None


def publish_artifacts(result: steps.RefreshResult) -> None:
    """The run summary as Prefect artifacts: visible in the UI when a server is used."""
    create_markdown_artifact(key="refresh-summary", markdown=result.markdown(), description="aifacts refresh summary")
    rows = [{"factory": c[0], "attribute": c[1], "old": str(c[2]), "new": str(c[3])} for c in result.changed_values]
    if rows:
        create_table_artifact(key="refresh-changed-values", table=rows, description="values changed by this run")
