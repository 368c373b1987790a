"""Getting the bytes of a source: HTTP with retries and conditional GET, or a local file.

Raw bytes are kept in a content-addressed cache (`<cache>/<sha[:2]>/<sha>`), so an
unchanged source is recognised by its hash and the raw file stays available for
re-parsing. Fetching never raises for a bad source: the result carries status "error".

A fetch has one wall-clock deadline (`fetch.deadline_seconds`) for everything: connecting,
the headers, the body and every retry. httpx's timeouts bound the wait for each read, so a
server sending one byte every few seconds would reset them for ever; here every socket
read and write waits at most the time left before the deadline, which nothing resets.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

import httpcore
import httpx

from sources.errors import FetchError, UnsupportedSourceError
from sources.registry import SourceSpec
from sources.settings import load_config

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


def _done(spec: SourceSpec, cache_dir: Path, previous: CacheEntry | None, content: bytes, *,
          content_type: str | None = None, etag: str | None = None,
          last_modified: str | None = None, final_url: str | None = None,
          attempts: int = 1) -> FetchResult:
    sha = store(cache_dir, content)
    status = "unchanged" if previous is not None and previous.sha256 == sha else "fetched"
    return FetchResult(status, content, sha, content_type, etag, last_modified, None, final_url,
                       attempts)


def _error(spec: SourceSpec, problem: str, attempts: int = 0) -> FetchResult:
    return FetchResult("error", error=str(FetchError(spec.name, problem)), attempts=attempts)


def _fetch_file(spec: SourceSpec, cache_dir: Path, previous: CacheEntry | None,
                max_bytes: int) -> FetchResult:
    path = spec.path
    assert path is not None
    try:
        size = path.stat().st_size
        if not path.is_file():
            return _error(spec, f"{path} is not a regular file")
        if size > max_bytes:
            return _error(spec, f"{path} is {size} bytes, over the {max_bytes}-byte limit")
        content = path.read_bytes()
    except FileNotFoundError:
        return _error(spec, f"file not found: {path}")
    except OSError as exc:
        return _error(spec, f"cannot read {path}: {exc.strerror or exc}")
    return _done(spec, cache_dir, previous, content, final_url=path.as_uri())


class _Retry(Exception):
    """A transient failure worth another attempt."""


class _Deadline(Exception):
    """The fetch's wall-clock deadline passed (checked between chunks, and by every socket read)."""


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write waits at most until the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream = stream
        self._deadline = deadline

    def _left(self, timeout: float | None, error: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise error("the fetch deadline has passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):  # noqa: ANN001, ANN201
        inner = self._stream.start_tls(ssl_context, server_hostname, self._left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str):  # noqa: ANN201
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sockets, each bounded by one deadline (see the module's docstring)."""

    def __init__(self, deadline: float) -> None:
        self._backend = httpcore.SyncBackend()
        self.deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # noqa: ANN001, ANN201
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("the fetch deadline has passed")
        stream = self._backend.connect_tcp(host, port, left if timeout is None else min(timeout, left),
                                           local_address, socket_options)
        return _DeadlineStream(stream, self.deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # noqa: ANN001, ANN201
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, min(seconds, self.deadline - time.monotonic())))


def deadline_transport(deadline: float) -> httpx.HTTPTransport:
    """httpx's own transport with its sockets bounded by `deadline` (time.monotonic())."""
    transport = httpx.HTTPTransport()
    # httpx does not take a network backend; its pool keeps the one it uses here
    transport._pool._network_backend = _DeadlineBackend(deadline)
    return transport


def _attempt(client: httpx.Client, spec: SourceSpec, cache_dir: Path, previous: CacheEntry | None,
             max_bytes: int, deadline: float, attempts: int) -> FetchResult:
    headers = {}
    if previous is not None:
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
    with client.stream("GET", spec.url, headers=headers) as resp:
        if resp.status_code == 304 and previous is not None:
            return FetchResult("unchanged", load_cached(cache_dir, previous.sha256), previous.sha256,
                               resp.headers.get("content-type"),
                               resp.headers.get("etag") or previous.etag,
                               resp.headers.get("last-modified") or previous.last_modified,
                               None, str(resp.url), attempts)
        if resp.status_code in RETRY_STATUS:
            raise _Retry(f"HTTP {resp.status_code} {resp.reason_phrase} from {resp.url}")
        if resp.status_code >= 400 or resp.status_code < 200 or resp.status_code == 304:
            return _error(spec, f"HTTP {resp.status_code} {resp.reason_phrase} from {resp.url}",
                          attempts)
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            return _error(spec, f"{resp.url} declares {declared} bytes, over the {max_bytes}-byte "
                                f"limit", attempts)
        chunks, total = [], 0
        for chunk in resp.iter_bytes():
            total += len(chunk)
            if total > max_bytes:
                return _error(spec, f"{resp.url} sent more than the {max_bytes}-byte limit; "
                                    f"download stopped", attempts)
            if time.monotonic() > deadline:
                raise _Deadline()
            chunks.append(chunk)
        return _done(spec, cache_dir, previous, b"".join(chunks),
                     content_type=resp.headers.get("content-type"), etag=resp.headers.get("etag"),
                     last_modified=resp.headers.get("last-modified"), final_url=str(resp.url),
                     attempts=attempts)


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
        return _error(spec, "has neither url nor path")
    scheme = urlparse(spec.url).scheme.lower()
    if scheme not in ("http", "https"):
        problem = f"URL scheme {scheme or '(none)'!r} is not read (only http and https): {spec.url}"
        return FetchResult("error", error=str(UnsupportedSourceError(spec.name, problem)))
    last = "no attempt made"
    deadline = time.monotonic() + deadline_s
    over = f"took longer than the {deadline_s:g} s allowed for the whole fetch of {spec.url}"
    with httpx.Client(follow_redirects=True, timeout=httpx.Timeout(timeout), max_redirects=10,
                      headers={"User-Agent": str(cfg["user_agent"])},
                      transport=transport or deadline_transport(deadline)) as client:
        for attempt in range(1, retries + 2):
            try:
                return _attempt(client, spec, cache_dir, previous, max_bytes, deadline, attempt)
            except _Deadline:
                return _error(spec, over, attempt)
            except _Retry as exc:
                last = str(exc)
            except httpx.TimeoutException as exc:
                last = f"timed out after {timeout:g} s fetching {spec.url} ({type(exc).__name__})"
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                last = f"cannot connect to {spec.url}: {exc}"
            except httpx.TooManyRedirects:
                return _error(spec, f"too many redirects from {spec.url}", attempt)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                return _error(spec, f"cannot fetch {spec.url}: {exc}", attempt)
            except httpx.HTTPError as exc:
                return _error(spec, f"HTTP error fetching {spec.url}: {exc}", attempt)
            left = deadline - time.monotonic()
            if left <= 0:
                return _error(spec, f"{over} (last attempt: {last})", attempt)
            if attempt <= retries:
                sleep(min(backoff * (2 ** (attempt - 1)), left))
        return _error(spec, f"gave up after {retries + 1} attempts: {last}", retries + 1)
