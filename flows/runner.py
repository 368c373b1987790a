"""Running the refresh flow from the command line or a test, in-process.

Without a Prefect server (PREFECT_API_URL unset) every flow run first starts Prefect's
temporary server, which costs far more than a refresh in which nothing changed (measured
on the dev corpus: most of the wall time of such a run). So the CLI first reads the
sources against the warehouse's memory of them; when every one is unchanged it records
the run through the same single writer, without starting Prefect. With a server
configured every run is a flow run, so the UI shows them all.
"""

from __future__ import annotations

import os

from flows import steps
from flows.guard import writer_lock
from flows.settings import Settings, prefect_api_url_set_without_prefect
from flows.steps import RefreshResult

EPHEMERAL_STARTUP_S = 120


def prefect_api_configured() -> bool:
    """True when runs go to a Prefect server (from the environment or the active profile)."""
    known = prefect_api_url_set_without_prefect()
    if known is not None:
        return known
    from prefect.settings import get_current_settings

    return bool(get_current_settings().api.url)


def refresh_now(settings: Settings, progress: bool = False) -> RefreshResult:
    """One refresh: the fast path when nothing changed and no server wants to see the run,
    else the real Prefect flow. `progress` is accepted for the CLI; Prefect logs the tasks.
    The writer lock is taken before either starts, so a refresh that must wait for another
    says so before Prefect starts (the flow, run within this context, enters it again)."""
    with writer_lock(settings.warehouse, wait_s=settings.lock_wait_s):
        if not os.environ.get("PREFECT_API_URL"):
            steps.begin_run(settings)
            try:
                quick = steps.unchanged_reads(settings)
            except Exception as exc:
                steps.record_abort(settings, exc, None)
                raise
            if quick is not None and not prefect_api_configured():
                specs, reads = quick
                return steps.write(settings, specs, reads, {}, flow_run_id=None)
        steps.load_write_config_ahead()
        return _run_flow(settings, progress)


_DATABASE_ENV = ("PREFECT_SERVER_DATABASE_CONNECTION_URL", "PREFECT_API_DATABASE_CONNECTION_URL")


def ephemeral_database(settings: Settings) -> str | None:
    """The SQLite file of a temporary Prefect server: one per warehouse, beside it
    (`.prefect/<warehouse stem>.sqlite`), unless the environment names one. Temporary servers of
    concurrent runs on one shared file failed ("database is locked"), most often while
    both migrated a new one; runs on one warehouse never overlap (the writer lock), so a
    file per warehouse is never written by two servers at once."""
    if any(os.environ.get(name) for name in _DATABASE_ENV):
        return None
    folder = settings.warehouse.resolve().parent / ".prefect"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{folder / (settings.warehouse.stem + '.sqlite')}"


def _run_flow(settings: Settings, progress: bool = False) -> RefreshResult:
    """The flow heartbeat is switched off for an in-process run: it only delays exit by a
    second and tells nobody anything. In ephemeral mode the temporary server's task-run
    recorder and event persister are off too: nobody reads those records, and cancelling
    them at shutdown printed error tracebacks after successful runs. Its start-up wait is
    raised from Prefect's 20 s, which a busy 2-core machine exceeds (measured: 25-40 s)."""
    from prefect.settings import (PREFECT_FLOWS_HEARTBEAT_FREQUENCY, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
                                  PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED,
                                  PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED, temporary_settings)

    from flows import local_server, progress as progress_bars
    from flows.refresh import refresh

    updates: dict = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    shared = None if prefect_api_configured() else local_server.api_url_for_run()
    if shared:  # a local server this and later runs share (flows/local_server.py)
        from prefect.settings import PREFECT_API_URL

        updates[PREFECT_API_URL] = shared
    elif not prefect_api_configured():
        updates[PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED] = False
        updates[PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED] = False
        if "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" not in os.environ:
            updates[PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS] = EPHEMERAL_STARTUP_S
        database = ephemeral_database(settings)
        if database is not None:
            from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL

            updates[PREFECT_SERVER_DATABASE_CONNECTION_URL] = database
    with temporary_settings(updates), progress_bars.configured(progress):
        return refresh(sources=str(settings.sources_file), warehouse=str(settings.warehouse),
                       only=list(settings.only) or None, full=settings.full,
                       allow_outside=settings.allow_outside)
