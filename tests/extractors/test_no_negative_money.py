"""No negative amount of money from any text the project reads or tests on (issue 22).

A dash between two numbers is a range mark or a break in running text, never a minus
("10 - 20 euro" is a range, not 10 and -20); a negative budget would be a wrong fact in
the warehouse. Every block of the dev, dev2 and seed corpora (parsed as the pipeline
parses them), every string literal of the test suite and every peer case is read in its
own language and in the corpus languages, and no money value may be below zero."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from extractors.money import find_money
from extractors.numbers import find_numbers

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / ".." / "shared"
LANGS = ("en", "de", "fr", "it", "es", "ca", "nl", "pt", "ro", "el", "pl", "cs", "lt", "sv", "da", "no", "fi",
         "bg", "sl", "hr", "sk", "hu", "uk")


def _negative(value: dict[str, Any]) -> bool:
    return any(isinstance(value.get(k), (int, float)) and value[k] < 0 for k in ("amount", "min", "max"))


def _corpus_blocks(tmp: Path) -> Iterator[tuple[str, str, str]]:
    from flows import steps
    from flows.settings import Settings

    for corpus in ("dev", "dev2", "seed"):
        sources = SHARED / "corpus" / corpus / "sources.yaml"
        if not sources.is_file():
            continue
        settings = Settings.resolve(sources=sources, warehouse=tmp / "w.duckdb", full=True, cache_dir=tmp / "cache")
        for spec in steps.load_sources(settings):
            doc = steps.read_one(spec, settings.cache_dir, None).document
            assert doc is not None, spec.name
            for block in doc.blocks:
                yield f"{corpus}/{spec.name}#{block.index}", doc.lang, block.text


def _test_strings() -> Iterator[str]:
    """Every string literal of the tests that holds a digit, docstrings aside (they speak
    about texts, they are not texts read)."""
    for path in sorted((ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                    and any(c.isdigit() for c in node.value)):
                yield node.value


def _peer_strings() -> Iterator[tuple[str, str]]:
    for path in sorted((SHARED / "peers").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            if isinstance(case.get("text"), str):
                yield case.get("lang") or "en", case["text"]


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="shared corpus not found")
def test_no_negative_amount_in_the_corpora(tmp_path: Path) -> None:
    bad = []
    blocks = 0
    for where, lang, text in _corpus_blocks(tmp_path):
        blocks += 1
        for reading in {lang, "en"}:
            bad += [(where, reading, m.text, m.value) for m in find_money(text, reading) if _negative(m.value)]
    assert blocks > 500
    assert bad == []


def test_no_negative_amount_in_the_tests_texts() -> None:
    texts = sorted(set(_test_strings()))
    assert len(texts) > 300
    bad = [(lang, t, m.value) for t in texts for lang in LANGS for m in find_money(t, lang) if _negative(m.value)]
    assert bad == []


@pytest.mark.skipif(not (SHARED / "peers").is_dir(), reason="peer suites not found")
def test_no_negative_amount_in_the_peer_texts_but_a_signed_one() -> None:
    """The peers' texts hold one amount written with its sign after the currency ("€ -12",
    as accounts write a loss): only such a sign may make an amount negative."""
    negative = [(lang, m.text) for lang, t in _peer_strings() for m in find_money(t, lang) if _negative(m.value)]
    assert all(re.match(r"\S{1,3}[^\S\n]?[-−]\d", text) for _lang, text in negative), negative
    assert len(negative) <= 1


@pytest.mark.parametrize("text", ["10 - 20 euro", "10 euro - 20 euro", "10 – 20 EUR", "€10 -20", "10 -20 euros",
                                  "spending went 10 - 20 and more"])
def test_a_dash_between_numbers_is_no_minus(text: str) -> None:
    assert all(n.value >= 0 for n in find_numbers(text, "en"))
    assert not any(_negative(m.value) for m in find_money(text, "en"))
