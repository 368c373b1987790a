"""The shortcuts taken for speed must not change a single statement.

Each fast path (annotated blocks reused by content, sentence bounds read as an array,
span texts cut from the block, a compiled search before the word-by-word cue test) is
compared here with the plain way on the dev corpus or on generated text."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.cues import contains_word, first_word, lexicon
from extractors.ext import SPAN_KINDS
from extractors.extract import BlockCache, extract_many
from extractors.mentions import block_sentences, whole_block
from extractors.pipeline import build_pipeline
from extractors.reading import reading
from extractors.relations import DocumentRelations
from extractors.spans import keep_text, sentence_bounds, text_of
from flows import steps
from flows.settings import Settings
from sources.document import Block, Document


@pytest.fixture(scope="module")
def dev_documents(corpus_dir: Path, tmp_path_factory) -> list[Document]:
    tmp = tmp_path_factory.mktemp("fast")
    s = Settings.resolve(sources=corpus_dir / "dev" / "sources.yaml", warehouse=tmp / "w.duckdb",
                         cache_dir=tmp / "raw")
    docs = [r.document for r in (steps.read_one(spec, s.cache_dir, None) for spec in steps.load_sources(s))
            if r.document is not None]
    assert len(docs) > 30
    return docs


def _facts(statements) -> list[tuple]:
    return sorted((s.subject_text or "", s.attribute, s.value_json, s.block, s.span_start, s.span_end, s.rule)
                  for s in statements)


def test_reused_blocks_give_the_same_statements(dev_documents: list[Document]) -> None:
    plain = {d.doc_id: _facts(st_) for d, st_ in extract_many(dev_documents, cache=BlockCache(0))}
    cache = BlockCache(4096)
    # every document twice, the copy under another id: its blocks all come from the cache
    copies = {d.doc_id: replace(d, source_name=d.source_name + "-copy") for d in dev_documents}
    warm = {d.doc_id: _facts(st_) for d, st_ in extract_many(dev_documents + list(copies.values()), cache=cache)}
    again = {d.doc_id: _facts(st_) for d, st_ in extract_many(list(copies.values()), cache=cache)}
    assert cache.hits > 0
    for d in dev_documents:
        copy = copies[d.doc_id].doc_id
        assert warm[d.doc_id] == plain[d.doc_id], d.source_name
        assert warm[copy] == plain[d.doc_id], d.source_name
        assert again[copy] == plain[d.doc_id], d.source_name
    assert sum(map(len, plain.values())) > 500


def test_a_date_without_year_is_not_served_from_another_year() -> None:
    block = Block(index=0, kind="paragraph", text="The GAIA AI Factory will be operational on 12 March.")
    cache = BlockCache(16)

    def dates(published: date) -> set[str]:
        doc = Document(source_name=f"s{published.year}", url=None, publisher="p", trust="press", lang="en",
                       published_on=published, title=None, sha256="0" * 64, kind="text", blocks=(block,))
        return {s.value_json for _, sts in extract_many([doc], cache=cache) for s in sts
                if s.attribute == "operational_by"}

    assert dates(date(2024, 1, 5)) != dates(date(2025, 1, 5))


@pytest.mark.parametrize("text, annotations", [
    ("The GAIA AI Factory will be operational on 12 March 2025, for EUR 40 million.", 1),
    ("The GAIA AI Factory will be operational on 12 March.", 3),
])
def test_a_block_is_annotated_once_for_every_year_unless_a_date_leaves_its_year_out(
        text: str, annotations: int) -> None:
    block = Block(index=0, kind="paragraph", text=text)
    cache = BlockCache(16)
    dates = []
    for published in (date(2024, 1, 5), date(2025, 1, 5), None):
        doc = Document(source_name=f"s{published}", url=None, publisher="p", trust="press", lang="en",
                       published_on=published, title=None, sha256="0" * 64, kind="text", blocks=(block,))
        statements = next(extract_many([doc], cache=cache))[1]
        dates.append({s.value_json for s in statements if s.attribute == "operational_by"})
    assert dates[0] and dates[1]
    assert (dates[0] == dates[1]) == (annotations == 1)
    assert cache.misses == annotations
    assert cache.hits == 3 - annotations


def test_a_full_cache_drops_the_least_recently_used() -> None:
    cache = BlockCache(2)
    cache.put(("en", "a", None), "A")
    cache.put(("en", "b", None), "B")
    assert cache.get(("en", "a", None)) == "A"
    cache.put(("en", "c", None), "C")
    assert cache.get(("en", "b", None)) is None and cache.get(("en", "a", None)) == "A"


def test_sentence_bounds_and_span_texts_match_spacy(dev_documents: list[Document]) -> None:
    checked = 0
    for d in dev_documents[:25]:
        nlp = build_pipeline(d.lang or "en")
        for b in d.blocks:
            if not b.text.strip():
                continue
            doc = nlp(b.text)
            assert sentence_bounds(doc) == [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents]
            kept = keep_text(nlp(b.text), b.text)
            for s in kept.sents:
                assert text_of(s) == s.text
                checked += 1
    assert checked > 200


_words = st.sampled_from(["ai", "factory", "opened", "open", "new", "é", "über", "s.a.", "co-funded", "it"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_words, st.text(max_size=6)), max_size=12).map(" ".join),
       st.lists(st.one_of(_words, st.text(max_size=4)), max_size=6))
def test_cue_search_finds_what_the_word_loop_finds(haystack: str, needles: list[str]) -> None:
    assert contains_word(haystack, tuple(needles)) == first_word(haystack, tuple(needles))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcé-]^\\[. ")), max_size=20),
       st.lists(st.text(alphabet=st.sampled_from(list("abcé-]^\\[. ")), max_size=4), max_size=8))
def test_one_search_for_many_words_finds_any_of_them(haystack: str, needles: list[str]) -> None:
    """The words laid out as a trie (shared openings, signs that mean something to a
    regex) find a text holding any of them and only such texts."""
    from extractors.cues import any_needle
    pattern = any_needle(frozenset(needles))
    words = [n for n in needles if n]
    assert (pattern is not None and pattern.search(haystack) is not None) == any(w in haystack for w in words)


def test_remembered_cue_answers_stay_bounded_and_per_list() -> None:
    from extractors import cues
    text = "the new system opens in 2026"
    assert contains_word(text, ("opens",)) == "opens"
    assert contains_word(text, ("closes",)) is None  # same text, another list: asked, not remembered
    for i in range(cues._ANSWERS_MAX + 10):
        contains_word(f"text {i}", ("text",))
    assert len(cues._ANSWERS) <= cues._ANSWERS_MAX
    assert contains_word(text, ("opens",)) == "opens"


def test_cache_size_from_the_environment_and_a_bad_one_named(monkeypatch) -> None:
    from extractors.config import ConfigError
    from extractors.extract import block_cache
    block_cache.cache_clear()
    monkeypatch.setenv("AIFACTS_BLOCK_CACHE", "0")
    assert block_cache().capacity == 0
    block_cache.cache_clear()
    monkeypatch.setenv("AIFACTS_BLOCK_CACHE", "lots")
    with pytest.raises(ConfigError, match="AIFACTS_BLOCK_CACHE"):
        block_cache()
    block_cache.cache_clear()


def _annotated(d: Document) -> list:
    nlp = build_pipeline(d.lang or "en")
    out = []
    for b in d.blocks:
        if b.text.strip():
            doc = keep_text(nlp.make_doc(b.text), b.text)
            doc._.ref_date = d.published_on
            for _name, proc in nlp.pipeline:
                doc = proc(doc)
            out.append((b, doc))
    return out


def test_sentence_views_hold_the_mentions_inside_each_sentence(dev_documents: list[Document]) -> None:
    checked = 0
    for d in dev_documents[:20]:
        for _b, doc in _annotated(d):
            for sent, spacy_sent in zip(block_sentences(doc), doc.sents, strict=True):
                assert (sent.start, sent.end, sent.text) == (spacy_sent.start, spacy_sent.end, spacy_sent.text)
                for kind in SPAN_KINDS:
                    want = [(sp.start, sp.end, sp.label_, sp._.value, sp.text) for sp in doc.spans.get(kind, [])
                            if sp.start >= spacy_sent.start and sp.end <= spacy_sent.end]
                    assert [(m.start, m.end, m.label_, m.value, m.text) for m in sent.of(kind)] == want
                    checked += len(want)
    assert checked > 100


def test_sentences_with_nothing_to_read_are_skipped_without_changing_a_statement(
        dev_documents: list[Document]) -> None:
    """The shortcut for bare sentences (no mention, no cue word) against the full pass on
    every sentence: the same statements, and the shortcut is taken often enough to matter."""
    bare = 0
    for d in dev_documents:
        lex = lexicon(d.lang or "en")
        quick = _facts(DocumentRelations(d, d.lang or "en").run(_annotated(d)))
        full_blocks = _annotated(d)
        for b, doc in full_blocks:
            for sent in ([whole_block(doc)] if b.kind in ("list_item", "table_row") else block_sentences(doc)):
                r = reading(doc, sent, lex)
                bare += r.bare
                r.bare = False  # read it in full
        assert _facts(DocumentRelations(d, d.lang or "en").run(full_blocks)) == quick, d.source_name
    assert bare > 180  # 199 of 1,000-odd since organisations are also found by their head words (was > 200)


def test_a_block_memo_keeps_none_as_an_answer() -> None:
    """`of_block` answers from the block what every document would ask again; "no year
    here" is an answer too, and must not be worked out again for each document."""
    from extractors.spans import of_block
    doc = build_pipeline("en").make_doc("No year is named in this paragraph.")
    calls: list[int] = []

    def make() -> None:
        calls.append(1)
        return None

    assert [of_block(doc, ("probe",), make) for _ in range(3)] == [None, None, None]
    assert calls == [1]


def test_windows_over_interleaved_languages_give_each_document_its_own_statements(
        dev_documents: list[Document]) -> None:
    by_lang: dict[str, list[Document]] = {}
    for d in dev_documents:
        by_lang.setdefault(d.lang or "en", []).append(d)
    assert len(by_lang) >= 4
    interleaved = []  # one document of each language in turn: no two neighbours share a pipeline
    while any(by_lang.values()):
        interleaved.extend(docs.pop() for docs in by_lang.values() if docs)
    alone = {d.doc_id: _facts(next(extract_many([d], cache=BlockCache(0)))[1]) for d in interleaved}
    for window in (1, 5, 1000):
        out = list(extract_many(interleaved, cache=BlockCache(0), window=window))
        assert [d.doc_id for d, _ in out] == [d.doc_id for d in interleaved]
        assert {d.doc_id: _facts(st_) for d, st_ in out} == alone


@pytest.mark.parametrize("capacity", [0, 16])
def test_a_block_met_again_within_a_window_counts_as_served_not_annotated(capacity: int) -> None:
    block = Block(index=0, kind="paragraph", text="The GAIA AI Factory costs EUR 40 million.")
    docs = [Document(source_name=f"s{n}", url=None, publisher="p", trust="press", lang="en",
                     published_on=date(2025, 1, 5), title=None, sha256="0" * 64, kind="text", blocks=(block,))
            for n in range(3)]
    cache = BlockCache(capacity)
    assert all(statements for _, statements in extract_many(docs, cache=cache, window=10))
    assert (cache.misses, cache.hits) == (1, 2)
