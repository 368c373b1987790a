"""Issue 23, on the bundled samples (what `make run` refreshes): no factory holds a value that
a sentence about another factory stated."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from common.text import fold_words

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    from tests.extractors.corpus_run import extract_corpus

    tmp = tmp_path_factory.mktemp("samples")
    extract_corpus(REPO / "configs" / "sources.yaml", tmp / "wh.duckdb", tmp / "raw")
    return tmp / "wh.duckdb"


def _sentence(text: str, start: int, end: int) -> str:
    begin = max([m.end() for m in re.finditer(r"[.!?](?=\s)", text[:start])], default=0)
    after = re.search(r"[.!?](?=\s|$)", text[end:])
    return text[begin:end + (after.end() if after else len(text) - end)]


def test_no_factory_holds_a_value_from_a_sentence_about_another(samples: Path):
    con = duckdb.connect(str(samples), read_only=True)
    try:
        # how the curated table calls each factory: its id, name, aliases, host and machine
        words = {fid: {fold_words(w) for w in [fid, name, host, system, *(aliases or [])]
                       if w and len(fold_words(w)) > 2}
                 for fid, name, host, system, aliases in
                 con.execute("SELECT factory_id, name, host_org, supercomputer, aliases FROM factories").fetchall()}
        chosen = con.execute("""
            SELECT v.factory_id, v.attribute, v.value_json, b.text, s.span_start, s.span_end
            FROM factory_values v, unnest(v.statement_ids) AS u(sid)
            JOIN statements s ON s.statement_id = u.sid
            JOIN blocks b ON b.doc_id = s.doc_id AND b.block = s.block
            WHERE v.chosen AND v.attribute NOT IN ('name', 'country')""").fetchall()
    finally:
        con.close()
    assert chosen, "the samples gave no chosen values"
    by_value: dict[tuple, list[tuple[str, str]]] = {}
    for fid, attr, value, text, start, end in chosen:
        by_value.setdefault((fid, attr, value), []).append((_sentence(text, start, end), text))
    wrong = []
    for (fid, attr, value), sentences in by_value.items():
        about_others = []
        for sentence, _ in sentences:
            padded = f" {fold_words(sentence)} "
            named = {f for f, ws in words.items() if any(f" {w} " in padded for w in ws)}
            about_others.append(bool(named) and fid not in named and len(named) == 1)
        if all(about_others):
            wrong.append(f"{fid}.{attr} = {value} only from {sentences[0][0]!r}")
    assert not wrong, "\n".join(wrong)
