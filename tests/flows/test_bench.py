"""`flows.bench`: scaled corpora that really differ, and a report of the promised shape.

Nothing here is timed; the figures themselves come from `make bench`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from flows.bench import REQUIRED, build_corpus, main, read_costs, table, vary_bytes
from sources.registry import load_registry


def test_copies_hash_differently_and_pdfs_only_gain_a_trailing_comment(corpus_dir: Path):
    dev = corpus_dir / "dev"
    for path, kind in [(next(dev.glob("*.txt")), "text"), (next(dev.glob("*.html")), "html"),
                       (next(dev.glob("*.pdf")), "pdf")]:
        original = path.read_bytes()
        copies = [vary_bytes(original, kind, k, path.stem) for k in range(4)]
        assert copies[0] == original
        assert len({hashlib.sha256(c).digest() for c in copies}) == 4, path.name
        if kind == "pdf":
            assert all(c.startswith(original) and b"%bench" in c[len(original):] for c in copies[1:])
        else:
            assert all(abs(len(c) - len(original)) < 0.1 * len(original) for c in copies)


def test_scaled_sources_file_passes_the_strict_registry(corpus_dir: Path, tmp_path: Path):
    sources = build_corpus(corpus_dir / "dev", tmp_path / "c", 3)
    specs = load_registry(sources)
    originals = load_registry(corpus_dir / "dev" / "sources.yaml")
    assert len(specs) == 3 * len(originals)
    assert len({s.name for s in specs}) == len(specs)
    assert all(s.path is not None and s.path.exists() for s in specs)


def _small_corpus(corpus_dir: Path, dest: Path) -> Path:
    """One document of each kind and a second language: enough to exercise every stage."""
    entries = yaml.safe_load((corpus_dir / "dev" / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    picked: dict[tuple, dict] = {}
    for e in entries:
        picked.setdefault((e["kind"], e.get("lang") == "en"), e)
    dest.mkdir()
    for e in picked.values():
        shutil.copy(corpus_dir / "dev" / e["path"], dest / e["path"])
    (dest / "sources.yaml").write_text(yaml.safe_dump({"sources": list(picked.values())}), encoding="utf-8")
    return dest


def test_scale_two_report_has_the_required_shape(corpus_dir: Path, tmp_path: Path, capsys):
    out = tmp_path / "bench.json"
    small = _small_corpus(corpus_dir, tmp_path / "small")
    assert main(["--out", str(out), "--scales", "2", "--corpus", str(small)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report) == {"scales", "user_waits", "machine"}
    (row,) = report["scales"]
    assert set(REQUIRED) <= set(row)
    assert row["docs"] == 2 * len(load_registry(small / "sources.yaml")) and row["statements"] > 0
    assert all(isinstance(row[k], (int, float)) and row[k] > 0 for k in REQUIRED)
    # rates in CPU time of the extracting process, and in wall time beside them
    assert row["extract_wall_docs_per_s"] > 0 and row["ceiling_wall_docs_per_s"] > 0
    assert row["extract_share_of_ceiling"] == pytest.approx(
        row["extract_docs_per_s"] / row["ceiling_docs_per_s"], rel=0.01)
    assert 0 < row["workers_rss_mb"] <= row["peak_rss_mb"]  # in-process: the same process, sampled
    assert report["machine"]["cpus"] >= 1 and report["machine"]["python"]
    printed = capsys.readouterr().out
    assert table(report["scales"]).splitlines()[1] in printed


def test_read_costs_cover_each_kind_and_both_pdf_readers(corpus_dir: Path, tmp_path: Path):
    small = _small_corpus(corpus_dir, tmp_path / "small")
    costs = read_costs([small], repeats=1)
    kinds = {p.suffix for p in small.iterdir()}
    assert costs["pdf_files"] == len([p for p in small.iterdir() if p.suffix == ".pdf"]) > 0
    assert costs["pdf_pages"] >= costs["pdf_files"]
    for key in ("read_ms_per_pdf_page_pdfium", "read_ms_per_pdf_page_pdfminer"):
        assert costs[key] > 0
    assert costs["pdf_speedup"] == pytest.approx(
        costs["read_ms_per_pdf_page_pdfminer"] / costs["read_ms_per_pdf_page_pdfium"], rel=0.02)
    assert (".html" in kinds) == ("read_ms_per_html_page" in costs)
    assert (".txt" in kinds) == ("read_ms_per_text" in costs)
