"""Factories nobody told us about: with the known-factory list emptied, names still come
from their context ("the X AI Factory", table name columns, acronyms in brackets)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
FLOOR = 0.85  # issue 4 asks >= 80 % of the dev gold's named factories without the knowledge base; 85.2 % reached


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def test_factories_are_found_with_an_empty_knowledge_base(corpus_dir: Path, tmp_path: Path):
    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs)
    (configs / "knowledge" / "factories.yaml").write_text(yaml.safe_dump({"factories": []}))
    env = {**os.environ, "AIFACTS_CONFIG_DIR": str(configs)}  # the gazetteer cache is shared: it has no factories
    out = subprocess.run([sys.executable, "-m", "tests.extractors.corpus_run",
                          str(corpus_dir / "dev" / "sources.yaml"), str(tmp_path / "w.duckdb"), str(tmp_path / "raw")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    found = json.loads(out.stdout.strip().splitlines()[-1])
    wanted = hit = 0
    missed = []
    for line in (corpus_dir / "dev" / "gold.jsonl").read_text().splitlines():
        gold = json.loads(line)
        names = {fold(n) for n in found.get(gold["doc"], [])}
        for f in gold["factories"]:
            forms = [m for m in f["mentions"]] + [x["value"] for x in f["facts"] if x["attribute"] == "name"]
            if not forms:
                continue  # an unnamed factory cannot be discovered by its name
            wanted += 1
            if any(fold(m) in names or any(fold(m) in n or n in fold(m) for n in names if len(n) > 2) for m in forms):
                hit += 1
            else:
                missed.append((gold["doc"], f["key"]))
    share = hit / wanted
    print(f"unseen names: {hit}/{wanted} = {share:.1%}; missed: {missed}")
    assert share >= FLOOR, f"{hit}/{wanted} named factories found without the knowledge base; missed {missed}"
