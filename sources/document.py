"""The one type that leaves `sources/`: a parsed document with ordered blocks.

Parsing is a pure function of bytes, so everything downstream (extraction,
provenance spans) is reproducible from the raw file kept in the cache.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

BLOCK_KINDS = ("heading", "paragraph", "list_item", "table_row", "caption")
TRUST_TIERS = ("official", "press", "secondary")
SOURCE_KINDS = ("html", "pdf", "text")


@dataclass(frozen=True, slots=True)
class Block:
    """A unit of reading order. Character spans of statements are offsets into `text`.

    A table row keeps its `cells`; its `text` is the cells joined by `CELL_SEP`, so the
    offset of cell i is recoverable from the cells alone (see `cell_offsets`).
    """

    index: int
    kind: str
    text: str
    cells: tuple[str, ...] = ()
    page: int | None = None
    table: int | None = None
    header: tuple[str, ...] = ()

    def cell_offsets(self) -> list[tuple[int, int]]:
        """(start, end) of each cell inside `text`."""
        out, pos = [], 0
        for cell in self.cells:
            out.append((pos, pos + len(cell)))
            pos += len(cell) + len(CELL_SEP)
        return out


CELL_SEP = " | "


def table_row(index: int, cells: list[str] | tuple[str, ...], *, page: int | None = None,
              table: int | None = None, header: tuple[str, ...] = ()) -> Block:
    """Build a table-row block whose text is consistent with its cells."""
    clean = tuple(" ".join(c.split()) if c else "" for c in cells)
    return Block(index=index, kind="table_row", text=CELL_SEP.join(clean), cells=clean,
                 page=page, table=table, header=header)


@dataclass(frozen=True, slots=True)
class Document:
    source_name: str
    url: str | None
    publisher: str | None
    trust: str
    lang: str
    published_on: date | None
    title: str | None
    sha256: str
    kind: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    lang_detected: bool = False
    published_precision: str | None = None  # "year" | "month" when `published_on` stands for more than a day

    def published_prefix(self) -> str | None:
        """The published date written at its precision ("2025-03" for a month): a date of
        the first of the month does not say the month's later days are still to come."""
        if self.published_on is None:
            return None
        return self.published_on.isoformat()[:{"year": 4, "month": 7}.get(self.published_precision or "", 10)]

    @property
    def doc_id(self) -> str:
        """Stable id: the same bytes from the same source, declared the same way (publisher,
        trust, language, date), are the same document. A changed declaration makes a new
        document, so the warehouse keeps both and its history shows the change."""
        meta = (self.publisher, self.trust, self.lang, self.published_on.isoformat() if self.published_on else None)
        return doc_id_for(self.source_name, self.sha256, meta)


def doc_id_for(source_name: str, sha256: str, meta: tuple = ()) -> str:
    key = f"{source_name}\0{sha256}" + ("\0" + repr(meta) if meta else "")
    return hashlib.sha1(key.encode()).hexdigest()[:16]
