"""Shared parts of the operations tests (test_ops_*): real `aifacts` subprocesses on
copies of the corpus, each in its own session so a test can stop it with its children.

Holds no tests itself. Subprocess refreshes talk to the session's Prefect test server
(its URL is passed as PREFECT_API_URL): starting Prefect's temporary server in every
subprocess would cost 10-40 s each on a 2-core machine.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import pytest
import yaml

AIFACTS = str(Path(sys.executable).with_name("aifacts"))
ROOT = Path(__file__).resolve().parents[2]


def seed_sources(corpus_dir: Path, dest: Path, extra_dev: tuple[str, ...] = ()) -> Path:
    """A private copy of the seed corpus (plus chosen dev sources) that tests may edit."""
    dest.mkdir(parents=True, exist_ok=True)
    seed = yaml.safe_load((corpus_dir / "seed" / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    dev = {s["name"]: s for s in yaml.safe_load((corpus_dir / "dev" / "sources.yaml").read_text(encoding="utf-8"))["sources"]}
    for spec in seed:
        shutil.copyfile(corpus_dir / "seed" / spec["path"], dest / spec["path"])
    entries = list(seed)
    for name in extra_dev:
        spec = dev[name]
        shutil.copyfile(corpus_dir / "dev" / spec["path"], dest / spec["path"])
        entries.append(spec)
    path = dest / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def prefect_api(prefect_harness) -> str:  # noqa: ANN001 - the session fixture
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url and url.startswith("http://127.0.0.1"), f"the test harness gave no local API URL: {url!r}"
    return url


def ops_env(tmp_path: Path, api_url: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AIFACTS_", "PREFECT_API_", "PREFECT_PROFILE"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_LOGGING_LEVEL="WARNING",
               PREFECT_SERVER_ANALYTICS_ENABLED="false", PYTHONUNBUFFERED="1")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    env.update(extra)
    return env


@dataclass
class Proc:
    """A subprocess with its output in files, so a test can read it while it runs."""

    popen: subprocess.Popen
    out: Path
    err: Path

    @property
    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float) -> int:
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_group(self.popen)
            pytest.fail(f"{self.popen.args} did not finish within {timeout:.0f} s; stderr:\n{self.stderr[-3000:]}")

    def explain(self) -> str:
        return f"exit {self.popen.returncode}\nstdout:\n{self.stdout[-2000:]}\nstderr:\n{self.stderr[-3000:]}"


_STARTED: list[subprocess.Popen] = []


def start(args: list[str], env: dict[str, str], logs: Path, name: str) -> Proc:
    logs.mkdir(parents=True, exist_ok=True)
    out, err = logs / f"{name}.out", logs / f"{name}.err"
    with open(out, "wb") as o, open(err, "wb") as e:
        popen = subprocess.Popen(args, stdout=o, stderr=e, env=env, cwd=ROOT, start_new_session=True)
    _STARTED.append(popen)
    return Proc(popen, out, err)


@pytest.fixture(autouse=True)
def stop_leftovers():
    """A failed assertion must not leave refreshes running: stop every group a test started."""
    yield
    while _STARTED:
        stop_group(_STARTED.pop(), grace_s=5)


def aifacts(args: list[str], env: dict[str, str], logs: Path, name: str, timeout: float = 240) -> Proc:
    proc = start([AIFACTS, *args], env, logs, name)
    proc.wait(timeout)
    return proc


def refresh_json(proc: Proc) -> dict:
    assert proc.popen.returncode == 0, proc.explain()
    return json.loads(proc.stdout)


def stop_group(popen: subprocess.Popen, grace_s: float = 15) -> None:
    """Stops a process started in its own session, and every child it started."""
    if popen.poll() is not None:
        return
    try:
        os.killpg(popen.pid, signal.SIGTERM)
        popen.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(popen.pid, signal.SIGKILL)
        popen.wait(timeout=grace_s)
    except ProcessLookupError:
        pass


def wait_for(check: Callable[[], bool], timeout: float, what: str, proc: Proc | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if proc is not None and proc.popen.poll() is not None:
            pytest.fail(f"gave up waiting for {what}: the process ended: {proc.explain()}")
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what} after {timeout:.0f} s" + (f": {proc.explain()}" if proc else ""))


def rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
