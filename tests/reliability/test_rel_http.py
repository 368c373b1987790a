"""Bad web sources on a local server (127.0.0.1): each is an error row naming the source
and the problem, and the good local sources of the same run load."""

from __future__ import annotations

import gzip
import socket
import threading
import time

import pytest
from werkzeug import Request, Response

from tests.reliability.conftest import entry
from tests.reliability.hostile import Trickler, noise

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_binary_served_as_html(httpserver, refresh_with):
    httpserver.expect_request("/page").respond_with_data(noise(40_000, seed=11),
                                                         content_type="text/html; charset=utf-8")
    _, out = refresh_with([entry("binary", url=httpserver.url_for("/page"))])
    assert "html" in out.error("binary").lower()
    out.assert_good_loaded()


def test_404(httpserver, refresh_with):
    httpserver.expect_request("/gone").respond_with_data("no such page", status=404)
    _, out = refresh_with([entry("missing_page", url=httpserver.url_for("/gone"))])
    assert "404" in out.error("missing_page")
    out.assert_good_loaded()


def test_unreachable_url(refresh_with):
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _, out = refresh_with([entry("nobody_home", url=f"http://127.0.0.1:{port}/x.html")])
    assert "cannot connect" in out.error("nobody_home")
    out.assert_good_loaded()


def test_slow_server_times_out(httpserver, refresh_with):
    release = threading.Event()

    def stall(request: Request) -> Response:
        release.wait(10)  # far past the 1 s timeout of the test config
        return Response("<p>too late</p>", content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(stall)
    try:
        _, out = refresh_with([entry("slow", url=httpserver.url_for("/slow"))])
    finally:
        release.set()
    assert "timed out" in out.error("slow")
    out.assert_good_loaded()


def test_gzip_bomb_stops_at_the_size_cap(httpserver, refresh_with):
    """60 kB on the wire, 60 MB once decoded: the cap counts decoded bytes."""
    body = gzip.compress(b"<p>" + b" " * (60 * 2**20) + b"</p>", 9)
    httpserver.expect_request("/zip").respond_with_data(
        body, content_type="text/html", headers={"Content-Encoding": "gzip"})
    _, out = refresh_with([entry("zipped", url=httpserver.url_for("/zip"))])
    assert "limit" in out.error("zipped")
    out.assert_good_loaded()


@pytest.mark.parametrize("what", ["headers", "body"])
def test_trickled_bytes_cannot_outlast_the_fetch_deadline(what: str, env, tmp_path):
    """One byte every 0.3 s never trips the 1 s read timeout; the 4 s deadline of the whole
    fetch (test config) ends it all the same."""
    from sources.fetch import fetch
    from sources.registry import SourceSpec

    server = Trickler(body_too=what == "body")
    spec = SourceSpec(name="trickle", url=server.url, path=None, kind="html", publisher="P", trust="press")
    started = time.monotonic()
    try:
        result = fetch(spec, tmp_path / "raw", retries=2, backoff=0.1)
    finally:
        server.close()
    took = time.monotonic() - started
    assert result.status == "error" and "'trickle'" in result.error and "4 s" in result.error, result.error
    assert took < 10, f"the fetch took {took:.1f} s against a 4 s deadline"


def test_a_trickling_server_is_one_failed_source_of_a_bounded_run(refresh_with):
    server = Trickler()
    started = time.monotonic()
    try:
        _, out = refresh_with([entry("trickle", url=server.url)])
    finally:
        server.close()
    assert "allowed for the whole fetch" in out.error("trickle")
    out.assert_good_loaded()
    assert time.monotonic() - started < 90
