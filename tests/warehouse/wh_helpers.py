"""Helpers for warehouse tests (fixtures are in conftest.py): an invented knowledge base in a temp config dir, a small
gazetteer with the same interface as warehouse.gazetteer, and statement builders."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import jellyfish
import yaml

from common.text import fold_words
from extractors.statement import make_statement
from warehouse.load import DocumentRow
from warehouse.writer import RunInfo, commit_refresh

REPO = Path(__file__).resolve().parents[2]

KB = {
    "factories": {"factories": [
        {"key": "AURORA", "name": "AURORA AI Factory", "country": "FI", "wave": 1,
         "aliases": ["AURORA", "Aurora AIF"]},
        {"key": "KESTREL", "name": "KESTREL", "country": "LU", "wave": 1, "aliases": ["Kestrel AI Factory"]},
        {"key": "ORCA-AIF", "name": "ORCA AI Factory", "country": "ES", "wave": 1, "aliases": ["ORCA AIF"]},
        {"key": "TIDEWATER", "name": "Tidewater AI Factory", "country": "DE", "wave": 2, "aliases": ["Tidewater"]},
        {"key": "WAVELET", "name": "Wavelet AI Factory", "country": "DE", "wave": 2, "aliases": ["Wavelet"]},
        {"key": "VESTA", "name": "Vesta AI Factory", "country": "SE", "wave": 1, "aliases": ["VESTA"]},
    ]},
    "supercomputers": {"supercomputers": [
        {"name": "Borealis", "aliases": ["BOREALIS"], "country": "FI", "city": "Kuusamo",
         "host_org": "North Compute Centre"},
        {"name": "Stellarix", "aliases": [], "country": "LU", "city": "Vianden", "host_org": "LuxGrid"},
        {"name": "MareNube 7", "aliases": ["MN7"], "country": "ES", "city": "Tarragona",
         "host_org": "Orca Computing Institute"},
    ]},
    "host_orgs": {"host_orgs": [
        {"name": "Orca Computing Institute", "short": "OCI", "aliases": [], "country": "ES", "city": "Tarragona"},
        {"name": "North Compute Centre", "short": "NCC", "aliases": [], "country": "FI", "city": "Kuusamo"},
        {"name": "LuxGrid", "short": None, "aliases": ["Lux Grid S.A."], "country": "LU", "city": "Echternach"},
    ]},
}

PLACES = {"FI": ["Kuusamo", "Oulu", "Raahe"], "LU": ["Vianden", "Echternach", "Bissen"],
          "ES": ["Tarragona", "Reus"], "SE": ["Växjö", "Umeå"], "DE": ["Ulm", "Jena"], "KR": ["Busan"]}


class TinyGazetteer:
    """Same interface as warehouse.gazetteer.Gazetteer, over a handful of places."""

    def _find(self, city: str, cc: str) -> str | None:
        return next((p for p in PLACES.get(cc, []) if fold_words(p) == fold_words(city)), None)

    def lies_in(self, city: str, cc: str) -> bool:
        return self._find(city, cc) is not None

    def canonical(self, city: str, cc: str) -> str | None:
        return self._find(city, cc)

    def phonetic_candidates(self, city: str, cc: str, limit: int = 5) -> list[tuple[str, float]]:
        code = jellyfish.metaphone(city)
        scored = [(p, jellyfish.jaro_winkler_similarity(code, jellyfish.metaphone(p))) for p in PLACES.get(cc, [])]
        return sorted(scored, key=lambda x: -x[1])[:limit]

    def countries_of(self, city: str) -> set[str]:
        return {cc for cc, ps in PLACES.items() if any(fold_words(p) == fold_words(city) for p in ps)}


def make_config_dir(tmp_path: Path) -> Path:
    cfg = tmp_path / "configs"
    (cfg / "knowledge").mkdir(parents=True)
    shutil.copy(REPO / "configs" / "policy.yaml", cfg / "policy.yaml")
    (cfg / "overrides.yaml").write_text("overrides: []\n", encoding="utf-8")
    for name, data in KB.items():
        (cfg / "knowledge" / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return cfg


def doc(source: str, text: str = "", *, trust: str = "press", published: date | None = None,
        blocks: list[str] | None = None) -> DocumentRow:
    sha = hashlib.sha256((source + text + "".join(blocks or [])).encode()).hexdigest()
    doc_id = hashlib.sha1(f"{source}\0{sha}".encode()).hexdigest()[:16]
    return DocumentRow(doc_id=doc_id, source_name=source, url=f"file:///{source}.txt", publisher=source,
                       trust=trust, lang="en", published_on=published, title=source, sha256=sha,
                       blocks=list(enumerate(blocks or [text or source])))


def fact(d: DocumentRow, subject: str | None, attribute: str, value, *, key: str | None = None,
         block: int = 0, scope: str = "factory", wave: int | None = None, text: str | None = None,
         located: bool = False):
    """A statement of `d`; `located`: its span is where `text` stands in the block (else 0..len)."""
    shown = text or (value if isinstance(value, str) else str(value))
    start = dict(d.blocks)[block].index(shown) if located else 0
    return make_statement(value=value, doc_id=d.doc_id, source_name=d.source_name, scope=scope,
                          subject_text=subject, subject_key=key, attribute=attribute, value_text=shown,
                          block=block, span_start=start, span_end=start + len(shown), rule="test.rule", wave=wave)


class Warehouse:
    """Drives commit_refresh the way the flow does: every call is one run."""

    def __init__(self, path: Path, config_dir: Path, gazetteer: TinyGazetteer) -> None:
        self.path, self.config_dir, self.gazetteer = path, config_dir, gazetteer
        self.sources: set[str] = set()

    def refresh(self, *fetched: tuple[DocumentRow, list], unchanged: list[str] = (),
                failed: list[DocumentRow] = (), active: list[str] | None = None, full: bool = False):
        self.sources |= {d.source_name for d, _ in fetched} | set(unchanged)
        return commit_refresh(
            self.path, run=RunInfo(flow_run_id="test"), documents=[d for d, _ in fetched],
            statements={d.source_name: stmts for d, stmts in fetched},
            unchanged_sources=list(unchanged), failed=list(failed),
            active_sources=sorted(self.sources) if active is None else active, full=full,
            config_dir=self.config_dir, gazetteer=self.gazetteer)

    def sql(self, query: str, params: list | None = None) -> list[tuple]:
        import duckdb
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            return con.execute(query, params or []).fetchall()
        finally:
            con.close()

    def value(self, factory: str, attribute: str):
        rows = self.sql("SELECT value_json FROM factory_values WHERE factory_id = ? AND attribute = ? AND chosen",
                        [factory, attribute])
        import json
        return json.loads(rows[0][0]) if rows else None

