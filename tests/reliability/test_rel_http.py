"""Bad web sources on a local server (127.0.0.1): each is an error row naming the source
and the problem, and the good local sources of the same run load."""

from __future__ import annotations

import gzip
import socket
import threading

import pytest
from werkzeug import Request, Response

from tests.reliability.conftest import entry
from tests.reliability.hostile import noise

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
