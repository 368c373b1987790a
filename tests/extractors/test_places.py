"""Places in sentences written for these tests, in several languages, on real GeoNames data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import spacy

from common.text import fold_chars
from extractors import places as pl
from extractors.places import find_places

ROOT = Path(__file__).resolve().parents[2]


def found(text: str, lang: str) -> set[tuple[str, str]]:
    return {(m.label, m.value["country_code"]) for m in find_places(text, lang)}


CASES = [
    ("en", "The new centre opens in Kajaani, Finland, with Swedish and Danish partners.",
     {("CITY", "FI"), ("COUNTRY", "FI"), ("COUNTRY", "SE"), ("COUNTRY", "DK")}),
    ("en", "Engineers from Linkoping and Julich met the Dutch team.",  # no diacritics
     {("CITY", "SE"), ("CITY", "DE"), ("COUNTRY", "NL")}),
    ("de", "Das Rechenzentrum in Jülich stärkt Deutschlands Rolle; finnische Firmen aus Finnland helfen.",
     {("CITY", "DE"), ("COUNTRY", "DE"), ("COUNTRY", "FI")}),
    ("de", "Die Anlage steht in Wien, der Hauptstadt Österreichs.", {("CITY", "AT"), ("COUNTRY", "AT")}),
    ("fr", "Le site de Bissen, au Luxembourg, accueille des chercheurs finlandais et allemands.",
     {("CITY", "LU"), ("COUNTRY", "LU"), ("COUNTRY", "FI"), ("COUNTRY", "DE")}),
    ("it", "Il nuovo sistema di Bologna coinvolge partner austriaci e sloveni, oltre all'Italia.",
     {("CITY", "IT"), ("COUNTRY", "AT"), ("COUNTRY", "SI"), ("COUNTRY", "IT")}),
    ("es", "La instalación de Barcelona, en España, suma socios portugueses y turcos.",
     {("CITY", "ES"), ("COUNTRY", "ES"), ("COUNTRY", "PT"), ("COUNTRY", "TR")}),
    ("el", "Η μονάδα στην Αθήνα της Ελλάδας συνεργάζεται με το Λουξεμβούργο.",
     {("CITY", "GR"), ("COUNTRY", "GR"), ("COUNTRY", "LU")}),
    ("el", "Ο σταθμός της Αθήνας και οι φινλανδικές εταιρείες.", {("CITY", "GR"), ("COUNTRY", "FI")}),
    ("pl", "Centrum w Poznaniu, w Polsce, współpracuje z fińskimi firmami z Finlandii.",
     {("CITY", "PL"), ("COUNTRY", "PL"), ("COUNTRY", "FI")}),
    ("ca", "Les seus d'Atenes i Bolonya, i la d'Alemanya.",
     {("CITY", "GR"), ("CITY", "IT"), ("COUNTRY", "DE")}),
]


@pytest.mark.parametrize("lang,text,expected", CASES)
def test_places_in_sentences(lang, text, expected):
    assert found(text, lang) == expected


@pytest.mark.parametrize("lang,text", [
    ("en", "The committee approved the budget after a long debate on Tuesday."),
    ("de", "Der Vertrag wurde am Montag nach langer Verhandlung unterschrieben."),
    ("fr", "Le comité a validé le budget après un long débat mardi."),
    ("it", "Il comitato ha approvato il bilancio dopo un lungo dibattito."),
    ("es", "El comité aprobó el presupuesto tras un largo debate."),
    ("el", "Η επιτροπή ενέκρινε τον προϋπολογισμό μετά από μακρά συζήτηση."),
    ("pl", "Komitet zatwierdził budżet po długiej debacie."),
])
def test_no_place_where_there_is_none(lang, text):
    assert find_places(text, lang) == []


def test_city_names_that_are_words_need_a_capital_inside_a_sentence():
    assert found("Nice results were shown.", "en") == set()
    assert found("The weather was nice today.", "en") == set()
    assert found("The meeting was held in Nice last week.", "en") == {("CITY", "FR")}
    assert found("Polish the plan first.", "en") == set()
    assert found("A Polish partner joined.", "en") == {("COUNTRY", "PL")}
    assert found("Das Essen war gut, sagte man in Halle.", "de") == set()


def test_lower_case_adjectives_count_but_lower_case_cities_do_not():
    assert found("partner finlandesi", "it") == {("COUNTRY", "FI")}
    assert found("visita a bologna", "it") == set()
    assert found("VISITA A BOLOGNA", "it") == {("CITY", "IT")}


def test_values_keep_written_form_geonames_name_and_offsets():
    text = "Kick-off in Linkoping and Juelich."
    matches = find_places(text, "en")
    assert [text[m.start:m.end] for m in matches] == ["Linkoping", "Juelich"]
    assert [m.value["city"] for m in matches] == ["Linkoping", "Juelich"]
    assert [m.value["name"] for m in matches] == ["Linköping", "Jülich"]


def test_ambiguous_city_keeps_every_country():
    matches = [m for m in find_places("A visit to Vienne and Lyon.", "en") if m.label == "CITY"]
    vienne = matches[0]
    assert {"FR", "AT"} <= set(vienne.value["country_codes"])
    assert vienne.value["country_code"] == vienne.value["country_codes"][0]
    assert vienne.rule == "city.gazetteer.ambiguous"


def test_longest_match_wins():
    matches = find_places("They moved to Frankfurt am Main.", "en")
    assert [m.text for m in matches] == ["Frankfurt am Main"]


def test_spacy_component_writes_place_spans():
    nlp = spacy.blank("de")
    nlp.add_pipe("aifacts_places")
    doc = nlp("Die KI-Fabrik in Jülich wird von finnischen Partnern unterstützt.")
    spans = doc.spans["place"]
    assert [(s.text, s.label_) for s in spans] == [("Jülich", "CITY"), ("finnischen", "COUNTRY")]
    assert spans[0]._.value["country_code"] == "DE"
    assert spans[1]._.rule == "country.demonym"


def test_knowledge_base_towns_below_threshold_are_found(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "configs" / "lexicon", tmp_path / "lexicon")
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "knowledge" / "supercomputers.yaml").write_text(
        "supercomputers:\n  - {name: TestMachine, country: GR, city: Lavrio}\n"
        "  - {name: Other, country: LU, city: Bissen, sites: [Bettembourg]}\n", encoding="utf-8")
    monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(tmp_path))
    pl.clear_caches()
    try:
        assert found("Το κέντρο στο Λαύριο και οι εγκαταστάσεις του Λαυρίου.", "el") == {("CITY", "GR")}
        assert len(find_places("Το κέντρο στο Λαύριο και οι εγκαταστάσεις του Λαυρίου.", "el")) == 2
        assert found("Data centres in Bettembourg.", "en") == {("CITY", "LU")}
        assert found("A village called Bous.", "en") == set()  # small and not in the knowledge base
    finally:
        monkeypatch.delenv("AIFACTS_CONFIG_DIR")
        pl.clear_caches()


def test_unknown_key_in_a_word_list_is_reported(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "configs" / "lexicon", tmp_path / "lexicon")
    (tmp_path / "lexicon" / "places" / "en.yaml").write_text("demonymz: {}\n", encoding="utf-8")
    monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(tmp_path))
    pl.clear_caches()
    try:
        with pytest.raises(pl.PlacesConfigError, match=r"en\.yaml.*demonymz"):
            find_places("Finland", "en")
    finally:
        monkeypatch.delenv("AIFACTS_CONFIG_DIR")
        pl.clear_caches()


def test_gold_cities_and_countries_of_text_documents_are_found(corpus_dir):
    """Recall floor on the dev corpus's plain-text documents: the gold city and country
    facts must be among the places found (relations are another component's job)."""
    import json

    total = hit = 0
    for line in (corpus_dir / "dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        path = corpus_dir / "dev" / f"{gold['doc']}.txt"
        if not path.exists():
            continue
        matches = find_places(path.read_text(encoding="utf-8"), gold["lang"])
        cities = {fold_chars(m.value[k]) for m in matches if m.label == "CITY" for k in ("city", "name")}
        codes = {m.value["country_code"] for m in matches}
        for fact in (f for fac in gold["factories"] for f in fac["facts"]):
            if fact["attribute"] == "city":
                total += 1
                hit += fold_chars(fact["value"]) in cities or fold_chars(fact.get("correct") or "") in cities
            elif fact["attribute"] == "country":
                total += 1
                hit += fact["value"] in codes
    assert total > 30
    assert hit / total >= 0.9, f"{hit}/{total}"


def test_a_flag_emoji_is_its_country_and_other_symbols_are_not():
    text = "- 🇬🇷 Atene: Pharos\n- 🇱🇺 Bissen\n- 🇪🇺 EU-wide 🇦 alone ✈"
    flags = [(m.text, m.value["country_code"], m.rule) for m in find_places(text, "it") if m.rule == "country.flag"]
    assert flags == [("🇬🇷", "GR", "country.flag"), ("🇱🇺", "LU", "country.flag")]
    assert text[2:4] == "🇬🇷" and [m.start for m in find_places(text, "it") if m.label == "COUNTRY"][0] == 2
