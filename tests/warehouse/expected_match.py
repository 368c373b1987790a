"""Compare the curated `factories` table with the corpus's expected_factories.json."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import duckdb
import yaml

COLUMNS = {"country": "country_code", "city": "city", "host_org": "host_org", "supercomputer": "supercomputer",
           "deployment": "deployment", "selected_on": "selected_on"}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def combined_sources(corpus: Path, out: Path, parts: tuple[str, ...] = ("seed", "dev")) -> Path:
    """One sources file reading the seed and the given development corpora (paths under `root`)."""
    entries = []
    for part in parts:
        data = yaml.safe_load((corpus / part / "sources.yaml").read_text())
        for e in data["sources"]:
            target = (corpus / part / e["path"]).resolve()
            entries.append({**e, "path": os.path.relpath(target, out.parent.resolve())})
    out.write_text(yaml.safe_dump({"root": str(corpus), "sources": entries}, allow_unicode=True))
    return out


def compare(warehouse: Path, expected_file: Path) -> tuple[int, int, list[str], list[str]]:
    """(matching cells, scored cells, mismatches, extra factory ids)."""
    expected = json.loads(expected_file.read_text())
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cols = [d[0] for d in con.execute("select * from factories limit 0").description]
        rows = {r[0]: dict(zip(cols, r)) for r in con.execute("select * from factories").fetchall()}
    finally:
        con.close()
    good = total = 0
    mismatches = []
    for exp in expected:
        row = rows.get(exp["key"])
        for attr, want in exp.items():
            if attr == "key" or want is None:
                continue
            total += 1
            if row is None:
                mismatches.append(f"{exp['key']}: missing factory")
                continue
            if attr == "budget_total_eur":
                got = row.get("budget_total_eur")
                ok = got is not None and abs(float(got) - want["amount"]) <= 0.005 * want["amount"] and \
                    (row.get("budget_total_qualifier") in ("exact", "about")) == (want["qualifier"] in ("exact", "about"))
            else:
                got = row.get(COLUMNS[attr])
                wants = want if isinstance(want, list) else [want]
                ok = got is not None and any(str(got).startswith(str(w)) if attr == "selected_on" else fold(got) == fold(w)
                                             for w in wants)
            if ok:
                good += 1
            else:
                mismatches.append(f"{exp['key']}.{attr}: got {got!r}, expected {want!r}")
    extra = sorted(set(rows) - {e["key"] for e in expected})
    return good, total, mismatches, extra
