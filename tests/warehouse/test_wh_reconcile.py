"""Reconciliation on hand-built statements: place repair by each kind of evidence, name
rejection through the knowledge base, the declared value policy and overrides."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from wh_helpers import doc, fact
from warehouse.errors import WarehouseError


def conflict(wh, factory, attribute):
    rows = wh.sql("SELECT chosen_json, reason, status, candidates_json FROM conflicts "
                  "WHERE factory_id = ? AND attribute = ?", [factory, attribute])
    assert rows, f"no conflict row for {factory}.{attribute}"
    chosen, reason, status, cands = rows[0]
    return json.loads(chosen) if chosen else None, reason, status, json.loads(cands)


def test_city_repaired_by_another_sources_consistent_value(wh):
    a, b = doc("alpha", "a"), doc("beta", "b")
    wh.refresh((a, [fact(a, "KESTREL", "country", "LU"), fact(a, "KESTREL", "city", "Busan")]),
               (b, [fact(b, "KESTREL", "country", "LU"), fact(b, "KESTREL", "city", "Echternach")]))
    chosen, reason, status, cands = conflict(wh, "KESTREL", "city")
    assert chosen == "Echternach" and status == "resolved"
    assert "'Busan' does not lie in LU" in reason and "another source's consistent value (source beta)" in reason
    assert {(c["value"], c["status"]) for c in cands} >= {("Busan", "rejected"), ("Echternach", "chosen")}


def test_city_repaired_by_supercomputer_site_then_host_org_site(wh):
    a = doc("alpha", "a")
    wh.refresh((a, [fact(a, "KESTREL", "country", "LU"), fact(a, "KESTREL", "city", "Busan"),
                    fact(a, "KESTREL", "supercomputer", "Stellarix"),
                    fact(a, "Aurora AIF", "country", "FI"), fact(a, "Aurora AIF", "city", "Busan"),
                    fact(a, "Aurora AIF", "host_org", "NCC")]))
    chosen, reason, _, _ = conflict(wh, "KESTREL", "city")
    assert chosen == "Vianden" and "supercomputer Stellarix (supercomputers.yaml)" in reason
    chosen, reason, _, _ = conflict(wh, "AURORA", "city")
    assert chosen == "Kuusamo" and "host organisation North Compute Centre (host_orgs.yaml)" in reason
    assert wh.value("AURORA", "host_org") == "NCC"   # shown as the sources write it


def test_names_of_one_host_org_agree_and_show_the_commonest_form(wh):
    a, b, c = doc("alpha", "a", trust="press"), doc("beta", "b", trust="press"), doc("gamma", "c", trust="press")
    wh.refresh((a, [fact(a, "AURORA", "host_org", "NCC", key="AURORA")]),
               (b, [fact(b, "AURORA", "host_org", "North Compute Centre", key="AURORA")]),
               (c, [fact(c, "AURORA", "host_org", "NCC", key="AURORA"),
                    fact(c, "AURORA", "host_org", "Polar Systems Ltd", key="AURORA")]))
    assert wh.value("AURORA", "host_org") == "NCC"
    reason = wh.sql("SELECT reason FROM factory_values WHERE chosen AND attribute = 'host_org'")[0][0]
    assert "3 agreeing sources" in reason and "names the same organisation" in reason


def test_city_repaired_by_phonetic_match_or_rejected(wh):
    a = doc("alpha", "a")
    wh.refresh((a, [fact(a, "ORCA AIF", "country", "ES"), fact(a, "ORCA AIF", "city", "Taragona"),
                    fact(a, "VESTA", "country", "SE"), fact(a, "VESTA", "city", "Busan")]))
    chosen, reason, _, _ = conflict(wh, "ORCA-AIF", "city")
    assert chosen == "Tarragona" and "closest-sounding place in ES" in reason
    chosen, reason, status, _ = conflict(wh, "VESTA", "city")
    assert chosen is None and status == "open" and "no evidence repairs it" in reason


def test_city_spelling_canonicalised(wh):
    a = doc("alpha", "a")
    wh.refresh((a, [fact(a, "VESTA", "country", "SE"), fact(a, "VESTA", "city", "Vaxjo")]))
    chosen, reason, _, _ = conflict(wh, "VESTA", "city")
    assert chosen == "Växjö" and "gazetteer" in reason


def test_host_org_used_as_name_is_rejected_and_kept_as_host(wh):
    a = doc("alpha", "a")
    wh.refresh((a, [fact(a, "Orca Computing Institute", "name", "Orca Computing Institute"),
                    fact(a, "Orca Computing Institute", "country", "ES")]))
    chosen, reason, _, cands = conflict(wh, "ORCA-AIF", "name")
    assert chosen == "ORCA AI Factory"
    assert "known host organisation (host_orgs.yaml)" in reason
    assert wh.value("ORCA-AIF", "host_org") == "Orca Computing Institute"
    assert wh.sql("SELECT method FROM mention_links") == [("kb_org",)]


def test_garbled_supercomputer_normalised_within_country(wh):
    a = doc("alpha", "a")
    wh.refresh((a, [fact(a, "KESTREL", "country", "LU"), fact(a, "KESTREL", "supercomputer", "Stella Rix"),
                    fact(a, "VESTA", "country", "SE"), fact(a, "VESTA", "supercomputer", "Stella Rix")]))
    chosen, reason, _, _ = conflict(wh, "KESTREL", "supercomputer")
    assert chosen == "Stellarix" and "normalised to 'Stellarix'" in reason
    assert wh.value("VESTA", "supercomputer") == "Stella Rix"   # no such system in SE: kept as stated


def _budget(amount, qualifier="exact"):
    return {"amount": amount, "qualifier": qualifier}


def test_policy_order_trust_agreement_specificity_recency(wh):
    off = doc("off", "1", trust="official", published=date(2024, 1, 1))
    p1 = doc("p1", "2", trust="press", published=date(2025, 1, 1))
    p2 = doc("p2", "3", trust="press", published=date(2025, 2, 1))
    p3 = doc("p3", "4", trust="press", published=date(2025, 3, 1))
    f = lambda d, attr, v: fact(d, "AURORA", attr, v, key="AURORA")  # noqa: E731
    wh.refresh(
        (off, [f(off, "budget_total_eur", _budget(100))]),
        (p1, [f(p1, "budget_total_eur", _budget(200)), f(p1, "deployment", "new"),
              f(p1, "selected_on", {"value": "2024-12"}), f(p1, "operational_by", {"value": "2026"})]),
        (p2, [f(p2, "budget_total_eur", _budget(200)), f(p2, "deployment", "new"),
              f(p2, "selected_on", {"value": "2024-12-10"}), f(p2, "operational_by", {"value": "2027"})]),
        (p3, [f(p3, "deployment", "upgrade")]))
    assert wh.value("AURORA", "budget_total_eur") == _budget(100)
    assert "decided by trust" in conflict(wh, "AURORA", "budget_total_eur")[1]
    assert wh.value("AURORA", "deployment") == "new"
    assert "decided by agreement" in conflict(wh, "AURORA", "deployment")[1]
    assert wh.value("AURORA", "selected_on") == {"value": "2024-12-10"}
    assert "decided by specificity" in conflict(wh, "AURORA", "selected_on")[1]
    chosen, reason, status, _ = conflict(wh, "AURORA", "operational_by")
    assert chosen == {"value": "2027"} and "decided by recency" in reason and status == "open"
    assert wh.sql("SELECT kind, on_date, precision FROM events ORDER BY kind") == \
        [("operation", "2027", "year"), ("selection", "2024-12-10", "day")]


def test_budget_keeps_qualifier_and_currency(wh):
    a = doc("alpha", "a")
    wh.refresh((a, [fact(a, "VESTA", "country", "SE"),
                    fact(a, "VESTA", "budget_total_eur", {"amount": 5e9, "currency": "SEK", "qualifier": "about"})]))
    assert wh.sql("SELECT budget_total_eur, budget_total_qualifier, budget_total_currency FROM factories") == \
        [(5e9, "about", "SEK")]


def test_override_wins_and_is_recorded(wh):
    (wh.config_dir / "overrides.yaml").write_text(
        "overrides:\n  - {factory: vesta ai factory, attribute: city, value: Umeå, reason: curator checked the site}\n")
    a = doc("alpha", "a", trust="official")
    wh.refresh((a, [fact(a, "VESTA", "country", "SE"), fact(a, "VESTA", "city", "Växjö")]))
    chosen, reason, status, cands = conflict(wh, "VESTA", "city")
    assert chosen == "Umeå" and "override: curator checked the site" in reason and status == "resolved"
    assert any(c["source"] == "overrides.yaml" for c in cands)


def test_override_for_unknown_factory_fails_loudly(wh):
    (wh.config_dir / "overrides.yaml").write_text(
        "overrides:\n  - {factory: NOPE, attribute: city, value: Ulm, reason: typo test}\n")
    a = doc("alpha", "a")
    with pytest.raises(WarehouseError, match="NOPE"):
        wh.refresh((a, [fact(a, "VESTA", "country", "SE")]))


def test_programme_facts_per_attribute_and_wave(wh):
    a, b = doc("alpha", "a", trust="official"), doc("beta", "b")
    wh.refresh((a, [fact(a, None, "factory_count", 7, scope="programme", wave=1),
                    fact(a, None, "factory_count", 6, scope="programme", wave=2)]),
               (b, [fact(b, None, "factory_count", 8, scope="programme", wave=1)]))
    rows = wh.sql("SELECT wave, value_json FROM programme_facts WHERE chosen ORDER BY wave")
    assert rows == [(1, "7"), (2, "6")]
    assert wh.sql("SELECT factory_id, attribute, wave FROM conflicts") == [(None, "factory_count", 1)]


def test_a_bare_year_does_not_gather_finer_dates_that_disagree_to_outvote_them():
    from warehouse.choice import Candidate, Support, choose
    from warehouse.policy import load_policy

    def cand(value: str, *sources: str) -> Candidate:
        return Candidate(json.dumps({"value": value}), [Support(f"s-{s}-{value}", s, "press", None, "") for s in sources])

    year, month, day, other = cand("2025", "a", "b", "c"), cand("2025-03", "d", "e"), cand("2025-03-12", "f"), \
        cand("2025-04", "g")
    decision = choose([year, month, day, other], "selected_on", load_policy(Path(__file__).resolve().parents[2] / "configs"))
    assert decision.chosen is day and decision.decided_by == "specificity", decision.reason
