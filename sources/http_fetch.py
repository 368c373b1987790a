"""Fetching a URL: retries, conditional GET, and one deadline for all of it.

A fetch has one wall-clock deadline (`fetch.deadline_seconds`) for everything: connecting,
the headers, the body and every retry. httpx's timeouts bound the wait for each read, so a
server sending one byte every few seconds would reset them for ever; here every socket
read and write waits at most the time left before the deadline, which nothing resets.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

import httpcore
import httpx

from sources.errors import UnsupportedSourceError
from sources.fetch import RETRY_STATUS, CacheEntry, FetchResult, fetched_result, failed_result, load_cached
from sources.registry import SourceSpec


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
            return failed_result(spec, f"HTTP {resp.status_code} {resp.reason_phrase} from {resp.url}",
                          attempts)
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            return failed_result(spec, f"{resp.url} declares {declared} bytes, over the {max_bytes}-byte "
                                f"limit", attempts)
        chunks, total = [], 0
        for chunk in resp.iter_bytes():
            total += len(chunk)
            if total > max_bytes:
                return failed_result(spec, f"{resp.url} sent more than the {max_bytes}-byte limit; "
                                    f"download stopped", attempts)
            if time.monotonic() > deadline:
                raise _Deadline()
            chunks.append(chunk)
        return fetched_result(spec, cache_dir, previous, b"".join(chunks),
                     content_type=resp.headers.get("content-type"), etag=resp.headers.get("etag"),
                     last_modified=resp.headers.get("last-modified"), final_url=str(resp.url),
                     attempts=attempts)


def fetch_url(spec: SourceSpec, cache_dir: Path, previous: CacheEntry | None, *, timeout: float, max_bytes: int,
              retries: int, backoff: float, sleep: Callable[[float], None], transport: httpx.BaseTransport | None,
              deadline_s: float, user_agent: str) -> FetchResult:
    """`fetch` of a source that is a URL (the settings resolved by `fetch`)."""
    assert spec.url is not None
    scheme = urlparse(spec.url).scheme.lower()
    if scheme not in ("http", "https"):
        problem = f"URL scheme {scheme or '(none)'!r} is not read (only http and https): {spec.url}"
        return FetchResult("error", error=str(UnsupportedSourceError(spec.name, problem)))
    last = "no attempt made"
    deadline = time.monotonic() + deadline_s
    over = f"took longer than the {deadline_s:g} s allowed for the whole fetch of {spec.url}"
    with httpx.Client(follow_redirects=True, timeout=httpx.Timeout(timeout), max_redirects=10,
                      headers={"User-Agent": user_agent},
                      transport=transport or deadline_transport(deadline)) as client:
        for attempt in range(1, retries + 2):
            try:
                return _attempt(client, spec, cache_dir, previous, max_bytes, deadline, attempt)
            except _Deadline:
                return failed_result(spec, over, attempt)
            except _Retry as exc:
                last = str(exc)
            except httpx.TimeoutException as exc:
                last = f"timed out after {timeout:g} s fetching {spec.url} ({type(exc).__name__})"
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                last = f"cannot connect to {spec.url}: {exc}"
            except httpx.TooManyRedirects:
                return failed_result(spec, f"too many redirects from {spec.url}", attempt)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                return failed_result(spec, f"cannot fetch {spec.url}: {exc}", attempt)
            except httpx.HTTPError as exc:
                return failed_result(spec, f"HTTP error fetching {spec.url}: {exc}", attempt)
            left = deadline - time.monotonic()
            if left <= 0:
                return failed_result(spec, f"{over} (last attempt: {last})", attempt)
            if attempt <= retries:
                sleep(min(backoff * (2 ** (attempt - 1)), left))
        return failed_result(spec, f"gave up after {retries + 1} attempts: {last}", retries + 1)
