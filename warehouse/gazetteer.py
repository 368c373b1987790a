"""GeoNames places for checking and repairing (city, country) pairs.

Reconciliation asks three questions of a place name: does it lie in the stated country,
what is its usual local spelling there, and, when it does not lie there, which of that
country's places sounds like it (a garbled "Busan" for Luxembourg's "Bissen"). The places
and their names come from the one GeoNames index (`common/geonames.py`), which extraction
reads too; the gazetteer only asks it, above a population threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from rapidfuzz import fuzz, process

from common.geonames import EuropeanPlaces, PlaceNames, european_places, place_names, places_config
from common.text import fold_place


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    ascii_name: str
    country_code: str
    population: int
    geonameid: int


def normalise_cc(cc: str | None) -> str | None:
    if not cc:
        return None
    cc = cc.strip().upper()
    return (places_config().get("country_code_aliases") or {}).get(cc, cc)


class Gazetteer:
    """European places of at least `min_population` people in full, the world's place names
    by country, as the GeoNames index holds them."""

    def __init__(self, places: EuropeanPlaces, names: PlaceNames, min_population: int = 500):
        self._name, self._ascii, self._cc = places.name, places.ascii_name, places.country_code
        self._pop, self._gid = places.population, places.geonameid
        self._names, self._world = names.european, names.world
        self.min_population = min_population
        self._by_country: dict[str, list[int]] | None = None
        self._phonetic: dict[str, tuple[list[str], list[tuple[str, str, str]]]] = {}

    def __len__(self) -> int:
        return sum(1 for p in self._pop if p >= self.min_population)

    def _place(self, i: int) -> Place:
        return Place(self._name[i], self._ascii[i], self._cc[i], self._pop[i], self._gid[i])

    def _rows(self, key: str) -> list[int]:
        """The European places indexed under `key`, above the threshold, in index order."""
        least = self.min_population
        return [i for i in self._names.get(key, ()) if self._pop[i] >= least]

    def places(self, city: str, cc: str | None = None) -> list[Place]:
        """European places called `city` (any indexed spelling), most populous first,
        places whose own name is the query before those known by an alternate name."""
        key = fold_place(city or "")
        want = normalise_cc(cc)
        hits = [i for i in self._rows(key) if want is None or self._cc[i] == want]
        hits.sort(key=lambda i: (fold_place(self._name[i]) != key and fold_place(self._ascii[i]) != key,
                                 -self._pop[i]))
        return [self._place(i) for i in hits]

    def lies_in(self, city: str, cc: str) -> bool:
        want = normalise_cc(cc)
        if not want or not city:
            return False
        if any(self._cc[i] == want for i in self._rows(fold_place(city))):
            return True
        return want in self.countries_of(city)

    def canonical(self, city: str, cc: str) -> str | None:
        """The GeoNames name of the place, i.e. its usual spelling ("Linköping"; for
        capitals GeoNames keeps the English exonym, "Athens")."""
        found = self.places(city, cc)
        return found[0].name if found else None

    def countries_of(self, city: str) -> set[str]:
        key = fold_place(city or "")
        found = {cc for cc, pop in self._world.get(key, ()) if pop >= self.min_population}
        found.update(self._cc[i] for i in self._rows(key))
        return found

    def _country_index(self, cc: str) -> tuple[list[int], list[str], list[tuple[str, str, str]]]:
        if self._by_country is None:
            self._by_country = {}
            for i, code in enumerate(self._cc):
                if self._pop[i] >= self.min_population:
                    self._by_country.setdefault(code, []).append(i)
        idxs = self._by_country.get(cc, [])
        if cc not in self._phonetic:
            folded = [fold_place(self._ascii[i]) for i in idxs]
            codes = [_codes(f) for f in folded]
            self._phonetic[cc] = (folded, codes)
        folded, codes = self._phonetic[cc]
        return idxs, folded, codes

    def phonetic_candidates(self, city: str, cc: str, limit: int = 5) -> list[tuple[str, float]]:
        """Places of `cc` that sound or look like `city`, best first, with a score in 0..1.

        The score averages a spelling similarity (rapidfuzz ratio) with the share of
        phonetic codes (metaphone, NYSIIS, match-rating) that agree; population breaks
        ties, so a town beats a hamlet of the same sound.
        """
        want = normalise_cc(cc)
        query = fold_place(city or "")
        if not want or not query:
            return []
        idxs, folded, codes = self._country_index(want)
        if not idxs:
            return []
        qcodes = _codes(query)
        pool = {pos for _, _, pos in process.extract(query, folded, scorer=fuzz.ratio,
                                                      score_cutoff=50, limit=200)}
        pool.update(pos for pos, c in enumerate(codes)
                    if c[0] == qcodes[0] or c[1] == qcodes[1] or c[2] == qcodes[2])
        scored: dict[str, tuple[float, int]] = {}
        for pos in pool:
            spelling = fuzz.ratio(query, folded[pos]) / 100
            sound = sum(a == b for a, b in zip(qcodes, codes[pos])) / 3
            score = round(0.5 * spelling + 0.5 * sound, 4)
            i = idxs[pos]
            name = self._name[i]
            if name not in scored or (score, self._pop[i]) > scored[name]:
                scored[name] = (score, self._pop[i])
        best = sorted(scored.items(), key=lambda kv: (-kv[1][0], -math.log10(kv[1][1] + 1)))
        return [(name, score) for name, (score, _) in best[:limit]]


def _codes(folded: str) -> tuple[str, str, str]:
    letters = "".join(ch for ch in folded if ch.isalpha() or ch == " ")
    if not letters.strip():
        return ("\0", "\0", "\0")
    return (jellyfish.metaphone(letters), jellyfish.nysiis(letters), jellyfish.match_rating_codex(letters))


@lru_cache(maxsize=4)
def load_gazetteer(min_population: int = 500) -> Gazetteer:
    """The gazetteer of places with at least `min_population` inhabitants (GeoNames)."""
    return Gazetteer(european_places(), place_names(), min_population)
