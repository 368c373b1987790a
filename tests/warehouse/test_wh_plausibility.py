"""Issue 23: values an analyst would not sign are conflicts with their reason, and not chosen.

Each test writes the text a source would hold and the statements that text gives; the
warehouse is the real one (load, link, reconcile, marts), with the invented knowledge base
of wh_helpers and a waves.yaml written here."""

from __future__ import annotations

import json
from datetime import date

import pytest
import yaml

from wh_helpers import doc, fact


@pytest.fixture
def rounds(config_dir):
    (config_dir / "knowledge" / "waves.yaml").write_text(yaml.safe_dump({"waves": [
        {"wave": 1, "selected_on": "2024-12-10", "count": 4, "investment_total_eur": 1500000000},
        {"wave": 2, "selected_on": "2025-03-12", "count": 3},
    ]}), encoding="utf-8")
    return config_dir


def conflict(wh, factory: str, attribute: str) -> tuple[object, str]:
    rows = wh.sql("SELECT chosen_json, reason FROM conflicts WHERE factory_id = ? AND attribute = ?",
                  [factory, attribute])
    assert rows, f"no conflict row for {factory}.{attribute}"
    chosen, reason = rows[0]
    return (json.loads(chosen) if chosen else None), reason


def test_an_eu_share_above_the_total_is_a_conflict_and_not_chosen(wh, rounds):
    text = "The Kestrel AI Factory will cost €100 million in all; the EU is to pay €150 million of it."
    d = doc("kestrel-costs", blocks=[text])
    wh.refresh((d, [fact(d, "Kestrel AI Factory", "budget_total_eur", {"amount": 100e6, "qualifier": "exact"},
                         text="€100 million"),
                    fact(d, "Kestrel AI Factory", "budget_eu_eur", {"amount": 150e6, "qualifier": "exact"},
                         text="€150 million")]))
    chosen, reason = conflict(wh, "KESTREL", "budget_eu_eur")
    assert chosen is None and "above the factory's chosen total" in reason
    assert wh.sql("SELECT budget_eu_eur, budget_total_eur FROM factories WHERE factory_id = 'KESTREL'") == \
        [(None, 100e6)]


def test_a_total_below_a_share_gives_way_to_the_total_that_covers_it(wh, rounds):
    a = doc("vesta-a", blocks=["Vesta AI Factory: a €40 million data hall; Sweden pays €90 million."], trust="official")
    b = doc("vesta-b", blocks=["The Vesta AI Factory has a budget of €180 million."])
    wh.refresh((a, [fact(a, "Vesta AI Factory", "budget_total_eur", {"amount": 40e6, "qualifier": "exact"},
                         text="€40 million"),
                    fact(a, "Vesta AI Factory", "budget_national_eur", {"amount": 90e6, "qualifier": "exact"},
                         text="€90 million")]),
               (b, [fact(b, "Vesta AI Factory", "budget_total_eur", {"amount": 180e6, "qualifier": "exact"},
                         text="€180 million")]))
    chosen, reason = conflict(wh, "VESTA", "budget_total_eur")
    assert chosen == {"amount": 180e6, "qualifier": "exact"} and "below the factory's national share" in reason
    assert wh.value("VESTA", "budget_national_eur") == {"amount": 90e6, "qualifier": "exact"}


def test_an_operation_date_before_the_selection_is_a_conflict_and_not_chosen(wh, rounds):
    text = ("The Aurora AI Factory was selected on 10 December 2024. Its hall has hosted the Borealis "
            "system, operational since 2018.")
    d = doc("aurora-history", blocks=[text])
    wh.refresh((d, [fact(d, "Aurora AI Factory", "selected_on", {"value": "2024-12-10"}, text="10 December 2024"),
                    fact(d, "Aurora AI Factory", "operational_by", {"value": "2018"}, text="2018")]))
    chosen, reason = conflict(wh, "AURORA", "operational_by")
    assert chosen is None and "before the factory's selection (2024-12-10)" in reason
    assert wh.sql("SELECT operational_by FROM factories WHERE factory_id = 'AURORA'") == [(None,)]


def test_a_later_operation_date_stays_chosen_beside_the_rejected_one(wh, rounds):
    d = doc("aurora-plan", blocks=["Aurora AI Factory, selected in December 2024, opens in mid-2026 (the old "
                                   "hall dates from 2018)."])
    wh.refresh((d, [fact(d, "Aurora AI Factory", "selected_on", {"value": "2024-12"}, text="December 2024"),
                    fact(d, "Aurora AI Factory", "operational_by", {"value": "2026", "mod": "mid"}, text="mid-2026"),
                    fact(d, "Aurora AI Factory", "operational_by", {"value": "2018"}, text="2018")]))
    assert wh.value("AURORA", "operational_by") == {"value": "2026", "mod": "mid"}
    assert "before the factory's selection" in conflict(wh, "AURORA", "operational_by")[1]


def test_a_budget_equal_to_the_rounds_total_is_a_conflict_and_not_chosen(wh, rounds):
    # waves.yaml gives round 1's total (€1.5 bn); a programme fact gives another figure (€750 m)
    text = ("The first seven AI Factories share €1.5 billion, €750 million of it from the EU. "
            "The Orca AI Factory gets €1.5 billion, reads a careless summary; it states €750 million elsewhere.")
    d = doc("orca-summary", blocks=[text])
    wh.refresh((d, [fact(d, None, "investment_eu_eur", {"amount": 750e6, "qualifier": "exact"}, scope="programme",
                         wave=1, text="€750 million"),
                    fact(d, "Orca AI Factory", "budget_total_eur", {"amount": 1.5e9, "qualifier": "exact"},
                         text="€1.5 billion"),
                    fact(d, "Orca AI Factory", "budget_eu_eur", {"amount": 750e6, "qualifier": "exact"},
                         text="€750 million", block=0)]))
    chosen, reason = conflict(wh, "ORCA-AIF", "budget_total_eur")
    assert chosen is None and "round 1's total investment (waves.yaml)" in reason
    chosen, reason = conflict(wh, "ORCA-AIF", "budget_eu_eur")
    assert chosen is None and "the EU share of round 1 (programme fact)" in reason


def test_a_value_copied_from_a_sentence_about_one_factory_is_not_chosen_for_the_others(wh, rounds):
    text = ("The machines come online over 2025 and 2026. Kestrel, the system LuxGrid runs in Vianden, "
            "is expected to be operational by the end of 2026.")
    d = doc("first-round-overview", blocks=[text])
    value = {"value": "2026", "mod": "end"}
    wh.refresh((d, [fact(d, name, "operational_by", value, text="by the end of 2026", located=True)
                    for name in ("Kestrel AI Factory", "Aurora AI Factory", "Orca AI Factory")]))
    assert wh.value("KESTREL", "operational_by") == value
    for other in ("AURORA", "ORCA-AIF"):
        chosen, reason = conflict(wh, other, "operational_by")
        assert chosen is None and "copied from a sentence about KESTREL" in reason, reason
    assert wh.sql("SELECT count(*) FROM factories WHERE operational_by IS NOT NULL") == [(1,)]


@pytest.mark.parametrize("text", [
    "All first-round AI Factories, Kestrel among them, are to be operational by the end of 2026.",
    "Kestrel and Aurora are expected to be operational by the end of 2026.",
    "The hosting sites are expected to be operational by the end of 2026.",
])
def test_a_sentence_about_a_set_of_factories_gives_each_its_value(wh, rounds, text):
    d = doc("set-" + str(abs(hash(text))), blocks=[text])
    value = {"value": "2026", "mod": "end"}
    wh.refresh((d, [fact(d, name, "operational_by", value, text="by the end of 2026", located=True)
                    for name in ("Kestrel AI Factory", "Aurora AI Factory")]))
    assert wh.value("KESTREL", "operational_by") == value and wh.value("AURORA", "operational_by") == value


def test_a_copy_another_source_also_states_stays_chosen(wh, rounds):
    a = doc("overview", blocks=["Kestrel, run by LuxGrid, is expected to be operational by the end of 2026."])
    b = doc("aurora-news", blocks=["The Aurora AI Factory is to be operational by the end of 2026."],
            published=date(2025, 5, 1))
    value = {"value": "2026", "mod": "end"}
    wh.refresh((a, [fact(a, n, "operational_by", value, text="by the end of 2026", located=True)
                    for n in ("Kestrel AI Factory", "Aurora AI Factory")]),
               (b, [fact(b, "Aurora AI Factory", "operational_by", value, text="by the end of 2026")]))
    assert wh.value("AURORA", "operational_by") == value
    reason = wh.sql("SELECT reason FROM factory_values WHERE factory_id = 'AURORA' AND attribute = 'operational_by'"
                    " AND chosen")[0][0]
    assert "not counted: copied from a sentence about KESTREL" in reason
