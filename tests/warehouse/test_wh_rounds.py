"""Issue 23: one row per real factory. Rows come from proper names or from a country and a
round; a round's factory never absorbs another round's; what a refresh brought is listed
for a curator (warehouse/curation.py)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import duckdb
import pytest
import yaml

from warehouse import curation
from wh_helpers import doc, fact

WAVES = {"waves": [{"wave": 1, "selected_on": "2024-12-10", "count": 4},
                   {"wave": 2, "selected_on": "2025-03-12", "count": 3},
                   {"wave": 3, "selected_on": "2025-10-10", "count": 2}],
         "host_countries": ["FI", "LU", "ES", "DE", "SE", "PL", "CZ", "PT"]}


@pytest.fixture
def rounds(config_dir):
    (config_dir / "knowledge" / "waves.yaml").write_text(yaml.safe_dump(WAVES), encoding="utf-8")
    return config_dir


def unnamed(d, cc: str, wave: int | None, **facts):
    subject = f"(unnamed AI Factory, {cc}{f', round {wave}' if wave else ''})"
    out = [fact(d, subject, "country", cc, wave=wave)]
    return out + [fact(d, subject, attr, value, wave=wave) for attr, value in facts.items()]


def rows(wh) -> dict[str, dict]:
    cols = ["factory_id", "name", "country_code", "city", "wave", "selected_on", "budget_total_eur"]
    out = {r[0]: dict(zip(cols, r)) for r in wh.sql(f"SELECT {', '.join(cols)} FROM factories")}
    for row in out.values():
        row["selected_on"] = None if row["selected_on"] is None else str(row["selected_on"])
    return out


def links(wh) -> dict[str, tuple]:
    return {subject: (fid, method, reason) for subject, fid, method, reason in
            wh.sql("SELECT subject_text, factory_id, method, reason FROM mention_links")}


def test_an_unnamed_factory_of_another_round_never_joins_its_countrys_factory(wh, rounds):
    d = doc("second-round-news", blocks=["Finland gets a second AI Factory in Oulu, selected in March 2025."])
    wh.refresh((d, unnamed(d, "FI", 2, city="Oulu")))
    got = rows(wh)
    assert "AURORA" not in got                      # the round-1 factory of Finland took nothing
    assert got["AIF-FI-2"] == {"factory_id": "AIF-FI-2", "name": "AI Factory FI (round 2)", "country_code": "FI",
                               "city": "Oulu", "wave": 2, "selected_on": "2025-03-12", "budget_total_eur": None}
    reason = wh.sql("SELECT reason FROM factory_values WHERE factory_id = 'AIF-FI-2' AND attribute = 'selected_on'")
    assert "round 2 (waves.yaml)" in reason[0][0] and "second-round-news" in reason[0][0]


def test_an_unnamed_factory_of_the_countrys_round_joins_it(wh, rounds):
    d = doc("first-round-news", blocks=["The Finnish site of the first round is in Kuusamo."])
    wh.refresh((d, unnamed(d, "FI", 1, city="Kuusamo")))
    assert links(wh)["(unnamed AI Factory, FI, round 1)"][:2] == ("AURORA", "country_round")
    assert set(rows(wh)) == {"AURORA"} and rows(wh)["AURORA"]["selected_on"] == "2024-12-10"


def test_without_a_round_a_country_of_two_factories_links_neither(wh, rounds):
    d = doc("germany", blocks=["The German AI Factory in Ulm opens in 2026."])
    wh.refresh((d, unnamed(d, "DE", None, city="Ulm")))
    fid, method, reason = links(wh)["(unnamed AI Factory, DE)"]
    assert fid is None and "2 factories in DE" in reason and "TIDEWATER" in reason and "WAVELET" in reason
    assert rows(wh) == {}


def test_a_full_round_founds_no_factory_and_the_mention_is_listed(wh, rounds):
    d = doc("portugal", blocks=["Portugal, too, wants a first-round AI Factory."])
    wh.refresh((d, unnamed(d, "PT", 1)))
    assert rows(wh) == {}
    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        listed = {m: (names, sources, reason) for m, names, sources, reason in curation.unlinked_mentions(con)}
    finally:
        con.close()
    names, sources, reason = listed["(unnamed AI Factory, PT, round 1)"]
    assert sources == ["portugal"] and "round 1 has its 4 factories already (waves.yaml)" in reason


def test_a_named_factory_and_its_unnamed_mentions_of_one_round_are_one_row(wh, rounds):
    a = doc("baltica", blocks=["The Baltica AI Factory in Gdańsk, Poland, was selected in the third round."])
    b = doc("round-three", blocks=["Poland's third-round AI Factory will cost €200 million."])
    wh.refresh((a, [fact(a, "Baltica AI Factory", "name", "Baltica AI Factory", wave=3),
                    fact(a, "Baltica AI Factory", "country", "PL", wave=3)]),
               (b, unnamed(b, "PL", 3, budget_total_eur={"amount": 200e6, "qualifier": "exact"})))
    got = rows(wh)
    assert set(got) == {"BALTICA"}
    assert got["BALTICA"]["wave"] == 3 and got["BALTICA"]["budget_total_eur"] == 200e6
    assert got["BALTICA"]["selected_on"] == "2025-10-10"


def test_a_descriptive_name_and_the_acronym_a_text_gives_it_are_one_factory(wh, rounds):
    a = doc("czai", blocks=["The Czech AI Factory (CZAI) was selected in October 2025."])
    b = doc("czech-news", blocks=["The Czech AI Factory will cost €180 million."])
    subject = "Czech AI Factory"
    wh.refresh((a, [fact(a, subject, "name", "Czech AI Factory", wave=3), fact(a, subject, "name", "CZAI", wave=3),
                    fact(a, subject, "country", "CZ", wave=3)]),
               (b, [fact(b, subject, "name", "Czech AI Factory", wave=3), fact(b, subject, "country", "CZ", wave=3),
                    fact(b, subject, "budget_total_eur", {"amount": 180e6, "qualifier": "exact"}, wave=3)]))
    got = rows(wh)
    assert set(got) == {"CZAI"} and got["CZAI"]["budget_total_eur"] == 180e6
    linked = wh.sql("SELECT d.source_name, l.factory_id, l.method FROM mention_links l JOIN documents d USING (doc_id)"
                    " ORDER BY 1")
    assert linked == [("czai", "CZAI", "new"), ("czech-news", "CZAI", "country_round")]


@pytest.mark.parametrize("name, lang", [
    ("Získání AI Factory", "cs"),            # Czech "obtaining"
    ("Poland Launches New AI Factory", "en"),  # a headline
    ("Nations Hosting AI Factory", "en"),
    ("Polish AI Factory", "en"),             # a description by country
    ("European AI Factories", "en"),         # several factories
])
def test_a_phrase_of_common_words_founds_no_factory(wh, rounds, name, lang):
    d = dataclasses.replace(doc("phrase", blocks=[f"{name} in Reus."]), lang=lang)
    wh.refresh((d, [fact(d, name, "name", name, wave=3), fact(d, name, "country", "ES", wave=3),
                    fact(d, name, "city", "Reus", wave=3)]))
    got = rows(wh)
    # identified by its country and round instead: Spain's round-3 factory (not ORCA, of round 1), not a row
    # named by the phrase
    assert set(got) == {"AIF-ES-3"} and got["AIF-ES-3"]["city"] == "Reus"
    name_row = wh.sql("SELECT reason FROM conflicts WHERE factory_id = 'AIF-ES-3' AND attribute = 'name'")
    assert name_row and ("common words" in name_row[0][0] or "several factories" in name_row[0][0])


def test_a_proper_name_outside_the_initiatives_countries_founds_nothing(wh, rounds):
    d = doc("elsewhere", blocks=["The Ararat AI Factory opens in Yerevan, Armenia."])
    wh.refresh((d, [fact(d, "Ararat AI Factory", "name", "Ararat AI Factory"),
                    fact(d, "Ararat AI Factory", "country", "AM")]))
    assert rows(wh) == {}
    assert "not among the countries that host AI Factories" in links(wh)["Ararat AI Factory"][2]


def test_the_run_notes_list_new_factories_once_and_say_when_the_inputs_changed(wh, rounds):
    a = doc("baltica", blocks=["The Baltica AI Factory in Gdańsk, Poland."])
    first = wh.refresh((a, [fact(a, "Baltica AI Factory", "name", "Baltica AI Factory", wave=3),
                            fact(a, "Baltica AI Factory", "country", "PL", wave=3)]))
    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        notes = curation.run_notes(con, first.run_id)
    finally:
        con.close()
    assert notes[0].startswith("1 new factory not in the knowledge base")
    assert "BALTICA (discovered, PL, round 3): Baltica AI Factory" in notes[1]
    assert not any("other knowledge" in n for n in notes)  # the first reconcile changes nothing
    overrides = wh.config_dir / "overrides.yaml"
    overrides.write_text(yaml.safe_dump({"overrides": [{"factory": "BALTICA", "attribute": "city",
                                                        "value": "Gdańsk", "reason": "the host's site"}]}))
    second = wh.refresh(unchanged=["baltica"])
    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        notes = curation.run_notes(con, second.run_id)
        assert curation.new_factories(con, second.run_id) == []    # not new any more
        assert [r[0] for r in curation.new_factories(con)] == ["BALTICA"]
    finally:
        con.close()
    assert notes == ["this run reconciled with other knowledge, policy or overrides than the last one: "
                     "overrides.yaml changed"]


def test_a_written_text_with_an_unknown_factory_lists_it_through_the_real_pipeline(tmp_path: Path):
    """Extraction, load and reconcile as a refresh runs them, on the project's configs."""
    from tests.extractors.corpus_run import extract_corpus

    (tmp_path / "nordlys.txt").write_text(
        "Norway gets its first AI Factory\n\n"
        "Tromsø, 14 October 2025. The Nordlys AI Factory, hosted by Sigma2 in Tromsø, Norway, was among the six "
        "AI Factories that the EuroHPC Joint Undertaking selected on 10 October 2025. The Nordlys AI Factory will "
        "cost €120 million.\n\n"
        "Elsewhere, a company announced the Largest AI Factory in Armenia, which has nothing to do with the "
        "EuroHPC initiative.\n", encoding="utf-8")
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"sources": [
        {"name": "nordlys", "path": "nordlys.txt", "publisher": "Test", "trust": "press", "lang": "en",
         "published": "2025-10-14"}]}), encoding="utf-8")
    extract_corpus(tmp_path / "sources.yaml", tmp_path / "wh.duckdb", tmp_path / "raw")
    con = duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True)
    try:
        new = {r[0]: dict(zip(curation.NEW_COLUMNS, r)) for r in curation.new_factories(con)}
        unlinked = {r[0]: r for r in curation.unlinked_mentions(con)}
        selected = con.execute("SELECT selected_on FROM factories WHERE factory_id = 'NORDLYS'").fetchall()
    finally:
        con.close()
    print(json.dumps({"new": new, "unlinked": list(unlinked)}, default=str, indent=1))
    assert set(new) == {"NORDLYS"} and new["NORDLYS"]["wave"] == 3 and new["NORDLYS"]["country_code"] == "NO"
    assert [str(s) for (s,) in selected] == ["2025-10-10"]
    assert "Largest AI Factory" in unlinked and "nordlys" in unlinked["Largest AI Factory"][2]


def test_without_a_round_the_site_other_mentions_give_decides_between_a_countrys_factories(wh, rounds):
    a = doc("tidewater", blocks=["The Tidewater AI Factory is based in Ulm."])
    b = doc("germany", blocks=["The German AI Factory in Ulm opens in 2026."])
    wh.refresh((a, [fact(a, "Tidewater AI Factory", "city", "Ulm")]),
               (b, unnamed(b, "DE", None, city="Ulm", operational_by={"value": "2026"})))
    fid, method, reason = links(wh)["(unnamed AI Factory, DE)"]
    assert (fid, method) == ("TIDEWATER", "country_site") and "placed at ulm" in reason
    assert wh.value("TIDEWATER", "operational_by") == {"value": "2026"} and wh.value("WAVELET", "operational_by") is None


def test_a_mention_without_a_round_takes_its_documents_round(wh, rounds):
    d = doc("round-three", blocks=["Six further AI Factories were chosen in the third round. The Spanish AI Factory "
                                   "of this round will cost €80 million."])
    wh.refresh((d, [fact(d, None, "factory_count", 6, scope="programme", wave=3),
                    fact(d, "Spanish AI Factory", "name", "Spanish AI Factory"),
                    fact(d, "Spanish AI Factory", "country", "ES"),
                    fact(d, "Spanish AI Factory", "budget_total_eur", {"amount": 80e6, "qualifier": "exact"})]))
    got = rows(wh)
    assert set(got) == {"AIF-ES-3"}                  # not ORCA, Spain's factory of round 1
    assert got["AIF-ES-3"]["budget_total_eur"] == 80e6 and got["AIF-ES-3"]["selected_on"] == "2025-10-10"
    assert "the document's round" in links(wh)["Spanish AI Factory"][2]


def test_a_mention_without_a_country_takes_the_one_its_cities_lie_in(wh, rounds):
    d = doc("kuusamo", blocks=["A new AI Factory, the Nordhavn AI Factory, will be built in Raahe."])
    wh.refresh((d, [fact(d, "Nordhavn AI Factory", "name", "Nordhavn AI Factory"),
                    fact(d, "Nordhavn AI Factory", "city", "Raahe")]))
    assert rows(wh)["NORDHAVN"]["country_code"] == "FI"
    assert links(wh)["Nordhavn AI Factory"][1] == "new" and "country FI" in links(wh)["Nordhavn AI Factory"][2]


def test_a_new_name_with_the_country_and_round_of_a_known_factory_is_that_factory(wh, rounds):
    d = doc("aurora-renamed", blocks=["The Revontuli AI Factory, Finland's first-round site, opens in Kuusamo."])
    wh.refresh((d, [fact(d, "Revontuli AI Factory", "name", "Revontuli AI Factory", wave=1),
                    fact(d, "Revontuli AI Factory", "country", "FI", wave=1),
                    fact(d, "Revontuli AI Factory", "city", "Kuusamo", wave=1)]))
    assert set(rows(wh)) == {"AURORA"} and rows(wh)["AURORA"]["city"] == "Kuusamo"
    assert links(wh)["Revontuli AI Factory"][:2] == ("AURORA", "country_round")
