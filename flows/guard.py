"""One writer per warehouse, and a write that is all or nothing.

DuckDB lets no other process open a file while a writer holds it, not even to read.
So a refresh never writes the live file: it copies it, writes the copy, and swaps the
copy in with an atomic rename. Readers keep the file they opened; a refresh killed
half-way leaves only a stray copy behind, and the live warehouse is the last good one.
A lock file next to the warehouse keeps a second refresh out; it waits a bounded time.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class WarehouseLocked(RuntimeError):
    """Another refresh holds the warehouse; the message says which file and how long we waited."""


@contextmanager
def writer_lock(warehouse: Path, wait_s: float = 60.0, poll_s: float = 0.2) -> Iterator[None]:
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.with_name(warehouse.name + ".lock")
    fh = open(lock_path, "a+")
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseLocked(
                        f"another refresh is writing {warehouse} (lock {lock_path}); waited {wait_s:.0f} s, giving up"
                    ) from None
                time.sleep(poll_s)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        finally:
            fh.close()


@contextmanager
def shadow_copy(warehouse: Path) -> Iterator[Path]:
    """Yields a private copy to write; on normal exit it replaces the live file atomically.

    If the body raises, the copy is still swapped in only when the caller says the copy
    is consistent (see `keep_on_error`); by default it is discarded.
    """
    shadow = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.writing")
    for stale in warehouse.parent.glob(f".{warehouse.name}.*.writing"):
        stale.unlink(missing_ok=True)
    if warehouse.exists():
        shutil.copyfile(warehouse, shadow)
    wal = warehouse.with_name(warehouse.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, shadow.with_name(shadow.name + ".wal"))
    state = {"keep": True}
    try:
        yield shadow
    except BaseException as exc:
        state["keep"] = bool(getattr(exc, "warehouse_consistent", False))
        raise
    finally:
        if state["keep"] and shadow.exists():
            with open(shadow, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(shadow, warehouse)
            shadow_wal = shadow.with_name(shadow.name + ".wal")
            if shadow_wal.exists():
                os.replace(shadow_wal, wal)
            else:
                wal.unlink(missing_ok=True)
        else:
            shadow.unlink(missing_ok=True)
            shadow.with_name(shadow.name + ".wal").unlink(missing_ok=True)
