"""The scaled corpora of `make bench`: every copy of a source is a new document of its kind.

Extraction keeps annotated blocks by their text (the block cache of `extractors/extract.py`),
so copies that repeat paragraphs measure the cache and not the rules: copies with shuffled
paragraphs and changed digits served 69 % to 94 % of their blocks from it. Here each block
of a copy is drawn anew: the names the knowledge base knows (factories, hosts, machines,
their towns, the host countries in the document's language), month names as CLDR gives
them, years, days and other numbers, phrases of a synonym group, the order of sentences;
a block that would still leave few choices gets a template sentence or a tag around it
(all wording in `configs/bench_templates.yaml`). Copy 0 is the original file, and a copy
depends only on its source, its number and the pools, so the same seed gives the same bytes.

New text, not new facts at random: names move with their country (a factory, its host and
its town go to one other country together) and a figure takes one of a few values across
copies. Drawn independently, every copy told reconciliation a new town and budget for every
factory, and its conflict rows outgrew the writer at 100x.

An original is cut once into literal text and slots and each copy only fills the slots,
so a thousand copies of the dev corpus take seconds. PDFs are laid out by the small writer
at the end of this module around a TrueType subset built once per character set: fpdf2
spends about 100 ms a file loading, measuring and subsetting the font, which at 1000x is
four thousand files.
"""

from __future__ import annotations

import html
import io
import math
import random
import re
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import yaml

from sources.settings import load_config

ENTITY_KINDS = ("host", "factory", "machine", "country", "city")  # first wins when a form is shared
COPY_DIR = "c{k:05d}"


class CorpusError(RuntimeError):
    """A scaled corpus could not be built; the message names the file and the problem."""


# ---------------------------------------------------------------- what copies draw from

@dataclass(frozen=True, slots=True)
class Entity:
    """Something the texts name, with the forms a copy may write for it."""

    kind: str
    key: str
    name: str
    short: str | None = None
    demonyms: tuple[str, ...] = ()
    country: str | None = None  # ISO code: where the knowledge base puts it
    town: str | None = None  # a host's or machine's town


@dataclass(frozen=True)
class Pools:
    """The values a copy draws: narrowing them (tests) shows where a copy's values come from."""

    entities: dict[str, tuple[Entity, ...]]
    months: tuple[int, ...] = tuple(range(1, 13))
    years: tuple[int, int] = (2023, 2031)
    days: tuple[int, int] = (1, 28)
    amounts: tuple[int, int] = (6, 940)
    counts: tuple[int, int] = (3, 19)
    variants: int = 4  # values one figure of an original takes across copies
    drawn: dict = field(default_factory=dict, repr=False, compare=False)  # (slot, variant) -> value


@dataclass(frozen=True)
class Phrasing:
    """One language's wording: how its amounts and dates are written, its template
    sentences, the tags a name-less line or row gets, and its synonym groups."""

    amount: str
    date: str
    month_year: str
    sentences: tuple[str, ...]
    tags: dict[str, tuple[str, ...]]
    synonyms: tuple[tuple[str, ...], ...]


def templates() -> dict[str, Any]:
    """configs/bench_templates.yaml (read once per process by `load_config`)."""
    return load_config("bench_templates.yaml")


def _lang(lang: str | None) -> str:
    return (lang or "en").lower().replace("-", "_").split("_")[0]


@lru_cache(maxsize=None)
def phrasing(lang: str) -> Phrasing:
    """The language's own entry, else `default`: a language nobody wrote templates for
    still gets tags, never another language's sentences."""
    langs = templates()["languages"]
    raw = {**langs["default"], **(langs.get(_lang(lang)) or {})}
    return Phrasing(amount=raw["amount"], date=raw["date"], month_year=raw["month_year"],
                    sentences=tuple(raw.get("sentences") or ()),
                    tags={k: tuple(v) for k, v in raw["tags"].items()},
                    synonyms=tuple(tuple(g) for g in raw.get("synonyms") or ()))


def _country_names(lang: str) -> dict[str, str]:
    """CLDR's names of the territories in `lang` (English when babel lacks the language),
    as the place lexicons take them."""
    from babel import Locale, UnknownLocaleError

    try:
        return dict(Locale.parse(lang).territories)
    except (UnknownLocaleError, ValueError, TypeError):
        return dict(Locale.parse("en").territories)


def _places(lang: str) -> dict[str, Any]:
    try:
        return load_config(f"lexicon/places/{lang}.yaml")
    except (OSError, ValueError):
        return {}


@lru_cache(maxsize=None)
def known_entities(lang: str) -> dict[str, dict[str, Entity]]:
    """kind -> key -> Entity: factories, host organisations (not the funding agencies),
    supercomputers and their towns from configs/knowledge/, the host countries by their
    CLDR name in `lang` with the demonyms of the place lexicon."""
    lang = _lang(lang)
    out: dict[str, dict[str, Entity]] = {k: {} for k in ENTITY_KINDS}
    for f in load_config("knowledge/factories.yaml")["factories"]:
        out["factory"][f["key"]] = Entity("factory", f["key"], f["name"], _factory_short(f), country=f.get("country"))
    hosts = [o for o in load_config("knowledge/host_orgs.yaml")["host_orgs"] if o.get("role") != "agency"]
    machines = load_config("knowledge/supercomputers.yaml")["supercomputers"]
    towns: dict[str, str] = {}
    for o in hosts:
        out["host"][o["name"]] = Entity("host", o["name"], o["name"], o.get("short"), country=o.get("country"),
                                        town=o.get("city"))
        towns.update({t: o["country"] for t in (o.get("city"), *(o.get("sites") or [])) if t and t not in towns})
    for m in machines:
        out["machine"][m["name"]] = Entity("machine", m["name"], m["name"], country=m.get("country"),
                                           town=m.get("city"))
        towns.setdefault(m.get("city"), m.get("country"))
    for town in sorted(t for t in towns if t):
        out["city"][town] = Entity("city", town, town, country=towns[town])
    names = _country_names(lang)
    demonyms = _places(lang).get("demonyms") or {}
    for code in load_config("knowledge/waves.yaml")["host_countries"]:
        if names.get(code):
            out["country"][code] = Entity("country", code, names[code], None, tuple(demonyms.get(code) or ()), code)
    return out


def _factory_short(f: dict) -> str:
    """The key when texts write it, else the shortest Latin alias ("Φάρος" would be Greek
    in a German text)."""
    forms = [f["name"], *(f.get("aliases") or [])]
    if f["key"] in forms:
        return f["key"]
    latin = [a for a in forms if all(ord(c) < 0x370 for c in a)] or forms
    return min(latin, key=len)


@lru_cache(maxsize=None)
def default_pools(lang: str) -> Pools:
    """Every known entity and the ranges of configs/bench_templates.yaml."""
    values = templates()["values"]
    entities = {kind: tuple(table.values()) for kind, table in known_entities(lang).items()}
    return Pools(entities=entities, years=tuple(values["years"]), days=tuple(values["days"]),
                 amounts=tuple(values["amount_millions"]), counts=tuple(values["counts"]),
                 variants=int(values["variants"]))


@lru_cache(maxsize=None)
def month_names(lang: str) -> dict[str, tuple[str, ...]]:
    """context ("format", "stand-alone") -> the twelve wide month names CLDR gives `lang`
    (the date lexicons read theirs from CLDR too; English when babel lacks the language)."""
    from babel import Locale, UnknownLocaleError

    try:
        loc = Locale.parse(_lang(lang))
    except (UnknownLocaleError, ValueError, TypeError):
        loc = Locale.parse("en")
    return {ctx: tuple(str(loc.months[ctx]["wide"][m]) for m in range(1, 13))
            for ctx in ("format", "stand-alone")}


# ---------------------------------------------------------------- cutting text into slots
#
# A piece is a literal str or a slot tuple whose first item says what to draw:

ENT, NDATE, MONTH, DAY, SYN, YEAR, NUM = range(7)
_YEAR_RE = r"(?:199\d|20[0-4]\d)"
_NDATE = (r"(?<![\w.,/])(?:(?P<nd>\d{1,2})(?P<ns1>[./])(?P<nm>\d{1,2})(?P<ns2>[./])(?P<ny>(?:19|20)\d\d)"
          r"|(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d))(?![\w]|[./]\d)")


def _capitalised(s: str) -> str:
    return s[:1].upper() + s[1:]


@dataclass(frozen=True)
class _Matcher:
    """One language's pattern of everything a copy redraws, and what each match stands for."""

    lang: str
    pattern: re.Pattern[str]
    entities: dict[str, tuple]
    months: dict[str, tuple]
    synonyms: dict[str, tuple]
    country_bits: float  # choices of the country a name moves to, in bits


def _entity_forms(lang: str) -> dict[str, tuple]:
    """Every written form of a known entity -> its slot; the first kind of ENTITY_KINDS
    keeps a form two kinds share ("Barcelona Supercomputing Center": the host)."""
    forms: dict[str, tuple] = {}
    for kind in ENTITY_KINDS:
        for e in known_entities(lang)[kind].values():
            for surface, form in _forms_of(e, lang):
                if form == "placed" and forms.get(surface, (None, kind))[1] == kind:
                    forms[surface] = (ENT, kind, e.key, form, e.country)
                else:
                    forms.setdefault(surface, (ENT, kind, e.key, form, e.country))
    return forms


def _forms_of(e: Entity, lang: str) -> Iterator[tuple[str, str | int]]:
    """(surface, form) pairs: an acronym is rewritten as the drawn entity's acronym, a
    demonym (its index in the lexicon's list, so "finnisch" stays an adjective) as its
    demonym, any other form as its name."""
    if e.short:
        yield e.short, "short"
    yield e.name, "name"
    if e.kind == "factory":
        for f in load_config("knowledge/factories.yaml")["factories"]:
            if f["key"] == e.key:
                yield from ((a, "short" if " " not in a and len(a) <= 8 and a != e.name else "name")
                            for a in f.get("aliases") or [])
    elif e.kind in ("host", "machine"):
        file, field = ("host_orgs.yaml", "host_orgs") if e.kind == "host" else ("supercomputers.yaml", "supercomputers")
        for o in load_config(f"knowledge/{file}")[field]:
            if o["name"] == e.key:
                yield from ((a, "name") for a in o.get("aliases") or [])
    if e.kind == "host":  # after the others: the form kept for the name is "placed" when it names a town
        yield from ((f, "placed") for f in (e.name, *_host_aliases(e.key)) if _names_town(f, lang))
    elif e.kind == "country":
        yield from ((a, "name") for a in (_places(lang).get("countries") or {}).get(e.key) or [])
        yield from ((d, i) for i, d in enumerate(e.demonyms))


def _host_aliases(key: str) -> list[str]:
    return next((o.get("aliases") or [] for o in load_config("knowledge/host_orgs.yaml")["host_orgs"]
                 if o["name"] == key), [])


@lru_cache(maxsize=None)
def _names_town(name: str, lang: str) -> bool:
    """Whether the extractors' place finder sees a town in `name` ("Sofia Tech Park")."""
    from extractors.places import find_places

    return any(p.label == "CITY" for p in find_places(name, lang))


def _month_forms(lang: str) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for ctx, names in month_names(lang).items():
        for name in names:
            for form in {name, _capitalised(name), name.replace("’", "'")}:
                out.setdefault(form, (MONTH, ctx, form[:1].isupper() and not name[:1].isupper()))
    return out


def _synonym_forms(lang: str) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for g, group in enumerate(phrasing(lang).synonyms):
        for phrase in group:
            out.setdefault(phrase, (SYN, g, False))
            out.setdefault(_capitalised(phrase), (SYN, g, _capitalised(phrase) != phrase))
    return out


def _alternation(forms: Sequence[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


@lru_cache(maxsize=None)
def _matcher(lang: str) -> _Matcher:
    """Numeric dates first, then names (longest form first), month names with the day
    beside them, synonyms, years, other numbers: a number inside a name stays the name's."""
    lang = _lang(lang)
    entities, months, synonyms = _entity_forms(lang), _month_forms(lang), _synonym_forms(lang)
    parts = [_NDATE, rf"(?<![\w])(?P<ent>{_alternation(list(entities))})(?![\w])"]
    if months:
        parts.append(rf"(?:(?P<day>(?<![\w.,])\d{{1,2}})(?P<dgap>(?:\.|st|nd|rd|th)?\s+(?:of\s+)?))?"
                     rf"(?<![\w])(?P<mon>{_alternation(list(months))})(?![\w])"
                     rf"(?:(?P<mgap>\s+)(?P<mday>\d{{1,2}})(?![\w]|[.,]\d))?")
    if synonyms:
        parts.append(rf"(?<![\w])(?P<syn>{_alternation(list(synonyms))})(?![\w])")
    parts.append(rf"(?<![\w.,])(?P<year>{_YEAR_RE})(?![\w]|[.,]\d)")
    parts.append(r"(?<![\w.,])(?P<num>\d+(?:[.,]\d+)*)(?![\w])")
    factory_countries = {e.country for e in known_entities(lang)["factory"].values()}
    return _Matcher(lang, re.compile("|".join(parts)), entities, months, synonyms,
                    math.log2(max(2, len(factory_countries))))


def _number_shape(digits: str) -> tuple:
    """Runs of digits (by length) and the separators between them: "1,500" -> (1, ",", 3)."""
    return tuple(len(p) if p.isdigit() else p for p in re.split(r"(\d+)", digits) if p)


def _number(shape: tuple, rng: random.Random) -> str:
    """Digits drawn in `shape`: as many digits per run, the first never 0 ("1,500" -> "7,093")."""
    out = []
    first = True
    for run in shape:
        if run.__class__ is str:
            out.append(run)
        elif first:
            out.append(str(rng.randrange(10 ** (run - 1) if run > 1 else 1, 10 ** run)))
            first = False
        else:
            out.append(str(rng.randrange(10 ** run)).zfill(run))
    return "".join(out)


def _slots(m: re.Match[str], matcher: _Matcher) -> list:
    g = m.group
    if g("nd") or g("iy"):
        order = "dmy" if g("nd") else "ymd"
        year = int(g("ny") or g("iy"))
        seps = (g("ns1"), g("ns2")) if order == "dmy" else ("-", "-")
        widths = (len(g("nd")), len(g("nm"))) if order == "dmy" else (2, 2)
        return [(NDATE, order, seps, widths, year, m.group(0))]
    if g("ent"):
        return [matcher.entities[g("ent")]]
    if g("mon"):
        out: list = []
        if g("day"):
            out += [(DAY, len(g("day")), m.group(0)), g("dgap")]
        out.append(matcher.months[g("mon")] + (m.group(0),))
        if g("mday"):
            out += [g("mgap"), (DAY, len(g("mday")), m.group(0))]
        return out
    if g("syn"):
        return [matcher.synonyms[g("syn")]]
    if g("year"):
        return [(YEAR, int(g("year")))]
    return [(NUM, _number_shape(g("num")), g("num"))]


def _pieces(text: str, matcher: _Matcher) -> list:
    """`text` as literals and slots: what the pattern finds, and the towns and countries
    the extractors' place finder sees besides ("Wien", "Bolonya", "Finnlands")."""
    spans = [(m.start(), m.end(), _slots(m, matcher)) for m in matcher.pattern.finditer(text)]
    spans = sorted(spans + _place_spans(text, matcher.lang, spans), key=lambda s: s[0])
    out: list = []
    last = 0
    for start, end, slots in spans:
        if start > last:
            out.append(text[last:start])
        out.extend(slots)
        last = end
    if last < len(text):
        out.append(text[last:])
    return out


def _place_spans(text: str, lang: str, taken: list[tuple[int, int, list]]) -> list[tuple[int, int, list]]:
    """Places the knowledge base does not name: left as they were, they would stay in
    their country while the factory beside them moves to another, and every copy would
    give reconciliation a town that does not lie in the factory's country."""
    from extractors.places import find_places

    countries = known_entities(lang)["country"]
    out = []
    for p in find_places(text, lang):
        if any(s < p.end and p.start < e for s, e, _ in taken):
            continue
        code = p.value.get("country_code")
        if p.label == "CITY" and code:
            out.append((p.start, p.end, [(ENT, "city", p.value.get("name") or p.text, "name", code)]))
        elif p.label == "COUNTRY" and code in countries:
            out.append((p.start, p.end, [(ENT, "country", code, "name", code)]))
    return out


def _bits(pieces: list, matcher: _Matcher, lang: str) -> float:
    """How many ways a copy may write these pieces, in bits: an estimate. Names move with
    their country (see `_Copy`), so a name counts the country's choices once per country
    and a bit for each further name of that country."""
    values = templates()["values"]
    years = math.log2(values["years"][1] - values["years"][0] + 1)
    variants = math.log2(values["variants"])  # a figure, a day, a month: one of a few per original
    total = 0.0
    countries: set[str | None] = set()
    for p in pieces:
        if p.__class__ is str:
            continue
        code = p[0]
        if code == ENT:
            total += 1.0 if p[4] in countries else matcher.country_bits
            countries.add(p[4])
        elif code == NDATE:
            total += 2 * variants + years
        elif code in (MONTH, DAY, NUM):
            total += variants
        elif code == SYN:
            total += math.log2(len(phrasing(lang).synonyms[p[1]]))
        elif code == YEAR:
            total += years
    return total


_SENTENCE_GAP = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"”»’)]))\s+(?=[\"„“«(¿¡]*[A-ZÀ-ÖØ-ÞΆΈ-ΏΑ-Ω])")


def _sentences(text: str) -> list[str]:
    """Sentences, not cut after an abbreviation, an initial or a day number ("am 2. März")."""
    abbreviations = _abbreviations()
    out: list[str] = []
    start = 0
    for m in _SENTENCE_GAP.finditer(text):
        before = text[start:m.start()].rsplit(None, 1)
        word = before[-1].rstrip(".").lstrip("(\"'„“«") if before else ""
        if text[m.start() - 1] == "." and (word in abbreviations or (len(word) == 1 and word.isalpha())
                                           or (word.isdigit() and len(word) <= 2)):
            continue
        out.append(text[start:m.start()])
        start = m.end()
    out.append(text[start:])
    return [s for s in out if s]


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(templates().get("abbreviations") or ())


def _is_prose(text: str) -> bool:
    """Paragraph-like text, whose sentences may be shuffled and which may gain a sentence;
    a shorter line (a heading, a dateline, a label) gets a tag instead."""
    return len(text) >= 60 and (text.rstrip()[-1:] in ".!?…:;\"”»)" or len(text.split()) >= 12)


# ---------------------------------------------------------------- units: the blocks of a skeleton

@dataclass(slots=True)
class Unit:
    """One block of an original, cut into pieces. Prose is a list of sentences (shuffled in
    a copy); other units are segments with the literal text around and between them (the
    cells of a row, the runs of text between inline tags)."""

    parts: list[list]
    seps: list[str]
    prose: bool
    remedy: str  # what a block with too few choices gets: "sentence", "line", "cell" or "none"
    bits: float
    escape: bool = False  # HTML text: written back escaped


def _prose_unit(text: str, matcher: _Matcher, lang: str, before: str = "", after: str = "",
                escape: bool = False) -> Unit:
    sentences = [_pieces(s, matcher) for s in _sentences(text)]
    bits = sum(_bits(s, matcher, lang) for s in sentences) + math.log2(math.factorial(len(sentences)))
    return Unit(sentences, [before, after], True, "sentence", bits, escape)


def _segments_unit(texts: list[str], seps: list[str], remedy: str, matcher: _Matcher, lang: str,
                   escape: bool = False) -> Unit:
    parts = [_pieces(t, matcher) for t in texts]
    return Unit(parts, seps, False, remedy, sum(_bits(p, matcher, lang) for p in parts), escape)


def text_unit(text: str, lang: str, remedy: str = "line", before: str = "", after: str = "",
              escape: bool = False) -> Unit:
    """A block of running text: prose when it reads as a paragraph, else one segment."""
    matcher = _matcher(lang)
    if remedy in ("line", "sentence") and _is_prose(text):
        return _prose_unit(text, matcher, lang, before, after, escape)
    return _segments_unit([text], [before, after], "line" if remedy == "sentence" else remedy,
                          matcher, lang, escape)


# ---------------------------------------------------------------- one copy: filling the slots

_SLOT = re.compile(r"\{(\w+)\}")


class _Copy:
    """One copy being written: its random stream, the names and years it drew (a name is
    written the same way throughout a copy), its language's wording.

    Names move by country: a copy permutes the countries (those with a factory among
    themselves), and a factory, host, machine or town is replaced by one of the country
    its own country went to. A copy then tells of Pharos, GRNET and Athens together, as
    the knowledge base does, and the warehouse meets the factories' known sites again
    instead of a new disagreement about every factory in every copy (independent draws
    gave six times the factory values of the old copies at 10x and outgrew the writer's
    memory at 100x)."""

    def __init__(self, rng: random.Random, lang: str, pools: Pools) -> None:
        self.rng = rng
        self.lang = _lang(lang)
        self.pools = pools
        self.words = phrasing(self.lang)
        self.months = month_names(self.lang)
        self.variety = templates()["variety"]
        self.targets: dict[tuple[str, str], Entity] = {}
        self.used: dict[str, set[str]] = {}
        self.years: dict[int, int] = {}
        self.countries: dict[str, str] | None = None  # original country -> the copy's
        self.recent: list[Entity] = []  # the names written in the unit being written

    # units
    def render(self, unit: Unit) -> str:
        if unit.prose:
            return unit.seps[0] + self._prose(unit) + unit.seps[1]
        texts = self.segments(unit)
        out = [unit.seps[0]]
        for text, sep in zip(texts, unit.seps[1:]):
            out += [text, sep]
        return "".join(out)

    def segments(self, unit: Unit) -> list[str]:
        """The unit's segments written for this copy (a row: its cells)."""
        self.recent = []
        texts = [self.pieces(p) for p in unit.parts]
        if unit.bits < self.variety["min_bits"] and unit.remedy != "none" and texts:
            self._remedy(unit.remedy, texts)
        if unit.escape:
            texts = [html.escape(t, quote=False) for t in texts]
        return texts

    def _prose(self, unit: Unit) -> str:
        self.recent = []
        sentences = [self.pieces(s) for s in unit.parts]
        if len(sentences) > 1:
            self.rng.shuffle(sentences)
        if (unit.bits < self.variety["min_bits"] or self.rng.random() < self.variety["insert_probability"]):
            if self.words.sentences:
                sentences.insert(self.rng.randint(0, len(sentences)), self.fill(self.rng.choice(self.words.sentences)))
            elif unit.bits < self.variety["min_bits"]:
                self._remedy("line", sentences)
        text = " ".join(sentences)
        return html.escape(text, quote=False) if unit.escape else text

    def _remedy(self, remedy: str, texts: list[str]) -> None:
        """A sentence after the last segment, a tag around the longest one, or in a row a
        tag after its last cell ("cell" tags follow the text: a caption's "Table 2:" stays
        first, and a row's place and factory cells stay as the extractors read them)."""
        if remedy == "sentence" and self.words.sentences:
            i = len(texts) - 1
            texts[i] = texts[i].rstrip() + " " + self.fill(self.rng.choice(self.words.sentences))
            return
        kind = "cell" if remedy == "cell" else "line"
        if kind == "cell":
            i = max((j for j, t in enumerate(texts) if t.strip()), default=len(texts) - 1)
        else:
            i = max(range(len(texts)), key=lambda j: len(texts[j]))
        texts[i] = self.fill(self.rng.choice(self.words.tags[kind]), texts[i].strip())

    # pieces
    def pieces(self, pieces: list) -> str:
        return "".join(p if p.__class__ is str else self._slot(p) for p in pieces)

    def _slot(self, p: tuple) -> str:
        code = p[0]
        if code == ENT:
            return self._entity(p[1], p[2], p[3], p[4])
        if code == YEAR:
            return str(self._year(p[1]))
        if code == NUM:
            return self.pick(f"n{p[2]}", lambda r: _number(p[1], r))
        if code == DAY:
            return str(self.pick(f"d{p[2]}", lambda r: r.randint(*self.pools.days))).zfill(p[1])
        if code == MONTH:
            name = self.months[p[1]][self.pick(f"m{p[3]}", lambda r: r.choice(self.pools.months)) - 1]
            return _capitalised(name) if p[2] else name
        if code == SYN:
            word = self.rng.choice(self.words.synonyms[p[1]])
            return _capitalised(word) if p[2] else word
        return self._numeric_date(p)

    def _entity(self, kind: str, key: str, form: str | int, country: str | None) -> str:
        target = self.targets.get((kind, key))
        if target is None:
            target = self.targets[(kind, key)] = self._draw(kind, country)
        self.recent.append(target)
        if form == "short":
            return target.short or target.name
        if form == "placed" and not _names_town(target.name, self.lang):
            # where the original's name carried its town (a "site" column: "Sofia Tech Park"),
            # so does the copy's, or the extractors would read "IZUM" as a town
            towns = [e.name for e in self.pools.entities["city"] if e.country == target.country]
            town = target.town if target.town in towns else next(iter(towns), None)
            return f"{target.name}, {town}" if town else target.name
        if isinstance(form, int):
            return target.demonyms[min(form, len(target.demonyms) - 1)] if target.demonyms else target.name
        return target.name

    def _draw(self, kind: str, country: str | None) -> Entity:
        """An entity of the pool in the country the original's (`country`) went to, not
        drawn yet in this copy if there is one (so seven factories stay seven)."""
        home = self._country(country) if country else None
        pool = self.pools.entities[kind]
        used = self.used.setdefault(kind, set())
        local = [e for e in pool if e.country == home]
        fresh = [e for e in local if e.key not in used] or local or \
            [e for e in pool if e.key not in used] or list(pool)
        chosen = self.rng.choice(fresh)
        used.add(chosen.key)
        return chosen

    def _country(self, code: str) -> str:
        if self.countries is None:
            self.countries = self._permutation()
        if code not in self.countries:  # a country the pools lack
            self.countries[code] = self.rng.choice([e.key for e in self.pools.entities["country"]])
        return self.countries[code]

    def _permutation(self) -> dict[str, str]:
        with_factory = {e.country for e in self.pools.entities["factory"]}
        out: dict[str, str] = {}
        for group in ([e.key for e in self.pools.entities["country"] if e.key in with_factory],
                      [e.key for e in self.pools.entities["country"] if e.key not in with_factory]):
            drawn = group[:]
            self.rng.shuffle(drawn)
            out.update(zip(group, drawn))
        return out

    def _year(self, original: int | None = None) -> int:
        if original is None:
            return self.rng.randint(*self.pools.years)
        year = self.years.get(original)
        if year is None:
            year = self.years[original] = self.rng.randint(*self.pools.years)
        return year

    def pick(self, slot: str, make: Callable[[random.Random], Any]) -> Any:
        """One of the few values (`Pools.variants`) that `slot`, a figure or date of an
        original or a factory's template amount, takes across all copies: sources that
        disagree do so among a few figures, and a value drawn anew in every copy gave
        reconciliation hundreds of candidates per factory (its conflict rows outgrew the
        writer's memory at 100x). The copy draws which one; the value is drawn once."""
        key = (slot, self.rng.randrange(self.pools.variants))
        value = self.pools.drawn.get(key)
        if value is None:
            value = self.pools.drawn[key] = make(random.Random(f"{key[0]}:{key[1]}"))
        return value

    def _numeric_date(self, p: tuple) -> str:
        _, order, seps, widths, year, text = p
        d, m = self.pick(f"nd{text}", lambda r: (r.randint(*self.pools.days), r.choice(self.pools.months)))
        day, month = str(d).zfill(widths[0]), str(m).zfill(widths[1])
        y = str(self._year(year))
        return f"{day}{seps[0]}{month}{seps[1]}{y}" if order == "dmy" else f"{y}-{month}-{day}"

    # templates
    def fill(self, template: str, text: str = "") -> str:
        """A template of configs/bench_templates.yaml with its slots drawn, its names all
        of the country of the last name the block wrote (else of a factory's): a tag on a
        table row about Barcelona names no town in Austria, which the extractors would
        give the row's factory."""
        anchor = next((e.country for e in reversed(self.recent) if e.country), None)
        factory = self._mentioned("factory", anchor)
        country = factory.country  # the anchor's, unless no factory of the pool lies there
        return _SLOT.sub(lambda m: self._value(m.group(1), text, factory, country), template)

    def _value(self, name: str, text: str, factory: Entity, country: str | None) -> str:
        if name == "text":
            return text
        if name == "factory":
            return factory.name
        if name in ENTITY_KINDS:
            return self._mentioned(name, country).name
        if name == "amount":
            return self.words.amount.format(n=self.pick(f"a{factory.key}", lambda r: r.randint(*self.pools.amounts)))
        if name in ("date", "month_year"):
            # a sentence's date is a fact about its factory: one of a few; a tag's is only wording
            day, month, year = self._date(self.rng) if text else self.pick(f"t{factory.key}", self._date)
            if name == "date":
                return self.words.date.format(day=day, month=self.months["format"][month - 1], year=year)
            return self.words.month_year.format(month=self.months["stand-alone"][month - 1], year=year)
        if name == "year":
            return str(self._year())
        if name == "count":
            return str(self.rng.randint(*self.pools.counts))
        raise CorpusError(f"configs/bench_templates.yaml: unknown slot {{{name}}}")

    def _date(self, r: random.Random) -> tuple[int, int, int]:
        return r.randint(*self.pools.days), r.choice(self.pools.months), r.randint(*self.pools.years)

    def _mentioned(self, kind: str, country: str | None) -> Entity:
        """Mostly a name the copy already wrote, so an added sentence is about the text's
        factory; of `country` when the pool has one there."""
        pool = [e for e in self.pools.entities[kind] if country is None or e.country == country] or \
            list(self.pools.entities[kind])
        drawn = [e for (k, _), e in self.targets.items() if k == kind and e in pool]
        if drawn and self.rng.random() < 0.6:
            return self.rng.choice(drawn)
        return self.rng.choice(pool)


# ---------------------------------------------------------------- skeletons per kind of source

Skeleton = list  # literal str and Unit items, in document order


def _render(skeleton: Skeleton, copy: _Copy) -> str:
    return "".join(x if x.__class__ is str else copy.render(x) for x in skeleton)


@lru_cache(maxsize=1)
def _bullet_re() -> re.Pattern[str]:
    bullets = load_config("ingest.yaml")["text"]["bullets"]
    return re.compile(rf"^(\s*(?:(?:{'|'.join(re.escape(b) for b in bullets)})|\d{{1,2}}[.)])\s+)(\S.*)$")


_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_PIPE = re.compile(r"(\s*\|\s*)")


def _pipe_rows(lines: list[str]) -> set[int]:
    """Lines of pipe tables: runs of two or more non-blank lines that all hold a pipe."""
    rows: set[int] = set()
    run: list[int] = []
    for i, line in enumerate(lines + [""]):
        if line.strip() and "|" in line:
            run.append(i)
            continue
        if len(run) >= 2:
            rows.update(run)
        run = []
    return rows


def text_skeleton(text: str, lang: str) -> Skeleton:
    """A plain text line by line (its paragraphs are lines): pipe rows by cell, bullets
    after their marker, the rest as prose or lines."""
    lines = text.split("\n")
    rows = _pipe_rows(lines)
    out: Skeleton = []
    for i, line in enumerate(lines):
        if i:
            out.append("\n")
        row = "none" if i in rows and i - 1 not in rows else "cell" if i in rows else None
        out.extend(_text_line(line, row, lang))
    return out


def _text_line(line: str, row: str | None, lang: str) -> Skeleton:
    """`row`: the remedy of a pipe row ("none" for a table's first row, its header), or None."""
    core = line.strip()
    if not core or _SEPARATOR_ROW.match(line):
        return [line]
    lead, trail = line[:len(line) - len(line.lstrip())], line[len(line.rstrip()):]
    if row:
        bits = _PIPE.split(core)
        return [lead, _segments_unit(bits[0::2], [""] + bits[1::2] + [""], row, _matcher(lang), lang), trail]
    bullet = _bullet_re().match(core)
    if bullet:
        return [lead + bullet.group(1), text_unit(bullet.group(2), lang), trail]
    return [lead, text_unit(core, lang), trail]


_REGION = re.compile(r"<(main|article)\b.*?</\1\s*>", re.S | re.I)
_BODY = re.compile(r"<body\b.*?</body\s*>", re.S | re.I)
_TITLE = re.compile(r"(<title\b[^>]*>)(.*?)(</title\s*>)", re.S | re.I)
_TOKENS = re.compile(r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>)", re.S | re.I)
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def html_skeleton(page: str, lang: str) -> Skeleton:
    """The page's own content (its <main> or <article>, else its body) rewritten block by
    block; everything around it, the boilerplate the reader drops, stays byte for byte."""
    region = _REGION.search(page) or _BODY.search(page)
    if region is None:
        return [page]
    head = page[:region.start()]
    out: Skeleton = []
    title = _TITLE.search(head)
    if title:
        text = html.unescape(title.group(2)).strip()
        out += [head[:title.start()] + title.group(1),
                _segments_unit([text], ["", ""], "none", _matcher(lang), lang, escape=True),
                title.group(3) + head[title.end():]]
    else:
        out.append(head)
    out += _html_region(region.group(0), lang)
    out.append(page[region.end():])
    return out


def _html_region(region: str, lang: str) -> Skeleton:
    """Text between block tags is one block, as the reader sees it; inside a table row,
    the cells' tags stay inside the row's unit, so a row has its choices counted whole."""
    from sources.html import BLOCK_TAGS

    dropped = set(load_config("html_boilerplate.yaml")["drop_tags"])
    out: Skeleton = []
    group: list[tuple[bool, str]] = []
    kind = "div"
    skipping = 0  # depth inside elements the reader drops (a <nav> inside <main>): kept as they are
    for i, token in enumerate(_TOKENS.split(region)):
        if not i % 2:
            if token:
                group.append((skipping > 0, token))
            continue
        tag = _TAG.match(token)
        name = tag.group(2).lower() if tag else ""
        closing = bool(tag and tag.group(1))
        if name in dropped and not token.rstrip().endswith("/>"):
            skipping = max(0, skipping + (-1 if closing else 1))
        in_row_cell = kind == "tr" and name in ("td", "th")
        if skipping or (name in dropped and closing):
            group.append((True, token))
        elif name in BLOCK_TAGS and not in_row_cell:
            out += _html_group(group, kind, lang)
            group = []
            out.append(token)
            kind = "div" if closing else name
        else:
            group.append((True, token))
    out += _html_group(group, kind, lang)
    return out


def _html_group(group: list[tuple[bool, str]], kind: str, lang: str) -> Skeleton:
    texts = [i for i, (is_tag, tok) in enumerate(group) if not is_tag and tok.strip()]
    if not texts:
        return ["".join(tok for _, tok in group)]
    seps, cores = [], []
    literal = "".join(tok for _, tok in group[:texts[0]])
    for n, i in enumerate(texts):
        tok = group[i][1]
        core = tok.strip()
        lead, trail = tok[:len(tok) - len(tok.lstrip())], tok[len(tok.rstrip()):]
        seps.append(literal + lead)
        cores.append(html.unescape(core))
        nxt = texts[n + 1] if n + 1 < len(texts) else len(group)
        literal = trail + "".join(t for _, t in group[i + 1:nxt])
    seps.append(literal)
    cells = [tok[:3].lower() for is_tag, tok in group if is_tag and tok[:3].lower() in ("<th", "<td")]
    header = kind == "tr" and bool(cells) and "<td" not in cells  # all <th>, as the reader takes a header
    remedy = ("none" if header else "cell") if kind == "tr" else "line" if kind in _HEADINGS else "sentence"
    if len(cores) == 1 and remedy not in ("cell", "none"):
        return [text_unit(cores[0], lang, remedy, seps[0], seps[1], escape=True)]
    if remedy == "sentence" and not _is_prose(" ".join(cores)):
        remedy = "line"
    return [_segments_unit(cores, seps, remedy, _matcher(lang), lang, escape=True)]


@dataclass(frozen=True)
class PdfSkeleton:
    """A PDF's blocks as the project's reader gives them, each cut into a unit."""

    blocks: tuple[tuple[str, int | None, Unit], ...]  # (block kind, table number, unit)
    charset: frozenset[str]


def pdf_skeleton(content: bytes, lang: str) -> PdfSkeleton:
    """The blocks `sources.pdf` reads from the original: a copy is written from what the
    extractors would see, in the same order, kinds and tables."""
    from sources.pdf import parse_pdf

    blocks = []
    chars: set[str] = set()
    tables: set[int | None] = set()
    for b in parse_pdf(content, source_name="bench-original").blocks:
        chars.update(b.text)
        if b.kind == "table_row":
            remedy = "cell" if b.table in tables else "none"  # a table's first row: its header
            tables.add(b.table)
            unit = _segments_unit(list(b.cells), [""] * (len(b.cells) + 1), remedy, _matcher(lang), lang)
        elif b.kind == "caption":  # never prose, and tagged after its text: "Table 2:" must stay first
            unit = _segments_unit([b.text], ["", ""], "cell", _matcher(lang), lang)
        else:
            unit = text_unit(b.text, lang, "line")
        blocks.append((b.kind, b.table, unit))
    return PdfSkeleton(tuple(blocks), frozenset(chars) | _writable_chars(lang))


@lru_cache(maxsize=None)
def _writable_chars(lang: str) -> frozenset[str]:
    """Every character a copy may write in `lang`: the font subset must hold them all."""
    words = phrasing(lang)
    texts = [words.amount, words.date, words.month_year, *words.sentences,
             *(t for tags in words.tags.values() for t in tags), *(w for g in words.synonyms for w in g)]
    texts += [s for ctx in month_names(lang).values() for s in ctx]
    for table in known_entities(lang).values():
        for e in table.values():
            texts += [e.name, e.short or "", *e.demonyms]
    printable = {chr(c) for c in range(32, 127)}
    return frozenset("".join(texts)) | printable


# ---------------------------------------------------------------- copies and the corpus

@lru_cache(maxsize=64)
def _skeleton(content: bytes, kind: str, lang: str) -> Skeleton | PdfSkeleton:
    if kind == "pdf":
        return pdf_skeleton(content, lang)
    from sources.text import decode_text

    text = decode_text(content, source_name="bench-original")
    return html_skeleton(text, lang) if kind == "html" else text_skeleton(text, lang)


def copy_bytes(content: bytes, kind: str, lang: str, k: int, seed: str, pools: Pools | None = None) -> bytes:
    """Copy `k` of a source: the original bytes for k = 0, else a document of the same kind
    written from `random.Random(f"{seed}:{k}")` and `pools` (every known value by default)."""
    if k == 0:
        return content
    lang = _lang(lang)
    copy = _Copy(random.Random(f"{seed}:{k}"), lang, pools or default_pools(lang))
    skeleton = _skeleton(content, kind, lang)
    if isinstance(skeleton, PdfSkeleton):
        return _pdf_copy(skeleton, copy)
    return _render(skeleton, copy).encode("utf-8")


def _kind_of(entry: dict) -> str:
    if entry.get("kind"):
        return entry["kind"]
    suffix = Path(entry["path"]).suffix.lower()
    return {".pdf": "pdf", ".html": "html", ".htm": "html"}.get(suffix, "text")


def _lang_of(entry: dict, content: bytes, kind: str) -> str:
    """The declared language; an undeclared one is detected as the reader would."""
    if entry.get("lang"):
        return _lang(entry["lang"])
    if kind == "pdf":
        from sources.pdf import parse_pdf
        text = " ".join(b.text for b in parse_pdf(content, source_name=entry["name"]).blocks)
    else:
        text = re.sub(r"<[^>]+>", " ", content.decode("utf-8", "replace"))
    from sources.detect import detect_lang
    found = detect_lang(text[:4000])
    return found if found and found != "und" else "en"


def _entries(source_dir: Path) -> list[dict]:
    registry = source_dir / "sources.yaml"
    try:
        entries = yaml.safe_load(registry.read_text(encoding="utf-8"))["sources"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise CorpusError(f"{registry}: cannot read the source list to scale: {exc}") from exc
    local = [e for e in entries if e.get("path")]
    if not local:
        raise CorpusError(f"{registry}: no local sources to copy")
    return local


def _copy_entry(entry: dict, k: int, path: str, kind: str) -> dict:
    """The registry entry of copy `k`: its own name, publisher and a published date moved
    by up to a month, so each copy is a document of its own to the warehouse."""
    copy = {**entry, "path": path, "kind": kind}
    if k:
        copy["name"] = f"{entry['name']}__b{k:05d}"
        if copy.get("publisher"):
            copy["publisher"] = f"{copy['publisher']} (copy {k})"
        if copy.get("published"):
            day = date.fromisoformat(str(copy["published"]))
            shift = timedelta(days=random.Random(f"{entry['name']}:{k}").randint(-30, 30))
            copy["published"] = (day + shift).isoformat()
    return copy


def build_corpus(source_dir: Path, out_dir: Path, scale: int) -> Path:
    """Writes `scale` copies of every local source in `source_dir/sources.yaml` to
    `out_dir` (copy 0 the originals, the others rewritten) and returns the generated
    sources file."""
    local = _entries(source_dir)
    originals: dict[str, tuple[bytes, str, str]] = {}
    for e in local:
        try:
            content = (source_dir / e["path"]).read_bytes()
        except OSError as exc:
            raise CorpusError(f"{source_dir / e['path']}: cannot read the source to scale: {exc}") from exc
        kind = _kind_of(e)
        originals[e["name"]] = (content, kind, _lang_of(e, content, kind))
    out_dir.mkdir(parents=True, exist_ok=True)
    generated = []
    for k in range(scale):
        sub = out_dir / COPY_DIR.format(k=k)
        sub.mkdir(exist_ok=True)
        for e in local:
            content, kind, lang = originals[e["name"]]
            target = sub / Path(e["path"]).name
            target.write_bytes(copy_bytes(content, kind, lang, k, e["name"]))
            generated.append(_copy_entry(e, k, str(target.relative_to(out_dir)), kind))
    path = out_dir / "sources.yaml"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: 46,000 entries in a second, not fifteen
    path.write_text(yaml.dump({"sources": generated}, Dumper=dumper, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


# ---------------------------------------------------------------- PDF copies: a small writer
#
# One embedded TrueType subset (a CID font, Identity-H, with a ToUnicode map so readers get
# the text back), text set line by line and tables as ruled cells, which is what the
# project's reader (pdfium's chars and ruling lines, pdfplumber's table finder) reads.

_PAGE_W, _PAGE_H = 595.28, 841.89
_LEFT, _TOP, _BOTTOM = 56.0, 64.0, 72.0
_STYLES = {"title": (17.0, 21.0), "heading": (13.5, 17.0), "body": (10.5, 14.0), "cell": (9.5, 12.0)}
_GAP, _CELL_PAD = 8.0, 3.0


@dataclass(frozen=True)
class PdfFont:
    """A font subset ready to embed: per character its glyph (as 4 hex digits of the
    string shown) and its advance per 1000 units of size, and the font's PDF objects."""

    glyphs: dict[str, str]
    widths: dict[str, float]
    ascent: float
    objects: tuple[bytes, ...]  # Type0 font, CIDFont, descriptor, font file, ToUnicode (objects 4 to 8)

    def encode(self, text: str) -> str:
        missing = self.glyphs["?"]
        return "".join(self.glyphs.get(c, missing) for c in text)

    def width(self, text: str, size: float) -> float:
        w, missing = self.widths, self.widths["?"]
        return sum(w.get(c, missing) for c in text) * size / 1000


def font_path() -> Path:
    """The first Unicode TrueType font of configs/bench_templates.yaml that exists, else
    any "Sans" .ttf under its font directories. There is no Latin-1 fallback: a copy would
    lose its Greek and its euro signs, and the corpus would no longer be the dev corpus's."""
    cfg = templates()["pdf"]
    for name in cfg["fonts"]:
        if Path(name).is_file():
            return Path(name)
    for folder in cfg.get("font_dirs") or []:
        found = sorted(p for p in Path(folder).rglob("*.ttf") if "Sans" in p.name) if Path(folder).is_dir() else []
        if found:
            return found[0]
    raise CorpusError("no Unicode TrueType font found for the PDF copies: add one to `pdf: fonts` in "
                      "configs/bench_templates.yaml (DejaVu Sans: apt-get install fonts-dejavu-core)")


def _stream(data: bytes, extra: str = "") -> bytes:
    packed = zlib.compress(data, 6)
    return (f"<< /Length {len(packed)} /Filter /FlateDecode{extra} >>\nstream\n".encode()
            + packed + b"\nendstream")


@lru_cache(maxsize=16)
def pdf_font(chars: frozenset[str]) -> PdfFont:
    """The subset of `font_path()` holding `chars` (fontTools, installed with fpdf2): built
    once per character set, embedded as is in every copy."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_path()))
    cmap = font.getBestCmap()
    options = subset.Options()
    options.layout_features, options.hinting, options.notdef_outline = [], False, True
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: fontTools cannot subset them and says so
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in chars if ord(c) in cmap} | {32, 63}))
    subsetter.subset(font)
    order = font.getGlyphOrder()
    gid = {name: i for i, name in enumerate(order)}
    scale = 1000 / font["head"].unitsPerEm
    hmtx = font["hmtx"]
    mapped = {chr(u): name for u, name in font.getBestCmap().items()}
    buf = io.BytesIO()
    font.save(buf)
    widths = [round(hmtx[name][0] * scale) for name in order]
    objects = _font_objects(font, buf.getvalue(), widths, {c: gid[n] for c, n in mapped.items()}, scale)
    return PdfFont(glyphs={c: f"{gid[n]:04X}" for c, n in mapped.items()},
                   widths={c: hmtx[n][0] * scale for c, n in mapped.items()},
                   ascent=font["hhea"].ascent * scale / 1000, objects=objects)


def _font_objects(font: Any, data: bytes, widths: list[int], gids: dict[str, int], scale: float) -> tuple[bytes, ...]:
    name = "AAAAAA+" + re.sub(r"[^A-Za-z0-9-]", "", font["name"].getDebugName(6) or "Sans")
    head, hhea = font["head"], font["hhea"]
    bbox = " ".join(str(round(v * scale)) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
    cap = round(getattr(font["OS/2"], "sCapHeight", hhea.ascent) * scale) if "OS/2" in font else 700
    type0 = (f"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H "
             f"/DescendantFonts [5 0 R] /ToUnicode 8 0 R >>").encode()
    cid = (f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} /CIDSystemInfo << /Registry (Adobe) "
           f"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 6 0 R /CIDToGIDMap /Identity "
           f"/W [0 [{' '.join(map(str, widths))}]] >>").encode()
    descriptor = (f"<< /Type /FontDescriptor /FontName /{name} /Flags 32 /FontBBox [{bbox}] /ItalicAngle 0 "
                  f"/Ascent {round(hhea.ascent * scale)} /Descent {round(hhea.descent * scale)} "
                  f"/CapHeight {cap} /StemV 80 /FontFile2 7 0 R >>").encode()
    return type0, cid, descriptor, _stream(data, f" /Length1 {len(data)}"), _stream(_to_unicode(gids))


def _to_unicode(gids: dict[str, int]) -> bytes:
    pairs = sorted((g, c) for c, g in gids.items())
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for start in range(0, len(pairs), 100):
        chunk = pairs[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{g:04X}> <{c.encode('utf-16-be').hex().upper()}>" for g, c in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode()


class _Pages:
    """Lines and ruled cells set top to bottom; a new page when the next one does not fit."""

    def __init__(self, font: PdfFont) -> None:
        self.font = font
        self.width = _PAGE_W - 2 * _LEFT
        self.pages: list[list[str]] = [[]]
        self.y = _TOP

    def _fit(self, height: float) -> None:
        if self.y + height > _PAGE_H - _BOTTOM and self.y > _TOP:
            self.pages.append([])
            self.y = _TOP

    def _line(self, x: float, top: float, size: float, text: str) -> None:
        base = _PAGE_H - top - self.font.ascent * size
        self.pages[-1].append(f"BT /F1 {size} Tf 1 0 0 1 {x:.2f} {base:.2f} Tm <{self.font.encode(text)}> Tj ET")

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """Greedy lines of at most `width` points; a word wider than a line is cut."""
        lines: list[str] = []
        line: list[str] = []
        used = 0.0
        space = self.font.width(" ", size)
        for word in text.split():
            for piece in self._cut(word, width, size):
                w = self.font.width(piece, size)
                if line and used + space + w > width:
                    lines.append(" ".join(line))
                    line, used = [], 0.0
                used += (space if line else 0.0) + w
                line.append(piece)
        if line:
            lines.append(" ".join(line))
        return lines or [""]

    def _cut(self, word: str, width: float, size: float) -> list[str]:
        if self.font.width(word, size) <= width:
            return [word]
        pieces, cur = [], ""
        for c in word:
            if cur and self.font.width(cur + c, size) > width:
                pieces.append(cur)
                cur = ""
            cur += c
        return pieces + [cur]

    def text(self, text: str, style: str) -> None:
        """A paragraph, kept on one page when a page can hold it (the reader would read
        the two halves as two blocks)."""
        size, leading = _STYLES[style]
        lines = self.wrap(text, self.width, size)
        if len(lines) * leading <= _PAGE_H - _TOP - _BOTTOM:
            self._fit(len(lines) * leading)
        for line in lines:
            self._fit(leading)
            self._line(_LEFT, self.y, size, line)
            self.y += leading
        self.y += _GAP

    def _columns(self, rows: list[list[str]], size: float) -> list[float]:
        """Column widths: each at least its longest word (a word cut in two would be read
        as two), the rest shared by how much text each column has."""
        pad = 2 * _CELL_PAD + 2
        least = [max(self.font.width(w, size) for r in rows for w in (r[c].split() or [""])) + pad
                 for c in range(len(rows[0]))]
        natural = [max(self.font.width(r[c], size) for r in rows) + pad for c in range(len(rows[0]))]
        if sum(least) >= self.width:
            return [self.width * w / sum(least) for w in least]
        spare, extra = self.width - sum(least), [n - m for n, m in zip(natural, least)]
        return [m + spare * (e / sum(extra) if sum(extra) else 1 / len(least)) for m, e in zip(least, extra)]

    def table(self, rows: list[list[str]]) -> None:
        """Ruled cells, row by row; the whole table on one page when a page can hold it,
        else at least its first two rows (a header alone at a page's foot is no table)."""
        size, leading = _STYLES["cell"]
        columns = max(len(r) for r in rows)
        rows = [r + [""] * (columns - len(r)) for r in rows]
        widths = self._columns(rows, size)
        wrapped = [[self.wrap(cell, w - 2 * _CELL_PAD, size) for cell, w in zip(row, widths)] for row in rows]
        heights = [max(len(c) for c in cells) * leading + 2 * _CELL_PAD for cells in wrapped]
        whole = sum(heights)
        self._fit(whole if whole <= _PAGE_H - _TOP - _BOTTOM else sum(heights[:2]))
        for cells, height in zip(wrapped, heights):
            self._fit(height)
            x = _LEFT
            for lines, w in zip(cells, widths):
                self.pages[-1].append(f"{x:.2f} {_PAGE_H - self.y - height:.2f} {w:.2f} {height:.2f} re S")
                for n, line in enumerate(lines):
                    if line:
                        self._line(x + _CELL_PAD, self.y + _CELL_PAD + n * leading, size, line)
                x += w
            self.y += height
        self.y += _GAP


def _pdf_copy(skeleton: PdfSkeleton, copy: _Copy) -> bytes:
    font = pdf_font(skeleton.charset)
    pages = _Pages(font)
    title = None
    rows: list[list[str]] = []
    table = None
    for kind, number, unit in skeleton.blocks:
        if rows and (kind != "table_row" or number != table):
            pages.table(rows)
            rows = []
        if kind == "table_row":
            rows.append(copy.segments(unit))
            table = number
            continue
        text = copy.render(unit)
        if kind == "heading" and title is None:
            title = text
            pages.text(text, "title")
        else:
            pages.text(("• " + text) if kind == "list_item" else text, "heading" if kind == "heading" else "body")
    if rows:
        pages.table(rows)
    streams = ["0.5 w\n" + "\n".join(ops) for ops in pages.pages]
    return _assemble([s.encode() for s in streams], font, title or "")


def _assemble(contents: list[bytes], font: PdfFont, title: str) -> bytes:
    """Objects 1-3 catalog, page tree, info; 4-8 the font; then each page and its content."""
    kids = " ".join(f"{9 + 2 * i} 0 R" for i in range(len(contents)))
    info = f"<< /Title <FEFF{title.encode('utf-16-be').hex().upper()}> /Producer (aifacts bench corpus) >>"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {len(contents)} >>".encode(), info.encode(), *font.objects]
    for i, content in enumerate(contents):
        objects.append((f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_W} {_PAGE_H}] "
                        f"/Resources << /Font << /F1 4 0 R >> >> /Contents {10 + 2 * i} 0 R >>").encode())
        objects.append(_stream(content))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 3 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
