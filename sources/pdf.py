"""PDF into blocks with pdfplumber: paragraphs per page in reading order, tables as rows.

Ruled tables come from pdfplumber's default (lines) strategy. The lines outside them are
scanned for runs of lines whose words fall into aligned columns separated by wide gaps;
such a run is read with the "text" strategy. Table text is kept out of the paragraphs.
Hostile files are bounded: a page cap and a time budget, both in `configs/ingest.yaml`.
"""

from __future__ import annotations

import io
import re
import time
import zlib
from collections import Counter
from itertools import islice
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from sources.dates import fold
from sources.errors import ParseError
from sources.parsed import BlockSink, ParsedContent, find_dateline
from sources.settings import load_config

TEXT_TABLE_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text",
                       "snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 5,
                       "text_x_tolerance": 2, "min_words_vertical": 2, "min_words_horizontal": 1}


@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    size: float
    segments: list[tuple[float, float, str]]  # (x0, x1, text) runs split at wide gaps


@lru_cache(maxsize=1)
def _caption_re() -> re.Pattern[str]:
    words = load_config("ingest.yaml")["pdf_captions"]["words"]
    alts = "|".join(re.escape(fold(w)) for w in words)
    return re.compile(rf"^(?:{alts})\.?\s*\d+\s*[:.\-–]")


def _cfg() -> dict[str, Any]:
    return load_config("ingest.yaml")["pdf"]


def _open(content: bytes, source_name: str, max_pages: int):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    if not content:
        raise ParseError(source_name, "the file is empty (no PDF)")
    if b"%PDF-" not in content[:1024]:
        raise ParseError(source_name, "not a PDF (no %PDF- signature at the start)")
    try:
        pdf = pdfplumber.open(io.BytesIO(content))
        pages, total = _first_pages(pdf, max_pages)  # encryption and structure errors show up here
    except PdfminerException as exc:
        inner = exc.args[0] if exc.args else exc
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise ParseError(source_name, "the PDF is encrypted and cannot be opened without "
                                          "a password") from exc
        raise ParseError(source_name, f"corrupt or truncated PDF ({type(inner).__name__}: "
                                      f"{inner})") from exc
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ParseError(source_name, "the PDF is encrypted and cannot be opened without a "
                                      "password") from exc
    except Exception as exc:  # pdfminer raises many types on malformed input
        raise ParseError(source_name, f"corrupt or truncated PDF ({type(exc).__name__}: "
                                      f"{exc})") from exc
    return pdf, pages, total


def _first_pages(pdf, limit: int) -> tuple[list[Any], int]:
    """The first `limit` pages and the page count, without walking the whole page tree:
    pdfplumber's `pdf.pages` builds every page, which takes minutes for a file that
    declares hundreds of thousands of them. The count is the one the page tree declares
    (or `limit + 1` when it declares nothing usable and there are more pages)."""
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1
    from pdfplumber.page import Page

    pages: list[Any] = []
    doctop: float = 0
    more = False
    for number, page_obj in enumerate(islice(PDFPage.create_pages(pdf.doc), limit + 1), start=1):
        if number > limit:
            more = True
            break
        page = Page(pdf, page_obj, page_number=number, initial_doctop=doctop)
        pages.append(page)
        doctop += page.height
    total = len(pages)
    if more:
        tree = resolve1(pdf.doc.catalog.get("Pages")) if isinstance(pdf.doc.catalog, dict) else None
        declared = resolve1(tree.get("Count")) if isinstance(tree, dict) else None
        total = declared if isinstance(declared, int) and declared > limit else limit + 1
    return pages, total


# Used when configs/ingest.yaml does not set `pdf.max_inflated_bytes`.
_DEFAULT_MAX_INFLATED = 256 * 2**20
_FLATE = {"FlateDecode", "Fl"}


def _inflated_size(raw: bytes, limit: int) -> int:
    """Bytes a Flate stream inflates to, counted chunk by chunk and stopped past `limit`,
    so a tiny stream that expands to gigabytes is measured without being materialised."""
    inflater = zlib.decompressobj()
    total, pending = 0, raw
    try:
        while pending and total <= limit:
            total += len(inflater.decompress(pending, 1 << 20))
            pending = inflater.unconsumed_tail
    except zlib.error:
        pass  # not valid Flate data: pdfminer reports or repairs it when it decodes
    return total


def _page_streams(page) -> Iterator[Any]:
    """The content streams pdfminer will decode for a page: its /Contents and the Form
    XObjects its resources reach (nested forms included; each object once)."""
    from pdfminer.pdftypes import PDFStream, resolve1

    obj = page.page_obj
    todo: list[Any] = [resolve1(c) for c in obj.contents]
    resources = [obj.resources]
    seen: set[int] = set()
    while todo or resources:
        if resources:
            res = resolve1(resources.pop())
            xobjects = resolve1(res.get("XObject")) if isinstance(res, dict) else None
            if isinstance(xobjects, dict):
                todo.extend(resolve1(x) for x in xobjects.values())
            continue
        stream = todo.pop()
        if not isinstance(stream, PDFStream) or id(stream) in seen:
            continue
        seen.add(id(stream))
        yield stream
        subtype = resolve1(stream.get("Subtype"))
        if getattr(subtype, "name", None) == "Form" and stream.get("Resources") is not None:
            resources.append(stream.get("Resources"))


def _check_inflation(page, page_no: int, budget: list[int], source_name: str) -> None:
    """Refuse a decompression bomb before pdfminer inflates it whole into memory.
    `budget` holds the bytes still allowed for the whole document."""
    for stream in _page_streams(page):
        if stream.rawdata is None:  # already decoded by pdfminer
            continue
        filters = [getattr(f, "name", f) for f, _ in stream.get_filters()]
        if not filters or filters[0] not in _FLATE:
            continue
        budget[0] -= _inflated_size(stream.rawdata, budget[0])
        if budget[0] < 0:
            raise ParseError(source_name, f"decompression bomb: the content streams up to page "
                                          f"{page_no} inflate to more than the "
                                          f"{_max_inflated()}-byte limit")


def _max_inflated() -> int:
    return int(_cfg().get("max_inflated_bytes", _DEFAULT_MAX_INFLATED))


def _lines(page, size_of_body: float | None = None) -> list[_Line]:
    """Text lines of a (filtered) page, with column segments split at wide gaps."""
    gap_ratio = float(_cfg()["column_gap_ratio"])
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, extra_attrs=["size"])
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - w["top"]) <= max(2.0, 0.3 * w["size"]):
            rows[-1].append(w)
        else:
            rows.append([w])
    out = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        size = Counter(round(w["size"], 1) for w in row).most_common(1)[0][0]
        segments: list[tuple[float, float, str]] = []
        for w in row:
            if segments and w["x0"] - segments[-1][1] <= gap_ratio * size:
                x0, _, text = segments[-1]
                segments[-1] = (x0, w["x1"], text + " " + w["text"])
            else:
                segments.append((w["x0"], w["x1"], w["text"]))
        out.append(_Line(top=min(w["top"] for w in row), bottom=max(w["bottom"] for w in row),
                         x0=row[0]["x0"], x1=row[-1]["x1"], text=" ".join(w["text"] for w in row),
                         size=size, segments=segments))
    return out


def _aligned(a: _Line, b: _Line, tol: float = 4.0) -> bool:
    starts_a = [s[0] for s in a.segments[1:]]
    starts_b = [s[0] for s in b.segments[1:]]
    return any(abs(x - y) <= tol for x in starts_a for y in starts_b)


def _unruled_regions(lines: list[_Line]) -> list[tuple[float, float, float, float]]:
    """Bounding boxes of runs of aligned multi-column lines (whitespace tables)."""
    min_rows = int(_cfg()["table_min_rows"])
    regions, run = [], []
    for line in lines:
        tabular = len(line.segments) >= 2
        close = run and line.top - run[-1].bottom <= 1.5 * max(line.size, run[-1].size)
        if tabular and run and close and _aligned(run[-1], line):
            run.append(line)
            continue
        if len(run) >= min_rows:
            regions.append(run)
        run = [line] if tabular else []
    if len(run) >= min_rows:
        regions.append(run)
    return [(min(ln.x0 for ln in r) - 1, min(ln.top for ln in r) - 1,
             max(ln.x1 for ln in r) + 1, max(ln.bottom for ln in r) + 1) for r in regions]


def _rows_from_segments(lines: list[_Line]) -> list[list[str]]:
    """Cells by column start positions: the fallback when the text strategy finds nothing."""
    starts: list[float] = []
    for line in lines:
        for x0, _, _ in line.segments:
            if not any(abs(x0 - s) <= 4 for s in starts):
                starts.append(x0)
    starts.sort()
    rows = []
    for line in lines:
        cells = [""] * len(starts)
        for x0, _, text in line.segments:
            col = max(i for i, s in enumerate(starts) if s <= x0 + 4)
            cells[col] = (cells[col] + " " + text).strip()
        rows.append(cells)
    return rows


def _tables(page, lines: list[_Line]) -> list[tuple[tuple[float, float, float, float], list[list[str]]]]:
    """(bbox, rows) of the page's tables: ruled ones, then unruled ones among the other lines."""
    found = []
    for table in page.find_tables():
        rows = [[c or "" for c in row] for row in table.extract()]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            found.append((table.bbox, rows))
    if found:
        keep = _outside([bbox for bbox, _ in found])
        lines = [ln for ln in lines if keep({"x0": ln.x0, "x1": ln.x1, "top": ln.top,
                                             "bottom": ln.bottom})]
    for bbox in _unruled_regions(lines):
        region = page.crop(bbox, strict=False)
        inside = [ln for ln in lines if ln.top >= bbox[1] and ln.bottom <= bbox[3]]
        rows: list[list[str]] = []
        for table in region.find_tables(TEXT_TABLE_SETTINGS):
            candidate = [[c or "" for c in row] for row in table.extract()]
            candidate = [r for r in candidate if any(c.strip() for c in r)]
            if len(candidate) == len(inside) and min(len(r) for r in candidate) >= 2 and \
                    all(_squash(" ".join(r)) == _squash(ln.text) for r, ln in zip(candidate, inside)):
                rows = candidate  # accepted only when no character was clipped or moved
        found.append((bbox, rows or _rows_from_segments(inside)))
    return found


def _squash(text: str) -> str:
    return "".join(text.split())


def _outside(bboxes: list[tuple[float, float, float, float]]):
    def keep(obj: dict) -> bool:
        cx = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
        cy = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in bboxes)
    return keep


def _is_running_footer(line: _Line, page_no: int, height: float) -> bool:
    band = float(_cfg()["footer_band"]) * height
    if line.top < height - band:
        return False
    last = line.text.split()[-1] if line.text.split() else ""
    return last == str(page_no) or bool(re.search(rf"\b{page_no}\s*(/|of|von|de|di)\s*\d+\s*$", line.text))


def _emit_page(page, page_no: int, sink: BlockSink, body_size: float) -> None:
    lines_all = _lines(page)
    tables = _tables(page, lines_all)
    bboxes = [bbox for bbox, _ in tables]
    text_lines = _lines(page.filter(_outside(bboxes))) if bboxes else lines_all
    text_lines = [ln for ln in text_lines if not _is_running_footer(ln, page_no, float(page.height))]
    items: list[tuple[float, str, Any]] = [(ln.top, "line", ln) for ln in text_lines]
    items += [(bbox[1], "table", rows) for bbox, rows in tables]
    items.sort(key=lambda it: (it[0], it[1] == "line"))
    gap_ratio = float(_cfg()["paragraph_gap_ratio"])
    paragraph: list[_Line] = []

    def flush() -> None:
        if not paragraph:
            return
        text = paragraph[0].text
        for ln in paragraph[1:]:
            if text.endswith("-") and len(text) > 1 and text[-2].isalpha():
                text += ln.text
            else:
                text += " " + ln.text
        size = paragraph[0].size
        if _caption_re().match(fold(text)):
            kind = "caption"
        elif size >= body_size * 1.15 and len(text) < 300:
            kind = "heading"
        else:
            kind = "paragraph"
        sink.add(kind, text, page=page_no)
        paragraph.clear()

    for _, what, item in items:
        if what == "table":
            flush()
            sink.add_table(item, page=page_no)
            continue
        if paragraph:
            prev = paragraph[-1]
            gap = item.top - prev.bottom
            if gap > gap_ratio * item.size or abs(item.size - prev.size) > 0.6 or \
                    _caption_re().match(fold(item.text)):
                flush()
        paragraph.append(item)
    flush()


def _body_size(pages) -> float:
    sizes: Counter = Counter()
    for page in pages[:5]:
        for ch in page.chars[:20000]:
            sizes[round(ch.get("size", 0), 1)] += 1
    return sizes.most_common(1)[0][0] if sizes else 10.0


def parse_pdf(content: bytes, *, source_name: str, max_pages: int | None = None,
              max_seconds: float | None = None) -> ParsedContent:
    """Blocks of a PDF; raises ParseError for encrypted, corrupt, empty or overlong files."""
    cfg = _cfg()
    max_pages = int(max_pages if max_pages is not None else cfg["max_pages"])
    max_seconds = float(max_seconds if max_seconds is not None else cfg["max_seconds"])
    started = time.monotonic()
    pdf, pages, total = _open(content, source_name, max_pages)
    notes: list[str] = []
    sink = BlockSink()
    try:
        if total > max_pages:
            notes.append(f"{source_name}: {total} pages, only the first {max_pages} were read")
        try:
            budget = [_max_inflated()]
            for page_no, page in enumerate(pages, start=1):
                _check_inflation(page, page_no, budget, source_name)
            body = _body_size(pages)
            for page_no, page in enumerate(pages, start=1):
                if time.monotonic() - started > max_seconds:
                    raise ParseError(source_name, f"PDF parsing exceeded {max_seconds:.0f} s "
                                                  f"(stopped at page {page_no} of {len(pages)})")
                _emit_page(page, page_no, sink, body)
                page.flush_cache()
        except ParseError:
            raise
        except Exception as exc:  # pdfminer raises many types on malformed content streams
            raise ParseError(source_name, f"corrupt PDF content ({type(exc).__name__}: {exc})") from exc
        title = next((b.text for b in sink.blocks if b.kind == "heading"), None)
        if title is None:
            meta_title = (pdf.metadata or {}).get("Title")
            title = meta_title.strip() if isinstance(meta_title, str) and meta_title.strip() else None
    finally:
        # not pdf.close(): it builds every page of the file first (see _first_pages)
        for page in pages:
            page.close()
        pdf.flush_cache()
    if not sink.blocks:
        raise ParseError(source_name, "the PDF has no extractable text (scanned images?)")
    found = find_dateline(sink.blocks)
    return ParsedContent(title=title, published=found.value if found else None,
                         published_precision=found.precision if found else None,
                         blocks=sink.freeze(), notes=tuple(notes))
