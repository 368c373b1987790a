"""The reading model: whom a sentence, list item or table row is about (a factory, a set of
factories, the programme), and the roles of its values. Every text here is written for the
test; each case names the rule it checks."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from extractors.extract import extract
from sources.document import Block, Document, table_row


def _doc(blocks: list[tuple[str, str] | list[str]], *, lang: str = "en", published: date | None = None,
         header: tuple[str, ...] = (), precision: str | None = None) -> Document:
    """Blocks as (kind, text) pairs, or a list of cells for a table row under `header`."""
    out = []
    for i, b in enumerate(blocks):
        if isinstance(b, list):
            out.append(table_row(i, b, table=0, header=header))
        else:
            out.append(Block(index=i, kind=b[0], text=b[1]))
    sha = hashlib.sha256(repr(blocks).encode()).hexdigest()
    return Document(source_name="t", url=None, publisher="test", trust="press", lang=lang, published_on=published,
                    title=None, sha256=sha, kind="text", blocks=tuple(out), published_precision=precision)


def _facts(document: Document) -> set[tuple]:
    """(subject, attribute, value, wave) of the factory statements; programme ones with subject None."""
    return {(s.subject_key or s.subject_text, s.attribute, s.value_json.strip('"'), s.wave) for s in extract(document)}


def _by_country(facts: set[tuple], attribute: str) -> dict[str, str]:
    """Unnamed factories' values by their country (the subject label holds it)."""
    out = {}
    for subj, attr, value, _ in facts:
        if attr == attribute and subj and subj.startswith("(unnamed AI Factory, "):
            out[subj.split(", ")[1].rstrip(")")] = value
    return out


def test_a_list_item_naming_one_country_is_that_countrys_factory():
    facts = _facts(_doc([("paragraph", "Nine consortia will run new AI Factories. The hosting sites:"),
                         ("list_item", "Minho Advanced Computing Centre – Braga, Portugal"),
                         ("list_item", "Dublin Institute for Advanced Studies – Dublin, Ireland")],
                        published=date(2026, 5, 4)))
    assert _by_country(facts, "city") == {"PT": "Braga", "IE": "Dublin"}
    assert _by_country(facts, "host_org") == {"PT": "Minho Advanced Computing Centre",
                                              "IE": "Dublin Institute for Advanced Studies"}


def test_a_heading_that_names_a_round_puts_its_section_in_that_round():
    facts = _facts(_doc([("paragraph", "Two rounds of AI Factories so far."),
                         ("heading", "Round 2 – March 2025"),
                         ("list_item", "Sofia Tech Park – Sofia, Bulgaria")], published=date(2026, 1, 5)))
    waves = {w for subj, attr, _, w in facts if attr == "city" and subj and "BG" in subj}
    assert waves == {2}


def test_a_selection_dated_today_is_on_the_published_date():
    facts = _facts(_doc([("paragraph", "The Joint Undertaking has today selected six new AI Factories.")],
                        published=date(2025, 3, 12)))
    assert (None, "selected_on", '{"value":"2025-03-12"}', 2) in facts


def test_a_table_of_rounds_gives_each_listed_country_its_round_and_date():
    header = ("Round", "Announced", "AI Factories", "Host countries")
    facts = _facts(_doc([("paragraph", "The network of AI Factories in figures."),
                         ["1", "10 Dec 2024", "7", "Finland, Sweden"],
                         ["2", "12 March 2025", "6", "Austria, Slovenia"]], header=header,
                        published=date(2025, 4, 1)))
    assert (None, "factory_count", "6", 2) in facts and (None, "selected_on", '{"value":"2025-03-12"}', 2) in facts
    countries = {(subj.split(", ")[1], w) for subj, attr, _, w in facts
                 if attr == "country" and subj and subj.startswith("(unnamed")}
    assert countries == {("FI", 1), ("SE", 1), ("AT", 2), ("SI", 2)}


def test_a_date_said_of_the_factories_goes_to_each_of_them():
    facts = _facts(_doc([("paragraph", "Seven AI Factories were selected."),
                         ("list_item", "CSC – Kajaani, Finland"),
                         ("list_item", "GRNET – Athens, Greece"),
                         ("paragraph", "The roll-out of the factories is set for 2026.")], published=date(2025, 1, 8)))
    assert _by_country(facts, "operational_by") == {"FI": '{"value":"2026"}', "GR": '{"value":"2026"}'}


def test_each_country_of_a_list_takes_the_deployment_word_of_its_own_clause():
    facts = _facts(_doc([("paragraph", "Four new AI Factories were chosen. Portugal and Ireland will buy brand-new "
                                       "AI supercomputers, whereas the "
                                       "sites in Denmark and Estonia will upgrade their existing systems.")],
                        published=date(2026, 5, 4)))
    assert _by_country(facts, "deployment") == {"PT": "new", "IE": "new", "DK": "upgrade", "EE": "upgrade"}


def test_a_city_paired_with_its_country_in_a_list_is_that_factorys_city():
    facts = _facts(_doc([("paragraph", "The chosen sites of the new AI Factories: Braga, Portugal; Aalborg, Denmark; "
                                       "and Tartu, Estonia.")], published=date(2026, 5, 4)))
    assert _by_country(facts, "city") == {"PT": "Braga", "DK": "Aalborg", "EE": "Tartu"}


def test_a_set_goes_on_in_the_next_sentence_in_its_own_round():
    facts = _facts(_doc([("paragraph", "In December 2024 the Joint Undertaking chose seven consortia for AI Factories. "
                                       "These were set up in Finland, Greece and Sweden.")],
                        published=date(2025, 6, 1)))
    assert {(subj.split(", ")[1], w) for subj, attr, _, w in facts if attr == "country" and subj
            and subj.startswith("(unnamed")} == {("FI", 1), ("GR", 1), ("SE", 1)}


def test_partner_countries_go_to_the_factory_named_by_its_city():
    facts = _facts(_doc([("paragraph", "Three AI Factories were selected. The sites:"),
                         ("list_item", "CSC – Kajaani, Finland"),
                         ("list_item", "CINECA – Bologna, Italy"),
                         ("paragraph", "Austria and Slovenia back the Bologna bid, and Norway and Estonia are "
                                       "partners of the Kajaani consortium.")], published=date(2025, 1, 8)))
    assert _by_country(facts, "partner_countries") == {"IT": '["AT","SI"]', "FI": '["EE","NO"]'}


@pytest.mark.parametrize("text, cities", [
    ("Lisbon, 3 May 2026 — The Nordlys AI Factory starts its work in Braga.", {"Braga"}),
    ("Partners include universities in Coimbra and Faro; the Nordlys AI Factory will sit in Braga.", {"Braga"}),
])
def test_the_datelines_or_a_partners_city_is_not_the_site(text, cities):
    facts = _facts(_doc([("paragraph", text)], published=date(2026, 5, 3)))
    assert {v for _, attr, v, _ in facts if attr == "city"} == cities


@pytest.mark.parametrize("heading", [
    "Seven Nations Win AI Factory Bids",
    "EuroHPC To Launch AI Factories Across Europe",
    "Získání AI Factory pro Česko",
])
def test_no_name_from_a_headline_fragment_or_common_words(heading):
    facts = _facts(_doc([("heading", heading), ("paragraph", "The AI Factories are to start in 2026.")],
                        published=date(2025, 1, 8)))
    assert not [f for f in facts if f[1] == "name"]


@pytest.mark.parametrize("item, name", [
    ("Linköping: MIMER", "MIMER"),
    ('Stuttgart, Germany – "HammerHAI" at the University of Stuttgart', "HammerHAI"),
    ("PIAST-AI (Poland). Led by a Poznań centre.", "PIAST-AI"),
    ("Nordlys (Norway). A new system in Tromsø.", "Nordlys"),
])
def test_names_in_lists_of_sites(item, name):
    facts = _facts(_doc([("paragraph", "The AI Factories and their sites:"), ("list_item", item)],
                        published=date(2025, 1, 8)))
    assert name in {v for _, attr, v, _ in facts if attr == "name"}


def test_a_new_organisation_is_a_host_only_with_a_host_cue():
    cued = _facts(_doc([("paragraph", "The Nordlys AI Factory will be hosted by the Arctic Computing Centre.")]))
    plain = _facts(_doc([("paragraph", "The Nordlys AI Factory held a meeting with the Arctic Computing Centre.")]))
    assert ("Nordlys AI Factory", "host_org", "Arctic Computing Centre", None) in {
        (s, a, v, w) for s, a, v, w in cued}
    assert not [f for f in plain if f[1] == "host_org"]


def test_hosts_joined_by_a_list_are_all_hosts_and_a_partner_is_not():
    joined = _facts(_doc([("paragraph", "The Nordlys AI Factory is jointly led by the Arctic Computing Centre "
                                        "and the Fjord Research Institute.")]))
    partner = _facts(_doc([("paragraph", "The Nordlys AI Factory is led by the Arctic Computing Centre, "
                                         "with partners such as the Fjord Research Institute.")]))
    assert {v for _, a, v, _ in joined if a == "host_org"} == {"Arctic Computing Centre", "Fjord Research Institute"}
    assert {v for _, a, v, _ in partner if a == "host_org"} == {"Arctic Computing Centre"}


def test_a_selection_dated_by_its_weekday_is_the_published_day():
    facts = _facts(_doc([("paragraph", "Komisja Europejska w środę pozytywnie oceniła polski wniosek: "
                                       "fabryka PIAST AI powstanie w Poznaniu.")], lang="pl", published=date(2025, 3, 12)))
    assert '{"value":"2025-03-12"}' in {v for s, a, v, _ in facts if a == "selected_on"}


@pytest.mark.parametrize("lang, text, count, wave", [
    ("en", "Norway is one of six countries whose bid was approved in March 2025.", 6, 2),
    ("es", "La factoría fue una de las siete primeras aprobadas en diciembre de 2024.", 7, 1),
    ("pl", "Polska znalazła się w gronie sześciu państw, które dostaną pieniądze na fabryki AI.", 6, 2),
])
def test_one_of_a_counted_set_gives_the_size_of_its_round(lang, text, count, wave):
    doc = _doc([("paragraph", text)], lang=lang, published=date(2025, 3, 14))
    got = {(st.value_json, st.wave) for st in extract(doc) if st.attribute == "factory_count"}
    assert (str(count), wave) in got


def test_one_of_a_number_no_round_has_is_no_count():
    doc = _doc([("paragraph", "The Nordlys AI Factory is one of 15 partners in the network.")])
    assert not [st for st in extract(doc) if st.attribute == "factory_count"]


def test_each_count_of_a_sentence_with_two_takes_its_own_round():
    doc = _doc([("paragraph", "With this second selection, the six factories join the seven AI Factories "
                              "selected in December 2024.")], published=date(2025, 3, 12))
    got = {(st.value_json, st.wave) for st in extract(doc) if st.attribute == "factory_count"}
    assert got == {("6", 2), ("7", 1)}


@pytest.mark.parametrize("lang, text, city", [
    ("pl", "Fabryka AI PIAST powstanie w Poznaniu.", "Poznań"),
    ("sl", "Slovenska tovarna umetne inteligence bo v Mariboru.", "Maribor"),
    ("lt", "Lietuvos dirbtinio intelekto gamykla bus Kaune.", "Kaunas"),
])
def test_a_city_written_in_a_case_form_is_the_city(lang, text, city):
    facts = _facts(_doc([("paragraph", text)], lang=lang))
    assert city in {v for _, a, v, _ in facts if a == "city"}


def test_a_text_about_ai_factories_naming_one_country_only_is_about_its_factory():
    facts = _facts(_doc([("paragraph", "Norway will build a new supercomputer in Tromsø for up to EUR 90 million."),
                         ("paragraph", "Together with the AI factory it will serve research and industry.")]))
    assert {(a, v) for _, a, v, _ in facts} >= {("country", "NO"), ("deployment", "new")}


def test_the_much_nearer_share_cue_says_whose_share_it_is():
    own = _facts(_doc([("paragraph", "The Nordlys AI Factory: the state obtained EUR 67 million in the EuroHPC call.")]))
    both = _facts(_doc([("paragraph", "The Nordlys AI Factory has a combined national and EU investment of EUR 90 million.")]))
    assert {a for _, a, _, _ in own if a.startswith("budget")} == {"budget_eu_eur"}
    assert {a for _, a, _, _ in both if a.startswith("budget")} == {"budget_total_eur"}


def test_a_country_together_with_others_hosts_and_the_others_are_its_partners():
    facts = _facts(_doc([("paragraph", "The countries will build an AI factory around the machine."),
                         ("paragraph", "The choice fell on Norway, which together with Iceland, Estonia and Latvia "
                                       "will run the computer.")]))
    assert ("country", "NO") in {(a, v) for _, a, v, _ in facts}
    assert '["EE","IS","LV"]' in {v for _, a, v, _ in facts if a == "partner_countries"}


@pytest.mark.parametrize("lang, blocks", [
    ("en", ["Sweden gets MIMER, one of seven", "The seven AI Factories selected in December 2024 bring together "
            "17 states. Together the factories will double the capacity. They are to go live in 2026."]),
    ("sv", ["Sverige får MIMER, en av sju", "De sju AI-fabrikerna valdes ut i december 2024. Tillsammans ska fabrikerna "
            "fördubbla kapaciteten. De ska tas i drift 2025–2026."]),
])
def test_they_after_a_sentence_about_the_round_are_its_factories(lang, blocks):
    doc = _doc([("heading", blocks[0]), ("paragraph", blocks[1])], lang=lang, published=date(2024, 12, 11))
    rules = {st.rule for st in extract(doc) if st.attribute == "operational_by" and st.subject_key == "MIMER"}
    assert rules == {"operational_by.round_date"}, rules


def test_a_place_written_before_a_name_of_its_country_goes_to_that_name():
    facts = _facts(_doc([("paragraph", 'The sites: Bologna, Italy – "IT4LIA" at CINECA Kajaani, Finland – '
                                       '"LUMI AIF" at CSC')]))
    cities = {(s, v) for s, a, v, _ in facts if a == "city"}
    assert ("LUMI-AIF", "Kajaani") in cities and ("IT4LIA", "Kajaani") not in cities


def test_no_operation_date_before_the_first_round():
    facts = _facts(_doc([("paragraph", "The Nordlys AI Factory runs on a machine in operation since 2019, "
                                       "and its new system is to be operational in 2026.")]))
    assert {v for _, attr, v, _ in facts if attr == "operational_by"} == {'{"value":"2026"}'}


def test_one_share_written_in_two_currencies_is_that_share_twice():
    facts = _facts(_doc([("paragraph", "The PIAST AI Factory will receive PLN 200 million – roughly EUR 46 million – "
                                       "from the EU budget.")], lang="en"))
    eu = {v for _, attr, v, _ in facts if attr == "budget_eu_eur"}
    assert eu == {'{"amount":200000000,"currency":"PLN","qualifier":"exact"}',
                  '{"amount":46000000,"qualifier":"about"}'}


def test_a_date_in_a_sentence_listing_a_rounds_countries_is_each_members_date():
    got = _facts(_doc([("paragraph", "In December 2024 the selection committee chose seven AI factory sites, in "
                                     "Finland, Germany, Greece, Italy, Luxembourg, Spain and Sweden.")]))
    selected = _by_country(got, "selected_on")
    assert set(selected) == {"FI", "DE", "GR", "IT", "LU", "ES", "SE"}, got
    assert set(selected.values()) == {'{"value":"2024-12"}'}
    assert any(s is None and a == "selected_on" for s, a, _, _ in got), "the round's date as a programme fact"


def test_a_span_of_years_for_a_rollout_is_done_by_its_last_year():
    facts = _facts(_doc([("paragraph", "The EU picked five AI Factories in Norway, Estonia, Iceland, Malta "
                                       "and Cyprus this week."),
                         ("paragraph", "Their rollout is planned for 2027–28.")], published=date(2026, 10, 2)))
    assert set(_by_country(facts, "operational_by").values()) == {'{"mod":"by","value":"2028"}'}


def test_half_of_it_is_half_of_the_total_of_its_own_paragraph():
    """A larger sum given earlier (a building, say) is not the one "half of it" halves."""
    facts = _facts(_doc([("paragraph", "The Tartu campus gets a new data hall for EUR 140 million."),
                         ("paragraph", "The Tartu AI Factory itself will cost EUR 60 million in total. The EU pays "
                                       "half of it, and the other half comes from the national government.")],
                        published=date(2026, 3, 1)))
    shares = {(attr, value) for subj, attr, value, _ in facts if attr in ("budget_eu_eur", "budget_national_eur")}
    assert shares == {("budget_eu_eur", '{"amount":30000000,"qualifier":"exact"}'),
                      ("budget_national_eur", '{"amount":30000000,"qualifier":"exact"}')}


def test_a_heading_that_names_a_round_and_a_month_dates_each_factory_listed_under_it():
    facts = _facts(_doc([("paragraph", "Two rounds of AI Factories so far."),
                         ("heading", "Round 2 – March 2025"),
                         ("list_item", "Sofia Tech Park – Sofia, Bulgaria"),
                         ("list_item", "IZUM – Maribor, Slovenia"),
                         ("heading", "Round 3 – deadline June 2025")], published=date(2026, 1, 5)))
    assert (None, "selected_on", '{"value":"2025-03"}', 2) in facts
    assert set(_by_country(facts, "selected_on").values()) == {'{"value":"2025-03"}'}
    assert not any(attr == "selected_on" and w == 3 for _, attr, _, w in facts)


def test_new_machines_for_listed_sites_make_each_a_new_deployment_and_a_new_project_does_not():
    bought = _facts(_doc([("paragraph", "Nine new AI Factories were picked this spring."),
                          ("paragraph", "New AI-optimised machines will be bought for the sites in Portugal, Ireland, "
                                        "Denmark and Estonia.")], published=date(2026, 5, 1)))
    assert _by_country(bought, "deployment") == {"PT": "new", "IE": "new", "DK": "new", "EE": "new"}
    housed = _facts(_doc([("paragraph", "The Tartu AI Factory opens in Estonia."),
                          ("paragraph", "The machines that will serve the new project stand in the old hall.")],
                         published=date(2026, 5, 1)))
    assert not any(attr == "deployment" for _, attr, _, _ in housed)


def test_countries_that_install_or_upgrade_machines_stand_for_their_factories():
    facts = _facts(_doc([("paragraph", "Six new AI Factories were chosen in March 2025."),
                         ("heading", "What is known"),
                         ("paragraph", "Brussels expects much of the network."),
                         ("list_item", "Austria, Bulgaria, Poland and Slovenia will install new AI-optimised systems, "
                                       "while Germany upgrades its exascale machine.")], published=date(2025, 3, 20)))
    assert _by_country(facts, "deployment") == {"AT": "new", "BG": "new", "PL": "new", "SI": "new", "DE": "upgrade"}
    # without a text about factories, a list of countries buying computers is not about factories
    plain = _facts(_doc([("paragraph", "Austria, Bulgaria and Poland will install new systems for their tax offices.")],
                        published=date(2025, 3, 20)))
    assert not any(attr == "deployment" for _, attr, _, _ in plain)


def test_a_text_dated_by_its_month_knows_the_rounds_of_that_month():
    """A dateline of "March 2025" is the first of March only in the calendar: the round
    selected on 12 March is not still to come for it."""
    text = [("paragraph", "Six new AI Factories will be set up in Austria, Bulgaria, France, Germany, Poland and "
                          "Slovenia, and they are to be running next year.")]
    facts = _facts(_doc(text, published=date(2025, 3, 1), precision="month"))
    waves = {w for subj, attr, _, w in facts if attr == "country" and subj and subj.startswith("(unnamed")}
    assert waves == {2}
    assert set(_by_country(facts, "operational_by").values()) == {'{"value":"2026"}'}


def test_a_share_matched_by_the_other_gives_it_the_same_amount():
    one = _facts(_doc([("paragraph", "The Tartu AI Factory will get EUR 45 million from the EU, matched by the "
                                     "Estonian government.")], published=date(2026, 2, 1)))
    two = _facts(_doc([("paragraph", "The Tartu AI Factory will get EUR 45 million from the EU. The national "
                                     "government adds the same amount.")], published=date(2026, 2, 1)))
    for facts in (one, two):
        shares = {(attr, value) for _, attr, value, _ in facts if attr.startswith("budget_")}
        assert shares == {("budget_eu_eur", '{"amount":45000000,"qualifier":"exact"}'),
                          ("budget_national_eur", '{"amount":45000000,"qualifier":"exact"}')}
    alone = _facts(_doc([("paragraph", "The Tartu AI Factory opens in May. The city pays the same amount as last "
                                       "year for its buses.")], published=date(2026, 2, 1)))
    assert not any(attr.startswith("budget_") for _, attr, _, _ in alone)


@pytest.mark.parametrize("lang, text", [
    ("en", "The PIAST AI Factory in Poznań will draw on the EUR 485 million set aside for the round."),
    ("pl", "Fabryka AI PIAST w Poznaniu skorzysta z 485 mln euro przeznaczonych na tę rundę."),
])
def test_a_sum_equal_to_a_rounds_total_is_the_rounds_not_the_factorys(lang, text):
    facts = _facts(_doc([("paragraph", text)], lang=lang, published=date(2025, 3, 20)))
    assert not {a for _, a, _, _ in facts if a.startswith("budget")}
    assert ("investment_total_eur", 2) in {(a, w) for _, a, _, w in facts}


@pytest.mark.parametrize("lang, text, cc, city", [
    ("en", "The Czech factory will be run by IT4Innovations in Ostrava.", "CZ", "Ostrava"),
    ("en", "Romania's new factory will be hosted in Bucharest.", "RO", "Bucharest"),
    ("es", "La nueva fábrica española estará en Santiago de Compostela.", "ES", "Santiago de Compostela"),
])
def test_a_country_word_joined_to_a_factory_noun_is_that_countrys_factory(lang, text, cc, city):
    opening = {"en": "Six more AI Factories were selected in October 2025.",
               "es": "En octubre de 2025 se seleccionaron seis nuevas AI Factories."}[lang]
    facts = _facts(_doc([("paragraph", opening), ("paragraph", text)], lang=lang, published=date(2025, 10, 11)))
    assert _by_country(facts, "city").get(cc) == city


def test_a_country_word_beside_a_partner_noun_is_no_factory():
    facts = _facts(_doc([("paragraph", "Six more AI Factories were selected in October 2025."),
                         ("paragraph", "The Czech partners will meet in Ostrava.")], published=date(2025, 10, 11)))
    assert "CZ" not in _by_country(facts, "city")


def test_a_table_of_sites_with_a_round_column_reads_each_row_as_a_factory_of_its_round():
    header = ("Round", "Country", "City", "AI Factory", "Host")
    doc = _doc([("paragraph", "The AI Factories selected so far are listed below."),
                ["1 (Dec 2024)", "Finland", "Kajaani", "LUMI AI Factory", "CSC"],
                ["3 (Oct 2025)", "Norway", "Tromsø", "NORDLYS", "Arctic Computing Centre"]],
               header=header, published=date(2025, 11, 1))
    facts = _facts(doc)
    assert {("LUMI-AIF", "city", "Kajaani"), ("NORDLYS", "city", "Tromsø")} <= {(s, a, v) for s, a, v, _ in facts}
    assert ("LUMI-AIF", "selected_on", '{"value":"2024-12"}') in {(s, a, v) for s, a, v, _ in facts}


def test_the_system_column_says_new_or_upgrade_and_a_bought_machine_is_no_name():
    header = ("AI Factory", "City", "Supercomputer")
    doc = _doc([("paragraph", "The AI Factories and their machines."),
                ["NORDLYS", "Tromsø", "New AI system"],
                ["BSC AI Factory", "Barcelona", "MareNostrum 5 (upgrade)"]], header=header, published=date(2025, 11, 1))
    got = {(s, a, v) for s, a, v, _ in _facts(doc)}
    assert {("NORDLYS", "deployment", "new"), ("BSC-AIF", "deployment", "upgrade")} <= got
    assert not {v for s, a, v in got if a == "supercomputer" and s == "NORDLYS"}


def test_countries_listed_after_a_plural_noun_beside_a_named_factory_are_the_other_members():
    facts = _facts(_doc([("paragraph", "HammerHAI was selected on 10 December 2024 along with six other AI Factories "
                                       "in Finland, Greece, Italy, Luxembourg, Spain and Sweden.")]))
    assert set(_by_country(facts, "selected_on")) == {"FI", "GR", "IT", "LU", "ES", "SE"}
    assert ("HammerHAI", "selected_on", '{"value":"2024-12-10"}') in {(s, a, v) for s, a, v, _ in facts}


@pytest.mark.parametrize("lang, blocks", [
    ("en", ["The AI Factory of Norway starts building.",
            "The project was approved on 12 March 2025, together with five more factories, in Germany, France, "
            "Austria, Poland and Slovenia."]),
    ("bg", ["Фабриката за изкуствен интелект на Норвегия започва изграждане.",
            "Проектът беше одобрен на 12 март 2025 г., заедно с още пет фабрики – в Германия, Франция, Австрия, "
            "Полша и Словения."]),
])
def test_a_counted_set_joined_by_together_with_is_listed_by_country(lang, blocks):
    facts = _facts(_doc([("paragraph", b) for b in blocks], lang=lang, published=date(2025, 4, 1)))
    assert {"DE", "FR", "AT", "PL", "SI"} <= {v for _, a, v, _ in facts if a == "country"}


def test_new_or_upgrade_said_of_a_whole_round_goes_to_each_of_its_factories():
    facts = _facts(_doc([("paragraph", "Six AI Factories were selected on 10 October 2025, in Norway, Ireland and Portugal "
                                       "among others."),
                         ("paragraph", "All six will install new AI-optimised supercomputers.")],
                        published=date(2025, 10, 12)))
    assert set(_by_country(facts, "deployment").values()) == {"new"}
    assert set(_by_country(facts, "deployment")) == {"NO", "IE", "PT"}


def test_a_deployment_said_of_part_of_a_round_goes_to_none_of_its_factories():
    facts = _facts(_doc([("paragraph", "Six AI Factories were selected on 10 October 2025, in Norway, Ireland and Portugal "
                                       "among others."),
                         ("paragraph", "Two of the six will upgrade existing supercomputers.")],
                        published=date(2025, 10, 12)))
    assert not _by_country(facts, "deployment")


def test_a_country_that_gains_a_second_factory_is_a_factory_of_the_texts_round():
    facts = _facts(_doc([("paragraph", "Six new AI Factories were selected on 10 October 2025."),
                         ("paragraph", "Greece gets a second factory, in Patras.")], published=date(2025, 10, 12)))
    assert {s for s, a, v, w in facts if a == "city" and v == "Patras" and w == 3} == {"(unnamed AI Factory, GR)"}
    assert not [f for f in facts if f[0] == "Pharos"]


def test_the_texts_round_is_the_one_it_dates_when_it_names_factories_of_several():
    """Pharos (round 1) and SLAIF (round 2) named as background; the text dates the third round's
    selection, so "the Greek site" it speaks of is a factory of the third round."""
    facts = _facts(_doc([("paragraph", "The JU announced its third choice of AI Factories on 10 October 2025. "
                                       "Pharos and SLAIF were chosen earlier."),
                         ("paragraph", "Greece gets a second factory, in Patras.")], published=date(2025, 10, 14)))
    assert {w for s, a, v, w in facts if a == "city" and v == "Patras" and s.startswith("(unnamed AI Factory, GR")} == {3}


def test_a_country_without_a_factory_in_a_complete_round_means_its_factory_the_text_names():
    """Round 2's six factories are all known and none is Spanish: in a text about round 2, the
    Spanish factory is the BSC AI Factory the text names."""
    facts = _facts(_doc([("paragraph", "Six AI Factories were added on 12 March 2025 to the BSC AI Factory and the rest."),
                         ("paragraph", "The Spanish factory upgrades MareNostrum 5.")], published=date(2025, 3, 20)))
    assert ("BSC-AIF", "deployment", "upgrade") in {(s, a, v) for s, a, v, _ in facts}


@pytest.mark.parametrize("lang, text", [
    ("en", "The Irish factory will get a new AI system rather than an extension of the existing Kay machine."),
    ("de", "Die irische Fabrik bekommt ein neues KI-System statt eines Ausbaus des bestehenden Rechners Kay."),
])
def test_the_road_not_taken_is_no_deployment_and_no_system(lang, text):
    facts = _facts(_doc([("paragraph", "Nine AI Factories were selected on 10 October 2025."), ("paragraph", text)],
                        lang=lang, published=date(2025, 10, 12)))
    assert _by_country(facts, "deployment") == {"IE": "new"}
    assert not _by_country(facts, "supercomputer")


def test_a_dateline_country_is_no_member_of_the_list_that_follows():
    facts = _facts(_doc([("paragraph", "LUXEMBOURG, 13 October – Norway, Ireland and Portugal will host new AI Factories, "
                                       "the JU said.")], published=date(2025, 10, 13)))
    assert set(_by_country(facts, "country")) == {"NO", "IE", "PT"}


@pytest.mark.parametrize("lang, text, published, day", [
    ("en", "Six new AI Factories were selected on Friday.", date(2025, 10, 13), "2025-10-10"),
    ("en", "Six new AI Factories were selected yesterday.", date(2025, 10, 11), "2025-10-10"),
    ("fi", "EuroHPC valitsi eilen kuusi uutta tekoälytehdasta.", date(2025, 10, 11), "2025-10-10"),
    ("en", "Six new AI Factories were selected today.", date(2025, 10, 10), "2025-10-10"),
])
def test_a_selection_dated_by_a_weekday_or_yesterday_is_counted_back_from_the_texts_date(lang, text, published, day):
    facts = _facts(_doc([("paragraph", text)], lang=lang, published=published))
    assert {v for s, a, v, _ in facts if a == "selected_on" and s is None} == {f'{{"value":"{day}"}}'}


def test_an_ordinal_names_a_round_only_before_a_round_noun_a_number_or_the_factories():
    facts = _facts(_doc([("paragraph", "The JU announced six new AI Factories on 12 March 2025."),
                         ("paragraph", "The first services open this year, and all six new AI Factories are to be "
                                       "operational in 2026.")], published=date(2025, 3, 12)))
    assert {w for s, a, v, w in facts if a == "factory_count"} == {2}


def test_a_start_word_outranks_an_opening_word_beside_a_date():
    facts = _facts(_doc([("paragraph", "Six AI Factories were selected on 10 October 2025, in Norway, Ireland and Portugal."),
                         ("paragraph", "The first services open this year, and all six new AI Factories are to be "
                                       "operational in 2026.")], published=date(2025, 10, 12)))
    assert set(_by_country(facts, "operational_by").values()) == {'{"value":"2026"}'}


def test_a_cut_off_date_for_proposals_is_a_deadline_not_a_start():
    facts = _facts(_doc([("paragraph", "Six AI Factories were selected on 10 October 2025, in Norway, Ireland and Portugal."),
                         ("paragraph", "The call remains open: the next cut-off date for proposals is 30 June 2026.")],
                        published=date(2025, 10, 12)))
    assert ("proposal_deadline", '{"value":"2026-06-30"}') in {(a, v) for s, a, v, _ in facts if s is None}
    assert not _by_country(facts, "operational_by")


def test_countries_of_a_clause_beside_a_named_factory_take_that_clauses_deployment():
    facts = _facts(_doc([("paragraph", "Six AI Factories were selected on 10 October 2025."),
                         ("paragraph", "New AI-optimised supercomputers will be bought in Norway, Ireland and Portugal, "
                                       "while the BSC AI Factory will upgrade MareNostrum 5.")], published=date(2025, 10, 12)))
    assert _by_country(facts, "deployment") == {"NO": "new", "IE": "new", "PT": "new"}
    assert ("BSC-AIF", "deployment", "upgrade") in {(s, a, v) for s, a, v, _ in facts}


def test_countries_after_a_count_of_others_are_the_sets_members():
    facts = _facts(_doc([("paragraph", "Norway gets its own AI Factory. Its bid was chosen on 10 October 2025 together "
                                       "with five others: from Ireland, Portugal, Denmark, Estonia and Malta.")],
                        published=date(2025, 10, 11)))
    assert {"IE", "PT", "DK", "EE", "MT"} <= set(_by_country(facts, "country"))


def test_countries_a_sentence_selects_in_a_named_round_are_that_rounds_factories():
    facts = _facts(_doc([("paragraph", "The JU published the results of its third round of AI Factories."),
                         ("paragraph", "Besides Norway, the winners of the third round were Ireland, Portugal and Malta.")],
                        published=date(2025, 10, 11)))
    assert {s for s, a, _, w in facts if a == "country" and w == 3} >= {
        "(unnamed AI Factory, IE, round 3)", "(unnamed AI Factory, PT, round 3)", "(unnamed AI Factory, MT, round 3)"}


def test_a_table_of_rounds_gives_each_rounds_date_count_and_investment():
    header = ("Kör", "Kiválasztás dátuma", "Gyárak száma", "Beruházás (EU + nemzeti)")
    facts = _facts(_doc([("paragraph", "Az EuroHPC által kiválasztott mesterséges intelligencia gyárak."),
                         ["1.", "2024. december 10.", "7", "kb. 1,5 milliárd €"]], lang="hu", header=header,
                        published=date(2025, 3, 20)))
    assert {(a, v, w) for s, a, v, w in facts if s is None} >= {
        ("selected_on", '{"value":"2024-12-10"}', 1), ("factory_count", "7", 1),
        ("investment_total_eur", '{"amount":1500000000,"qualifier":"about"}', 1)}


def test_a_table_of_sites_gives_its_date_columns_and_scales_bare_budgets_by_the_header():
    header = ("Factory", "Country", "City", "Selected", "Operational", "Budget (€ m)")
    facts = _facts(_doc([("paragraph", "Every AI Factory selected so far."),
                         ["NORDLYS", "Norway", "Tromsø", "10 Oct 2025", "mid-2026", "≈ 55"],
                         ["HammerHAI", "Germany", "Stuttgart", "10 Dec 2024", "2026", "85"]],
                        header=header, published=date(2025, 11, 5)))
    got = {(s, a, v) for s, a, v, _ in facts}
    assert {("NORDLYS", "selected_on", '{"value":"2025-10-10"}'),
            ("NORDLYS", "operational_by", '{"mod":"mid","value":"2026"}'),
            ("NORDLYS", "budget_total_eur", '{"amount":55000000,"qualifier":"about"}'),
            ("HammerHAI", "operational_by", '{"value":"2026"}'),
            ("HammerHAI", "budget_total_eur", '{"amount":85000000,"qualifier":"exact"}')} <= got


@pytest.mark.parametrize("lang, text", [
    ("cs", "Podnik EuroHPC dne 10. října 2025 vybral šest nových továren na AI."),
    ("sk", "EuroHPC vybral 10. októbra 2025 šesť nových tovární na AI."),
    ("hr", "EuroHPC je 10. listopada 2025. odabrao šest novih tvornica umjetne inteligencije."),
    ("fi", "EuroHPC valitsi 10. lokakuuta 2025 kuusi uutta tekoälytehdasta."),
])
def test_a_stop_after_an_ordinal_number_does_not_end_the_sentence(lang, text):
    facts = _facts(_doc([("paragraph", text)], lang=lang, published=date(2025, 11, 20)))
    assert {(a, w) for s, a, v, w in facts if s is None and a == "selected_on"} == {("selected_on", 3)}, facts


def test_the_day_a_text_was_filed_is_no_selection_date_unless_a_round_was_chosen_then():
    facts = _facts(_doc([("paragraph", "Brussels, Wednesday 8 January 2025 – The JU selected seven AI Factories "
                                       "in December.")], published=date(2025, 1, 8)))
    assert '{"value":"2025-01-08"}' not in {v for s, a, v, _ in facts if a == "selected_on"}


@pytest.mark.parametrize("lang, blocks", [
    ("en", ["The JU chose six new AI Factories.", "Factories were also selected in Ireland, Portugal and Malta."]),
    ("lt", ["Vakar EuroHPC paskelbė trečiojo dirbtinio intelekto gamyklų atrankos etapo rezultatus.",
            "Kartu su Norvegija atrinktos gamyklos Airijoje, Portugalijoje ir Maltoje."]),
])
def test_a_set_of_factories_a_sentence_selects_by_country(lang, blocks):
    facts = _facts(_doc([("paragraph", b) for b in blocks], lang=lang, published=date(2025, 10, 11)))
    assert {"IE", "PT", "MT"} <= set(_by_country(facts, "country"))


def test_a_country_added_to_a_known_name_is_not_part_of_it():
    facts = _facts(_doc([("paragraph", "Estija jau yra ir Suomijos LUMI AI Factory Kajanyje šalis partnerė.")],
                        lang="lt", published=date(2025, 10, 11)))
    assert {v for s, a, v, _ in facts if a == "name"} == {"LUMI AI Factory"}


@pytest.mark.parametrize("lang, text", [
    ("en", "All seven AI Factories are to be operational by 2026, some already in 2025."),
    ("sk", "Všetkých sedem tovární na AI má byť v prevádzke do roku 2026, niektoré už v roku 2025."),
])
def test_a_date_said_of_part_of_a_round_is_not_the_rounds(lang, text):
    facts = _facts(_doc([("paragraph", "The JU selected seven AI Factories on 10 December 2024, in Finland, Germany "
                                       "and Greece among others."), ("paragraph", text)], lang=lang,
                        published=date(2024, 12, 11)))
    assert set(_by_country(facts, "operational_by").values()) <= {'{"mod":"by","value":"2026"}', '{"value":"2026"}'}
    assert _by_country(facts, "operational_by")


def test_a_text_of_the_weeks_after_a_round_naming_one_of_its_factories_is_about_that_round():
    """SLAIF (round 2) and the BSC AI Factory (round 1) are named; a week after round 2 the
    text's "all six" are round 2's."""
    facts = _facts(_doc([("paragraph", "SLAIF joins the BSC AI Factory and the others in the network."),
                         ("paragraph", "All six new AI Factories are to be operational by the end of 2026.")],
                        published=date(2025, 3, 19)))
    dated = {s for s, a, v, w in facts if a == "operational_by"}
    assert "SLAIF" in dated and "BSC-AIF" not in dated


def test_the_cities_listed_right_after_a_word_for_the_factories_are_their_sites():
    facts = _facts(_doc([("paragraph", "La fabbrica di intelligenza artificiale IT4LIA è stata scelta il 10 dicembre 2024."),
                         ("paragraph", "Sono state scelte anche le fabbriche di Kajaani, Stoccarda e Atene.")],
                        lang="it", published=date(2025, 1, 15)))
    assert _by_country(facts, "city") == {"FI": "Kajaani", "DE": "Stoccarda", "GR": "Atene"}


def test_cities_of_centres_named_after_the_factories_are_not_their_list():
    facts = _facts(_doc([("paragraph", "NORDLYS joins six other AI Factories, hosted in European centres of excellence "
                                       "in Barcelona, Bologna and Kajaani.")], published=date(2025, 1, 15)))
    assert not _by_country(facts, "city")


def test_a_negated_upgrade_is_no_upgrade():
    facts = _facts(_doc([("paragraph", "IT4LIA non è un potenziamento di Leonardo: è previsto un sistema nuovo.")],
                        lang="it", published=date(2025, 1, 15)))
    assert ("IT4LIA", "deployment", "new") in {(s, a, v) for s, a, v, _ in facts}
    assert ("IT4LIA", "deployment", "upgrade") not in {(s, a, v) for s, a, v, _ in facts}


@pytest.mark.parametrize("lang, text, acronym", [
    ("es", "La Fábrica de IA de Galicia (GALIA) estará alojada en el Centro de Supercomputación de Galicia.", "GALIA"),
    ("en", "The Norwegian AI Factory (NAIF; hosted by Sigma2) was chosen.", "NAIF"),
])
def test_an_acronym_in_brackets_after_a_factory_word_names_the_factory(lang, text, acronym):
    facts = _facts(_doc([("paragraph", text)], lang=lang, published=date(2025, 10, 12)))
    assert acronym in {v for s, a, v, _ in facts if a == "name"}


@pytest.mark.parametrize("lang, text", [
    ("fr", "EuroHPC a retenu le projet AI Factory NORDLYS parmi six candidatures, aux côtés de projets portés par "
           "l'Irlande, le Portugal et Malte."),
    ("en", "The NORDLYS AI Factory was chosen together with projects from Ireland, Portugal and Malta."),
])
def test_a_partner_cue_that_opens_a_counted_set_joins_factories_not_partners(lang, text):
    facts = _facts(_doc([("paragraph", text)], lang=lang, published=date(2025, 10, 12)))
    assert not [f for f in facts if f[1] == "partner_countries"]
    assert {"IE", "PT", "MT"} <= set(_by_country(facts, "country"))


def test_a_count_per_country_is_no_set_and_no_programme_count():
    facts = _facts(_doc([("paragraph", "Six AI Factories were selected on 10 October 2025."),
                         ("paragraph", "Germany, Poland and Spain each host two AI Factories.")], published=date(2025, 11, 5)))
    assert not _by_country(facts, "country")
    assert {v for s, a, v, _ in facts if a == "factory_count"} == {"6"}
