"""The local Prefect server one-shot runs share (flows/local_server.py): started once, found
again by the next caller, answering Prefect's API, gone when idle or stopped."""

from __future__ import annotations

import json
import os
import time

import httpx
import pytest

from flows import local_server


def _exited(pid: int) -> bool:
    """True once the process has ended (reaped here: the test started it, so it would
    otherwise linger as a zombie that still answers `kill(pid, 0)`)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == pid
    except ChildProcessError:  # not this process's child
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False


def test_mode_is_read_strictly(monkeypatch):
    monkeypatch.setenv(local_server.MODE_ENV, "ephemeral")
    assert local_server.mode() == "ephemeral" and local_server.api_url_for_run() is None
    monkeypatch.setenv(local_server.MODE_ENV, "sometimes")
    with pytest.raises(local_server.LocalServerError, match="sometimes"):
        local_server.mode()


def test_a_started_server_is_reused_then_stops_when_idle(tmp_path, monkeypatch):
    home = tmp_path / "prefect-home"
    monkeypatch.setenv(local_server.IDLE_ENV, "0.25")  # 15 s without a request
    url = local_server.ensure_running(home)
    state = json.loads((home / local_server.STATE_FILE).read_text())
    assert state["url"] == url
    # the API answers as Prefect's: a flow can be created on it
    made = httpx.post(f"{url}/flows/", json={"name": "aifacts-test"}, timeout=10)
    assert made.status_code in (200, 201) and made.json()["name"] == "aifacts-test"
    # the next caller (here: this one again) finds it and starts nothing
    assert local_server.ensure_running(home) == url
    assert json.loads((home / local_server.STATE_FILE).read_text())["pid"] == state["pid"]
    deadline = time.monotonic() + 120  # watched by its pid: a health check is a request
    while time.monotonic() < deadline:
        if _exited(state["pid"]):
            break
        time.sleep(0.5)
    else:
        pytest.fail("the idle server's process is still alive")
    assert local_server.running_url(home) is None
    assert local_server.stop(home) is False and not (home / local_server.STATE_FILE).exists()
