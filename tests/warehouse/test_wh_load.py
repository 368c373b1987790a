"""Append-only loading: unchanged, changed and removed sources; failures are partial runs."""

from __future__ import annotations

from datetime import date

import pytest

from wh_helpers import doc, fact
from warehouse.errors import WarehouseError
from warehouse.load import DocumentRow


def _facts(d, city="Kuusamo"):
    return [fact(d, "Aurora AIF", "country", "FI"), fact(d, "Aurora AIF", "city", city)]


def test_unchanged_source_bumps_last_seen_and_skips_rebuild(wh):
    a = doc("alpha", "v1", blocks=["Aurora AIF sits in Kuusamo, Finland."])
    first = wh.refresh((a, _facts(a)))
    second = wh.refresh(unchanged=["alpha"])
    assert (first.statements_new, first.marts_rebuilt) == (2, True)
    assert (second.statements_new, second.statements_retired, second.values_changed) == (0, 0, 0)
    assert (second.unchanged, second.fetched, second.marts_rebuilt) == (1, 0, False)
    assert wh.sql("SELECT DISTINCT first_seen_run, last_seen_run FROM statements") == [(1, 2)]
    assert wh.sql("SELECT text FROM blocks") == [("Aurora AIF sits in Kuusamo, Finland.",)]
    assert wh.value("AURORA", "city") == "Kuusamo"


def test_changed_source_retires_old_statements_without_deleting(wh):
    a1 = doc("alpha", "v1")
    wh.refresh((a1, _facts(a1)))
    a2 = doc("alpha", "v2")
    s = wh.refresh((a2, _facts(a2, city="Oulu")))
    assert (s.statements_new, s.statements_retired, s.values_changed) == (2, 2, 1)
    assert wh.sql("SELECT count(*) FROM statements") == [(4,)]
    assert wh.sql("SELECT doc_id, max(last_seen_run) FROM statements GROUP BY doc_id ORDER BY 2") == \
        [(a1.doc_id, 1), (a2.doc_id, 2)]
    assert wh.sql("SELECT count(*) FROM documents") == [(2,)]
    assert wh.value("AURORA", "city") == "Oulu"


def test_removed_source_is_deactivated_and_its_facts_retired(wh):
    a, b = doc("alpha", "x"), doc("beta", "y")
    wh.refresh((a, _facts(a)), (b, [fact(b, "VESTA", "country", "SE")]))
    s = wh.refresh(unchanged=["alpha"], active=["alpha"])
    assert s.removed_sources == ["beta"] and s.statements_retired == 1
    assert wh.sql("SELECT active FROM source_state WHERE source_name = 'beta'") == [(False,)]
    assert wh.sql("SELECT count(*) FROM statements WHERE source_name = 'beta'") == [(1,)]
    assert wh.sql("SELECT factory_id FROM factories") == [("AURORA",)]


def test_failed_source_makes_a_partial_run_and_keeps_its_facts(wh):
    a = doc("alpha", "x")
    wh.refresh((a, _facts(a)))
    broken = DocumentRow(doc_id="err-alpha", source_name="alpha", url=None, publisher=None, trust="press",
                         lang=None, published_on=None, title=None, sha256=None, status="error",
                         error="HTTP 503 from example.invalid")
    s = wh.refresh(failed=[broken], active=["alpha"])
    assert s.status == "partial" and s.failures == [("alpha", "HTTP 503 from example.invalid")]
    assert wh.value("AURORA", "city") == "Kuusamo"
    assert wh.sql("SELECT outcome, error FROM run_sources WHERE run_id = 2") == \
        [("failed", "HTTP 503 from example.invalid")]


def test_unknown_unchanged_source_is_an_error_and_is_recorded(wh):
    with pytest.raises(WarehouseError, match="never loaded"):
        wh.refresh(unchanged=["ghost"])
    assert wh.sql("SELECT status FROM runs") == [("failed",)]


def test_full_refresh_retires_statements_the_extractor_no_longer_yields(wh):
    a = doc("alpha", "x", published=date(2025, 1, 2))
    wh.refresh((a, _facts(a)))
    s = wh.refresh((a, _facts(a)[:1]), full=True)
    assert (s.statements_new, s.statements_retired, s.marts_rebuilt) == (0, 1, True)
    assert wh.value("AURORA", "city") is None
    assert s.changes[0].attribute == "city" and s.changes[0].new is None


def test_partial_scope_run_does_not_remove_unread_sources(wh):
    from warehouse.writer import RunInfo, commit_refresh
    a, b = doc("alpha", "x"), doc("beta", "y")
    wh.refresh((a, _facts(a)), (b, [fact(b, "VESTA", "country", "SE")]))
    b2 = doc("beta", "y2")
    s = commit_refresh(wh.path, run=RunInfo(partial_scope=True), documents=[b2],
                       statements={b2.doc_id: [fact(b2, "VESTA", "country", "SE")]}, unchanged_sources=[],
                       failed=[], active_sources=["beta"], full=False, config_dir=wh.config_dir,
                       gazetteer=wh.gazetteer)
    assert s.removed_sources == [] and s.statements_new == 1 and s.statements_retired == 1
    assert wh.sql("SELECT source_name FROM source_state WHERE active ORDER BY 1") == [("alpha",), ("beta",)]
    assert wh.value("AURORA", "city") == "Kuusamo"
