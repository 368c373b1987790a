"""Cities and countries in text: the `aifacts_places` spaCy component.

Countries come from CLDR (babel) in the document's language plus the word lists in
`configs/lexicon/places/<lang>.yaml` (other names, demonyms and adjectives, and
suffix rules that generate their inflected forms). Cities come from the GeoNames
index (`common/geonames.py`): every place of the European countries listed in `common.yaml`
above a population threshold, plus every city the knowledge base names, whatever its size.

Matching runs one PhraseMatcher over a case- and diacritic-folded copy of the text
(folding keeps every character's offset, so spans map back 1:1). Folding makes
"Linkoping", "LINKÖPING" and "Linköping" one pattern; casing is checked afterwards on
the original text, since a city is a proper name and must be written as one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from common import yaml_files
from common.geonames import european_places, places_config
from common.geonames import clear_caches as clear_geonames_caches
from common.paths import config_dir
from common.text import fold_chars, transliterate_umlauts
from extractors.ext import write_spans
from extractors.spans import doc_text

log = logging.getLogger(__name__)

SPAN_KIND = "place"
# Sentence boundaries and openers: a word right after one of these is capitalised by
# position, not because it is a name.
_WORD = re.compile(r"\w+|[^\w\s]")
_OPENERS = set(".!?:;\n\"“”«»„(•–—|")


class PlacesConfigError(Exception):
    """A places word list or the GeoNames data is unusable; the message names the file."""


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    start: int
    end: int
    text: str
    label: str  # "CITY" | "COUNTRY"
    value: dict[str, Any]
    rule: str


@dataclass
class _Entry:
    """What one folded surface form can mean."""

    countries: dict[str, str] = field(default_factory=dict)  # cc -> rule ("country.name"/...)
    cities: dict[str, tuple[str, int]] = field(default_factory=dict)  # cc -> (name, population)
    form: str = ""  # the form as written in the source (for ALL-CAPS text)
    lower_ok: bool = False  # a lower-case country word (Romance adjectives: "finlandese")
    stop_word: bool = False
    inflected: bool = False  # only ever an inflected form ("Mariboru", "Krakowie"): `form` names the place


# ---------------------------------------------------------------- configuration

def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml_files.parse(fh) or {}
    except FileNotFoundError:
        return {}
    except yaml.YAMLError as exc:
        raise PlacesConfigError(f"{path}: invalid YAML: {exc}") from exc


_LANG_KEYS = {"countries", "demonyms", "name_suffixes", "demonym_suffixes", "city_stop_words",
              "city_never", "scripts", "city_suffixes"}


@lru_cache(maxsize=None)
def language_config(lang: str) -> dict[str, Any]:
    path = config_dir() / "lexicon" / "places" / f"{lang}.yaml"
    data = _read_yaml(path)
    unknown = set(data) - _LANG_KEYS
    if unknown:
        raise PlacesConfigError(f"{path}: unknown keys {sorted(unknown)}")
    if not data:
        log.info("no place word lists for language %r: country names from CLDR only", lang)
    return data


@lru_cache(maxsize=1)
def knowledge_cities() -> tuple[tuple[str, str | None], ...]:
    """(town, country) pairs the knowledge base names (`city` and `sites` fields of any
    list in supercomputers/host_orgs/factories.yaml); absent files are fine."""
    out: set[tuple[str, str | None]] = set()
    for fname in ("supercomputers.yaml", "host_orgs.yaml", "factories.yaml"):
        data = _read_yaml(config_dir() / "knowledge" / fname)
        lists = data.values() if isinstance(data, dict) else [data]
        for items in lists:
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                cc = item.get("country") if isinstance(item.get("country"), str) else None
                towns = [item.get("city"), *(item.get("sites") or [])]
                for town in towns:
                    if isinstance(town, str) and town.strip():
                        out.add((town.strip(), cc.upper() if cc else None))
    return tuple(sorted(out, key=lambda p: (p[0], p[1] or "")))


# ---------------------------------------------------------------- GeoNames cities

def _scripts_of(text: str) -> frozenset[str]:
    found = set()
    for ch in text:
        if not ch.isalpha():
            continue
        o = ord(ch)
        if o < 0x250 or 0x1E00 <= o <= 0x1EFF:
            found.add("latin")
        elif 0x370 <= o <= 0x3FF or 0x1F00 <= o <= 0x1FFF:
            found.add("greek")
        elif 0x400 <= o <= 0x4FF:
            found.add("cyrillic")
        else:
            found.add("other")
    return frozenset(found)


@lru_cache(maxsize=4)
def _city_forms(min_population: int) -> tuple[tuple[str, str, int, bool, tuple[tuple[str, str, frozenset[str]], ...]], ...]:
    """The cities that become patterns, with their usable spellings (language-independent):
    (name, country, population, named by the knowledge base, ((form, folded, scripts), ...))."""
    common = places_config()
    alt_min = int(common.get("alternate_min_population", 50000))
    min_len = int(common.get("alternate_min_length", 4))
    never = frozenset(common.get("alternate_never") or ())
    kb = knowledge_cities()
    kb_pairs = {(" ".join(fold_chars(c).split()), cc) for c, cc in kb}
    kb_names = {k for k, _ in kb_pairs}
    out = []
    eu = european_places()
    for name, ascii_name, cc, pop, alts in zip(eu.name, eu.ascii_name, eu.country_code, eu.population, eu.alternates):
        if pop < min_population:
            # a small place only counts when the knowledge base names it as GeoNames does
            own = {" ".join(fold_chars(f).split()) for f in (name, ascii_name)} & kb_names
            if not any((k, cc) in kb_pairs or (k, None) in kb_pairs for k in own):
                continue
        alts = tuple(a for a in alts if len(a) >= min_len and a not in never)  # the index keeps all name-like ones
        keys = {" ".join(fold_chars(f).split()): f for f in (*alts, ascii_name, name)}
        in_kb = any(k in kb_names and ((k, cc) in kb_pairs or (k, None) in kb_pairs) for k in keys)
        if pop < alt_min and not in_kb:
            keys = {k: f for k, f in keys.items() if f in (name, ascii_name)}
        forms = tuple((f, k, _scripts_of(f)) for k, f in keys.items() if len(k) >= 3)
        out.append((name, cc, pop, in_kb, forms))
    return tuple(out)


# ---------------------------------------------------------------- building the patterns

def _inflect(folded: str, rules: list[dict[str, Any]]) -> list[str]:
    """Apply the first suffix rule whose ending fits (rules and forms are both folded)."""
    for rule in rules or ():
        ending = fold_chars(str(rule.get("ending", "")))
        if folded.endswith(ending) and not any(folded.endswith(fold_chars(e)) for e in rule.get("except", ())):
            stem = folded[: len(folded) - len(ending)] if ending else folded
            return [stem + fold_chars(str(add)) for add in rule.get("add", ())]
    return []


class _Patterns:
    """The matcher of one language and the meaning of each folded form."""

    def __init__(self, lang: str, min_population: int):
        self.lang = lang
        # A private vocabulary without lexical attribute getters and a plain word
        # tokenizer: pattern building is then ~4x faster than through spaCy's tokenizer,
        # and patterns and texts are cut the same way whatever the language.
        self.vocab = Vocab(lex_attr_getters={})
        self.entries: dict[str, _Entry] = {}
        cfg = language_config(lang)
        self._countries(lang, cfg)
        self._cities(cfg, min_population)
        for word in cfg.get("city_stop_words") or ():
            entry = self.entries.get(" ".join(fold_chars(word).split()))
            if entry is not None and entry.countries:
                entry.stop_word = True  # "Polish" opening a sentence may be the verb
        # Forms are looked up as word n-grams in a dict: same result as a PhraseMatcher on
        # these folded words, without building a Doc per pattern (seconds per language).
        self.lookup = {" ".join(_WORD.findall(k)): k for k in self.entries}
        # the first words of forms (most words open none, and are skipped), and the word n-grams
        # some longer form opens with (a reading stops at the first that none does)
        self.first_words = frozenset(k.split(" ", 1)[0] for k in self.lookup)
        self.openings = frozenset(" ".join(k.split(" ")[:j]) for k in self.lookup for j in range(1, k.count(" ") + 1))

    def _add(self, form: str, *, country: str | None = None, rule: str = "",
             city: tuple[str, str, int] | None = None, needs_capital: bool = True,
             stop_word: bool = False, inflections: list[str] | tuple[str, ...] = ()) -> None:
        folded = " ".join(fold_chars(form).split())
        if not folded:
            return
        for variant in (folded, *inflections):
            entry = self.entries.setdefault(variant, _Entry(form=form, inflected=variant != folded))
            if variant == folded:
                entry.inflected = False
            if country:
                entry.countries.setdefault(country, rule)
                entry.lower_ok = entry.lower_ok or not needs_capital
            if city:
                name, cc, pop = city
                if cc not in entry.cities or entry.cities[cc][1] < pop:
                    entry.cities[cc] = (name, pop)
                entry.stop_word = entry.stop_word or stop_word

    def _countries(self, lang: str, cfg: dict[str, Any]) -> None:
        europe = {str(c).upper() for c in places_config()["european_countries"]}
        try:
            territories = Locale.parse(lang).territories
        except (UnknownLocaleError, ValueError):
            log.info("no CLDR country names for language %r: using English", lang)
            territories = Locale("en").territories
        name_rules = cfg.get("name_suffixes") or []
        skip = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}
        for cc, name in territories.items():
            if len(cc) != 2 or not cc.isalpha() or cc in skip:
                continue
            rules = name_rules if cc in europe else []
            self._add(name, country=cc, rule="country.name",
                      inflections=_inflect(fold_chars(name), rules))
        if lang != "en":
            # English names of European countries turn up everywhere ("AI Factory Austria")
            for cc, name in Locale("en").territories.items():
                if cc in europe:
                    self._add(name, country=cc, rule="country.name.en")
        for cc, names in (cfg.get("countries") or {}).items():
            for name in names:
                self._add(name, country=str(cc).upper(), rule="country.name",
                          inflections=_inflect(fold_chars(name), name_rules))
        dem_rules = cfg.get("demonym_suffixes") or []
        for cc, forms in (cfg.get("demonyms") or {}).items():
            for form in forms:
                self._add(form, country=str(cc).upper(), rule="country.demonym",
                          needs_capital=form[:1].isupper(),
                          inflections=_inflect(fold_chars(form), dem_rules))

    def _cities(self, cfg: dict[str, Any], min_population: int) -> None:
        scripts = frozenset(cfg.get("scripts") or ["latin"])
        never = {" ".join(fold_chars(w).split()) for w in cfg.get("city_never") or ()}
        stop = {" ".join(fold_chars(w).split()) for w in cfg.get("city_stop_words") or ()}
        rules = cfg.get("city_suffixes") or []
        for name, cc, pop, in_kb, forms in _city_forms(min_population):
            for form, key, form_scripts in forms:
                if not form_scripts <= scripts | {"latin"}:
                    continue
                if key in never and not in_kb:
                    continue
                extra = _inflect(key, rules)
                umlaut = transliterate_umlauts(form)
                if umlaut != form:
                    extra.append(fold_chars(umlaut))
                self._add(form, city=(name, cc, pop), stop_word=key in stop and not in_kb,
                          inflections=extra)

    def find(self, text: str) -> list[PlaceMatch]:
        if not text:
            return []
        folded = fold_chars(text)
        bounds = [(m.start(), m.end()) for m in _WORD.finditer(folded)]
        if not bounds:
            return []
        words = [folded[a:b] for a, b in bounds]
        lookup, firsts, openings = self.lookup, self.first_words, self.openings
        spans = []
        last = len(words)
        for i, word in enumerate(words):
            if word not in firsts:
                continue
            gram, n = word, 1
            while True:  # every form of 1, 2, ... words from here (the sort below keeps the longest)
                key = lookup.get(gram)
                if key is not None:
                    spans.append((bounds[i][0], bounds[i + n - 1][1], key))
                if i + n >= last or gram not in openings:
                    break
                gram = f"{gram} {words[i + n]}"
                n += 1
        # longest match wins; among equals the earlier one
        spans.sort(key=lambda se: (-(se[1] - se[0]), se[0]))  # (start, end, key)
        taken: list[tuple[int, int]] = []
        out: list[PlaceMatch] = []
        for start, end, key in spans:
            if any(start < te and ts < end for ts, te in taken):
                continue
            entry = self.entries.get(key)
            if entry is None:
                continue
            match = self._judge(text, start, end, entry)
            if match is not None:
                taken.append((start, end))
                out.append(match)
        out.extend(_flags(text))
        out.sort(key=lambda m: m.start)
        return out

    def _judge(self, text: str, start: int, end: int, entry: _Entry) -> PlaceMatch | None:
        surface = text[start:end]
        first = next((c for c in surface if c.isalpha()), "")
        capital = first.isupper()
        if entry.countries and (capital or entry.lower_ok) and not (
                entry.stop_word and not entry.lower_ok and _sentence_initial(text, start)):
            codes = list(entry.countries)
            cc = codes[0]
            value: dict[str, Any] = {"country": " ".join(surface.split()), "country_code": cc,
                                     "country_codes": codes}
            return PlaceMatch(start, end, surface, "COUNTRY", value, entry.countries[cc])
        if not entry.cities or not capital:
            return None
        if entry.stop_word and _sentence_initial(text, start):
            return None
        ranked = sorted(entry.cities.items(), key=lambda kv: -kv[1][1])
        written = entry.form if entry.inflected or (surface.isupper() and len(surface) > 3) else " ".join(surface.split())
        value = {"city": written, "name": ranked[0][1][0], "country_code": ranked[0][0],
                 "country_codes": [cc for cc, _ in ranked]}
        if entry.inflected:
            value["inflected"] = True  # its case ending does what "in" does
        rule = "city.gazetteer" if len(ranked) == 1 else "city.gazetteer.ambiguous"
        return PlaceMatch(start, end, surface, "CITY", value, rule)


# a flag is two regional indicator symbols spelling the country's ISO code ("🇬🇷" = G R)
_FLAG = re.compile("[\U0001F1E6-\U0001F1FF]{2}")
_INDICATOR_A = 0x1F1E6


@lru_cache(maxsize=1)
def _flag_codes() -> frozenset[str]:
    codes = {str(cc) for cc in Locale("en").territories}
    return frozenset(cc for cc in codes if len(cc) == 2 and cc.isalpha()) - {"EU", "UN", "EZ"}


def _flags(text: str) -> list[PlaceMatch]:
    """Flag emoji, as lists of sites in posts and newsletters mark each line's country."""
    if not any(0x1F1E6 <= ord(ch) <= 0x1F1FF for ch in text):
        return []
    out = []
    known = _flag_codes()
    for m in _FLAG.finditer(text):
        cc = "".join(chr(ord(ch) - _INDICATOR_A + ord("A")) for ch in m.group(0))
        if cc in known:
            out.append(PlaceMatch(m.start(), m.end(), m.group(0), "COUNTRY",
                                  {"country": m.group(0), "country_code": cc, "country_codes": [cc]}, "country.flag"))
    return out


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in _OPENERS


_PATTERNS: dict[tuple[str, int], _Patterns] = {}


def place_patterns(lang: str, min_population: int | None = None) -> _Patterns:
    """Built once per language and threshold (about a second)."""
    if min_population is None:
        min_population = int(places_config().get("city_min_population", 15000))
    key = (lang, min_population)
    if key not in _PATTERNS:
        _PATTERNS[key] = _Patterns(lang, min_population)
    return _PATTERNS[key]


def clear_caches() -> None:
    """Forget built patterns and read configs (after the config directory changed)."""
    _PATTERNS.clear()
    clear_geonames_caches()
    for fn in (language_config, knowledge_cities, _city_forms):
        fn.cache_clear()


def find_places(text: str, lang: str) -> list[PlaceMatch]:
    """Cities and countries in `text`, left to right, without overlaps."""
    return place_patterns(lang).find(text)


# ---------------------------------------------------------------- spaCy component

class PlacesComponent:
    """Writes `doc.spans["place"]` (labels CITY and COUNTRY, value in `span._.value`)."""

    def __init__(self, nlp: Language, min_population: int | None):
        self.lang: str = nlp.lang or "xx"
        self.min_population = min_population

    def __call__(self, doc: Doc) -> Doc:
        patterns = place_patterns(self.lang, self.min_population)
        found = patterns.find(doc_text(doc))
        return write_spans(doc, SPAN_KIND, ((m.start, m.end, m.label, m.value, m.rule) for m in found))


@Language.factory("aifacts_places", default_config={"min_population": None},
                  assigns=["doc.spans"])
def make_places(nlp: Language, name: str, min_population: int | None) -> PlacesComponent:
    return PlacesComponent(nlp, min_population)
