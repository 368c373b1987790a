"""Rules meant to hold on texts nobody here has read: names with a spelled-out head or a
host after a preposition, official openings versus kick-offs, negated places, a country
as the topic of a sentence, small host towns, and sums that price a machine.

Every sentence is invented for the test, in at least two languages per rule."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.extract import extract
from tests.extractors.helpers import facts, make_doc


def _of(statements, subject: str, attribute: str) -> list[str]:
    return sorted(v for s, a, v in facts(statements) if s == subject and a == attribute)


def _attr(statements, attribute: str) -> set[tuple[str, str]]:
    return {(s, v) for s, a, v in facts(statements) if a == attribute}


# -- 1. names ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, text, name", [
    ("en", "The Norwegian Artificial Intelligence Factory will receive a new supercomputer.",
     "Norwegian Artificial Intelligence Factory"),
    ("es", "La Fábrica de Inteligencia Artificial Noruega tendrá un nuevo superordenador.",
     "Fábrica de Inteligencia Artificial Noruega"),
])
def test_a_country_word_with_a_title_case_spelled_out_head_is_a_name(lang, text, name):
    got = extract(make_doc([text], lang=lang))
    assert ("name" in {a for _, a, _ in facts(got)}) and _of(got, name, "name") == [name]
    assert _of(got, name, "country") == ["NO"]


@pytest.mark.parametrize("lang, text", [
    ("en", "The Norwegian AI Factory will receive a new supercomputer."),
    ("el", "Η Νορβηγική Εργοστάσιο Τεχνητής Νοημοσύνης Α.Ε. ιδρύθηκε για το έργο."),
])
def test_a_plain_head_or_a_company_is_no_titled_name(lang, text):
    assert not _attr(extract(make_doc([text], lang=lang)), "name")


@pytest.mark.parametrize("lang, text, name", [
    ("en", "The AI Factory of NORDGRID will run a new supercomputer.", "AI Factory of NORDGRID"),
    ("es", "La Factoría de IA del CNRN contará con un nuevo superordenador.", "Factoría de IA del CNRN"),
    ("fr", "L’usine d’IA de NORDGRID disposera d’un nouveau supercalculateur.", "usine d’IA de NORDGRID"),
    ("it", "La fabbrica di IA del CNRN avrà un nuovo supercomputer.", "fabbrica di IA del CNRN"),
])
def test_a_head_joined_to_its_host_by_a_preposition_is_a_name(lang, text, name):
    assert (name, name) in _attr(extract(make_doc([text], lang=lang)), "name")


@pytest.mark.parametrize("lang, text", [
    ("en", "The AI Factory of BSC will upgrade its supercomputer."),
    ("es", "La Factoría de IA del BSC ampliará su superordenador."),
])
def test_the_factory_of_a_known_host_takes_the_known_key(lang, text):
    keys = {s.subject_key for s in extract(make_doc([text], lang=lang)) if s.attribute == "name"}
    assert keys == {"BSC-AIF"}


def test_plural_heads_of_a_host_are_no_name():
    got = extract(make_doc(["The AI Factories of NORDGRID will share a new supercomputer."]))
    assert not _attr(got, "name")


# -- 2. opening versus kick-off -----------------------------------------------------------------

@pytest.mark.parametrize("lang, text, subject", [
    ("en", "At the Northern Data Summit on 3 March 2026, in front of many guests and ministers, the NORDLYS AI "
           "Factory was officially inaugurated.", "NORDLYS AI Factory"),
    ("de", "Am 3. März 2026 wurde vor zahlreichen Gästen aus Politik, Forschung und Wirtschaft die KI-Fabrik "
           "NORDLYS feierlich eingeweiht.", "NORDLYS"),
])
def test_an_official_opening_dates_the_start_of_operation(lang, text, subject):
    got = extract(make_doc([text], lang=lang))
    assert _of(got, subject, "operational_by") == ['{"value":"2026-03-03"}']


@pytest.mark.parametrize("lang, text", [
    ("en", "The NORDLYS AI Factory project was officially launched on 3 March 2026 in Oslo."),
    ("en", "The NORDLYS AI Factory held its kick-off meeting on 3 March 2026 and will start soon."),
    ("fr", "Le projet de l'usine d'IA NORDLYS a été officiellement lancé le 3 mars 2026 à Oslo."),
])
def test_a_kick_off_is_no_start_of_operation(lang, text):
    assert not _attr(extract(make_doc([text], lang=lang)), "operational_by")


# -- 3. negation ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, text, subject", [
    ("en", "The NORDLYS AI Factory will be hosted in Tromsø, not in Finland.", "NORDLYS AI Factory"),
    ("de", "Die KI-Fabrik NORDLYS entsteht in Tromsø und nicht in Finnland.", "NORDLYS"),
    ("es", "La AI Factory NORDLYS estará en Tromsø y no en Finlandia.", "NORDLYS"),
])
def test_a_place_after_a_negation_is_not_the_factorys(lang, text, subject):
    got = extract(make_doc([text], lang=lang))
    assert "FI" not in _of(got, subject, "country")
    assert "Tromsø" in _of(got, subject, "city")


# -- 4. a country as the topic --------------------------------------------------------------------

@pytest.mark.parametrize("lang, paragraphs, subject, other", [
    ("en", ["The NORDLYS AI Factory will be hosted in Tromsø, Norway.",
            "The JUPITER AI Factory will be hosted in Jülich, Germany.",
            "As for Norway, it will be operational in 2027."], "NORDLYS AI Factory", "JUPITER AI Factory"),
    ("de", ["Die KI-Fabrik NORDLYS entsteht in Tromsø, Norwegen.",
            "Die KI-Fabrik JUPITER entsteht in Jülich, Deutschland.",
            "Was Norwegen betrifft, so soll sie ab 2027 in Betrieb gehen."], "NORDLYS", "JUPITER"),
    ("es", ["La AI Factory NORDLYS estará en Tromsø, Noruega.",
            "La AI Factory JUPITER estará en Jülich, Alemania.",
            "En cuanto a Noruega, estará operativa en 2027."], "NORDLYS", "JUPITER"),
])
def test_a_country_topic_makes_its_factory_the_subject(lang, paragraphs, subject, other):
    got = extract(make_doc(paragraphs, lang=lang))
    assert _of(got, subject, "operational_by") == ['{"value":"2027"}']
    assert not _of(got, other, "operational_by")


def test_a_value_said_of_a_list_of_countries_goes_to_each_member():
    got = extract(make_doc(["The NORDLYS AI Factory will be hosted in Tromsø, Norway.",
                            "In Austria, Bulgaria and France, new AI Factories will be operational in 2027."]))
    dates = {st.subject_text: st.value_json for st in got if st.attribute == "operational_by"}
    assert {s for s in dates if "AT" in s or "BG" in s or "FR" in s} and "NORDLYS AI Factory" not in dates
    assert all('"2027"' in v for v in dates.values())


# -- 5. small host towns the knowledge base names ------------------------------------------------

@pytest.mark.parametrize("lang, text, town", [
    ("en", "The Pharos AI Factory will have its machine room in Lavrio.", "Lavrio"),
    ("el", "Ο Φάρος θα εγκατασταθεί στο Λαύριο.", "Λαύριο"),
    ("fr", "La AI Factory luxembourgeoise sera installée à Bettembourg.", "Bettembourg"),
])
def test_a_small_town_where_a_known_host_builds_is_a_city(lang, text, town):
    assert town in {v for _, a, v in facts(extract(make_doc([text], lang=lang))) if a == "city"}


@pytest.mark.parametrize("lang, text", [
    ("en", "The NORDLYS AI Factory will run in two data centres, in Bissen and in Bettembourg."),
    ("de", "Die KI-Fabrik NORDLYS nutzt Rechenzentren in Bissen und Bettembourg."),
])
def test_several_towns_of_the_subjects_country_are_its_sites(lang, text):
    doc = make_doc(["The Luxembourg AI Factory was selected in 2024." if lang == "en"
                    else "Die Luxembourg AI Factory wurde 2024 ausgewählt.",
                    text.replace("NORDLYS AI Factory", "factory").replace("KI-Fabrik NORDLYS", "Fabrik")],
                   lang=lang, published=date(2025, 5, 1))
    cities = _of(extract(doc), "Luxembourg AI Factory", "city")
    assert cities == ["Bettembourg", "Bissen"]


# -- sums that price a machine ----------------------------------------------------------------------

@pytest.mark.parametrize("lang, paragraphs", [
    ("en", ["The NORDLYS AI Factory is one of the selected AI Factories.",
            "EuroHPC has awarded a contract to upgrade the BOREAS supercomputer for the NORDLYS AI Factory.",
            "The project has a budget of €90 million."]),
    ("es", ["La AI Factory NORDLYS es una de las fábricas seleccionadas.",
            "EuroHPC ha adjudicado el contrato para ampliar el superordenador BOREAS de la AI Factory NORDLYS.",
            "El proyecto tiene un presupuesto de 90 millones de euros."]),
])
def test_a_sum_after_a_machine_contract_is_the_machines_price(lang, paragraphs):
    got = extract(make_doc(paragraphs, lang=lang))
    assert not [s for s in got if s.attribute.startswith("budget")]


def test_a_sum_after_the_factory_is_its_budget():
    got = extract(make_doc(["The NORDLYS AI Factory is one of the selected AI Factories.",
                            "The project has a budget of €90 million."]))
    assert [s.value["amount"] for s in got if s.attribute == "budget_total_eur"] == [90_000_000]


@pytest.mark.parametrize("lang, text", [
    ("en", "The call for expressions of interest was officially opened on 3 March 2026 by the Commission."),
    ("de", "Die Ausschreibung wurde am 3. März 2026 von der Kommission in Brüssel eröffnet."),
])
def test_an_opening_of_something_else_dates_no_factory(lang, text):
    doc = make_doc(["The NORDLYS AI Factory will be hosted in Tromsø." if lang == "en"
                    else "Die KI-Fabrik NORDLYS entsteht in Tromsø.", text], lang=lang)
    assert not _attr(extract(doc), "operational_by")
