"""The compiled relation rules (extractors/native.py) say exactly what their sources say,
and the sources run whenever the compiled copies cannot be trusted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extractors import native
from extractors.extract import ExtractionError, extract_many
from flows import steps
from flows.settings import Settings
from sources.document import Document

ROOT = Path(__file__).resolve().parents[2]

_DUMP = """
import json, sys
from pathlib import Path
from extractors import native
from flows import steps
from flows.settings import Settings
s = Settings.resolve(sources=Path(sys.argv[1]), warehouse=Path(sys.argv[2]) / "w.duckdb", cache_dir=Path(sys.argv[2]) / "raw")
docs = [r.document for r in (steps.read_one(spec, s.cache_dir, None) for spec in steps.load_sources(s)) if r.document]
found = steps.extract_batch(docs)
print(json.dumps({"compiled": native.active(),
                  "statements": sorted(json.dumps(st.identity) for sts in found.values() for st in sts)}))
"""


def _dump(sources: Path, work: Path, **env: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _DUMP, str(sources), str(work)], cwd=ROOT, capture_output=True,
                         text=True, env={**os.environ, **env}, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _needs_build() -> None:
    manifest = native.read_manifest()
    if not manifest.get("compiled"):
        pytest.skip(f"rules not compiled here ({manifest.get('error') or 'no build'}): the sources run")


def _dev_settings(corpus_dir: Path, tmp_path: Path) -> Settings:
    return Settings.resolve(sources=corpus_dir / "dev" / "sources.yaml", warehouse=tmp_path / "w.duckdb",
                            cache_dir=tmp_path / "raw")


def test_compiled_rules_say_what_their_sources_say(corpus_dir: Path, tmp_path: Path) -> None:
    _needs_build()
    sources = corpus_dir / "dev" / "sources.yaml"
    compiled = _dump(sources, tmp_path / "a")
    plain = _dump(sources, tmp_path / "b", AIFACTS_PURE="1")
    assert compiled["compiled"] and not plain["compiled"]
    assert len(plain["statements"]) > 500
    assert compiled["statements"] == plain["statements"]


def test_an_edited_source_makes_the_build_stale(tmp_path: Path) -> None:
    src = tmp_path / "extractors" / "rules.py"
    src.parent.mkdir()
    src.write_text("X = 1\n", encoding="utf-8")
    manifest = {"compiled": True, "sources": {"extractors.rules": native._digest(src)}}
    assert native.stale_sources(manifest, tmp_path) == []
    src.write_text("X = 2\n", encoding="utf-8")
    assert native.stale_sources(manifest, tmp_path) == ["extractors.rules"]
    src.unlink()
    assert native.stale_sources(manifest, tmp_path) == ["extractors.rules"]


def test_the_finder_loads_the_listed_modules_from_their_sources(tmp_path: Path) -> None:
    src = tmp_path / "extractors" / "rules.py"
    src.parent.mkdir()
    src.write_text("X = 1\n", encoding="utf-8")
    finder = native._SourcesFirst(["extractors.rules"], tmp_path)
    spec = finder.find_spec("extractors.rules")
    assert spec is not None and spec.origin == str(src)
    assert finder.find_spec("extractors.other") is None


@pytest.mark.parametrize("value, pure", [("1", True), ("true", True), ("", False), ("0", False), ("no", False)])
def test_the_sources_run_when_asked(value: str, pure: bool) -> None:
    assert native.wants_pure({native.PURE_ENV: value}) is pure


def test_a_process_told_to_run_the_sources_runs_them() -> None:
    _needs_build()  # without a build the sources run anyway, and this would prove nothing
    out = subprocess.run([sys.executable, "-c", "from extractors import native; print(native.active())"],
                         cwd=ROOT, capture_output=True, text=True, env={**os.environ, native.PURE_ENV: "1"}, check=True)
    assert out.stdout.strip() == "False"


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env}, check=True)


def test_importing_the_rules_decides_nothing() -> None:
    """Imports only define things: the warehouse imports `Statement` without the sources
    being hashed; the entry points that extract call `install()`."""
    out = _run("import sys, extractors.statement, extractors.extract, warehouse.writer\n"
               "from extractors import native\n"
               "print(native.install.cache_info().currsize,\n"
               "      any(isinstance(f, native._SourcesFirst) for f in sys.meta_path))")
    assert out.stdout.split() == ["0", "False"]


def test_a_rule_module_imported_before_the_decision_is_reported() -> None:
    _needs_build()
    out = _run("import extractors.relations\nfrom extractors import native\nnative.install()", **{native.PURE_ENV: "1"})
    assert "extractors.relations" in out.stderr and "before extractors.native.install()" in out.stderr


# ---------------------------------------------------------------- one document's failure

class _FailsOn:
    """Relation rules that fail on one named source (as a bug brought out by one text would)."""

    def __init__(self, real: type, source: str) -> None:
        self.real, self.source = real, source

    def __call__(self, document: Document, lang: str):  # noqa: ANN204
        if document.source_name == self.source:
            raise ValueError("a value the rules did not expect")
        return self.real(document, lang)


def _documents(corpus_dir: Path, tmp_path: Path) -> list[Document]:
    s = _dev_settings(corpus_dir, tmp_path)
    specs = [spec for spec in steps.load_sources(s) if spec.path and spec.path.suffix in (".txt", ".html")][:3]
    return [r.document for r in (steps.read_one(spec, s.cache_dir, None) for spec in specs) if r.document]


def test_a_document_the_rules_fail_on_is_named_and_the_others_go_on(corpus_dir: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import extractors.extract as extract
    docs = _documents(corpus_dir, tmp_path)
    assert len(docs) == 3
    bad = docs[1].source_name
    monkeypatch.setattr(extract, "DocumentRelations", _FailsOn(extract.DocumentRelations, bad))
    failures: dict[str, str] = {}
    found = dict((d.source_name, sts) for d, sts in extract_many(docs, failures=failures))
    assert list(failures) == [docs[1].doc_id]
    assert failures[docs[1].doc_id].startswith(f"{bad}: extraction failed: ValueError")
    assert found[bad] == [] and found[docs[0].source_name] and found[docs[2].source_name]
    with pytest.raises(ExtractionError, match=bad):
        list(extract_many(docs))


def test_a_failed_extraction_is_a_failed_source_of_the_run(corpus_dir: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import extractors.extract as extract
    s = _dev_settings(corpus_dir, tmp_path)
    specs = [spec for spec in steps.load_sources(s) if spec.path and spec.path.suffix == ".txt"][:2]
    monkeypatch.setattr(extract, "DocumentRelations", _FailsOn(extract.DocumentRelations, specs[0].name))
    reads, statements = steps.read_and_extract(specs, s.cache_dir, [None, None])
    assert [r.status for r in reads] == ["error", "ok"]
    assert reads[0].document is None and "extraction failed: ValueError" in (reads[0].error or "")
    assert list(statements) == [reads[1].document.doc_id]


def _refresh_with(tmp_path: Path) -> steps.RefreshResult:
    settings = Settings.resolve(sources=tmp_path / "sources.yaml", warehouse=tmp_path / "w.duckdb",
                                cache_dir=tmp_path / "raw")
    specs = steps.load_sources(settings)
    previous = steps.previous_state(settings, specs)
    reads, statements = steps.read_and_extract(specs, settings.cache_dir, [previous.get(s.name) for s in specs])
    return steps.write(settings, specs, reads, statements, None)


def test_a_source_that_failed_extraction_is_read_again_next_run(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    import extractors.extract as extract
    texts = {"north": "The Nordlys AI Factory in Tromsø, Norway, will cost EUR 40 million.\n",
             "south": "The Solano AI Factory in Seville, Spain, will cost EUR 55 million.\n"}
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    entries = [{"name": n, "path": f"{n}.txt", "publisher": "A newsroom", "trust": "press", "lang": "en"} for n in texts]
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"sources": entries}), encoding="utf-8")

    with monkeypatch.context() as m:
        m.setattr(extract, "DocumentRelations", _FailsOn(extract.DocumentRelations, "north"))
        first = _refresh_with(tmp_path)
    assert [name for name, _ in first.failures] == ["north"]
    assert "extraction failed: ValueError" in first.failures[0][1]
    assert first.summary.statements_new > 0  # the other source's

    second = _refresh_with(tmp_path)
    assert second.failures == [] and second.summary.fetched == 1 and second.summary.unchanged == 1
    assert second.summary.statements_new > 0


# ---------------------------------------------------------------- the build itself

def _package(root: Path, body: str) -> None:
    (root / "extractors").mkdir(parents=True, exist_ok=True)
    (root / "extractors" / "__init__.py").write_text("", encoding="utf-8")
    (root / "extractors" / "tiny.py").write_text(body, encoding="utf-8")


def test_a_build_compiles_in_place_and_a_failed_one_leaves_the_sources(tmp_path: Path) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    _package(good, "def twice(n: int) -> int:\n    return 2 * n\n")
    built = native.build(root=good, modules=["extractors.tiny"])
    assert built["compiled"], built.get("error")
    assert native.read_manifest(good / "extractors" / "native.json") == built
    out = subprocess.run([sys.executable, "-c", "import extractors.tiny as t; print(t.twice(21), t.__file__)"],
                         cwd=good, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(good)},
                         check=True).stdout.split()
    assert out[0] == "42" and not out[1].endswith(".py")  # the compiled module is the one imported
    again = native.build(root=good, modules=["extractors.tiny"])
    assert again == built  # same sources, same recipe: nothing built again

    _package(bad, "def twice(n: int) -> int:\n    return 'twice'\n")  # a type error mypyc refuses
    failed = native.build(root=bad, modules=["extractors.tiny"])
    assert not failed["compiled"] and "error" in failed["error"].lower()
    assert not list((bad / "extractors").glob("*.so"))


def test_where_mypyc_and_a_compiler_are_the_planned_modules_compile() -> None:
    """A type error in a compiled module makes the build fail, and the sources run unnoticed
    (slower, and the comparison above skips): where the build can run, it must have succeeded."""
    import importlib.util
    import shutil
    import sysconfig

    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if importlib.util.find_spec("mypyc") is None or not (shutil.which("cc") or shutil.which("gcc")) \
            or not headers.exists():
        pytest.skip("no mypyc, C compiler or Python headers here: the sources are what runs")
    manifest = native.read_manifest()
    assert manifest.get("compiled"), f"the build failed: {manifest.get('error')}"
    assert not native.stale_sources(manifest), "the compiled rules are older than their sources: run make native"
