"""Fetching against a real HTTP server on 127.0.0.1 (pytest-httpserver)."""

from __future__ import annotations

import time

import pytest
from werkzeug import Response

from sources.fetch import CacheEntry, cache_path, fetch
from sources.read import read_source

PAGE = (b"<html><head><title>T</title></head><body><article><h1>Local test page</h1>"
        b"<p>A paragraph of article text served by the local test server.</p></article></body></html>")


@pytest.fixture()
def no_sleep():
    waits: list[float] = []
    return waits, waits.append


def test_200_is_fetched_and_cached(httpserver, spec_for, tmp_path):
    httpserver.expect_request("/a").respond_with_data(PAGE, content_type="text/html",
                                                      headers={"ETag": '"v1"'})
    result = fetch(spec_for("page-a", url=httpserver.url_for("/a")), tmp_path)
    assert result.status == "fetched" and result.content == PAGE and result.etag == '"v1"'
    assert cache_path(tmp_path, result.sha256).read_bytes() == PAGE


def test_304_with_etag_is_unchanged(httpserver, spec_for, tmp_path):
    httpserver.expect_request("/b", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304)
    httpserver.expect_request("/b").respond_with_data(PAGE, headers={"ETag": '"v1"'})
    spec = spec_for("page-b", url=httpserver.url_for("/b"))
    first = fetch(spec, tmp_path)
    second = fetch(spec, tmp_path, first.cache_entry())
    assert first.status == "fetched" and second.status == "unchanged"
    assert second.sha256 == first.sha256 and second.content == PAGE  # served from the cache
    assert read_source(spec, tmp_path, first.cache_entry()).status == "unchanged"


def test_same_bytes_without_validators_are_unchanged(httpserver, spec_for, tmp_path):
    httpserver.expect_request("/c").respond_with_data(PAGE)
    spec = spec_for("page-c", url=httpserver.url_for("/c"))
    first = fetch(spec, tmp_path)
    assert fetch(spec, tmp_path, CacheEntry(first.sha256)).status == "unchanged"


def test_404_is_an_error_without_retry(httpserver, spec_for, tmp_path, no_sleep):
    waits, sleep = no_sleep
    httpserver.expect_request("/missing").respond_with_data("nope", status=404)
    result = fetch(spec_for("gone", url=httpserver.url_for("/missing")), tmp_path, sleep=sleep)
    assert result.status == "error" and "'gone'" in result.error and "404" in result.error
    assert result.attempts == 1 and waits == []


def test_500_then_200_is_retried(httpserver, spec_for, tmp_path, no_sleep):
    waits, sleep = no_sleep
    httpserver.expect_ordered_request("/flaky").respond_with_data("down", status=500)
    httpserver.expect_ordered_request("/flaky").respond_with_data("down", status=503)
    httpserver.expect_ordered_request("/flaky").respond_with_data(PAGE)
    result = fetch(spec_for("flaky", url=httpserver.url_for("/flaky")), tmp_path, sleep=sleep,
                   backoff=0.1)
    assert result.status == "fetched" and result.attempts == 3
    assert waits == [0.1, 0.2]  # exponential backoff


def test_500_forever_gives_up(httpserver, spec_for, tmp_path, no_sleep):
    waits, sleep = no_sleep
    httpserver.expect_request("/broken").respond_with_data("down", status=500)
    result = fetch(spec_for("broken", url=httpserver.url_for("/broken")), tmp_path, sleep=sleep,
                   retries=2)
    assert result.status == "error" and "'broken'" in result.error and "500" in result.error
    assert len(waits) == 2


def test_timeout_on_slow_server(httpserver, spec_for, tmp_path, no_sleep):
    def slow(request):
        time.sleep(1.0)
        return Response(PAGE)

    httpserver.expect_request("/slow").respond_with_handler(slow)
    result = fetch(spec_for("slowpoke", url=httpserver.url_for("/slow")), tmp_path, timeout=0.3,
                   retries=1, sleep=no_sleep[1])
    assert result.status == "error" and "'slowpoke'" in result.error
    assert "timed out" in result.error and result.attempts == 2


def test_redirect_is_followed(httpserver, spec_for, tmp_path):
    httpserver.expect_request("/old").respond_with_data("", status=301,
                                                        headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data(PAGE, content_type="text/html")
    result = fetch(spec_for("moved", url=httpserver.url_for("/old")), tmp_path)
    assert result.status == "fetched" and result.final_url.endswith("/new")


def test_oversize_body_is_stopped(httpserver, spec_for, tmp_path):
    httpserver.expect_request("/big").respond_with_data(b"x" * 200_000)
    result = fetch(spec_for("huge", url=httpserver.url_for("/big")), tmp_path, max_bytes=50_000)
    assert result.status == "error" and "'huge'" in result.error and "limit" in result.error


def test_oversize_stream_without_length_is_stopped(httpserver, spec_for, tmp_path):
    def stream(request):
        return Response((b"y" * 10_000 for _ in range(50)), direct_passthrough=True)

    httpserver.expect_request("/stream").respond_with_handler(stream)
    result = fetch(spec_for("firehose", url=httpserver.url_for("/stream")), tmp_path,
                   max_bytes=100_000)
    assert result.status == "error" and "limit" in result.error


def test_wrong_content_type_is_read_by_its_bytes(httpserver, spec_for, tmp_path, table_pdf_bytes):
    httpserver.expect_request("/report").respond_with_data(table_pdf_bytes,
                                                           content_type="text/html")
    read = read_source(spec_for("mislabelled", url=httpserver.url_for("/report")), tmp_path)
    assert read.status == "ok" and read.kind == "pdf"
    assert any("'mislabelled'" in n and "text/html" in n for n in read.notes)
    assert any(b.kind == "table_row" for b in read.document.blocks)


def test_binary_served_as_html_is_an_error(httpserver, spec_for, tmp_path):
    httpserver.expect_request("/bin").respond_with_data(bytes(range(256)) * 64,
                                                        content_type="text/html")
    read = read_source(spec_for("garbage", url=httpserver.url_for("/bin")), tmp_path)
    assert read.status == "error" and "'garbage'" in read.error and "binary" in read.error


def test_unreachable_host_is_an_error(spec_for, tmp_path, no_sleep):
    result = fetch(spec_for("nowhere", url="http://127.0.0.1:9/x"), tmp_path, retries=1,
                   sleep=no_sleep[1], timeout=1)
    assert result.status == "error" and "'nowhere'" in result.error


def test_missing_local_file_is_an_error(spec_for, tmp_path):
    result = fetch(spec_for("lost", path=tmp_path / "absent.txt"), tmp_path)
    assert result.status == "error" and "'lost'" in result.error and "not found" in result.error


def test_non_http_url_is_refused(spec_for, tmp_path):
    result = fetch(spec_for("local-peek", url="file:///etc/hostname"), tmp_path)
    assert result.status == "error" and "'local-peek'" in result.error and "file" in result.error
