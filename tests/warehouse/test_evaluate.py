"""The scorer on small hand-built DuckDB warehouses and gold files, plus the real dev gold."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from common.text import fold_words
from extractors.statement import canonical_json
from warehouse.evaluate import (
    EvalReport, EvaluationError, GoldFormatError, format_report, load_gold, score,
)

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"


class Warehouse:
    """Only the tables and columns the scorer reads, so the test does not need migrations."""

    def __init__(self) -> None:
        self.con = duckdb.connect()
        self.con.execute("CREATE TABLE documents (doc_id VARCHAR, source_name VARCHAR)")
        self.con.execute("CREATE TABLE source_state (source_name VARCHAR, doc_id VARCHAR, active BOOLEAN)")
        self.con.execute("""CREATE TABLE statements (statement_id VARCHAR, doc_id VARCHAR,
            subject_text VARCHAR, factory_id VARCHAR, attribute VARCHAR, value_json VARCHAR,
            value_text VARCHAR, block INTEGER, span_start INTEGER, span_end INTEGER, rule VARCHAR,
            scope VARCHAR, wave INTEGER)""")
        self.con.execute("""CREATE TABLE factories (factory_id VARCHAR, name VARCHAR,
            aliases VARCHAR[], country_code VARCHAR)""")
        self._ids = itertools.count()

    def doc(self, source: str, *, active: bool = True) -> str:
        doc_id = f"doc{next(self._ids)}"
        self.con.execute("INSERT INTO documents VALUES (?, ?)", [doc_id, source])
        self.con.execute("INSERT INTO source_state VALUES (?, ?, ?)", [source, doc_id, active])
        return doc_id

    def fact(self, doc_id: str, factory_id: str | None, attribute: str, value: Any, *,
             rule: str = "test.rule", scope: str = "factory", wave: int | None = None) -> None:
        self.con.execute(
            "INSERT INTO statements VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 1, ?, ?, ?)",
            [f"s{next(self._ids)}", doc_id, factory_id, factory_id, attribute,
             canonical_json(value), str(value), rule, scope, wave])

    def programme(self, doc_id: str, attribute: str, value: Any, wave: int | None) -> None:
        self.fact(doc_id, None, attribute, value, scope="programme", wave=wave)

    def factory(self, factory_id: str, name: str, aliases: list[str]) -> None:
        self.con.execute("INSERT INTO factories VALUES (?, ?, ?, NULL)", [factory_id, name, aliases])


def gold_line(doc: str, factories: dict[str, list[dict]] | None = None,
              programme: list[dict] | None = None, mentions: dict[str, list[str]] | None = None) -> dict:
    return {"doc": doc, "lang": "en", "published": None,
            "factories": [{"key": k, "mentions": (mentions or {}).get(k, [k]), "facts": facts}
                          for k, facts in (factories or {}).items()],
            "programme": programme or []}


def write_gold(tmp_path: Path, *lines: dict, name: str = "gold.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def prf(report: EvalReport, attribute: str | None = None) -> tuple[int, int, int]:
    s = report.overall if attribute is None else report.per_attribute[attribute]
    return s.tp, s.fp, s.fn


def test_fold_removes_case_diacritics_and_punctuation() -> None:
    assert fold_words("CSC – IT Center for Science") == fold_words("csc - it center, for science")
    assert fold_words("Linköping") == "linkoping"
    assert fold_words("  Jülich\tGmbH. ") == "julich gmbh"
    assert fold_words("Kajani") != fold_words("Kajaani")


def test_strings_match_after_folding(tmp_path: Path) -> None:
    wh = Warehouse()
    d = wh.doc("a")
    wh.fact(d, "MIMER", "city", "LINKOPING")
    wh.fact(d, "MIMER", "host_org", "csc - it center for science")
    wh.fact(d, "MIMER", "supercomputer", "Mimer II")  # a different name: false positive
    gold = write_gold(tmp_path, gold_line("a", {"MIMER": [
        {"attribute": "city", "value": "Linköping"},
        {"attribute": "host_org", "value": "CSC – IT Center for Science"},
        {"attribute": "supercomputer", "value": "Mimer"},
        {"attribute": "country", "value": "SE"},
    ]}))
    report = score(wh.con, [gold])
    assert prf(report) == (2, 1, 2)
    assert report.overall.precision == pytest.approx(2 / 3)
    assert report.overall.recall == pytest.approx(2 / 4)
    assert report.overall.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert prf(report, "city") == (1, 0, 0)
    assert prf(report, "supercomputer") == (0, 1, 1)
    assert prf(report, "country") == (0, 0, 1)
    assert [(f.key, f.value, f.rule) for f in report.false_positives] == [("MIMER", "Mimer II", "test.rule")]


def test_money_tolerance_qualifier_family_and_currency(tmp_path: Path) -> None:
    wh = Warehouse()
    docs = {name: wh.doc(name) for name in "abcdef"}
    wh.fact(docs["a"], "F", "budget_total_eur", {"amount": 85_400_000, "qualifier": "about"})  # 0.47 %, same family
    wh.fact(docs["b"], "F", "budget_total_eur", {"amount": 85_500_000, "qualifier": "exact"})  # 0.59 % off
    wh.fact(docs["c"], "F", "budget_total_eur", {"amount": 85_000_000, "qualifier": "at_least"})  # other family
    wh.fact(docs["d"], "F", "budget_total_eur", {"amount": 85_000_000, "qualifier": "exact", "currency": "CZK"})
    wh.fact(docs["e"], "F", "budget_total_eur", {"amount": 556_000_000, "qualifier": "more_than"})  # lower bound family
    wh.fact(docs["f"], "F", "budget_eu_eur", {"amount": 85_000_000, "qualifier": "exact"})  # wrong attribute
    exact = {"attribute": "budget_total_eur", "value": {"amount": 85_000_000, "qualifier": "exact"}}
    lower = {"attribute": "budget_total_eur", "value": {"amount": 556_000_000, "qualifier": "at_least"}}
    gold = write_gold(tmp_path, *(gold_line(n, {"F": [exact]}) for n in "abcdf"), gold_line("e", {"F": [lower]}))
    report = score(wh.con, [gold])
    assert prf(report, "budget_total_eur") == (2, 3, 4)
    assert prf(report, "budget_eu_eur") == (0, 1, 0)
    assert sorted(m.doc for m in report.misses) == ["b", "c", "d", "f"]


def test_money_ranges_compare_both_ends(tmp_path: Path) -> None:
    wh = Warehouse()
    a, b, c = wh.doc("a"), wh.doc("b"), wh.doc("c")
    wh.fact(a, "F", "budget_total_eur", {"min": 100_200_000, "max": 199_500_000, "qualifier": "range"})
    wh.fact(b, "F", "budget_total_eur", {"min": 100_000_000, "max": 250_000_000, "qualifier": "range"})
    wh.fact(c, "F", "budget_total_eur", {"amount": 100_000_000, "qualifier": "about"})
    rng = {"attribute": "budget_total_eur", "value": {"min": 100_000_000, "max": 200_000_000, "qualifier": "range"}}
    gold = write_gold(tmp_path, *(gold_line(n, {"F": [rng]}) for n in "abc"))
    assert prf(score(wh.con, [gold])) == (1, 2, 2)


def test_dates_match_at_gold_precision_never_coarser(tmp_path: Path) -> None:
    cases = [  # (gold, prediction, matches)
        ("2026", "2026-06-30", True),
        ("2026-Q2", "2026-05", True),
        ("2026-H2", "2026-Q3", True),
        ("2026-H1", "2026-Q3", False),
        ("2024-12", "2024-12-10", True),
        ("2024-12-10", "2024-12", False),
        ("2026-Q2", "2026", False),
        ("2024-12-10", "2024-12-11", False),
    ]
    wh = Warehouse()
    lines = []
    for i, (gold_value, pred_value, _) in enumerate(cases):
        d = wh.doc(f"d{i}")
        wh.fact(d, "F", "operational_by", {"value": pred_value, "mod": "by"})
        lines.append(gold_line(f"d{i}", {"F": [{"attribute": "operational_by", "value": {"value": gold_value}}]}))
    report = score(wh.con, [write_gold(tmp_path, *lines)])
    hits = sum(ok for *_, ok in cases)
    assert prf(report, "operational_by") == (hits, len(cases) - hits, len(cases) - hits)
    assert sorted(m.doc for m in report.misses) == sorted(f"d{i}" for i, c in enumerate(cases) if not c[2])


def test_wrong_value_matches_stated_or_correct_value(tmp_path: Path) -> None:
    wh = Warehouse()
    wh.fact(wh.doc("stated"), "LUMI-AIF", "city", "Kajani")
    wh.fact(wh.doc("corrected"), "LUMI-AIF", "city", "Kajaani")
    wh.fact(wh.doc("other"), "LUMI-AIF", "city", "Kuopio")
    fact = {"attribute": "city", "value": "Kajani", "wrong": True, "correct": "Kajaani"}
    gold = write_gold(tmp_path, *(gold_line(n, {"LUMI-AIF": [fact]}) for n in ("stated", "corrected", "other")))
    report = score(wh.con, [gold])
    assert prf(report) == (2, 1, 1)
    assert [(m.doc, m.value, m.correct) for m in report.misses] == [("other", "Kajani", "Kajaani")]


def test_one_to_one_matching_is_maximal(tmp_path: Path) -> None:
    wh = Warehouse()
    d = wh.doc("a")
    # "Kajaani" fits both gold facts; a greedy pairing could give it to the wrong one.
    wh.fact(d, "LUMI-AIF", "city", "Kajaani")
    wh.fact(d, "LUMI-AIF", "city", "Kajani")
    wh.fact(d, "LUMI-AIF", "city", "KAJAANI", rule="other.rule")  # same value after folding: counted once
    # Two predictions within tolerance of one gold amount: one true positive, one false positive.
    wh.fact(d, "LUMI-AIF", "budget_total_eur", {"amount": 100_000_000, "qualifier": "exact"})
    wh.fact(d, "LUMI-AIF", "budget_total_eur", {"amount": 100_200_000, "qualifier": "about"})
    gold = write_gold(tmp_path, gold_line("a", {"LUMI-AIF": [
        {"attribute": "city", "value": "Kajani", "wrong": True, "correct": "Kajaani"},
        {"attribute": "city", "value": "Kajaani"},
        {"attribute": "budget_total_eur", "value": {"amount": 100_000_000, "qualifier": "exact"}},
    ]}))
    report = score(wh.con, [gold])
    assert prf(report, "city") == (2, 0, 0)
    assert prf(report, "budget_total_eur") == (1, 1, 0)


def test_new_factory_key_matches_by_name_alias_or_mention(tmp_path: Path) -> None:
    wh = Warehouse()
    d = wh.doc("a")
    wh.factory("new-1", "Gaia AI Factory", [])            # name equals a gold mention
    wh.factory("new-2", "Athena", ["ATH"])                # alias equals the gold key
    wh.factory("JAIF", "JUPITER AI Factory", ["Gaia"])    # a knowledge-base id is never re-keyed
    wh.fact(d, "new-1", "country", "PT")
    wh.fact(d, "new-2", "country", "CY")
    wh.fact(d, "JAIF", "city", "Jülich")
    wh.fact(d, "new-3", "country", "MT")                  # no factories row, no name: stays unmatched
    other = write_gold(tmp_path, gold_line("elsewhere", {"JAIF": []}), name="other.jsonl")
    gold = write_gold(tmp_path, gold_line(
        "a", {"GAIA": [{"attribute": "country", "value": "PT"}, {"attribute": "city", "value": "Jülich"}],
              "ATH": [{"attribute": "country", "value": "CY"}]},
        mentions={"GAIA": ["Gaia AI Factory", "Gaia"], "ATH": ["Athena AI Factory"]}))
    report = score(wh.con, [gold, other])
    assert prf(report, "country") == (2, 1, 0)
    assert prf(report, "city") == (0, 1, 1)
    assert {(f.key, f.attribute) for f in report.false_positives} == {("JAIF", "city"), ("new-3", "country")}
    assert report.missing_documents == ("elsewhere",)


def test_programme_facts_match_by_wave(tmp_path: Path) -> None:
    wh = Warehouse()
    d = wh.doc("a")
    wh.programme(d, "factory_count", 7, 1)
    wh.programme(d, "factory_count", 6, 1)
    wh.programme(d, "investment_total_eur", {"amount": 1_500_000_000, "qualifier": "exact"}, None)
    wh.programme(d, "selected_on", {"value": "2024-12-10"}, 1)
    gold = write_gold(tmp_path, gold_line("a", programme=[
        {"attribute": "factory_count", "value": 7, "wave": 1},
        {"attribute": "investment_total_eur", "value": {"amount": 1_500_000_000, "qualifier": "exact"}, "wave": 1},
        {"attribute": "selected_on", "value": {"value": "2024-12"}, "wave": 1},
    ]))
    report = score(wh.con, [gold])
    assert prf(report, "programme.factory_count") == (1, 1, 0)
    assert prf(report, "programme.investment_total_eur") == (0, 1, 1)
    assert prf(report, "programme.selected_on") == (1, 0, 0)
    assert [(f.key, f.wave, f.value) for f in report.false_positives if f.attribute.endswith("count")] == [(None, 1, 6)]


def test_only_current_gold_documents_count(tmp_path: Path) -> None:
    wh = Warehouse()
    old, new = wh.doc("a", active=False), wh.doc("a")
    wh.fact(old, "F", "country", "FI")                     # superseded document: ignored
    wh.fact(new, "F", "country", "SE")
    wh.fact(wh.doc("not-in-gold"), "F", "country", "DK")   # unannotated document: ignored
    wh.fact(new, None, "country", "NO")                    # unlinked statement: not a prediction
    gold = write_gold(tmp_path, gold_line("a", {"F": [{"attribute": "country", "value": "SE"}]}),
                      gold_line("gone", {"F": [{"attribute": "country", "value": "FI"},
                                               {"attribute": "city", "value": "Kajaani"}]}))
    report = score(wh.con, [gold])
    assert prf(report) == (1, 0, 2)
    assert report.documents == ("a",)
    assert report.missing_documents == ("gone",)
    assert {(m.doc, m.attribute) for m in report.misses} == {("gone", "country"), ("gone", "city")}


def test_report_as_dict_and_text(tmp_path: Path) -> None:
    wh = Warehouse()
    d = wh.doc("a")
    for i in range(5):
        wh.fact(d, "F", "host_org", f"Org {i}", rule=f"rule{i}")
    gold = write_gold(tmp_path, gold_line("a", {"F": [{"attribute": "host_org", "value": "Org 0"},
                                                      {"attribute": "city", "value": "Bissen"}]}))
    report = score(wh.con, [gold])
    data = json.loads(json.dumps(report.to_dict()))
    assert data["overall"]["tp"] == 1 and data["overall"]["fp"] == 4 and data["overall"]["fn"] == 1
    assert data["per_attribute"]["host_org"]["precision"] == pytest.approx(0.2)
    text = format_report(report, max_misses=2)
    assert "host_org" in text and "0.200" in text and "... and 2 more" in text
    assert "a  F  city = Bissen" in text


@pytest.mark.parametrize("content, problem", [
    ('{"doc": "a", "factories": []\n', "not JSON"),
    ('{"factories": []}\n', "'doc'"),
    ('{"doc": "a", "factories": [{"key": "F", "facts": [{"attribute": "city"}]}]}\n', "'value'"),
    ('{"doc": "a", "factories": [{"key": "F", "facts": [{"attribute": "city", "value": "X", "wrong": true}]}]}\n',
     "'correct'"),
    ('{"doc": "a", "programme": [{"attribute": "selected_on", "value": {"value": "Dec 2024"}}]}\n', "date"),
    ('{"doc": "a", "programme": [{"attribute": "investment_eu_eur", "value": {"amount": 1, "qualifier": "approx"}}]}\n',
     "qualifier"),
    ('{"doc": "a"}\n{"doc": "a"}\n', "already annotated"),
])
def test_bad_gold_lines_are_named(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldFormatError, match=problem) as info:
        load_gold([path])
    assert "bad.jsonl:" in str(info.value)


def test_unreadable_warehouse_is_an_error(tmp_path: Path) -> None:
    gold = write_gold(tmp_path, gold_line("a"))
    with pytest.raises(EvaluationError, match="source_state"):
        score(duckdb.connect(), [gold])


def _fill_from_gold(wh: Warehouse, gold_path: Path, drop_every: int) -> tuple[int, int]:
    """A warehouse that states each gold fact (the stated form of `wrong` ones), except every
    `drop_every`-th; returns (facts, dropped)."""
    total = dropped = 0
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        d = wh.doc(raw["doc"])
        facts = [(f["key"], x) for f in raw["factories"] for x in f["facts"]]
        facts += [(None, x) for x in raw["programme"]]
        for key, fact in facts:
            total += 1
            if total % drop_every == 0:
                dropped += 1
                continue
            if key is None:
                wh.programme(d, fact["attribute"], fact["value"], fact.get("wave"))
            else:
                wh.fact(d, key, fact["attribute"], fact["value"])
    return total, dropped


def test_dev_gold_scores_a_warehouse_built_from_it(tmp_path: Path) -> None:
    paths = [CORPUS / "dev" / "gold.jsonl", CORPUS / "seed" / "gold.jsonl"]
    wh = Warehouse()
    total = dropped = 0
    for path in paths:
        t, d = _fill_from_gold(wh, path, drop_every=10)
        total, dropped = total + t, dropped + d
    report = score(wh.con, paths)
    assert dropped > 0
    assert prf(report) == (total - dropped, 0, dropped)
    assert report.overall.support == total
    assert len(report.documents) == sum(1 for p in paths for _ in p.read_text(encoding="utf-8").splitlines())
    assert report.missing_documents == ()
