"""Relations on sentences written for these tests: who is each value about?"""

from __future__ import annotations

from datetime import date

from extractors.extract import extract
from tests.extractors.helpers import facts, make_doc


def test_sentence_values_go_to_the_factory_named_in_it():
    doc = make_doc(["The NORDLYS AI Factory will be hosted by the Arctic Computing Centre in Tromsø, Norway, "
                    "and will deploy a new supercomputer."])
    got = facts(extract(doc))
    assert ("NORDLYS AI Factory", "name", "NORDLYS AI Factory") in got
    assert ("NORDLYS AI Factory", "city", "Tromsø") in got
    assert ("NORDLYS AI Factory", "country", "NO") in got
    assert ("NORDLYS AI Factory", "host_org", "Arctic Computing Centre") in got
    assert ("NORDLYS AI Factory", "deployment", "new") in got


def test_nearest_subject_splits_a_sentence_about_two_factories():
    doc = make_doc(["HammerHAI will be built in Stuttgart, while the JUPITER AI Factory will be based in Jülich."])
    got = facts(extract(doc))
    assert ("HammerHAI", "city", "Stuttgart") in got
    assert ("JUPITER AI Factory", "city", "Jülich") in got
    assert ("HammerHAI", "city", "Jülich") not in got


def test_coreference_light_carries_the_subject_to_the_next_sentence():
    doc = make_doc(["The selection included the PIAST AI Factory and others.",
                    "HammerHAI was chosen too. The factory will be located in Stuttgart."])
    got = facts(extract(doc))
    assert ("HammerHAI", "city", "Stuttgart") in got


def test_budget_shares_and_money_values():
    doc = make_doc(["The BRAIN++ AI Factory will cost €90 million, of which the EU contributes €45 million."])
    st = [s for s in extract(doc) if s.attribute.startswith("budget")]
    by_attr = {s.attribute: s.value for s in st}
    assert by_attr["budget_total_eur"]["amount"] == 90_000_000
    assert by_attr["budget_eu_eur"]["amount"] == 45_000_000


def test_table_rows_are_read_by_column():
    doc = make_doc(["The selected sites are listed below."], table=[
        ["Location", "AI Factory", "Supercomputer", "New or upgrade?", "Budget"],
        ["Maribor, Slovenia", "SLAIF", "Vega", "new", "€150 million"],
        ["Sofia, Bulgaria", "BRAIN++", "Discoverer", "upgrade", "at least €90 million"],
    ])
    got = facts(extract(doc))
    assert ("SLAIF", "city", "Maribor") in got
    assert ("SLAIF", "country", "SI") in got
    assert ("SLAIF", "supercomputer", "Vega") in got
    assert ("BRAIN++", "deployment", "upgrade") in got
    budgets = {s.subject_text: s.value for s in extract(doc) if s.attribute == "budget_total_eur"}
    assert budgets["BRAIN++"] == {"amount": 90_000_000, "qualifier": "at_least"}


def test_programme_counts_carry_their_round():
    doc = make_doc(["In March 2025 six new AI Factories were selected, bringing the network to 13 AI Factories."],
                   published=date(2025, 3, 20))
    progs = {(s.attribute, s.value_json, s.wave) for s in extract(doc) if s.scope == "programme"}
    assert ("factory_count", "6", 2) in progs
    assert ("factory_count", "13", None) in progs


def test_antennas_and_gigafactories_are_not_factories():
    doc = make_doc(["A new AI Factory Antenna will open in Brussels.",
                    "The planned AI Gigafactory in Lisbon will cost billions."])
    assert not [s for s in extract(doc) if s.attribute == "name"]


def test_provenance_spans_point_at_the_value():
    doc = make_doc(["The LUMI AI Factory is located in Kajaani, Finland."])
    for s in extract(doc):
        text = doc.blocks[s.block].text
        assert text[s.span_start:s.span_end] == s.value_text
        assert s.rule and s.extractor_version


def test_german_discovery_needs_a_coined_name():
    doc = make_doc(["Die neue KI-Fabrik HammerHAI entsteht in Stuttgart. Die Europäische KI-Fabrik wächst."], lang="de")
    names = {s.value for s in extract(doc) if s.attribute == "name"}
    assert "HammerHAI" in names or "KI-Fabrik HammerHAI" in names
    assert not any("Europäische" in n for n in names)


def test_every_language_has_the_same_relation_cues():
    import yaml

    from extractors.config import config_dir

    files = sorted((config_dir() / "lexicon" / "relations").glob("*.yaml"))
    keys = {f.stem: set(yaml.safe_load(f.read_text(encoding="utf-8"))) for f in files}
    assert {"en", "de", "fr", "it", "es", "nl", "pl", "pt", "ro", "cs", "lt", "el"} <= set(keys)
    assert len({frozenset(k) for k in keys.values()}) == 1, keys


def test_a_place_after_a_host_cue_is_not_a_host():
    doc = make_doc(["A AI Factory NORDLYS será instalada em Tromsø, na Noruega, com um novo supercomputador."],
                   lang="pt")
    got = facts(extract(doc))
    assert ("NORDLYS", "city", "Tromsø") in got and ("NORDLYS", "country", "NO") in got
    assert not any(a == "host_org" for _, a, _ in got)


def test_dutch_sentences_use_their_own_cues():
    doc = make_doc(["De nieuwe NORDLYS AI-fabriek komt in Tromsø, Noorwegen, en krijgt een nieuwe supercomputer."],
                   lang="nl")
    got = facts(extract(doc))
    assert {("NORDLYS AI-fabriek", "city", "Tromsø"), ("NORDLYS AI-fabriek", "country", "NO"),
            ("NORDLYS AI-fabriek", "deployment", "new")} <= got
