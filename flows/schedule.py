"""Scheduled refreshes with Prefect `serve`.

Schedules only fire when a Prefect server runs the scheduler: Prefect's ephemeral mode
(no PREFECT_API_URL) never triggers them. So `serve` refuses to pretend: without a
configured server it says so, or starts one on 127.0.0.1 when asked (--start-server).

The Prefect API has no authentication: any local process can reach the server started by
--start-server (it binds 127.0.0.1 only) and ask for runs. So the served flow
(`refresh.scheduled_refresh`) takes no parameter that widens what it reads; the sources
file and the warehouse are fixed here, when serve starts.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from common import paths, yaml_files


class ScheduleError(RuntimeError):
    """The schedule cannot be served; the message says what to do."""


def schedule_config(config_dir: Path | None = None) -> dict:
    path = (config_dir or paths.config_dir()) / "schedule.yaml"
    try:
        return yaml_files.parse(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ScheduleError(f"{path}: no schedule file") from None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_local_server(timeout_s: float = 90) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise ScheduleError("the Prefect server exited while starting; run `prefect server start` to see why")
        time.sleep(0.5)
    proc.terminate()
    raise ScheduleError(f"the Prefect server did not answer on {url} within {timeout_s:.0f} s")


def fix_served_paths(cfg: dict, sources: Path | None, warehouse: Path | None) -> tuple[Path, Path]:
    """The sources file and warehouse of every served run, fixed now: resolved, the sources
    file validated like the CLI does, and put where the runs (started by this process)
    read them. Nothing a caller of the Prefect API sends can change them."""
    from flows.refresh import SERVED_SOURCES_ENV, SERVED_WAREHOUSE_ENV
    from flows.settings import default_sources, default_warehouse
    from sources.registry import load_registry

    params = cfg.get("parameters") or {}
    unknown = set(params) - {"sources", "warehouse"}
    if unknown:
        raise ScheduleError(f"schedule.yaml: unknown parameter(s) {sorted(unknown)} (only sources and warehouse)")
    src = Path(sources or params.get("sources") or default_sources()).resolve()
    wh = Path(warehouse or params.get("warehouse") or default_warehouse()).resolve()
    load_registry(src)  # a bad sources file stops serve now, not each run later
    os.environ[SERVED_SOURCES_ENV], os.environ[SERVED_WAREHOUSE_ENV] = str(src), str(wh)
    return src, wh


def serve_refresh(*, sources: Path | None, warehouse: Path | None, cron: str | None, interval: int | None,
                  start_server: bool) -> None:
    cfg = schedule_config()
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        if not start_server:
            raise SystemExit(
                "aifacts serve needs a Prefect server: schedules never fire in Prefect's ephemeral mode.\n"
                "  1. prefect server start            (UI at http://127.0.0.1:4200)\n"
                "  2. export PREFECT_API_URL=http://127.0.0.1:4200/api\n"
                "  3. aifacts serve\n"
                "or run `aifacts serve --start-server` to start a local server for this session.")
        server, url = start_local_server()
        os.environ["PREFECT_API_URL"] = url
        print(f"started a Prefect server at {url.removesuffix('/api')} (UI); it stops with this command. "
              "It has no authentication and listens on 127.0.0.1 only: any local user can reach it, "
              "but the served runs read only the sources file and warehouse fixed now")
    from flows.refresh import scheduled_refresh

    fix_served_paths(cfg, sources, warehouse)
    # limit=1: one refresh at a time. A run that outlasts the interval would otherwise
    # overlap the next; they would only queue on the writer lock, each holding a process
    # with its own extraction pipeline (measured: a 5 s interval on 2 cores never finished one).
    kwargs: dict = {"name": cfg.get("deployment", "aifacts-refresh"), "limit": 1}
    if interval:
        kwargs["interval"] = interval
    else:
        from prefect.client.schemas.schedules import CronSchedule
        kwargs["schedule"] = CronSchedule(cron=cron or cfg.get("cron", "0 6 * * *"),
                                          timezone=cfg.get("timezone", "UTC"))
    try:
        scheduled_refresh.serve(**kwargs)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
