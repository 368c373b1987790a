"""A local Prefect server that one-shot runs share, instead of a temporary one per run.

Without PREFECT_API_URL, Prefect starts a temporary API server for every flow run and
waits for it: a new Python process importing Prefect's server, then its database
migrations (measured on a busy 2-core machine: 14-30 s, against 1.5 s for the flow call
on a server already up). So the first `aifacts refresh` that needs a flow run starts this
server in the background and the next runs, each a new process, find it and reuse it:

- it listens on 127.0.0.1 on a free port; `<PREFECT_HOME>/aifacts-server.json` says
  where (and its pid); its log is `<PREFECT_HOME>/aifacts-server.log`;
- it runs Prefect's API only (no UI, no scheduler or other services: what Prefect's
  temporary server runs) on Prefect's usual database in PREFECT_HOME, so the runs it
  records stay there as they did;
- it stops itself after `AIFACTS_PREFECT_SERVER_IDLE_MIN` minutes without a request
  (default 30); `python -m flows.local_server stop` stops it at once, `status` shows it;
- `AIFACTS_PREFECT_SERVER=ephemeral` goes back to a temporary server per run (the tests
  do, so that they leave nothing running); a configured PREFECT_API_URL always wins.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

MODE_ENV = "AIFACTS_PREFECT_SERVER"
IDLE_ENV = "AIFACTS_PREFECT_SERVER_IDLE_MIN"
MODES = ("reuse", "ephemeral")
STATE_FILE = "aifacts-server.json"
LOG_FILE = "aifacts-server.log"
STARTUP_S = 120.0  # a first start migrates a new database: slow on a busy machine
DEFAULT_IDLE_MIN = 30.0


class LocalServerError(RuntimeError):
    """The shared server did not start; the message says why (and where its log is)."""


def mode() -> str:
    value = os.environ.get(MODE_ENV, "reuse").strip().lower() or "reuse"
    if value not in MODES:
        raise LocalServerError(f"{MODE_ENV}={value!r}: expected one of {', '.join(MODES)}")
    return value


def prefect_home() -> Path:
    from prefect.settings import get_current_settings

    return Path(get_current_settings().home).expanduser()


def api_url_for_run() -> str | None:
    """The URL of the shared server (started if none answers), or None in ephemeral mode."""
    if mode() == "ephemeral":
        return None
    return ensure_running(prefect_home())


def _healthy(url: str, timeout: float = 1.0) -> bool:
    import httpx

    try:
        return httpx.get(f"{url}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def running_url(home: Path) -> str | None:
    """The recorded server's URL when it answers, else None."""
    try:
        state = json.loads((home / STATE_FILE).read_text(encoding="utf-8"))
        url = str(state["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return url if _healthy(url) else None


@contextmanager
def _start_lock(home: Path) -> Iterator[None]:
    """Two runs starting at once start one server: the second waits, then finds it."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / "aifacts-server.lock", "a+") as fh:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, at worst a second server
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_running(home: Path, startup_s: float = STARTUP_S) -> str:
    url = running_url(home)
    if url:
        return url
    with _start_lock(home):
        url = running_url(home)
        if url:
            return url
        port = _free_port()
        url = f"http://127.0.0.1:{port}/api"
        log = open(home / LOG_FILE, "ab")
        env = {**os.environ, "PREFECT_HOME": str(home)}
        env.pop("PREFECT_API_URL", None)
        proc = subprocess.Popen([sys.executable, "-m", "flows.local_server", "serve", str(port)],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                                start_new_session=True)
        log.close()
        deadline = time.monotonic() + startup_s
        while not _healthy(url, timeout=0.5):
            if proc.poll() is not None:
                raise LocalServerError(f"the local Prefect server exited with code {proc.returncode}"
                                       f" while starting; see {home / LOG_FILE}")
            if time.monotonic() > deadline:
                proc.kill()
                raise LocalServerError(f"the local Prefect server did not answer within "
                                       f"{startup_s:.0f} s; see {home / LOG_FILE}")
            time.sleep(0.1)
        (home / STATE_FILE).write_text(json.dumps({"url": url, "pid": proc.pid}), encoding="utf-8")
        return url


def stop(home: Path) -> bool:
    """Stop the recorded server; False when none was running."""
    import signal

    path = home / STATE_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        pid = int(state["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    path.unlink(missing_ok=True)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    return True


def serve(port: int, idle_s: float) -> None:
    """Prefect's API app under uvicorn, stopped after `idle_s` without a request."""
    import threading

    import uvicorn

    os.environ.update({"PREFECT_UI_ENABLED": "0", "PREFECT_SERVER_UI_ENABLED": "0",
                       "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1",
                       "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                       "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
                       "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false"})
    from prefect.server.api.server import create_app

    app = create_app(ephemeral=True, final=True)
    last = [time.monotonic()]

    async def touched(scope, receive, send):  # noqa: ANN001 - ASGI
        if scope.get("type") == "http":  # not the lifespan events
            last[0] = time.monotonic()
        await app(scope, receive, send)

    server = uvicorn.Server(uvicorn.Config(touched, host="127.0.0.1", port=port,
                                           log_level="error", lifespan="on"))

    def watchdog() -> None:
        while not server.started:  # the idle clock starts once it answers
            time.sleep(0.2)
            last[0] = time.monotonic()
        while not server.should_exit:
            time.sleep(min(5.0, idle_s))
            if time.monotonic() - last[0] > idle_s:
                server.should_exit = True

    threading.Thread(target=watchdog, daemon=True).start()
    server.run()


def main(argv: list[str]) -> int:
    usage = "usage: python -m flows.local_server status | stop | serve PORT"
    if not argv or argv[0] not in ("status", "stop", "serve"):
        print(usage, file=sys.stderr)
        return 2
    if argv[0] == "serve":
        if len(argv) != 2 or not argv[1].isdigit():
            print(usage, file=sys.stderr)
            return 2
        idle_min = float(os.environ.get(IDLE_ENV) or DEFAULT_IDLE_MIN)
        serve(int(argv[1]), idle_min * 60)
        return 0
    home = prefect_home()
    if argv[0] == "stop":
        print("stopped" if stop(home) else "no local Prefect server was running")
        return 0
    url = running_url(home)
    print(f"running at {url}" if url else "not running")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
