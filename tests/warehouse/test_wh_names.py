"""Issue 23: the name check reads well-kept word lists (spaCy's stop words, wordfreq), not ours."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.names import stop_words, zipf
from warehouse.policy import load_policy

CHECK = load_policy(Path(__file__).resolve().parents[2] / "configs").name_check


@pytest.mark.parametrize("name, lang", [("Mimer", "sv"), ("HammerHAI", "de"), ("IT4LIA AI Factory", "it"),
                                        ("BRAIN++", "bg"), ("Pharos AI Factory", "el"), ("GAIA AI Factory", "en"),
                                        ("Nordlys AI Factory", "en"), ("L-AIF", "fr")])
def test_proper_names_pass(name, lang):
    assert CHECK.verdict(name, lang) is None


@pytest.mark.parametrize("name, lang, why", [
    ("Získání AI Factory", "cs", "common cs word (wordfreq"),
    ("Τεχνητής Νοημοσύνης AI Factory", "el", "common el word"),
    ("Largest AI Factory", "en", "common en word"),
    ("What Are AI Factory", "en", "en stop word"),
    ("Slovenian AI Factory", "en", "country's name or adjective"),
    ("AI Factory Austria", "de", "country's name or adjective"),
    ("Nové AI továrny", "cs", "several factories"),
    ("EuroHPC AI Factory", "en", "only generic words"),
])
def test_phrases_fail_and_say_which_list_says_so(name, lang, why):
    verdict = CHECK.verdict(name, lang)
    assert verdict is not None and why in verdict, verdict


def test_the_lists_are_the_libraries_own():
    assert "what" in stop_words("en") and "und" in stop_words("de") and stop_words("xx-none") == frozenset()
    assert zipf("largest", "en") > 4 and zipf("hammerhai", "en") < 2 and zipf("word", "zz") == 0.0
