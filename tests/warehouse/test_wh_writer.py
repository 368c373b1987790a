"""The single write path: history of changed values, rollback on broken contracts,
failed runs recorded, and the read side (explain, history, conflicts, lock waiting)."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date

import pytest

from wh_helpers import doc, fact
from warehouse import contracts, queries
from warehouse.errors import ContractError, WarehouseBusy, WarehouseError


def _seed(wh):
    a = doc("alpha", "a", trust="press", published=date(2025, 1, 5),
            blocks=["Vesta AI Factory will be built in Vaxjo, Sweden.", "It costs 40 million euros."])
    facts = [fact(a, "Vesta AI Factory", "name", "Vesta AI Factory"), fact(a, "Vesta AI Factory", "country", "SE"),
             fact(a, "Vesta AI Factory", "city", "Vaxjo"),
             fact(a, "Vesta AI Factory", "budget_total_eur", {"amount": 40e6, "qualifier": "exact"}, block=1,
                  text="40 million euros")]
    return wh.refresh((a, facts))


def test_higher_trust_source_changes_value_and_history_shows_it(wh):
    _seed(wh)
    b = doc("beta", "b", trust="official", blocks=["The Vesta AI Factory has a budget of EUR 45 million."])
    s = wh.refresh((b, [fact(b, "Vesta AI Factory", "budget_total_eur", {"amount": 45e6, "qualifier": "exact"})]),
                   unchanged=["alpha"])
    assert s.values_changed == 1
    assert [(c.factory_id, c.attribute, c.old, c.new) for c in s.changes] == \
        [("VESTA", "budget_total_eur", '{"amount":40000000.0,"qualifier":"exact"}',
          '{"amount":45000000.0,"qualifier":"exact"}')]
    assert wh.sql("SELECT value_json, valid_from_run, valid_to_run FROM factory_history "
                  "WHERE attribute = 'budget_total_eur' ORDER BY valid_from_run") == \
        [('{"amount":40000000.0,"qualifier":"exact"}', 1, 2), ('{"amount":45000000.0,"qualifier":"exact"}', 2, None)]
    cols, rows = queries.history(wh.path, runs=1)
    assert [dict(zip(cols, r))["new"] for r in rows] == ['{"amount":45000000.0,"qualifier":"exact"}']
    assert wh.sql("SELECT budget_total_eur, updated_run FROM factories") == [(45e6, 2)]


def test_broken_contract_rolls_back_and_keeps_previous_marts(wh, monkeypatch):
    _seed(wh)
    before = wh.sql("SELECT * FROM factories")
    original = contracts.contracts

    def with_broken(tiers):
        return [*original(tiers), contracts.Contract("factories", "never_sweden",
                                                      "SELECT * FROM factories WHERE country_code = 'SE'")]
    monkeypatch.setattr(contracts, "contracts", with_broken)
    b = doc("beta", "b", trust="official")
    with pytest.raises(ContractError, match="factories.*never_sweden"):
        wh.refresh((b, [fact(b, "VESTA", "city", "Umeå")]), unchanged=["alpha"])
    assert wh.sql("SELECT * FROM factories") == before
    assert wh.sql("SELECT count(*) FROM documents") == [(1,)]
    assert wh.sql("SELECT run_id, status FROM runs ORDER BY run_id") == [(1, "ok"), (2, "failed")]
    assert "never_sweden" in wh.sql("SELECT error FROM runs WHERE run_id = 2")[0][0]


def test_explain_gives_candidates_with_sentences(wh):
    _seed(wh)
    out = queries.explain(wh.path, "vesta ai factory")
    attrs = {a["attribute"]: a for a in out["attributes"]}
    assert out["factory_id"] == "VESTA" and set(attrs) == {"name", "country", "city", "budget_total_eur"}
    city = attrs["city"]
    assert city["chosen"] == "Växjö" and "gazetteer" in city["conflict"]
    ev = [e for c in city["candidates"] for e in c["evidence"]]
    assert ev and all(e["sentence"] == "Vesta AI Factory will be built in Vaxjo, Sweden." for e in ev)
    assert ev[0]["source"] == "alpha" and ev[0]["trust"] == "press" and ev[0]["published_on"] == "2025-01-05"
    budget = queries.explain(wh.path, "VESTA", "budget_total_eur")["attributes"][0]
    assert budget["candidates"][0]["evidence"][0]["sentence"] == "It costs 40 million euros."
    with pytest.raises(WarehouseError, match="no factory named"):
        queries.explain(wh.path, "Nowhere")


def test_factories_and_conflict_listings(wh):
    _seed(wh)
    cols, rows = queries.factories_rows(wh.path)
    assert dict(zip(cols, rows[0]))["city"] == "Växjö"
    _, open_rows = queries.conflict_rows(wh.path)
    _, all_rows = queries.conflict_rows(wh.path, all=True)
    assert open_rows == [] and [r[1] for r in all_rows] == ["city"]


def test_reader_waits_for_writer_then_gives_up_clearly(wh):
    _seed(wh)
    holder = subprocess.Popen([sys.executable, "-c",
                               "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
                               " time.sleep(float(sys.argv[2]))", str(wh.path), "1.5"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusy, match="locked by a running refresh"):
            queries.run_query(wh.path, "SELECT 1", wait_seconds=0.3)
        start = time.monotonic()
        cols, rows = queries.run_query(wh.path, "SELECT count(*) FROM factories", wait_seconds=20)
        assert rows == [(1,)] and time.monotonic() - start < 20
    finally:
        holder.kill()
        holder.wait()
