"""The extraction entry point: documents in, statements out, in batches per language."""

from __future__ import annotations

from itertools import groupby
from typing import Iterable, Iterator

from extractors.pipeline import build_pipeline, pipeline_config
from extractors.relations import DocumentRelations
from extractors.statement import Statement
from sources.document import Document


def extract(document: Document) -> list[Statement]:
    return next(extract_many([document]))[1]


def extract_many(documents: Iterable[Document], batch_size: int | None = None) -> Iterator[tuple[Document, list[Statement]]]:
    """Runs each language's pipeline over the blocks of consecutive documents with `nlp.pipe`.

    Documents are taken in the order given and grouped by language only while
    consecutive, so memory stays bounded by one run of same-language documents.
    """
    size = batch_size or int(pipeline_config().get("batch_size", 64))
    for lang, group in groupby(documents, key=lambda d: d.lang or "en"):
        nlp = build_pipeline(lang)
        docs = list(group)
        texts = []
        owners = []
        for d in docs:
            for b in d.blocks:
                if b.text.strip():
                    sdoc = nlp.make_doc(b.text)
                    sdoc._.ref_date = d.published_on
                    texts.append(sdoc)
                    owners.append((d.doc_id, b))
        annotated: dict[str, list] = {d.doc_id: [] for d in docs}
        for (doc_id, block), sdoc in zip(owners, nlp.pipe(texts, batch_size=size)):
            annotated[doc_id].append((block, sdoc))
        for d in docs:
            yield d, DocumentRelations(d, nlp.lang).run(annotated[d.doc_id])
