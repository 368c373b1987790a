"""Build small Documents from text written in the tests."""

from __future__ import annotations

import hashlib
from datetime import date

from sources.document import Block, Document, table_row


def make_doc(paragraphs: list[str], *, lang: str = "en", name: str = "t", published: date | None = None,
             table: list[list[str]] | None = None) -> Document:
    blocks = [Block(index=i, kind="paragraph", text=p) for i, p in enumerate(paragraphs)]
    if table:
        header = tuple(table[0])
        for row in table[1:]:
            blocks.append(table_row(len(blocks), row, table=0, header=header))
    sha = hashlib.sha256("\n".join(paragraphs + [str(table)]).encode()).hexdigest()
    return Document(source_name=name, url=None, publisher="test", trust="press", lang=lang, published_on=published,
                    title=None, sha256=sha, kind="text", blocks=tuple(blocks))


def facts(statements) -> set[tuple]:
    """(subject, attribute, value) triples, values as canonical JSON strings."""
    return {(s.subject_text, s.attribute, s.value_json.strip('"')) for s in statements}
