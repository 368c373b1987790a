"""Budgets of time and memory per source, enforced from outside the worker process that
reads and extracts (issue 27, point 5): each overrun is that source's error, the good
sources of the run load, and the run ends in bounded time."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import yaml

from tests.reliability.conftest import entry, outcome, run, write_sources

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture()
def budgets(rel_config: Path, tmp_path: Path, monkeypatch):
    """A copy of the reliability config with these `budgets` (a worker of its own)."""
    def make(**values) -> Path:
        target = tmp_path / "configs"
        shutil.copytree(rel_config, target)
        ingest = yaml.safe_load((target / "ingest.yaml").read_text(encoding="utf-8"))
        ingest["budgets"].update(values)
        (target / "ingest.yaml").write_text(yaml.safe_dump(ingest, allow_unicode=True), encoding="utf-8")
        monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(target))
        return target
    return make


def _refresh(src: Path, tmp_path: Path, extra: list) -> tuple[object, object, float]:
    wh = tmp_path / "wh" / "w.duckdb"
    started = time.monotonic()
    result = run(write_sources(src, extra), wh)
    return result, outcome(wh), time.monotonic() - started


def slow_html(paragraphs: int) -> bytes:
    """Small on disk, slow to parse: one element per short paragraph (about 6 s per 40 000 here)."""
    return b"<html><body>" + b"".join(b"<p>Paragraph %d of a long page.</p>" % i
                                      for i in range(paragraphs)) + b"</body></html>"


def test_a_source_slow_to_parse_is_stopped_at_its_read_budget(budgets, src: Path, tmp_path: Path):
    budgets(read_seconds=3)
    (src / "slow.html").write_bytes(slow_html(150_000))
    result, out, took = _refresh(src, tmp_path, [entry("slow_parse", path="slow.html", lang="en")])
    assert "longer than the 3 s" in out.error("slow_parse")
    out.assert_good_loaded()
    assert result.summary.status == "partial"
    assert took < 120, took


def test_a_source_that_needs_more_memory_than_its_cap_fails_alone(budgets, src: Path, tmp_path: Path):
    """50 MB of text whose parse takes the worker from about 520 MB of address space to over
    1000 MB (measured): over a cap of 850 MB, in which the good sources are read and extracted."""
    budgets(memory_mb=850)
    (src / "huge.txt").write_bytes(("Zażółć gęślą jaźń, a line of a very long text with words €.\n\n"
                                    * 700_000).encode())
    result, out, took = _refresh(src, tmp_path, [entry("memory_hog", path="huge.txt", lang="en")])
    error = out.error("memory_hog")
    assert "MB" in error or "MemoryError" in error or "memory" in error.lower(), error
    out.assert_good_loaded()
    assert took < 300, took


def test_an_extraction_past_its_budget_fails_only_its_document(budgets, src: Path, tmp_path: Path):
    budgets(extract_seconds=2, extract_chars_per_second=1_000_000_000)
    text = "\n\n".join(f"The centre {i} in Bologna will receive EUR {i % 90 + 1} million from {i % 7} partners "
                       f"in March {2020 + i % 9}." for i in range(40_000))
    (src / "heavy.txt").write_text("A heavy page\n\n" + text + "\n", encoding="utf-8")
    result, out, took = _refresh(src, tmp_path, [entry("heavy", path="heavy.txt", lang="en")])
    assert "longer than" in out.error("heavy")
    out.assert_good_loaded()
    assert took < 300, took
