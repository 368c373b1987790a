"""Running the refresh flow from the command line or a test, in-process."""

from __future__ import annotations

from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from flows.refresh import refresh
from flows.settings import Settings
from flows.steps import RefreshResult


def refresh_now(settings: Settings, progress: bool = False) -> RefreshResult:
    """Runs the real Prefect flow once. The flow heartbeat is switched off for an
    in-process run: it only delays exit by a second and tells nobody anything."""
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return refresh(sources=str(settings.sources_file), warehouse=str(settings.warehouse),
                       only=list(settings.only) or None, full=settings.full,
                       allow_outside=settings.allow_outside)
