"""Bad local files, one per run beside two good sources: the bad one ends as a `documents`
row with status error naming it and the problem; the good ones load all the same."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.reliability.conftest import Outcome, PeakRss, entry, outcome, run, write_sources
from tests.reliability.hostile import bit_flipped, bomb_pdf, many_pages_pdf, noise, text_pdf

pytestmark = pytest.mark.usefixtures("prefect_harness")

PARAS = ["A test consortium opened a new computing centre for artificial intelligence "
         "research in the northern district, with room for two hundred engineers.",
         "The partners expect the first users in the spring, once the cooling is installed."]


def _ok_pdf() -> bytes:
    return text_pdf(PARAS)


BAD_FILES = {
    # name: (file name, bytes factory, words the error must contain)
    "truncated_pdf": ("cut.pdf", lambda: _ok_pdf()[: len(_ok_pdf()) // 2], ["pdf"]),
    "corrupt_pdf": ("garbled.pdf", lambda: b"%PDF-1.7\n" + noise(20_000, seed=7), ["pdf"]),
    "bit_flipped_pdf": ("flipped.pdf", lambda: bit_flipped(_ok_pdf()), ["damaged", "page 1"]),
    "encrypted_pdf": ("locked.pdf", lambda: text_pdf(PARAS, encrypt=True), ["encrypted"]),
    "empty_text": ("empty.txt", lambda: b"", ["empty"]),
    "empty_html": ("empty.html", lambda: b"", ["empty"]),
    "binary_as_text": ("noise.txt", lambda: noise(30_000, seed=3), ["text"]),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_an_error_row_and_the_rest_loads(name, src: Path, refresh_with):
    filename, make, words = BAD_FILES[name]
    (src / filename).write_bytes(make())
    result, out = refresh_with([entry(name, path=filename)])
    assert result.summary.status == "partial" and result.summary.failed == 1
    error = out.error(name).lower()
    assert all(w in error for w in words), error
    out.assert_good_loaded()


def test_missing_file(refresh_with):
    result, out = refresh_with([entry("gone", path="not-there.pdf")])
    assert "not found" in out.error("gone")
    out.assert_good_loaded()


def _growth_beside(src: Path, tmp_path: Path, extra: list[dict]) -> tuple[float, float, float, Outcome]:
    """Peak memory growth (MB) of a run with `extra` and of the same run with an empty file
    refused in its place, both from the same warm state (pipelines built, caches filled):
    what the bad input costs, apart from what any run allocates (extraction, Prefect, DuckDB).
    Also the seconds the run with `extra` took."""
    (src / "empty.txt").write_bytes(b"")
    small = [entry("small", path="empty.txt")]
    run(write_sources(src, small), tmp_path / "warm.duckdb")
    with PeakRss() as base:
        run(write_sources(src, small), tmp_path / "base.duckdb")
    with PeakRss() as rss:
        started = time.monotonic()
        run(write_sources(src, extra), tmp_path / "measured.duckdb")
        seconds = time.monotonic() - started
    return rss.growth_mb, base.growth_mb, seconds, outcome(tmp_path / "measured.duckdb")


def test_decompression_bomb_is_refused_in_bounded_time_and_memory(src: Path, env: Path, tmp_path: Path):
    """300 kB on disk, 300 MB inflated: refused before pdfminer inflates it."""
    (src / "bomb.pdf").write_bytes(bomb_pdf(300))
    growth, base, elapsed, out = _growth_beside(src, tmp_path, [entry("bomb", path="bomb.pdf")])
    assert growth - base < 50, f"memory grew {growth:.0f} MB against {base:.0f} MB without the bomb"
    assert "decompression bomb" in out.error("bomb")
    out.assert_good_loaded()
    assert elapsed < 60


def test_huge_page_count_reads_only_the_capped_pages(src: Path, refresh_with, env: Path):
    """100 000 pages: the first `max_pages` are read (the document loads), quickly."""
    (src / "long.pdf").write_bytes(many_pages_pdf(100_000))
    started = time.monotonic()
    _, out = refresh_with([entry("long", path="long.pdf", lang="en")])
    elapsed = time.monotonic() - started
    assert out.documents["long"][0] == "ok"
    assert len(out.blocks["long"]) <= 5  # LIMITS: max_pages 5, one line a page
    out.assert_good_loaded()
    assert elapsed < 60


def test_text_over_the_size_cap_is_refused_without_reading_it(src: Path, env: Path, tmp_path: Path):
    """Just over 50 MB (the fetch cap in configs/ingest.yaml): an error row, and the file
    is never loaded into memory (its size is checked first): reading it would add at least
    its 50 MB to the run's peak."""
    big = src / "big.txt"
    line = b"An ordinary line of prose that repeats until the file is too large to read.\n"
    with big.open("wb") as fh:
        for _ in range((50 * 2**20) // len(line) + 2):
            fh.write(line)
    assert big.stat().st_size > 50 * 2**20
    growth, base, _seconds, out = _growth_beside(src, tmp_path, [entry("big", path="big.txt")])
    assert growth - base < 20, f"memory grew {growth:.0f} MB against {base:.0f} MB without the big file"
    assert "limit" in out.error("big")
    out.assert_good_loaded()


GERMAN = ("Neues Rechenzentrum in München\n\n"
          "Die Universität in München erhält für die KI-Fabrik eine Förderung über fünf Jahre. "
          "Das Rechenzentrum liegt nördlich der Stadt und wird im Frühjahr größer; "
          "Forschende aus Würzburg und Nürnberg nutzen es gemeinsam.\n")


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_legacy_encodings_load_with_the_right_text(encoding: str, src: Path, refresh_with):
    (src / "alt.txt").write_bytes(GERMAN.encode(encoding))
    _, out = refresh_with([entry("alt", path="alt.txt", lang="de")])
    assert out.documents["alt"] == ("ok", None)
    text = "\n".join(out.blocks["alt"])
    for word in ("München", "Universität", "Förderung", "größer", "Würzburg", "Nürnberg"):
        assert word in text, (encoding, text)
    assert "\ufffd" not in text and "Ã" not in text
    out.assert_good_loaded()


def test_deeply_nested_html_loads_its_text(src: Path, refresh_with):
    """5 000 levels (five times Python's recursion limit): the walk is iterative."""
    depth = 5000
    page = ("<html><body>" + "<div>" * depth + "<p>" + PARAS[0] + "</p>" + "</div>" * depth
            + "</body></html>")
    (src / "deep.html").write_text(page, encoding="utf-8")
    _, out = refresh_with([entry("deep", path="deep.html", lang="en")])
    assert out.documents["deep"] == ("ok", None)
    assert any("two hundred engineers" in b for b in out.blocks["deep"])
    out.assert_good_loaded()
