"""Factory names the knowledge base does not know, in the forms texts give them: in quotes
after a factory word, with plus signs, and after a naming cue ("will bear the name X").
Every sentence is written for this test; none of the names is a known factory."""

from __future__ import annotations

import pytest

from extractors.extract import extract
from tests.extractors.helpers import make_doc


def _names(lang: str, text: str) -> set[str]:
    return {s.value_json.strip('"') for s in extract(make_doc([text], lang=lang)) if s.attribute == "name"}


@pytest.mark.parametrize("lang, text, name", [
    ("de", "Das Land zahlt die Hälfte der KI-Fabrik „Zentaur“ in Kiel.", "Zentaur"),
    ("en", "The AI Factory \"Nordlys\" opens in Tromsø next spring.", "Nordlys"),
    ("bg", "Във фабриката за изкуствен интелект Orion++ ще работят стартъпи.", "Orion++"),
    ("pl", "Poznańska wytwórnia sztucznej inteligencji będzie nosiła nazwę KOPERNIK AI.", "KOPERNIK AI"),
    ("en", "The new AI Factory, named Halcyon, opens in Riga.", "Halcyon"),
    ("fr", "L'usine d'IA, baptisée « Aurore », ouvrira à Lyon.", "Aurore"),
    ("en", "The Danish AI Factory, GEFION-AI, is run by a new foundation.", "GEFION-AI"),
    ("en", "Latvia (BALTAI++)", "BALTAI++"),
    ("cs", "Rakousko a Slovinsko se připojily k italské TOSCA4AI.", "TOSCA4AI"),
    ("en", "The Commission said the Tartu facility, called ESTAI, will be led by the university.", "ESTAI"),
])
def test_a_new_name_in_each_form_is_found(lang: str, text: str, name: str) -> None:
    assert name in _names(lang, text)


@pytest.mark.parametrize("lang, text", [
    ("en", "The consortium will host an AI-optimised supercomputer named Halcyon and set up an AI Factory."),
    ("en", "The AI Factory is called the best in Europe by its users."),
    ("de", "Die KI-Fabrik trägt den Namen der Stadt Kiel."),
    ("en", "The AI Factory \"will\" open soon, they say."),
    ("en", "Finland (CSC)"),  # a known host in brackets
    ("en", "Germany (DE)"),  # a country code
    ("en", "The German HLRS5 machine is to be replaced."),  # a coined word before a machine word
    ("en", "The site is called Tecnopolo by the locals."),  # a site noun with no comma before the cue
    ("en", "The AI Factory, CSC, and the ministry signed."),
])
def test_a_naming_cue_or_quote_that_names_no_factory_gives_no_name(lang: str, text: str) -> None:
    assert not _names(lang, text)
