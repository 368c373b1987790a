"""The `refresh` flow: read every source, extract, then one short write to the warehouse.

The flow only sequences plain functions (in `flows/steps.py`); tasks add retries,
timeouts and logging. Fetching is mapped over sources (one task each), extraction runs
in batches (never a task per document), and a single task writes DuckDB.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.context import get_run_context

from flows import progress, steps
from flows.runners import ConfiguredTaskRunner
from flows.settings import Settings


@task(name="read-source", retries=1, retry_delay_seconds=2)
def read_source_task(spec, cache_dir: str, previous):  # noqa: ANN001 - prefect parameters
    return steps.read_one(spec, Path(cache_dir), previous)


@task(name="extract-batch")
def extract_task(documents: list):  # noqa: ANN001
    return steps.extract_batch(documents)


@task(name="write-warehouse", retries=0)
def write_task(settings: Settings, specs: list, reads: list, statements: dict, flow_run_id: str | None):  # noqa: ANN001
    return steps.write(settings, specs, reads, statements, flow_run_id)


@flow(name="refresh", log_prints=True, task_runner=ConfiguredTaskRunner())
def refresh(sources: str | None = None, warehouse: str | None = None, only: list[str] | None = None,
            full: bool = False, allow_outside: bool = False) -> steps.RefreshResult:
    """One refresh run. Parameters are plain values so a deployment can schedule it."""
    settings = Settings.resolve(sources=sources, warehouse=warehouse, only=only, full=full,
                                allow_outside=allow_outside)
    return run_refresh(settings)


def run_refresh(settings: Settings) -> steps.RefreshResult:
    """The body of the flow; callable inside any flow context (the CLI's, the server's)."""
    logger = get_run_logger()
    specs = steps.load_sources(settings)
    previous = steps.previous_state(settings)
    futures = read_source_task.map(
        specs, cache_dir=str(settings.cache_dir),
        previous=[None if settings.full else previous.get(s.name) for s in specs])
    reads = [f.result() for f in progress.track(futures, "reading sources")]
    for r in reads:
        if r.status == "error":
            logger.warning("source %s failed: %s", r.source_name, r.error)
    statements: dict = {}
    documents = [r.document for r in reads if r.document is not None]
    for batch in progress.track(steps.batches(documents, settings.batch_docs), "extracting",
                                total=len(documents), size=len):
        statements.update(extract_task(batch))
    try:
        ctx = get_run_context()
        flow_run_id = str(ctx.flow_run.id) if getattr(ctx, "flow_run", None) else None
    except RuntimeError:
        flow_run_id = None
    result = write_task(settings, specs, reads, statements, flow_run_id)
    publish_artifacts(result)
    return result


def publish_artifacts(result: steps.RefreshResult) -> None:
    """The run summary as Prefect artifacts: visible in the UI when a server is used."""
    create_markdown_artifact(key="refresh-summary", markdown=result.markdown(), description="aifacts refresh summary")
    rows = [{"factory": c[0], "attribute": c[1], "old": str(c[2]), "new": str(c[3])} for c in result.changed_values]
    if rows:
        create_table_artifact(key="refresh-changed-values", table=rows, description="values changed by this run")
