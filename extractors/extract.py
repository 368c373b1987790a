"""The extraction entry point: documents in, statements out, in batches per language."""

from __future__ import annotations

import os
from collections import OrderedDict
from functools import lru_cache
from itertools import groupby
from typing import Iterable, Iterator

from spacy.tokens import Doc as SpacyDoc

from extractors.config import ConfigError
from extractors.pipeline import build_pipeline, pipeline_config
from extractors.relations import DocumentRelations
from extractors.spans import keep_text
from extractors.statement import Statement
from sources.document import Document


def extract(document: Document) -> list[Statement]:
    return next(extract_many([document]))[1]


class BlockCache:
    """Annotated blocks by content, most recently used kept.

    The same paragraph comes back often: a site's header, footer and cookie notice on each
    of its pages, a press release quoted whole by several outlets, an edited page of which
    one paragraph changed. Such a block is tokenised and annotated once per process. The
    key holds what annotation depends on besides the text: the language and the year a
    date without one takes from the document. Annotated blocks are only read afterwards
    (relations never change a span), so one can serve several documents.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._docs: OrderedDict[tuple, SpacyDoc] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple) -> SpacyDoc | None:
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


def extract_many(documents: Iterable[Document], batch_size: int | None = None,
                 cache: BlockCache | None = None) -> Iterator[tuple[Document, list[Statement]]]:
    """Runs each language's pipeline over the blocks of consecutive documents with `nlp.pipe`.

    Documents are taken in the order given and grouped by language only while
    consecutive, so memory stays bounded by one run of same-language documents.
    """
    size = batch_size or int(pipeline_config().get("batch_size", 64))
    cache = cache if cache is not None else block_cache()
    for lang, group in groupby(documents, key=lambda d: d.lang or "en"):
        nlp = build_pipeline(lang)
        docs = list(group)
        keyed: dict[str, list] = {d.doc_id: [] for d in docs}
        ready: dict[tuple, SpacyDoc] = {}
        todo: dict[tuple, SpacyDoc] = {}
        for d in docs:
            year = d.published_on.year if d.published_on else None
            for b in d.blocks:
                if not b.text.strip():
                    continue
                key = (nlp.lang, b.text, year)
                keyed[d.doc_id].append((b, key))
                if key in ready or key in todo:
                    continue
                cached = cache.get(key)
                if cached is not None:
                    ready[key] = cached
                else:
                    todo[key] = keep_text(nlp.make_doc(b.text), b.text)
                    todo[key]._.ref_date = d.published_on
        for key, sdoc in zip(todo, nlp.pipe(todo.values(), batch_size=size)):
            ready[key] = sdoc
            cache.put(key, sdoc)
        for d in docs:
            yield d, DocumentRelations(d, nlp.lang).run([(b, ready[key]) for b, key in keyed[d.doc_id]])
