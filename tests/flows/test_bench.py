"""`flows.bench` and `flows.bench_corpus`: scaled corpora whose copies are new documents
(read back with the project's own reader), and a report of the promised shape.

Nothing here is timed; the figures themselves come from `make bench`.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from babel import Locale

from flows.bench import REQUIRED, main, read_costs, table
from flows.bench_corpus import Pools, build_corpus, copy_bytes, known_entities
from sources.html import parse_html
from sources.read import read_source
from sources.registry import load_registry
from sources.settings import load_config
from sources.text import parse_text

PARSERS = {"html": parse_html, "text": parse_text}  # the reader's, as `sources.read` calls them

def _entries(corpus_dir: Path) -> list[dict]:
    return yaml.safe_load((corpus_dir / "dev" / "sources.yaml").read_text(encoding="utf-8"))["sources"]


def _entry(corpus_dir: Path, prefix: str) -> dict:
    return next(e for e in _entries(corpus_dir) if e["name"].startswith(prefix))


def _some_corpus(corpus_dir: Path, dest: Path, prefixes: tuple[str, ...]) -> Path:
    """The dev sources named by `prefixes`, with their sources file."""
    picked = [e for e in _entries(corpus_dir) if e["name"].startswith(prefixes)]
    dest.mkdir()
    for e in picked:
        shutil.copy(corpus_dir / "dev" / e["path"], dest / e["path"])
    (dest / "sources.yaml").write_text(yaml.safe_dump({"sources": picked}), encoding="utf-8")
    return dest


def _blocks_by_source(sources: Path, cache: Path) -> dict[str, list[list[str]]]:
    """Original name -> the block texts of copy 0, 1, 2...: as the refresh reads them."""
    out: dict[str, list[list[str]]] = defaultdict(list)
    for spec in load_registry(sources):
        read = read_source(spec, cache)
        assert read.status == "ok", read.error
        out[spec.name.split("__b")[0]].append([b.text for b in read.document.blocks if b.text.strip()])
    return out


def _shared(a: list[str], b: list[str]) -> float:
    """Share of the blocks of `a` that `b` has too: what the block cache would serve."""
    return sum(1 for t in a if t in set(b)) / len(a)


@pytest.mark.parametrize("prefix", ["d010", "d001", "d130"])  # text, html, pdf
def test_a_copy_is_a_function_of_its_seed(corpus_dir: Path, prefix: str):
    e = _entry(corpus_dir, prefix)
    original = (corpus_dir / "dev" / e["path"]).read_bytes()
    assert copy_bytes(original, e["kind"], e["lang"], 0, e["name"]) == original
    first = copy_bytes(original, e["kind"], e["lang"], 3, e["name"])
    assert copy_bytes(original, e["kind"], e["lang"], 3, e["name"]) == first
    assert copy_bytes(original, e["kind"], e["lang"], 3, e["name"] + "x") != first
    assert copy_bytes(original, e["kind"], e["lang"], 4, e["name"]) != first


def test_copies_share_almost_no_blocks_with_the_original_or_each_other(corpus_dir: Path, tmp_path: Path):
    """Text, HTML and PDF, in four languages; the few blocks shared are tables' header rows."""
    small = _some_corpus(corpus_dir, tmp_path / "small", ("d001", "d019", "d061", "d073", "d094", "d103", "d130"))
    sources = build_corpus(small, tmp_path / "scaled", 5)
    for name, copies in _blocks_by_source(sources, tmp_path / "raw").items():
        original, others = copies[0], copies[1:]
        assert len(copies) == 5 and all(others), name
        for i, copy in enumerate(others):
            assert _shared(copy, original) <= 0.15, (name, i + 1, set(copy) & set(original))
            for later in others[i + 1:]:
                assert _shared(later, copy) <= 0.15, (name, set(later) & set(copy))


def test_a_pdf_copy_is_a_pdf_the_reader_reads_into_the_same_kinds_of_block(corpus_dir: Path, tmp_path: Path):
    small = _some_corpus(corpus_dir, tmp_path / "small", ("d004", "d016", "d103", "d130"))
    sources = build_corpus(small, tmp_path / "scaled", 3)
    by_name: dict[str, list] = defaultdict(list)
    for spec in load_registry(sources):
        content = spec.path.read_bytes()
        assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
        read = read_source(spec, tmp_path / "raw")
        assert read.status == "ok" and read.kind == "pdf", read.error
        by_name[spec.name.split("__b")[0]].append(read.document)
    for name, (original, *copies) in by_name.items():
        for copy in copies:
            assert [b.kind for b in copy.blocks] == [b.kind for b in original.blocks], name
            assert [len(b.cells) for b in copy.blocks] == [len(b.cells) for b in original.blocks], name
            assert copy.title and copy.title != original.title
            assert _shared([b.text for b in copy.blocks], [b.text for b in original.blocks]) <= 0.15, name


def test_an_html_copy_keeps_the_page_around_its_content(corpus_dir: Path):
    e = _entry(corpus_dir, "d061")  # a <nav> inside <main>: dropped by the reader, kept here
    page = (corpus_dir / "dev" / e["path"]).read_text(encoding="utf-8")
    copy = copy_bytes(page.encode("utf-8"), "html", e["lang"], 1, e["name"]).decode("utf-8")
    head = re.compile(r"<title>.*?</title>", re.S)
    assert head.sub("", copy[:copy.index("<main")]) == head.sub("", page[:page.index("<main")])
    assert copy[copy.index("</main>"):] == page[page.index("</main>"):]
    nav = re.compile(r"<nav class=\"weitere-meldungen\".*?</nav>", re.S)
    assert nav.search(copy).group(0) == nav.search(page).group(0)
    assert copy[copy.index("<main"):nav.search(copy).start()] != page[page.index("<main"):nav.search(page).start()]


def test_names_move_with_their_country(corpus_dir: Path):
    """A row of the first-seven table names a town and a factory of one country in every
    copy, as the original does: reconciliation meets the factories' sites, not a new
    disagreement per copy."""
    e = _entry(corpus_dir, "d001")
    original = (corpus_dir / "dev" / e["path"]).read_bytes()
    country_of = {("factory", f["key"]): f["country"] for f in load_config("knowledge/factories.yaml")["factories"]}
    country_of.update({("city", m["city"]): m["country"] for m in load_config("knowledge/supercomputers.yaml")["supercomputers"]})
    for o in load_config("knowledge/host_orgs.yaml")["host_orgs"]:
        for town in [o.get("city"), *(o.get("sites") or [])]:
            country_of.setdefault(("city", town), o["country"])
    forms = _known_forms("en")
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    names = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
    rows = 0
    for k in range(1, 6):
        copy = copy_bytes(original, "html", "en", k, e["name"])
        for block in parse_html(copy, source_name=e["name"]).blocks:
            found = {forms[m.group(0)] for m in names.finditer(block.cells[0] + " " + block.cells[1])} \
                if block.kind == "table_row" else set()
            countries = {country_of[f] for f in found if f in country_of}
            if len(found) >= 2:
                rows += 1
                assert len(countries) == 1, (k, block.text)
    assert rows >= 30


def _narrow_pools(lang: str) -> Pools:
    known = known_entities(lang)
    one = {"factory": "HammerHAI", "host": "GRNET", "machine": "Vega", "city": "Kajaani", "country": "PT"}
    return Pools(entities={kind: (known[kind][key],) for kind, key in one.items()},
                 months=(7,), years=(2031, 2031), days=(1, 28), amounts=(777, 777), counts=(3, 19))


def _known_forms(lang: str) -> dict[str, tuple[str, str]]:
    """Every form configs/knowledge/ and CLDR give a factory, host, machine, town or host
    country -> (kind, canonical key): read here from the configs, not from the module."""
    forms: dict[str, tuple[str, str]] = {}
    for f in load_config("knowledge/factories.yaml")["factories"]:
        for form in [f["name"], *(f.get("aliases") or [])]:
            forms[form] = ("factory", f["key"])
    for o in load_config("knowledge/host_orgs.yaml")["host_orgs"]:
        if o.get("role") != "agency":
            for form in [o["name"], o.get("short"), *(o.get("aliases") or [])]:
                if form:
                    forms[form] = ("host", o["name"])
    for m in load_config("knowledge/supercomputers.yaml")["supercomputers"]:
        for form in [m["name"], *(m.get("aliases") or [])]:
            forms[form] = ("machine", m["name"])
        forms.setdefault(m["city"], ("city", m["city"]))
    names = Locale.parse(lang).territories
    demonyms = load_config(f"lexicon/places/{lang}.yaml").get("demonyms") or {}
    for code in load_config("knowledge/waves.yaml")["host_countries"]:
        for form in [names[code], *demonyms.get(code, [])]:
            forms[form] = ("country", code)
    return forms


def test_values_in_a_copy_come_from_the_pools(corpus_dir: Path):
    """With one value per pool, the blocks of a copy name only those: every factory, host,
    machine, town and country the knowledge base knows, every month name and year; and the
    amounts of template sentences."""
    forms = _known_forms("en")
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    names = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
    months = "|".join(Locale.parse("en").months["format"]["wide"].values())
    dates = re.compile(rf"\b(?:(\d{{1,2}}) )?({months})(?: (\d{{4}}))?\b")
    allowed = {("factory", "HammerHAI"), ("host", "GRNET"), ("machine", "Vega"), ("city", "Kajaani"),
               ("country", "PT")}
    found_amount, seen_dates, seen_names = False, 0, set()
    for e in _entries(corpus_dir):
        if e["lang"] != "en" or e["kind"] == "pdf":
            continue
        original = (corpus_dir / "dev" / e["path"]).read_bytes()
        copy = copy_bytes(original, e["kind"], "en", 1, e["name"], pools=_narrow_pools("en"))
        body = "\n".join(b.text for b in PARSERS[e["kind"]](copy, source_name=e["name"]).blocks)
        for m in names.finditer(body):
            seen_names.add(forms[m.group(0)])
            assert forms[m.group(0)] in allowed, (e["name"], m.group(0))
        for day, month, year in dates.findall(body):
            seen_dates += 1
            assert month == "July" and year in ("", "2031") and (not day or 1 <= int(day) <= 28), (e["name"], day, month, year)
        assert not re.search(r"(?<![\d.,])(?:199\d|20[0-2]\d)(?![\d.,])", body), e["name"]
        found_amount |= "€777 million" in body
    assert seen_names == allowed and seen_dates >= 3 and found_amount


def test_scaled_sources_file_passes_the_strict_registry(corpus_dir: Path, tmp_path: Path):
    sources = build_corpus(corpus_dir / "dev", tmp_path / "c", 3)
    specs = load_registry(sources)
    originals = load_registry(corpus_dir / "dev" / "sources.yaml")
    assert len(specs) == 3 * len(originals)
    assert len({s.name for s in specs}) == len(specs)
    assert all(s.path is not None and s.path.exists() for s in specs)


def _small_corpus(corpus_dir: Path, dest: Path) -> Path:
    """One document of each kind and a second language: enough to exercise every stage."""
    entries = yaml.safe_load((corpus_dir / "dev" / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    picked: dict[tuple, dict] = {}
    for e in entries:
        picked.setdefault((e["kind"], e.get("lang") == "en"), e)
    dest.mkdir()
    for e in picked.values():
        shutil.copy(corpus_dir / "dev" / e["path"], dest / e["path"])
    (dest / "sources.yaml").write_text(yaml.safe_dump({"sources": list(picked.values())}), encoding="utf-8")
    return dest


def test_scale_two_report_has_the_required_shape(corpus_dir: Path, tmp_path: Path, capsys):
    out = tmp_path / "bench.json"
    small = _small_corpus(corpus_dir, tmp_path / "small")
    assert main(["--out", str(out), "--scales", "2", "--corpus", str(small)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report) == {"scales", "user_waits", "machine"}
    (row,) = report["scales"]
    assert set(REQUIRED) <= set(row)
    assert row["docs"] == 2 * len(load_registry(small / "sources.yaml")) and row["statements"] > 0
    assert row["block_cache_hit_rate"] <= 0.2  # the copy's blocks are new to the block cache
    assert all(isinstance(row[k], (int, float)) and row[k] > 0 for k in REQUIRED)
    # rates in CPU time of the extracting process, and in wall time beside them
    assert row["extract_wall_docs_per_s"] > 0 and row["ceiling_wall_docs_per_s"] > 0
    assert row["extract_share_of_ceiling"] == pytest.approx(
        row["extract_docs_per_s"] / row["ceiling_docs_per_s"], rel=0.01)
    assert 0 < row["workers_rss_mb"] <= row["peak_rss_mb"]  # in-process: the same process, sampled
    assert report["machine"]["cpus"] >= 1 and report["machine"]["python"]
    printed = capsys.readouterr().out
    assert table(report["scales"]).splitlines()[1] in printed


def test_read_costs_cover_each_kind_and_both_pdf_readers(corpus_dir: Path, tmp_path: Path):
    small = _small_corpus(corpus_dir, tmp_path / "small")
    costs = read_costs([small], repeats=1)
    kinds = {p.suffix for p in small.iterdir()}
    assert costs["pdf_files"] == len([p for p in small.iterdir() if p.suffix == ".pdf"]) > 0
    assert costs["pdf_pages"] >= costs["pdf_files"]
    for key in ("read_ms_per_pdf_page_pdfium", "read_ms_per_pdf_page_pdfminer"):
        assert costs[key] > 0
    assert costs["pdf_speedup"] == pytest.approx(
        costs["read_ms_per_pdf_page_pdfminer"] / costs["read_ms_per_pdf_page_pdfium"], rel=0.02)
    assert (".html" in kinds) == ("read_ms_per_html_page" in costs)
    assert (".txt" in kinds) == ("read_ms_per_text" in costs)
