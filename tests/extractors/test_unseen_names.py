"""Factories nobody told us about: with the known-factory list emptied, names still come
from their context ("the X AI Factory", table name columns, acronyms in brackets), and no
factory row comes from a headline fragment or a phrase of common words."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.warehouse.expected_match import combined_sources

ROOT = Path(__file__).resolve().parents[2]
FLOOR = 0.90  # measured 90.4 % over dev + dev2 (issue 21 asks 90 %)
DEV_FLOOR = 0.88  # dev alone: issue 4 asked >= 80 %; 88.9 % reached now


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def _gold_forms(corpus_dir: Path, parts: tuple[str, ...]) -> dict[str, list[list[str]]]:
    """Per document, the surface forms of each named factory of its gold."""
    out: dict[str, list[list[str]]] = {}
    for part in parts:
        for line in (corpus_dir / part / "gold.jsonl").read_text(encoding="utf-8").splitlines():
            gold = json.loads(line)
            out[gold["doc"]] = [list(f["mentions"]) + [x["value"] for x in f["facts"] if x["attribute"] == "name"]
                                for f in gold["factories"]]
    return out


@pytest.fixture(scope="module")
def empty_kb_run(corpus_dir: Path, tmp_path_factory):
    """dev and dev2 refreshed together with an empty factories.yaml, in a fresh process."""
    tmp = tmp_path_factory.mktemp("unseen")
    configs = tmp / "configs"
    shutil.copytree(ROOT / "configs", configs)
    (configs / "knowledge" / "factories.yaml").write_text(yaml.safe_dump({"factories": []}))
    sources = combined_sources(corpus_dir, tmp / "sources.yaml", parts=("dev", "dev2"))
    env = {**os.environ, "AIFACTS_CONFIG_DIR": str(configs)}  # the gazetteer cache is shared: it has no factories
    out = subprocess.run([sys.executable, "-m", "tests.extractors.corpus_run",
                          str(sources), str(tmp / "w.duckdb"), str(tmp / "raw")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1]), tmp / "w.duckdb"


def test_factories_are_found_with_an_empty_knowledge_base(corpus_dir: Path, empty_kb_run):
    found, _ = empty_kb_run
    wanted = hit = 0
    dev_wanted = dev_hit = 0
    missed = []
    for doc, factories in _gold_forms(corpus_dir, ("dev", "dev2")).items():
        names = {fold(n) for n in found.get(doc, [])}
        for forms in factories:
            if not forms:
                continue  # an unnamed factory cannot be discovered by its name
            wanted += 1
            dev_wanted += doc.startswith("d")
            if any(fold(m) in names or any(fold(m) in n or n in fold(m) for n in names if len(n) > 2) for m in forms):
                hit += 1
                dev_hit += doc.startswith("d")
            else:
                missed.append((doc, forms[0]))
    share = hit / wanted
    print(f"dev alone: {dev_hit}/{dev_wanted} = {dev_hit / dev_wanted:.1%}")
    assert dev_hit / dev_wanted >= DEV_FLOOR
    print(f"unseen names: {hit}/{wanted} = {share:.1%}; missed: {missed}")
    assert share >= FLOOR, f"{hit}/{wanted} named factories found without the knowledge base; missed {missed}"


def test_no_factory_row_from_a_phrase_of_common_words(corpus_dir: Path, empty_kb_run):
    """Every factory row names a factory some gold file names, or is a country's factory of a
    round that the texts identify without a name."""
    _, warehouse = empty_kb_run
    forms = {fold(m) for factories in _gold_forms(corpus_dir, ("dev", "dev2")).values()
             for fs in factories for m in fs}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("SELECT factory_id, name, aliases, country_code, wave FROM factories ORDER BY 1").fetchall()
    finally:
        con.close()
    for row in rows:
        print(row)
    bad = []
    for fid, name, aliases, _cc, _wave in rows:
        names = [n for n in [name, *(aliases or [])] if n and not n.startswith("(unnamed ")]
        if not names:
            continue  # identified by country and round only
        if not any(fold(n) in forms or any(len(f) > 3 and (f in fold(n) or fold(n) in f) for f in forms)
                   for n in names):
            bad.append((fid, name))
    assert not bad, f"factory rows that name no factory of the gold: {bad}"
