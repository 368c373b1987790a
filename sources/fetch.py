"""Getting the bytes of a source: HTTP with retries and conditional GET, or a local file.

Raw bytes are kept in a content-addressed cache (`<cache>/<sha[:2]>/<sha>`), so an
unchanged source is recognised by its hash and the raw file stays available for
re-parsing. Fetching never raises for a bad source: the result carries status "error".

URLs are fetched by `sources/http_fetch.py`, imported only when a source is one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sources.errors import FetchError
from sources.registry import SourceSpec
from sources.settings import load_config

if TYPE_CHECKING:
    import httpx

RETRY_STATUS = range(500, 600)


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """What must be remembered between runs to fetch conditionally (the warehouse keeps it)."""

    sha256: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    status: str  # "fetched" | "unchanged" | "error"
    content: bytes | None = None
    sha256: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    final_url: str | None = None
    attempts: int = 0

    def cache_entry(self) -> CacheEntry | None:
        return CacheEntry(self.sha256, self.etag, self.last_modified) if self.sha256 else None


def cache_path(cache_dir: Path, sha256: str) -> Path:
    return Path(cache_dir) / sha256[:2] / sha256


def store(cache_dir: Path, content: bytes) -> str:
    """Write bytes into the cache (atomically) and return their sha256."""
    sha = hashlib.sha256(content).hexdigest()
    target = cache_path(cache_dir, sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return sha


def load_cached(cache_dir: Path, sha256: str) -> bytes | None:
    path = cache_path(cache_dir, sha256)
    return path.read_bytes() if path.is_file() else None


def fetched_result(spec: SourceSpec, cache_dir: Path, previous: CacheEntry | None, content: bytes, *,
                   content_type: str | None = None, etag: str | None = None, last_modified: str | None = None,
                   final_url: str | None = None, attempts: int = 1) -> FetchResult:
    """Bytes that came: stored in the cache, and "unchanged" when they hash as last time."""
    sha = store(cache_dir, content)
    status = "unchanged" if previous is not None and previous.sha256 == sha else "fetched"
    return FetchResult(status, content, sha, content_type, etag, last_modified, None, final_url,
                       attempts)


def failed_result(spec: SourceSpec, problem: str, attempts: int = 0) -> FetchResult:
    """A fetch that failed: the error names the source."""
    return FetchResult("error", error=str(FetchError(spec.name, problem)), attempts=attempts)


def _fetch_file(spec: SourceSpec, cache_dir: Path, previous: CacheEntry | None,
                max_bytes: int) -> FetchResult:
    path = spec.path
    assert path is not None
    try:
        size = path.stat().st_size
        if not path.is_file():
            return failed_result(spec, f"{path} is not a regular file")
        if size > max_bytes:
            return failed_result(spec, f"{path} is {size} bytes, over the {max_bytes}-byte limit")
        content = path.read_bytes()
    except FileNotFoundError:
        return failed_result(spec, f"file not found: {path}")
    except OSError as exc:
        return failed_result(spec, f"cannot read {path}: {exc.strerror or exc}")
    return fetched_result(spec, cache_dir, previous, content, final_url=path.as_uri())


def fetch(spec: SourceSpec, cache_dir: Path, previous: CacheEntry | None = None, *,
          timeout: float | None = None, max_bytes: int | None = None, retries: int | None = None,
          backoff: float | None = None, sleep: Callable[[float], None] = time.sleep,
          transport: httpx.BaseTransport | None = None, deadline_s: float | None = None) -> FetchResult:
    """The bytes of one source. Retries (with exponential backoff) 5xx, timeouts and
    connection errors, never 4xx, all within one deadline (`deadline_s`, or the config's
    `deadline_seconds`); `sleep` and `transport` are injectable for tests (an injected
    transport is bounded by the deadline between chunks only)."""
    cfg = load_config("ingest.yaml")["fetch"]
    timeout = float(cfg["timeout_seconds"] if timeout is None else timeout)
    deadline_s = float(cfg.get("deadline_seconds", timeout * 6) if deadline_s is None else deadline_s)
    max_bytes = int(cfg["max_bytes"] if max_bytes is None else max_bytes)
    retries = int(cfg["retries"] if retries is None else retries)
    backoff = float(cfg["backoff_seconds"] if backoff is None else backoff)
    if spec.path is not None:
        return _fetch_file(spec, cache_dir, previous, max_bytes)
    if spec.url is None:
        return failed_result(spec, "has neither url nor path")
    from sources.http_fetch import fetch_url  # httpx only when a source is a URL

    return fetch_url(spec, cache_dir, previous, timeout=timeout, max_bytes=max_bytes, retries=retries,
                     backoff=backoff, sleep=sleep, transport=transport, deadline_s=deadline_s,
                     user_agent=str(cfg["user_agent"]))
