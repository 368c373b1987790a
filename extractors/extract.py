"""The extraction entry point: documents in, statements out, in batches per language."""

from __future__ import annotations

import os
from collections import OrderedDict
from functools import lru_cache
from datetime import date
from itertools import islice
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc as SpacyDoc

from extractors.config import ConfigError
from extractors.pipeline import build_pipeline, pipeline_config
from extractors.relations import DocumentRelations
from extractors.rulers import uses_document_year
from extractors.spans import keep_text
from extractors.statement import Statement
from sources.document import Document


def extract(document: Document) -> list[Statement]:
    return next(extract_many([document]))[1]


class ExtractionError(RuntimeError):
    """The rules failed on one document (a bug the document brought out); the message names
    its source and the error."""


ANY_YEAR = "any year"  # the year slot of a block whose annotations hold for every document year


class BlockCache:
    """Annotated blocks by content, most recently used kept.

    The same paragraph comes back often: a site's header, footer and cookie notice on each
    of its pages, a press release quoted whole by several outlets, an edited page of which
    one paragraph changed. Such a block is tokenised and annotated once per process. The
    key holds what annotation depends on besides the text: the language and the year a
    date without one takes from the document; a block with no such date is kept under
    `ANY_YEAR` and serves documents of every year. Annotated blocks are only read
    afterwards (relations never change a span), so one can serve several documents.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._docs: OrderedDict[tuple, SpacyDoc] = OrderedDict()
        # blocks served without annotating (from here, or again within one window of
        # documents) and blocks annotated: their ratio is the share of the work saved
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple) -> SpacyDoc | None:
        """The block under `key`, or under its any-year key (tried first: most blocks are)."""
        if len(key) == 3 and key[2] is not ANY_YEAR:
            anyway = (key[0], key[1], ANY_YEAR)
            doc = self._docs.get(anyway)
            if doc is not None:
                key = anyway
            else:
                doc = self._docs.get(key)
        else:
            doc = self._docs.get(key)
        if doc is None:
            self.misses += 1
            return None
        self._docs.move_to_end(key)
        self.hits += 1
        return doc

    def put(self, key: tuple, doc: SpacyDoc) -> None:
        if self.capacity <= 0:
            return
        self._docs[key] = doc
        self._docs.move_to_end(key)
        while len(self._docs) > self.capacity:
            self._docs.popitem(last=False)


@lru_cache(maxsize=1)
def block_cache() -> BlockCache:
    """The process's cache: `block_cache` in pipeline.yaml, or AIFACTS_BLOCK_CACHE (0 turns it off)."""
    value = os.environ.get("AIFACTS_BLOCK_CACHE", "").strip() or pipeline_config().get("block_cache", 0)
    try:
        return BlockCache(int(value))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"block_cache / AIFACTS_BLOCK_CACHE: expected a number of blocks, got {value!r}") from exc


def extract_many(documents: Iterable[Document], batch_size: int | None = None, cache: BlockCache | None = None,
                 window: int | None = None,
                 failures: dict[str, str] | None = None) -> Iterator[tuple[Document, list[Statement]]]:
    """Runs each language's pipeline with `nlp.pipe` over the new blocks of a window of
    documents, then the relation rules over each document, in the order given.

    The window (`extract_window` of pipeline.yaml) bounds memory; within it the blocks of
    all documents of one language go through one `nlp.pipe` call: each call costs its own
    setup, and sources in many languages interleaved (a round's press releases from every
    member state) left a call for every one or two blocks.

    A document the relation rules fail on raises `ExtractionError`; with `failures` given,
    its message is kept there under the document's id instead, the document yields no
    statements, and the others go on.
    """
    size = batch_size or int(pipeline_config().get("batch_size", 64))
    window = window or int(pipeline_config().get("extract_window", 256))
    cache = cache if cache is not None else block_cache()
    it = iter(documents)
    while docs := list(islice(it, window)):
        yield from _extract_window(docs, size, cache, failures)


def _extract_window(docs: list[Document], size: int, cache: BlockCache,
                    failures: dict[str, str] | None) -> Iterator[tuple[Document, list[Statement]]]:
    pipelines = [build_pipeline(d.lang or "en") for d in docs]
    keyed: list[list] = [[] for _ in docs]  # per document, its (block, key) pairs
    ready: dict[tuple, SpacyDoc] = {}
    wanted: dict[str, dict[tuple, date | None]] = {}  # per language, the blocks to annotate with their document date
    for d, nlp, pairs in zip(docs, pipelines, keyed):
        year = d.published_on.year if d.published_on else None
        for b in d.blocks:
            if not b.text.strip():
                continue
            key = (nlp.lang, b.text, year)
            pairs.append((b, key))
            if key in ready or key in wanted.get(nlp.lang, ()):
                cache.hits += 1  # served again without annotating, as a cached block is
                continue
            cached = cache.get(key)
            if cached is not None:
                ready[key] = cached
            else:
                wanted.setdefault(nlp.lang, {})[key] = d.published_on
    by_lang = {nlp.lang: nlp for nlp in pipelines}  # the key's language is the pipeline's ("xx" for unknown ones)
    broken: dict[tuple, str] = {}  # blocks the pipeline failed on -> the error
    for lang, blocks in wanted.items():
        try:
            ready.update(_annotate(by_lang[lang], blocks, size, cache))
        except Exception:  # noqa: BLE001 - a block that breaks a component: found below, one block at a time
            if failures is None:
                raise
            ready.update(_annotate_each(by_lang[lang], blocks, size, cache, broken))
    for d, nlp, pairs in zip(docs, pipelines, keyed):
        bad = next((broken[key] for _, key in pairs if key in broken), None)
        if bad is not None:
            failures[d.doc_id] = f"{d.source_name}: extraction failed: {bad}"  # type: ignore[index]
            yield d, []
            continue
        try:
            statements = DocumentRelations(d, nlp.lang).run([(b, ready[key]) for b, key in pairs])
        except Exception as exc:  # noqa: BLE001 - one document's failure must not end the others'
            message = f"{d.source_name}: extraction failed: {type(exc).__name__}: {exc}"
            if failures is None:
                raise ExtractionError(message) from exc
            failures[d.doc_id] = message
            statements = []
        yield d, statements


def _annotate_each(nlp: Language, wanted: dict[tuple, date | None], size: int, cache: BlockCache,
                   broken: dict[tuple, str]) -> dict[tuple, SpacyDoc]:
    """`_annotate` block by block, after the batch failed: the blocks that fail go to
    `broken` with their error, so only their documents fail."""
    out: dict[tuple, SpacyDoc] = {}
    for key, ref in wanted.items():
        try:
            out.update(_annotate(nlp, {key: ref}, size, cache))
        except Exception as exc:  # noqa: BLE001 - this block's document fails, not the others
            broken[key] = f"annotating a block of {len(key[1])} characters: {type(exc).__name__}: {exc}"[:500]
    return out


def _annotate(nlp: Language, wanted: dict[tuple, date | None], size: int, cache: BlockCache) -> dict[tuple, SpacyDoc]:
    """Runs the pipeline over the blocks `wanted`, each text once: the same paragraph in
    documents of several years is annotated again for the other years only when one of its
    dates leaves its year to the document's."""
    first: dict[tuple, tuple] = {}  # (lang, text) -> the first key that asks for it
    for key in wanted:
        first.setdefault(key[:2], key)
    out = dict(zip(first.values(), _pipe(nlp, [(k, wanted[k]) for k in first.values()], size)))
    for key, sdoc in out.items():
        cache.put(key if uses_document_year(sdoc) else (key[0], key[1], ANY_YEAR), sdoc)
    others = [k for k in wanted if k not in out]
    again = [k for k in others if uses_document_year(out[first[k[:2]]])]
    for key, sdoc in zip(again, _pipe(nlp, [(k, wanted[k]) for k in again], size)):
        out[key] = sdoc
        cache.put(key, sdoc)
    for key in others:
        out.setdefault(key, out[first[key[:2]]])
    return out


def _pipe(nlp: Language, blocks: list[tuple[tuple, date | None]], size: int) -> Iterator[SpacyDoc]:
    def docs() -> Iterator[SpacyDoc]:
        for (_lang, text, _year), ref in blocks:
            doc = keep_text(nlp.make_doc(text), text)
            doc._.ref_date = ref
            yield doc
    return nlp.pipe(docs(), batch_size=size)
