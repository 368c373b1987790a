"""What a parser returns: the document body and what the page says about itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sources.document import Block, table_row


@dataclass(frozen=True, slots=True)
class ParsedContent:
    title: str | None
    published: date | None
    blocks: tuple[Block, ...]
    published_precision: str | None = None  # "day" | "month" when `published` is set
    notes: tuple[str, ...] = ()  # things worth telling the user (pages skipped, ...)


@dataclass
class BlockSink:
    """Collects blocks in reading order and numbers them; drops empty text."""

    blocks: list[Block] = field(default_factory=list)
    tables: int = 0

    def add(self, kind: str, text: str, *, page: int | None = None) -> None:
        clean = " ".join(text.split())
        if clean:
            self.blocks.append(Block(index=len(self.blocks), kind=kind, text=clean, page=page))

    def new_table(self) -> int:
        self.tables += 1
        return self.tables - 1

    def add_row(self, cells: list[str] | tuple[str, ...], *, table: int, page: int | None = None,
                header: tuple[str, ...] = ()) -> None:
        if any(c and c.strip() for c in cells):
            self.blocks.append(table_row(len(self.blocks), list(cells), page=page, table=table,
                                         header=header))

    def add_table(self, rows: list[list[str]], *, page: int | None = None,
                  header_row: bool | None = None) -> None:
        """Rows of cells; the first row is carried as `header` on the others when it is a header."""
        rows = [[" ".join((c or "").split()) for c in r] for r in rows]
        rows = [r for r in rows if any(r)]
        if not rows:
            return
        table = self.new_table()
        if header_row is None:
            header_row = looks_like_header(rows)
        header: tuple[str, ...] = ()
        for i, row in enumerate(rows):
            if i == 0 and header_row:
                self.add_row(row, table=table, page=page)
                header = tuple(row)
                continue
            self.add_row(row, table=table, page=page, header=header)

    def freeze(self) -> tuple[Block, ...]:
        return tuple(self.blocks)


def looks_like_header(rows: list[list[str]]) -> bool:
    """A first row of short, non-numeric labels over at least one more row reads as a header."""
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    first = rows[0]
    if not all(c for c in first):
        return False
    if any(any(ch.isdigit() for ch in c) for c in first):
        return False
    return max(len(c) for c in first) <= 40


def find_dateline(blocks: tuple[Block, ...] | list[Block]):
    """A publication date in the short lines at the top of a document (the dateline zone).

    Headings are skipped, the zone ends at the first long paragraph or table; full dates
    win over month-and-year anywhere in the zone.
    """
    from sources.dates import find_date
    from sources.settings import load_config

    cfg = load_config("ingest.yaml")["dates"]
    zone: list[str] = []
    for block in blocks:
        if block.kind == "heading":
            continue
        if block.kind == "table_row" or len(block.text) > int(cfg["dateline_max_chars"]):
            break
        zone.append(block.text)
        if len(zone) >= int(cfg["dateline_lines"]):
            break
    for allow_month in (False, True):
        for text in zone:
            found = find_date(text, allow_month=allow_month)
            if found:
                return found
    return None
