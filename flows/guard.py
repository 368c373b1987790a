"""One writer per warehouse, and a write that is all or nothing.

DuckDB lets no other process open a file while a writer holds it, not even to read.
So a refresh never writes the live file: it copies it, writes the copy, and swaps the
copy in with an atomic rename (a run that fetched nothing records itself in place, see
`in_place`). Readers keep the file they opened; a refresh killed
half-way leaves only a stray copy behind, and the live warehouse is the last good one.
A lock file next to the warehouse keeps a second refresh out; it waits a bounded time.
"""

from __future__ import annotations

import fcntl
import logging
from contextvars import ContextVar
import os
import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

log = logging.getLogger(__name__)

# Test hook, read only at one point of the write window (see `hold_point`): while the
# file this variable names exists, a refresh that has written its shadow copy waits
# before swapping it in. Tests use it to kill a refresh mid-write, to start a second
# refresh against a held lock, and to query the warehouse while a write is under way.
# The hook works only under pytest (which sets PYTEST_CURRENT_TEST in the environment its
# tests and their subprocesses inherit): in a normal run the variable does nothing.
HOLD_ENV = "AIFACTS_TEST_HOLD_WRITE"
HOLD_MAX_S = 300.0
UNDER_TEST_ENV = "PYTEST_CURRENT_TEST"
WAREHOUSE_MODE = 0o600  # `blocks` holds the full texts of the sources: the owner's alone

# The lock files this context holds: a refresh takes the lock before it reads anything,
# and its write step (called within it, possibly from a task of the same flow run) enters
# again without waiting for itself. A context variable, not a process-wide set: another
# thread of the process is another writer and waits like one.
_HELD: ContextVar[tuple[str, ...]] = ContextVar("aifacts_writer_locks", default=())


class WarehouseLocked(RuntimeError):
    """Another refresh holds the warehouse; the message says which file and how long we waited."""


def lock_path_for(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def shadow_path_for(warehouse: Path, pid: int | None = None) -> Path:
    """Where process `pid` writes its copy; tests poll for it to know a write has begun."""
    return warehouse.with_name(f".{warehouse.name}.{os.getpid() if pid is None else pid}.writing")


def _holder(lock_path: Path) -> str:
    try:
        pid = lock_path.read_text(encoding="ascii").strip()
    except OSError:
        return "another process"
    return f"process {pid}" if pid.isdigit() else "another process"


@contextmanager
def writer_lock(warehouse: Path, wait_s: float = 60.0, poll_s: float = 0.2) -> Iterator[None]:
    """An exclusive flock on `NAME.lock`. The kernel drops it when the holder dies, so a
    killed refresh never leaves the warehouse locked."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = lock_path_for(warehouse)
    key = str(lock_path.resolve())
    if key in _HELD.get():
        yield
        return
    fh = open(lock_path, "a+")
    deadline = time.monotonic() + wait_s
    told = False
    try:
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseLocked(
                        f"another refresh ({_holder(lock_path)}) is writing {warehouse} (lock {lock_path}); "
                        f"waited {wait_s:.0f} s, giving up. Try again when it has finished "
                        f"(AIFACTS_LOCK_WAIT sets the wait)") from None
                if not told:
                    log.warning("waiting up to %.0f s for %s, which is writing %s", wait_s, _holder(lock_path),
                                warehouse)
                    told = True
                time.sleep(poll_s)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        token = _HELD.set(_HELD.get() + (key,))
        try:
            yield
        finally:
            try:
                _HELD.reset(token)
            except ValueError:  # left in another context than it was entered in
                _HELD.set(tuple(k for k in _HELD.get() if k != key))
    finally:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        finally:
            fh.close()


@dataclass
class Shadow:
    """The private copy a refresh writes. It replaces the live file when the body ends
    normally, or on error when the writer declared it consistent with `keep()` (a write
    that rolled back and recorded its failure is worth keeping: the failure shows in `runs`)."""

    path: Path
    kept: bool = False

    def keep(self) -> None:
        self.kept = True


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def remove_stale_shadows(warehouse: Path) -> list[Path]:
    """Copies left by killed refreshes. Call only while holding the writer lock: then no
    live writer owns any of them."""
    pattern = re.compile(re.escape(f".{warehouse.name}.") + r"\d+\.writing(\.wal)?")
    stale = sorted(p for p in warehouse.parent.glob(f".{warehouse.name}.*") if pattern.fullmatch(p.name))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_in(shadow: Path, warehouse: Path) -> None:
    with open(shadow, "rb") as fh:
        os.fsync(fh.fileno())
    os.chmod(shadow, WAREHOUSE_MODE)
    if _wal(shadow).exists():
        os.chmod(_wal(shadow), WAREHOUSE_MODE)
    os.replace(shadow, warehouse)
    if _wal(shadow).exists():
        os.replace(_wal(shadow), _wal(warehouse))
    else:
        _wal(warehouse).unlink(missing_ok=True)
    _fsync_dir(warehouse.parent)


@contextmanager
def shadow_copy(warehouse: Path) -> Iterator[Shadow]:
    """Yields a private copy to write; the live file changes only by one atomic rename."""
    stale = remove_stale_shadows(warehouse)
    if stale:
        log.warning("removed %d copies left by interrupted refreshes of %s", len(stale), warehouse)
    shadow = Shadow(shadow_path_for(warehouse))
    ok = False
    try:
        # inside the try: a copy that fails half-way (a full disk) is removed below
        if warehouse.exists():
            shutil.copyfile(warehouse, shadow.path)
        if _wal(warehouse).exists():
            shutil.copyfile(_wal(warehouse), _wal(shadow.path))
        yield shadow
        ok = True
    finally:
        if (ok or shadow.kept) and shadow.path.exists():
            _swap_in(shadow.path, warehouse)
        else:
            shadow.path.unlink(missing_ok=True)
            _wal(shadow.path).unlink(missing_ok=True)


@contextmanager
def in_place(warehouse: Path) -> Iterator[Shadow]:
    """Same interface as `shadow_copy`, writing the live file: for a run that fetched
    nothing, whose write is a few bookkeeping rows. Copying a large warehouse would cost
    more than the whole run, readers wait only milliseconds (they retry on the lock), and
    DuckDB's own transaction keeps the file whole if the run is killed."""
    stale = remove_stale_shadows(warehouse)
    if stale:
        log.warning("removed %d copies left by interrupted refreshes of %s", len(stale), warehouse)
    yield Shadow(warehouse)


def hold_point() -> None:
    """The test hook (HOLD_ENV): a no-op unless the variable is set, under pytest."""
    hold = os.environ.get(HOLD_ENV)
    if not hold or not os.environ.get(UNDER_TEST_ENV):
        return
    deadline = time.monotonic() + HOLD_MAX_S
    while Path(hold).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
