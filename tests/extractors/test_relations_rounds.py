"""Relations that reach beyond one sentence's factory: facts said of a whole selection round,
sums of several factories, hosts named only with a cue, and lists that are only background."""

from __future__ import annotations

from extractors.extract import extract
from extractors.pipeline import build_pipeline
from tests.extractors.helpers import facts, make_doc


def _programme(statements, attribute):
    return [(s.value, s.wave) for s in statements if s.scope == "programme" and s.attribute == attribute]


def test_a_round_start_date_goes_to_each_factory_of_the_round():
    doc = make_doc(["The SLAIF AI Factory and the PIAST AI Factory were picked among six new AI Factories.",
                    "The hubs are scheduled to go live in 2026."])
    got = [(s.subject_text, s.value) for s in extract(doc) if s.attribute == "operational_by"]
    assert ("SLAIF AI Factory", {"value": "2026"}) in got
    assert ("PIAST AI Factory", {"value": "2026"}) in got


def test_a_factory_keeps_its_own_start_date_over_the_round_date():
    doc = make_doc(["The SLAIF AI Factory and the PIAST AI Factory were picked among six new AI Factories.",
                    "The hubs are scheduled to go live in 2026.",
                    "The SLAIF AI Factory will be operational in March 2027."])
    slaif = [s.value for s in extract(doc) if s.attribute == "operational_by" and s.subject_text == "SLAIF AI Factory"]
    assert slaif == [{"value": "2027-03"}]


def test_a_sum_of_several_factories_and_the_eu_half_of_it_are_programme_facts():
    doc = make_doc(["The NORDLYS AI Factory is one of the seven AI Factories chosen in December 2024.",
                    "Together the seven sites represent an investment of €1.5 billion, and the EU pays half of it."])
    st = extract(doc)
    assert ({"amount": 1_500_000_000, "qualifier": "exact"}, 1) in _programme(st, "investment_total_eur")
    assert ({"amount": 750_000_000, "qualifier": "exact"}, 1) in _programme(st, "investment_eu_eur")
    assert not [s for s in st if s.scope == "factory" and s.attribute.startswith("budget")]


def test_six_other_factories_beside_the_one_of_the_text_count_seven():
    doc = make_doc(["The NORDLYS AI Factory joins a first group of six other AI Factories."])
    counts = _programme(extract(doc), "factory_count")
    assert counts and counts[0][0] == 7


def test_a_count_may_stand_before_several_adjectives():
    doc = make_doc(["Die KI-Fabrik HammerHAI ist eine der sechs neuen europäischen KI-Fabriken."], lang="de")
    counts = [v for v, _ in _programme(extract(doc), "factory_count")]
    assert 6 in counts


def test_the_members_of_a_list_of_host_countries_are_subjects_beside_the_named_factory():
    doc = make_doc(["The NORDLYS AI Factory will be hosted in Tromsø, Norway.",
                    "The AI Factories will be set up in Finland, Germany, Greece and Italy."])
    got = extract(doc)
    countries = {(st.subject_text, st.value_json.strip('"')) for st in got if st.attribute == "country"}
    assert {c for _, c in countries} == {"NO", "FI", "DE", "GR", "IT"}
    assert ("NORDLYS AI Factory", "NO") in countries and len({s for s, _ in countries}) == 5


def test_a_list_of_host_countries_is_kept_when_it_is_all_the_text_says():
    doc = make_doc(["New AI factories are going to be set up in Austria, Bulgaria and France."])
    got = facts(extract(doc))
    assert {c for _, a, c in got if a == "country"} == {"AT", "BG", "FR"}


def test_an_organisation_in_a_guessed_sentence_needs_a_host_cue():
    doc = make_doc(["The NORDLYS AI Factory was selected in December 2024.",
                    "Researchers from GRNET gave a talk at the opening.",
                    "It will be operated by the Arctic Computing Centre."])
    hosts = {v for _, a, v in facts(extract(doc)) if a == "host_org"}
    assert "Arctic Computing Centre" in hosts
    assert "GRNET" not in hosts


def test_a_machine_price_is_not_the_factory_budget():
    doc = make_doc(["The NORDLYS AI Factory was selected in December 2024.",
                    "Its supercomputer DAEDALUS has a price tag of €41 million."])
    assert not [s for s in extract(doc) if s.attribute.startswith("budget")]


def test_the_newer_machine_of_a_family_supersedes_the_older_one():
    doc = make_doc(["The Luxembourg AI Factory will run on MeluXina-AI, the successor of the MeluXina supercomputer."])
    systems = {v for _, a, v in facts(extract(doc)) if a == "supercomputer"}
    assert "MeluXina-AI" in systems and "MeluXina" not in systems


def test_new_infrastructure_without_a_supercomputer_word_is_a_new_deployment():
    doc = make_doc(["The NORDLYS AI Factory stands for new infrastructure for artificial intelligence."])
    assert ("NORDLYS AI Factory", "deployment", "new") in facts(extract(doc))


def test_plural_heads_come_from_the_word_lists_in_every_language():
    # "usines d'IA" ends in a singular-looking word; the word list says the head is plural
    doc = make_doc(["La Commission a retenu sept usines d'IA en décembre 2024."], lang="fr")
    assert 7 in [v for v, _ in _programme(extract(doc), "factory_count")]
    nlp = build_pipeline("el")
    doc_el = nlp("Το εργοστάσιο AI ξεκινά, όπως και τα εργοστάσια AI.")
    refs = {sp.text: sp._.value["plural"] for sp in doc_el.spans["factory"] if sp.label_ == "FACTORY_REF"}
    assert refs == {"εργοστάσιο AI": False, "εργοστάσια AI": True}
