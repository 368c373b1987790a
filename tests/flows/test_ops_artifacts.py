"""The run summary reaches Prefect as artifacts, and a failed warehouse write fails the
run while the previous marts stay; both on the real flow under Prefect's test harness."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import duckdb
import pytest

from flows.refresh import refresh
from tests.flows.test_ops_support import seed_sources
from warehouse.errors import WarehouseError

pytestmark = pytest.mark.usefixtures("prefect_harness")
CONFIGS = Path(__file__).resolve().parents[2] / "configs"


async def _artifacts(flow_run_id) -> dict[str, object]:  # noqa: ANN001
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    async with get_client() as client:
        found = await client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    return {a.key: a for a in found}


def test_a_run_publishes_its_summary_and_changed_values_as_artifacts(corpus_dir, tmp_path):
    sources = seed_sources(corpus_dir, tmp_path / "src")
    state = refresh(sources=str(sources), warehouse=str(tmp_path / "w.duckdb"), return_state=True)
    assert state.is_completed()
    result = state.result()
    artifacts = asyncio.run(_artifacts(state.state_details.flow_run_id))
    assert {"refresh-summary", "refresh-changed-values"} <= artifacts.keys()
    summary = artifacts["refresh-summary"]
    assert summary.type == "markdown" and f"run {result.summary.run_id}: ok" in summary.data
    table = artifacts["refresh-changed-values"]
    assert table.type == "table" and str(result.summary.values_changed) in summary.data
    assert result.summary.values_changed > 0 and table.data.count('"attribute"') == result.summary.values_changed


def test_a_failed_write_fails_the_run_records_it_and_keeps_the_marts(corpus_dir, tmp_path, monkeypatch):
    sources = seed_sources(corpus_dir, tmp_path / "src")
    wh = tmp_path / "w.duckdb"
    refresh(sources=str(sources), warehouse=str(wh))
    con = duckdb.connect(str(wh), read_only=True)
    marts = con.execute("SELECT * FROM factories ORDER BY factory_id").fetchall()
    con.close()

    broken = tmp_path / "configs"
    shutil.copytree(CONFIGS, broken)
    (broken / "policy.yaml").write_text("identity: {}\n", encoding="utf-8")  # every other required key missing
    monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(broken))
    state = refresh(sources=str(sources), warehouse=str(wh), full=True, return_state=True)
    assert state.is_failed()
    with pytest.raises(WarehouseError):
        state.result()

    con = duckdb.connect(str(wh), read_only=True)
    try:
        assert con.execute("SELECT * FROM factories ORDER BY factory_id").fetchall() == marts
        runs = con.execute("SELECT run_id, status, error FROM runs ORDER BY run_id").fetchall()
    finally:
        con.close()
    assert [r[:2] for r in runs] == [(1, "ok"), (2, "failed")]
    assert "policy" in runs[1][2].lower()
    assert not list(tmp_path.glob(".w.duckdb.*"))
