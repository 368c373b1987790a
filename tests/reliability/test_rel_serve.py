"""`aifacts serve` cannot be turned into a file reader (issue 27, point 4): the Prefect API
has no authentication, so the served deployment must not take a sources file, a warehouse
or `allow_outside` from whoever asks for a run."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from flows.refresh import SERVED_SOURCES_ENV, SERVED_WAREHOUSE_ENV, scheduled_refresh
from flows.schedule import fix_served_paths
from tests.reliability.conftest import write_sources

pytestmark = pytest.mark.usefixtures("prefect_harness")

HOSTILE = {"sources": "/etc/passwd", "allow_outside": True}


def test_the_served_flow_declares_no_parameter_that_widens_what_it_reads():
    assert set(scheduled_refresh.parameters.properties) <= {"full"}


def test_a_flow_run_asked_with_other_parameters_reads_nothing(env: Path, src: Path, tmp_path: Path, monkeypatch):
    """The probe of the issue: one create_flow_run on the served deployment with a sources
    file and a warehouse of the caller's choice. The run is refused (it fails before reading
    anything) and no file appears where the caller asked."""
    from prefect.client.orchestration import get_client
    from prefect.flow_engine import run_flow

    served_wh = tmp_path / "served" / "w.duckdb"
    monkeypatch.delenv(SERVED_SOURCES_ENV, raising=False)
    fix_served_paths({}, write_sources(src, []), served_wh)
    evil = tmp_path / "elsewhere" / "stolen.duckdb"
    deployment_id = scheduled_refresh.to_deployment(name="probe").apply()

    async def ask() -> object:
        async with get_client() as client:
            try:
                run = await client.create_flow_run_from_deployment(
                    deployment_id, parameters={**HOSTILE, "warehouse": str(evil)})
            except Exception as exc:  # noqa: BLE001 - refused by the server: the probe failed
                return exc
            return await client.read_flow_run(run.id)

    asked = asyncio.run(ask())
    if not isinstance(asked, Exception):  # accepted by the server: the run itself must refuse
        with pytest.raises(Exception, match="(?i)parameter|argument|unexpected"):
            run_flow(scheduled_refresh, flow_run=asked, parameters=asked.parameters)
    assert not evil.exists() and not evil.parent.exists()
    assert not served_wh.exists(), "a refused run must not have refreshed anything"


def test_a_served_run_reads_the_paths_fixed_at_serve_time(env: Path, src: Path, tmp_path: Path, monkeypatch):
    served_wh = tmp_path / "served" / "w.duckdb"
    monkeypatch.delenv(SERVED_SOURCES_ENV, raising=False)
    monkeypatch.delenv(SERVED_WAREHOUSE_ENV, raising=False)
    fix_served_paths({"parameters": {"sources": "/etc/passwd"}}, write_sources(src, []), served_wh)
    result = scheduled_refresh()
    assert result.summary.status == "ok" and served_wh.exists()
