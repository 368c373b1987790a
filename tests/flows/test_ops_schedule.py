"""A scheduled run really fires: a real Prefect server, `aifacts serve` on a short
interval against it, and a completed refresh in the warehouse's `runs`.

Schedules never fire in Prefect's ephemeral mode, so nothing less proves the schedule
works. Both processes start in their own sessions and are stopped by process group.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import duckdb
import httpx

from tests.flows.test_ops_support import AIFACTS, ops_env, seed_sources, start, stop_group, stop_leftovers, wait_for  # noqa: F401

BOUND_S = 150  # generous for a busy 2-core machine; an idle one fires in well under a minute


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _completed_runs(warehouse: Path) -> list[tuple]:
    if not warehouse.exists():
        return []
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return []  # created but not swapped in yet
    try:
        return con.execute("SELECT run_id, status, flow_run_id FROM runs WHERE finished_at IS NOT NULL").fetchall()
    finally:
        con.close()


def test_serve_fires_a_scheduled_refresh_against_a_real_server(corpus_dir, tmp_path):
    sources = seed_sources(corpus_dir, tmp_path / "src")
    wh = tmp_path / "w.duckdb"
    url = f"http://127.0.0.1:{_free_port()}/api"
    # the scheduler and the runner poll often so a 5 s interval fires promptly
    env = ops_env(tmp_path, None, PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2",
                  PREFECT_RUNNER_POLL_FREQUENCY="2", PREFECT_UI_ENABLED="false")
    server = start([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                    "--port", url.split(":")[2].split("/")[0]], env, tmp_path / "logs", "server")
    serve = None
    try:
        wait_for(lambda: _healthy(url), BOUND_S, "the Prefect server to answer", server)
        serve = start([AIFACTS, "serve", "--interval", "5", "--sources", str(sources), "--warehouse", str(wh)],
                      {**env, "PREFECT_API_URL": url}, tmp_path / "logs", "serve")
        wait_for(lambda: bool(_completed_runs(wh)), BOUND_S, "a scheduled refresh to complete", serve)
        runs = _completed_runs(wh)
        assert runs[0][1] == "ok" and runs[0][2], runs  # a flow run of the server, not a CLI run
        deployments = httpx.post(f"{url}/deployments/filter", json={}, timeout=10).json()
        assert [d["name"] for d in deployments] == ["aifacts-refresh"]
    finally:
        if serve is not None:
            stop_group(serve.popen)
        stop_group(server.popen)
    assert server.popen.poll() is not None and (serve is None or serve.popen.poll() is not None)
