"""Extraction quality on the dev corpus, scored against its gold file.

The floors below are what the extractor reaches today, rounded down; they only move up.
They moved down once, when the factories that a text identifies only as one country of a list
("selected in Finland, Germany and Greece") became subjects that take the list's values (the
reading-model issue asks for it, and dev2's gold annotates them): four dev golds (d007, d013,
d019, d067) leave such members out while others of dev (d094, d097) annotate them, and the
35 facts the rule adds in those four are what the floors below lost.
The issue's targets (overall F1 0.85, no attribute under 0.7) are reached; run
`aifacts eval` for the full report with misses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.db import connect
from warehouse.evaluate import format_report, score

OVERALL_F1 = 0.85
ATTRIBUTE_F1 = {
    "name": 0.96, "country": 0.83, "city": 0.85, "host_org": 0.74, "supercomputer": 0.83,
    "deployment": 0.83, "budget_total_eur": 0.88, "budget_eu_eur": 0.92, "budget_national_eur": 0.85,
    "operational_by": 0.78, "selected_on": 0.70, "partner_countries": 0.88,
    "programme.factory_count": 0.92, "programme.selected_on": 0.90, "programme.investment_total_eur": 0.99,
    "programme.investment_eu_eur": 0.99,
}


@pytest.fixture(scope="module")
def dev_report(corpus_dir: Path, corpus_warehouse: Path):
    con = connect(corpus_warehouse, read_only=True)
    try:
        report = score(con, [corpus_dir / "dev" / "gold.jsonl"])
    finally:
        con.close()
    print(format_report(report, max_misses=0))
    return report


def test_overall_f1_floor(dev_report):
    assert dev_report.overall.f1 >= OVERALL_F1


@pytest.mark.parametrize("attribute", sorted(ATTRIBUTE_F1))
def test_attribute_f1_floor(dev_report, attribute):
    got = dev_report.per_attribute[attribute].f1
    assert got >= ATTRIBUTE_F1[attribute], f"{attribute}: F1 {got:.3f} < floor {ATTRIBUTE_F1[attribute]}"


def test_every_dev_document_is_scored(dev_report):
    assert len(dev_report.documents) == 46 and not dev_report.missing_documents
