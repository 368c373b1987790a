"""The gazetteer answers reconciliation's place questions from real GeoNames data."""

from __future__ import annotations

import pytest

from common import geonames
from common.geonames import GeoNamesError
from warehouse import gazetteer as gz
from warehouse.gazetteer import load_gazetteer


@pytest.fixture(scope="module")
def g() -> gz.Gazetteer:
    return load_gazetteer()


def test_small_place_lies_in_its_country(g):
    assert g.lies_in("Bissen", "LU")
    assert g.lies_in("bissen", "lu")


def test_place_elsewhere_does_not_lie_in_the_stated_country(g):
    assert not g.lies_in("Busan", "LU")
    assert "KR" in g.countries_of("Busan")
    assert g.lies_in("Busan", "KR")


@pytest.mark.parametrize("city,cc", [("Linkoping", "SE"), ("LINKÖPING", "SE"), ("Julich", "DE"),
                                     ("Αθήνα", "GR"), ("Atenes", "GR"), ("Wien", "AT")])
def test_folded_and_alternate_spellings_lie_in(g, city, cc):
    assert g.lies_in(city, cc)
    assert cc in g.countries_of(city)  # whatever lies in a country is indexed under it


@pytest.mark.parametrize("city,cc,expected", [("Linkoping", "SE", "Linköping"), ("Julich", "DE", "Jülich"),
                                              ("Athens", "GR", "Athens"), ("Αθήνα", "EL", "Athens"),
                                              ("Wien", "AT", "Vienna")])
def test_canonical_spelling(g, city, cc, expected):
    assert g.canonical(city, cc) == expected


def test_canonical_of_unknown_place_is_none(g):
    assert g.canonical("Qwxzyville", "FR") is None
    assert g.canonical("Bissen", "SE") is None


def test_phonetic_candidates_repair_a_garbled_city(g):
    names = [name for name, _ in g.phonetic_candidates("Busan", "LU", limit=3)]
    assert "Bissen" in names
    best, score = g.phonetic_candidates("Kajani", "FI")[0]
    assert best == "Kajaani" and 0 < score <= 1


def test_phonetic_candidates_are_sorted_and_limited(g):
    found = g.phonetic_candidates("Stutgart", "DE", limit=4)
    assert len(found) == 4 and found[0][0] == "Stuttgart"
    scores = [s for _, s in found]
    assert scores == sorted(scores, reverse=True)
    assert g.phonetic_candidates("Stuttgart", "ZZ") == []


def test_places_prefers_own_name_then_population(g):
    found = g.places("Frankfurt", "DE")
    assert found[0].name == "Frankfurt am Main"
    assert all(p.country_code == "DE" for p in found)


def test_index_is_cached_and_reloaded(tmp_path, monkeypatch):
    monkeypatch.setenv("AIFACTS_CACHE_DIR", str(tmp_path))
    europe = frozenset({"LU"})
    built = geonames._load("places", europe), geonames._load("names", europe)
    assert sorted(p.name.rsplit("-", 1)[1] for p in tmp_path.glob("geonames-*.pickle")) == ["names.pickle",
                                                                                            "places.pickle"]
    reloaded = geonames._load("places", europe), geonames._load("names", europe)
    assert reloaded == built
    small = gz.Gazetteer(geonames.EuropeanPlaces(*built[0]), geonames.PlaceNames(*built[1]), 15000)
    assert small.lies_in("Luxembourg", "LU") and not small.lies_in("Bissen", "LU")  # < 15000
    assert small.lies_in("Busan", "KR") and not small.lies_in("Busan", "LU")  # the world, by name


def test_one_index_serves_extraction_and_reconciliation(g):
    """The places extraction turns into patterns are the gazetteer's, field for field."""
    places = geonames.european_places()
    assert len(places) >= len(g) > 50_000
    row = places.name.index("Jülich")
    assert places.country_code[row] == "DE" and g.canonical("Julich", "DE") == places.name[row]
    assert row in geonames.place_names().european["julich"]


def test_config_without_countries_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "lexicon" / "places").mkdir(parents=True)
    (tmp_path / "lexicon" / "places" / "common.yaml").write_text("country_code_aliases: {}\n")
    monkeypatch.setenv("AIFACTS_CONFIG_DIR", str(tmp_path))
    geonames.places_config.cache_clear()
    try:
        with pytest.raises(GeoNamesError, match="european_countries"):
            geonames.places_config()
    finally:
        monkeypatch.delenv("AIFACTS_CONFIG_DIR")
        geonames.places_config.cache_clear()
