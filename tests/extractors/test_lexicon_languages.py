"""The word lists of sv, da, nb/no, fi, hu, hr, sl, sk, uk and bg at work in the pipeline.

Every sentence is written for this test. Each case names the places the pipeline must find by
their surface form (inflected forms included: "Itävaltaan", "Lengyelországban", "Польщі") and
the factory heads it must mark, so a missing case ending, adjective or head form fails here.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from extractors.config import word_lists
from extractors.extract import extract
from extractors.pipeline import build_pipeline, pipeline_config
from tests.extractors.helpers import facts, make_doc

ROOT = Path(__file__).resolve().parents[2]
LEXICON = ROOT / "configs" / "lexicon"
LANGS = ("sv", "da", "nb", "no", "fi", "hu", "hr", "sl", "sk", "uk", "bg")
# languages whose files the shape checks below also cover (their texts: test_lexicons_lv_et_ga_mt.py)
FILE_LANGS = LANGS + ("lv", "et", "ga", "mt")

# (lang, sentence, {surface: (label, country code)}, {(factory label, surface)})
CASES = [
    # Swedish: genitive countries and towns, definite and plural heads
    ("sv", "Sex nya AI-fabriker ska byggas i Österrike, Bulgarien, Frankrike, Tyskland, Polen och Slovenien.",
     {"Österrike": ("COUNTRY", "AT"), "Bulgarien": ("COUNTRY", "BG"), "Tyskland": ("COUNTRY", "DE"),
      "Slovenien": ("COUNTRY", "SI")}, {("FACTORY_REF", "AI-fabriker")}),
    ("sv", "Den polska AI-fabriken i Poznań drivs av PCSS och ska tas i drift under 2026.",
     {"polska": ("COUNTRY", "PL"), "Poznań": ("CITY", "PL")}, {("FACTORY_REF", "AI-fabriken")}),
    ("sv", "Finlands och Sveriges forskare använder superdatorn vid Linköpings universitet.",
     {"Finlands": ("COUNTRY", "FI"), "Sveriges": ("COUNTRY", "SE"), "Linköpings": ("CITY", "SE")}, set()),
    # Danish
    ("da", "Seks nye AI-fabrikker skal etableres i Østrig, Bulgarien, Frankrig, Tyskland, Polen og Slovenien.",
     {"Østrig": ("COUNTRY", "AT"), "Frankrig": ("COUNTRY", "FR"), "Polen": ("COUNTRY", "PL")},
     {("FACTORY_REF", "AI-fabrikker")}),
    ("da", "Den polske AI-fabrik i Poznań drives af PCSS og tages i brug i 2026.",
     {"polske": ("COUNTRY", "PL"), "Poznań": ("CITY", "PL")}, {("FACTORY_REF", "AI-fabrik")}),
    ("da", "Danmarks bidrag til supercomputeren i Kajaani sker sammen med svenske og finske partnere.",
     {"Danmarks": ("COUNTRY", "DK"), "Kajaani": ("CITY", "FI"), "svenske": ("COUNTRY", "SE"),
      "finske": ("COUNTRY", "FI")}, set()),
    # Norwegian Bokmål (spaCy's nb)
    ("nb", "Seks nye KI-fabrikker skal bygges i Østerrike, Bulgaria, Frankrike, Tyskland, Polen og Slovenia.",
     {"Østerrike": ("COUNTRY", "AT"), "Bulgaria": ("COUNTRY", "BG"), "Slovenia": ("COUNTRY", "SI")},
     {("FACTORY_REF", "KI-fabrikker")}),
    ("nb", "Den polske KI-fabrikken i Poznań drives av PCSS og tas i bruk i 2026.",
     {"polske": ("COUNTRY", "PL"), "Poznań": ("CITY", "PL")}, {("FACTORY_REF", "KI-fabrikken")}),
    ("nb", "Norges forskere får tilgang til superdatamaskinen i Kajaani gjennom et nederlandsk og et tsjekkisk samarbeid.",
     {"Norges": ("COUNTRY", "NO"), "Kajaani": ("CITY", "FI"), "nederlandsk": ("COUNTRY", "NL"),
      "tsjekkisk": ("COUNTRY", "CZ")}, set()),
    # Finnish: case endings with consonant gradation, partitive after a number
    ("fi", "Kuusi uutta tekoälytehdasta perustetaan Itävaltaan, Bulgariaan, Ranskaan, Saksaan, Puolaan ja Sloveniaan.",
     {"Itävaltaan": ("COUNTRY", "AT"), "Bulgariaan": ("COUNTRY", "BG"), "Ranskaan": ("COUNTRY", "FR"),
      "Saksaan": ("COUNTRY", "DE"), "Puolaan": ("COUNTRY", "PL"), "Sloveniaan": ("COUNTRY", "SI")},
     {("FACTORY_REF", "tekoälytehdasta")}),
    ("fi", "Puolan tekoälytehdas sijaitsee Poznańissa, ja Kreikan tehdas toimii Ateenassa.",
     {"Puolan": ("COUNTRY", "PL"), "Poznańissa": ("CITY", "PL"), "Kreikan": ("COUNTRY", "GR"),
      "Ateenassa": ("CITY", "GR")}, set()),
    ("fi", "Suomessa, Ruotsissa ja Itävallassa tekoälytehtaat saavat rahoitusta; CSC toimii Helsingissä ja Kajaanissa.",
     {"Suomessa": ("COUNTRY", "FI"), "Ruotsissa": ("COUNTRY", "SE"), "Itävallassa": ("COUNTRY", "AT"),
      "Helsingissä": ("CITY", "FI"), "Kajaanissa": ("CITY", "FI")}, {("FACTORY_REF", "tekoälytehtaat")}),
    ("fi", "Tšekissä ja Irlannissa ei ole tekoälytehtaita, mutta suomalaiset tutkijat tekevät yhteistyötä Alankomaiden kanssa.",
     {"Tšekissä": ("COUNTRY", "CZ"), "Irlannissa": ("COUNTRY", "IE"), "suomalaiset": ("COUNTRY", "FI"),
      "Alankomaiden": ("COUNTRY", "NL")}, {("FACTORY_REF", "tekoälytehtaita")}),
    # Hungarian: case endings on country and town names, "-i" adjectives
    ("hu", "Hat új MI-gyár épül Ausztriában, Bulgáriában, Franciaországban, Németországban, Lengyelországban és Szlovéniában.",
     {"Ausztriában": ("COUNTRY", "AT"), "Bulgáriában": ("COUNTRY", "BG"), "Franciaországban": ("COUNTRY", "FR"),
      "Németországban": ("COUNTRY", "DE"), "Lengyelországban": ("COUNTRY", "PL"), "Szlovéniában": ("COUNTRY", "SI")},
     {("FACTORY_REF", "MI-gyár")}),
    ("hu", "A lengyel MI-gyárat Poznańban a PCSS üzemelteti.",
     {"lengyel": ("COUNTRY", "PL"), "Poznańban": ("CITY", "PL")}, {("FACTORY_REF", "MI-gyárat")}),
    ("hu", "A finnországi gyár Kajaaniban működik, Magyarország pedig Budapesten épít szuperszámítógépet.",
     {"finnországi": ("COUNTRY", "FI"), "Kajaaniban": ("CITY", "FI"), "Magyarország": ("COUNTRY", "HU"),
      "Budapesten": ("CITY", "HU")}, set()),
    ("hu", "Az MI-gyárak Spanyolországban és Svédországban már működnek.",
     {"Spanyolországban": ("COUNTRY", "ES"), "Svédországban": ("COUNTRY", "SE")}, {("FACTORY_REF", "MI-gyárak")}),
    # Croatian
    ("hr", "Šest novih tvornica umjetne inteligencije bit će osnovano u Austriji, Bugarskoj, Francuskoj, Njemačkoj, Poljskoj i Sloveniji.",
     {"Austriji": ("COUNTRY", "AT"), "Bugarskoj": ("COUNTRY", "BG"), "Njemačkoj": ("COUNTRY", "DE"),
      "Poljskoj": ("COUNTRY", "PL"), "Sloveniji": ("COUNTRY", "SI")},
     {("FACTORY_REF", "tvornica umjetne inteligencije")}),
    ("hr", "Za AI tvornicu u Poznanju zadužen je PCSS, a Hrvatska gradi superračunalo u Zagrebu.",
     {"Poznanju": ("CITY", "PL"), "Hrvatska": ("COUNTRY", "HR"), "Zagrebu": ("CITY", "HR")},
     {("FACTORY_REF", "AI tvornicu")}),
    ("hr", "Slovenska tvornica nalazi se u Mariboru, a finski partneri dolaze iz Cipra i s Malte.",
     {"Slovenska": ("COUNTRY", "SI"), "Mariboru": ("CITY", "SI"), "finski": ("COUNTRY", "FI"),
      "Cipra": ("COUNTRY", "CY"), "Malte": ("COUNTRY", "MT")}, set()),
    # Slovenian
    ("sl", "Šest novih tovarn umetne inteligence bo nastalo v Avstriji, Bolgariji, Franciji, Nemčiji, na Poljskem in v Sloveniji.",
     {"Avstriji": ("COUNTRY", "AT"), "Bolgariji": ("COUNTRY", "BG"), "Nemčiji": ("COUNTRY", "DE"),
      "Poljskem": ("COUNTRY", "PL"), "Sloveniji": ("COUNTRY", "SI")}, {("FACTORY_REF", "tovarn umetne inteligence")}),
    ("sl", "Za AI tovarno v Poznanju skrbi PCSS, superračunalnik v Mariboru pa sodeluje s Hrvaško.",
     {"Poznanju": ("CITY", "PL"), "Mariboru": ("CITY", "SI"), "Hrvaško": ("COUNTRY", "HR")},
     {("FACTORY_REF", "AI tovarno")}),
    ("sl", "Ljubljana in Dunaj povezujeta slovenske in avstrijske raziskovalce z Ljubljano.",
     {"Dunaj": ("CITY", "AT"), "slovenske": ("COUNTRY", "SI"), "avstrijske": ("COUNTRY", "AT"),
      "Ljubljano": ("CITY", "SI")}, set()),
    # Slovak
    ("sk", "Šesť nových tovární umelej inteligencie vznikne v Rakúsku, Bulharsku, Francúzsku, Nemecku, Poľsku a Slovinsku.",
     {"Rakúsku": ("COUNTRY", "AT"), "Bulharsku": ("COUNTRY", "BG"), "Nemecku": ("COUNTRY", "DE"),
      "Poľsku": ("COUNTRY", "PL"), "Slovinsku": ("COUNTRY", "SI")},
     {("FACTORY_REF", "tovární umelej inteligencie")}),
    ("sk", "Do AI továrne v Poznani investuje PCSS, Slovensko stavia superpočítač v Bratislave.",
     {"Poznani": ("CITY", "PL"), "Slovensko": ("COUNTRY", "SK"), "Bratislave": ("CITY", "SK")},
     {("FACTORY_REF", "AI továrne")}),
    ("sk", "Továreň v Ostrave spolupracuje so slovenskými a maďarskými partnermi z Cypru.",
     {"Ostrave": ("CITY", "CZ"), "slovenskými": ("COUNTRY", "SK"), "maďarskými": ("COUNTRY", "HU"),
      "Cypru": ("COUNTRY", "CY")}, set()),
    # Ukrainian: Cyrillic names of towns, cases of countries and adjectives
    ("uk", "Шість нових фабрик штучного інтелекту з'являться в Австрії, Болгарії, Франції, Німеччині, Польщі та Словенії.",
     {"Австрії": ("COUNTRY", "AT"), "Болгарії": ("COUNTRY", "BG"), "Франції": ("COUNTRY", "FR"),
      "Німеччині": ("COUNTRY", "DE"), "Польщі": ("COUNTRY", "PL"), "Словенії": ("COUNTRY", "SI")},
     {("FACTORY_REF", "фабрик штучного інтелекту")}),
    ("uk", "Для фабрики ШІ у Познані PCSS готує нове обладнання.",
     {"Познані": ("CITY", "PL")}, {("FACTORY_REF", "фабрики ШІ")}),
    ("uk", "Фінляндія та Швеція працюють над суперкомп'ютерами у Каяані та Лінчепінгу разом із Нідерландами.",
     {"Фінляндія": ("COUNTRY", "FI"), "Швеція": ("COUNTRY", "SE"), "Каяані": ("CITY", "FI"),
      "Лінчепінгу": ("CITY", "SE"), "Нідерландами": ("COUNTRY", "NL")}, set()),
    ("uk", "Словенська установа в Мариборі та болгарська у Софії співпрацюють з Люксембургом.",
     {"Словенська": ("COUNTRY", "SI"), "Мариборі": ("CITY", "SI"), "болгарська": ("COUNTRY", "BG"),
      "Софії": ("CITY", "BG"), "Люксембургом": ("COUNTRY", "LU")}, set()),
    # Bulgarian: adjectives with the definite article
    ("bg", "Шест нови фабрики за изкуствен интелект ще бъдат създадени в Австрия, България, Франция, Германия, Полша и Словения.",
     {"Австрия": ("COUNTRY", "AT"), "България": ("COUNTRY", "BG"), "Германия": ("COUNTRY", "DE"),
      "Полша": ("COUNTRY", "PL"), "Словения": ("COUNTRY", "SI")}, {("FACTORY_REF", "фабрики за изкуствен интелект")}),
    ("bg", "Съоръжението на AI фабриката в Познан се управлява от PCSS.",
     {"Познан": ("CITY", "PL")}, {("FACTORY_REF", "AI фабриката")}),
    ("bg", "Финландският суперкомпютър в Каяани и шведската машина в Линшьопинг работят с българските учени в София.",
     {"Финландският": ("COUNTRY", "FI"), "Каяани": ("CITY", "FI"), "шведската": ("COUNTRY", "SE"),
      "Линшьопинг": ("CITY", "SE"), "българските": ("COUNTRY", "BG"), "София": ("CITY", "BG")}, set()),
]


def annotate(lang: str, text: str):
    doc = build_pipeline(lang)(text)
    places = {sp.text: (sp.label_, sp._.value["country_code"]) for sp in doc.spans.get("place", [])}
    factories = {(sp.label_, sp.text) for sp in doc.spans.get("factory", [])}
    return places, factories


@pytest.mark.parametrize("lang,text,places,factories", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_places_and_factory_heads(lang: str, text: str, places: dict, factories: set) -> None:
    found_places, found_factories = annotate(lang, text)
    missing = {k: v for k, v in places.items() if found_places.get(k) != v}
    assert not missing, f"{lang}: places not found as expected {missing}; found {found_places}"
    assert factories <= found_factories, f"{lang}: factory heads {factories - found_factories}; found {found_factories}"


@pytest.mark.parametrize("lang,text,head", [
    ("sv", "Konsortiet bakom AI-fabrikerna meddelade valet i dag.", "AI-fabrikerna"),
    ("fi", "Tekoälytehtaiden verkosto kasvaa.", "Tekoälytehtaiden"),
    ("hu", "Az AI-gyárak hálózata bővül.", "AI-gyárak"),
    ("uk", "Мережа фабрик ШІ зростає.", "фабрик ШІ"),
    ("hr", "Mreža tvornicama umjetne inteligencije pomaže.", "tvornicama umjetne inteligencije"),
])
def test_plural_heads_speak_of_several_factories(lang: str, text: str, head: str) -> None:
    doc = build_pipeline(lang)(text)
    refs = [sp for sp in doc.spans.get("factory", []) if sp.text == head]
    assert refs, f"{lang}: head {head!r} not found in {[sp.text for sp in doc.spans.get('factory', [])]}"
    assert all(sp._.value.get("plural") for sp in refs), f"{lang}: {head!r} is not marked plural"


@pytest.mark.parametrize("lang,text", [
    ("sv", "Bulgarien får en AI-gigafabrik."),
    ("fi", "Ranskaan suunnitellaan tekoälygigatehdas."),
    ("hu", "Ausztriában MI-gigagyár épülhet."),
    ("sk", "V Rakúsku môže vzniknúť gigatováreň."),
    ("uk", "У Франції може з'явитися гігафабрика ШІ."),
])
def test_gigafactories_are_not_factories(lang: str, text: str) -> None:
    doc = build_pipeline(lang)(text)
    assert not list(doc.spans.get("factory", [])), f"{lang}: {[sp.text for sp in doc.spans['factory']]}"
    assert any(sp.label_ == "COUNTRY" for sp in doc.spans.get("place", [])), f"{lang}: no country in {text!r}"


# --- the relation step on these lists: host cues, budget cues, selection cues --------------------

# (lang, paragraph, host organisation or None, selected_on or None); the factory is PIAST-AI in Poznań, 100 M EUR
RELATIONS = [
    ("sv", "Den polska AI-fabriken PIAST-AI i Poznań drivs av PCSS och tas i drift under 2026. Den valdes ut "
           "den 12 mars 2025. Budgeten är 100 miljoner euro.", "PCSS", "2025-03-12"),
    ("da", "Den polske AI-fabrik PIAST-AI i Poznań drives af PCSS og tages i brug i 2026. Den blev udvalgt den "
           "12. marts 2025. Budgettet er 100 millioner euro.", "PCSS", "2025-03-12"),
    ("nb", "Den polske KI-fabrikken PIAST-AI i Poznań drives av PCSS. Den ble valgt ut 12. mars 2025. "
           "Budsjettet er 100 millioner euro.", "PCSS", "2025-03-12"),
    ("fi", "Puolalainen PIAST-AI tekoälytehdas Poznańissa otetaan käyttöön vuonna 2026. Sen budjetti on "
           "100 miljoonaa euroa.", None, None),
    ("hu", "A lengyel PIAST-AI MI-gyárat Poznańban a PCSS üzemelteti, és 2026-ban indul. A gyárat 2025. március "
           "12-én választották ki. Költségvetése 100 millió euró.", "PCSS", "2025-03-12"),
    ("hr", "Poljskom AI tvornicom PIAST-AI u Poznanju upravlja PCSS. Proračun iznosi 100 milijuna eura.",
     "PCSS", None),
    ("sl", "Poljska AI tovarna PIAST-AI v Poznanju, ki jo upravlja PCSS, bo začela delovati leta 2026. Proračun "
           "znaša 100 milijonov evrov.", "PCSS", None),
    ("sk", "Poľskú AI továreň PIAST-AI v Poznani prevádzkuje PCSS a spustí sa v roku 2026. Rozpočet je "
           "100 miliónov eur.", "PCSS", None),
    ("uk", "Польська фабрика ШІ PIAST-AI у Познані працюватиме під керівництвом PCSS і запрацює у 2026 році. Її "
           "обрали 12 березня 2025 року. Бюджет становить 100 мільйонів євро.", "PCSS", "2025-03-12"),
    ("bg", "Полската AI фабрика PIAST-AI в Познан ще бъде управлявана от PCSS. Тя беше избрана на 12 март 2025 г. "
           "Бюджетът е 100 милиона евро.", "PCSS", "2025-03-12"),
]


@pytest.mark.parametrize("lang,text,host,selected", RELATIONS, ids=[r[0] for r in RELATIONS])
def test_the_relation_step_ties_place_host_budget_and_selection_to_the_factory(lang, text, host, selected):
    got = facts(extract(make_doc([text], lang=lang, published=date(2025, 3, 20))))
    of = {}
    for subject, attribute, value in got:
        of.setdefault((subject, attribute), set()).add(value)
    subject = next((s for s, a, v in got if a == "name" and s and "PIAST-AI" in s), None)
    assert subject, f"{lang}: no factory PIAST-AI in {sorted(got, key=str)}"
    assert of.get((subject, "country")) == {"PL"}, f"{lang}: {sorted(got, key=str)}"
    assert of.get((subject, "city")), f"{lang}: no city in {sorted(got, key=str)}"
    budgets = {json.loads(v)["amount"] for v in of.get((subject, "budget_total_eur"), ())}
    assert budgets == {100_000_000}, f"{lang}: budgets {budgets}"
    if host:
        assert of.get((subject, "host_org")) == {host}, f"{lang}: {sorted(got, key=str)}"
    if selected:
        days = {json.loads(v)["value"] for v in of.get((subject, "selected_on"), ())}
        assert selected in days, f"{lang}: selected_on {days}"


def test_a_ukrainian_typographic_apostrophe_still_cues_the_supercomputer() -> None:
    text = "Польська фабрика ШІ PIAST-AI отримає новий суперкомп\u2019ютер у Познані."
    got = facts(extract(make_doc([text], lang="uk")))
    assert ("PIAST-AI", "deployment", "new") in got, sorted(got, key=str)


# --- the files themselves ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", FILE_LANGS)
def test_names_file_has_the_shared_keys_and_clean_lists(lang: str) -> None:
    common = yaml.safe_load((LEXICON / "names" / "common.yaml").read_text(encoding="utf-8"))
    data = yaml.safe_load((LEXICON / "names" / f"{lang}.yaml").read_text(encoding="utf-8"))
    assert list(data) == list(common) and data["lang"] == lang
    for key, values in data.items():
        if key == "lang":
            continue
        assert all(isinstance(v, str) and v == v.strip() and v for v in values), f"{lang} {key}"
        assert len({v.casefold() for v in values}) == len(values), f"{lang} {key}: duplicates"
    assert set(data["plural_heads"]) <= set(data["factory_heads"]), f"{lang}: a plural head is no head"
    for key in ("factory_heads", "antenna_words", "supercomputer_cues", "host_cues", "selection_cues", "budget_cues"):
        assert data[key], f"{lang}: {key} is empty"


@pytest.mark.parametrize("lang", FILE_LANGS)
def test_relations_file_has_every_shared_key(lang: str) -> None:
    common = yaml.safe_load((LEXICON / "relations" / "common.yaml").read_text(encoding="utf-8"))
    data = yaml.safe_load((LEXICON / "relations" / f"{lang}.yaml").read_text(encoding="utf-8"))
    assert set(common) - {"round_nouns"} <= set(data), f"{lang}: missing {set(common) - set(data) - {'round_nouns'}}"
    assert all(isinstance(n, int) for n in data["count_words"].values())
    assert all(isinstance(n, int) for n in data["wave_ordinals"].values())
    assert data["count_words"] and data["wave_ordinals"] and data["today_words"]


def test_languages_are_listed_in_the_pipeline_config() -> None:
    listed = pipeline_config()["languages"]
    assert all(lang in listed for lang in FILE_LANGS), [lang for lang in FILE_LANGS if lang not in listed]


def test_norwegian_lists_are_the_same_under_no_and_nb() -> None:
    for kind in ("names", "relations"):
        nb, no = word_lists(kind, "nb"), word_lists(kind, "no")
        assert {k: v for k, v in nb.items() if k != "lang"} == {k: v for k, v in no.items() if k != "lang"}
    assert "KI-fabrikk" in word_lists("names", "no")["factory_heads"]


def test_a_source_in_no_runs_on_the_norwegian_lists() -> None:
    places, factories = annotate("no", "Den polske KI-fabrikken ligger i Polen.")
    assert ("FACTORY_REF", "KI-fabrikken") in factories
