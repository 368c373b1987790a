"""PDF into blocks: paragraphs per page in reading order, tables as rows.

A page's text and ruling lines are read by pdfium (C, a few milliseconds a page) into the
object shapes pdfplumber uses (`sources.pdfium_page`); the layout rules below and
pdfplumber's table finder then work on them. A page pdfium's reading does not cover
(rotated, cropped, skewed text) is read by pdfplumber/pdfminer, as every page is with
`reader="pdfminer"`, the reference the tests compare against block by block.

Ruled tables come from pdfplumber's default (lines) strategy. The lines outside them are
scanned for runs of lines whose words fall into aligned columns separated by wide gaps;
such a run is read with the "text" strategy. Table text is kept out of the paragraphs.
Hostile files are bounded: a page cap, a time budget and an inflation limit, all in
`configs/ingest.yaml`; pdfminer reads the file's structure and checks them before pdfium
decodes a page.
"""

from __future__ import annotations

import io
import re
import threading
import time
import zlib
from collections import Counter
from itertools import groupby, islice
from operator import itemgetter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from common.text import fold
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


_PARSING = threading.local()  # the `pdf` settings of the parse_pdf call this thread runs


def _cfg() -> dict[str, Any]:
    """configs/ingest.yaml's `pdf` part: read once per parse_pdf call (it is asked per
    text line, and `load_config` builds a path each time)."""
    cfg = getattr(_PARSING, "cfg", None)
    return cfg if cfg is not None else load_config("ingest.yaml")["pdf"]


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


def _inflated_size(raw: bytes, limit: int) -> tuple[int, bool]:
    """Bytes a Flate stream inflates to, counted chunk by chunk and stopped past `limit`,
    so a tiny stream that expands to gigabytes is measured without being materialised;
    and whether the data is valid Flate (a damaged stream is what makes a page's text
    vanish, which must not be reported as a scan)."""
    inflater = zlib.decompressobj()
    total, pending = 0, raw
    try:
        while pending and total <= limit:
            total += len(inflater.decompress(pending, 1 << 20))
            pending = inflater.unconsumed_tail
    except zlib.error:
        return total, False  # pdfminer reports or repairs it when it decodes
    return total, True


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


def _check_inflation(page, page_no: int, budget: list[int], source_name: str) -> bool:
    """Refuse a decompression bomb before pdfminer inflates it whole into memory.
    `budget` holds the bytes still allowed for the whole document. False when one of the
    page's content streams is damaged (not valid Flate data)."""
    intact = True
    for stream in _page_streams(page):
        if stream.rawdata is None:  # already decoded by pdfminer
            continue
        filters = [getattr(f, "name", f) for f, _ in stream.get_filters()]
        if not filters or filters[0] not in _FLATE:
            continue
        size, valid = _inflated_size(stream.rawdata, budget[0])
        budget[0] -= size
        intact = intact and valid
        if budget[0] < 0:
            raise ParseError(source_name, f"decompression bomb: the content streams up to page "
                                          f"{page_no} inflate to more than the "
                                          f"{_max_inflated()}-byte limit")
    return intact


def _damaged_note(pages: list[int]) -> str:
    shown = ", ".join(map(str, pages[:10])) + (", ..." if len(pages) > 10 else "")
    return f"page{'s' if len(pages) > 1 else ''} {shown}: damaged content stream (not valid compressed data)"


def _max_inflated() -> int:
    return int(_cfg().get("max_inflated_bytes", _DEFAULT_MAX_INFLATED))


_LINE_WORDS = {"keep_blank_chars": False, "use_text_flow": False, "extra_attrs": ["size"]}
_WORD_TOLERANCE = 3.0  # pdfplumber's default x and y tolerance


def _words(chars: list[dict], by_size: bool = True) -> list[dict]:
    """pdfplumber's `extract_words(chars, **_LINE_WORDS)` for upright chars (`by_size=False`:
    with no extra_attrs), written for this one case (4x faster); a test holds the two equal
    on every test PDF. Runs of chars of one size are cut into lines (tops chained within the
    tolerance), a line is read by x0, and a word ends at a blank, a step back, a gap wider
    than the tolerance or a jump in top."""
    from pdfplumber.utils.text import LIGATURES

    tol = _WORD_TOLERANCE
    out: list[dict] = []
    append = out.append
    by_x0 = itemgetter("x0")
    runs = groupby(chars, key=itemgetter("upright", "size") if by_size else itemgetter("upright"))
    for _, run in runs:
        run = list(run)
        line_of: dict[float, int] = {}
        number, last = -1, float("-inf")
        for top in sorted({c["top"] for c in run}):
            if top > last + tol:
                number += 1
            line_of[top], last = number, top
        lines: dict[int, list[dict]] = {}
        for c in run:
            key = line_of[c["top"]]
            if key in lines:
                lines[key].append(c)
            else:
                lines[key] = [c]
        for number in sorted(lines):
            # the open word: its text parts, x0, x1, top, bottom, size, and its last char's
            # x0, x1 and top (what the next char is compared with)
            parts: list[str] = []
            wx0 = wx1 = wtop = wbottom = size = px0 = px1 = ptop = 0.0
            for c in sorted(lines[number], key=by_x0):
                text = c["text"]
                if not text or text.isspace():
                    if parts:
                        append({"text": "".join(parts), "x0": wx0, "x1": wx1, "top": wtop,
                                "bottom": wbottom, "size": size})
                        parts = []
                    if not text:  # pdfplumber's punctuation test: "" is "in" any string
                        append({"text": "", "x0": c["x0"], "x1": c["x1"], "top": c["top"],
                                "bottom": c["bottom"], "size": c["size"]})
                    continue
                x0, x1, top, bottom = c["x0"], c["x1"], c["top"], c["bottom"]
                if parts and (x0 < px0 or x0 > px1 + tol or abs(top - ptop) > tol):
                    append({"text": "".join(parts), "x0": wx0, "x1": wx1, "top": wtop,
                            "bottom": wbottom, "size": size})
                    parts = []
                if parts:
                    parts.append(LIGATURES.get(text, text))
                    if x1 > wx1:
                        wx1 = x1
                    if top < wtop:
                        wtop = top
                    if bottom > wbottom:
                        wbottom = bottom
                else:
                    parts = [LIGATURES.get(text, text)]
                    wx0, wx1, wtop, wbottom, size = x0, x1, top, bottom, c["size"]
                px0, px1, ptop = x0, x1, top
            if parts:
                append({"text": "".join(parts), "x0": wx0, "x1": wx1, "top": wtop,
                        "bottom": wbottom, "size": size})
    return out


def _cell_text(chars: list[dict]) -> str:
    """pdfplumber's `extract_text(chars)` (no layout) for upright chars: words, then lines of
    words whose tops chain within the tolerance, joined by spaces and newlines."""
    words = _words(chars, by_size=False)
    line_of: dict[float, int] = {}
    number, last = -1, float("-inf")
    for top in sorted({w["top"] for w in words}):
        if top > last + _WORD_TOLERANCE:
            number += 1
        line_of[top], last = number, top
    lines: dict[int, list[str]] = {}
    for w in words:
        lines.setdefault(line_of[w["top"]], []).append(w["text"])
    return "\n".join(" ".join(lines[n]) for n in sorted(lines))


class _Table:
    """A ruled or text-strategy table found by pdfplumber on pdfium's objects, its cells'
    text read as pdfplumber's `Table.extract` reads it (a char belongs to the cell holding
    its midpoint, the cell's right and bottom edges excluded)."""

    def __init__(self, table, chars: list[dict]) -> None:
        self.bbox = table.bbox
        self._rows = table.rows
        x0, top, x1, bottom = self.bbox
        self._chars = [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2, c) for c in chars]
        self._chars = [m for m in self._chars if x0 <= m[0] <= x1 and top <= m[1] <= bottom]

    def extract(self) -> list[list[str | None]]:
        out = []
        for row in self._rows:
            x0, top, x1, bottom = row.bbox
            in_row = [m for m in self._chars if x0 <= m[0] < x1 and top <= m[1] < bottom]
            cells: list[str | None] = []
            for cell in row.cells:
                if cell is None:
                    cells.append(None)
                    continue
                cx0, ctop, cx1, cbottom = cell
                inside = [c for h, v, c in in_row if cx0 <= h < cx1 and ctop <= v < cbottom]
                cells.append(_cell_text(inside) if inside else "")
            out.append(cells)
        return out


def _lines(page, size_of_body: float | None = None) -> list[_Line]:
    """Text lines of a (filtered) page, with column segments split at wide gaps."""
    gap_ratio = float(_cfg()["column_gap_ratio"])
    words = page.extract_words(**_LINE_WORDS)
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
    boxes = tuple(bboxes)

    def keep(obj: dict) -> bool:
        get = obj.get
        cx = (get("x0", 0) + get("x1", 0)) / 2
        cy = (get("top", 0) + get("bottom", 0)) / 2
        for x0, top, x1, bottom in boxes:
            if x0 <= cx <= x1 and top <= cy <= bottom:
                return False
        return True
    keep.boxes = boxes  # type: ignore[attr-defined]  # ObjectsPage.filter tests them inline
    return keep


def _outside_boxes(objects: list[dict], boxes: tuple) -> list[dict]:
    """`[o for o in objects if _outside(boxes)(o)]` without a call per object."""
    out = []
    for obj in objects:
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        for x0, top, x1, bottom in boxes:
            if x0 <= cx <= x1 and top <= cy <= bottom:
                break
        else:
            out.append(obj)
    return out


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


# pdfium is not thread-safe and sources are parsed in threads: one document at a time.
_PDFIUM_LOCK = threading.Lock()
READERS = ("pdfium", "pdfminer")


@lru_cache(maxsize=1)
def _objects_page():
    """The class of a page made of pdfium's objects (built on first use: pdfplumber's import
    is not paid by a run that reads no PDF)."""
    from pdfplumber.container import Container
    from pdfplumber.table import TableFinder, TableSettings
    from pdfplumber.utils import crop_to_bbox, extract_words

    class ObjectsPage(Container):
        """pdfium's objects, in pdfplumber's shapes, with the part of pdfplumber's Page API
        the layout rules use: words, tables, crop and filter."""

        def __init__(self, objects: dict[str, list[dict]],
                     bbox: tuple[float, float, float, float], height: float) -> None:
            self._objects = objects
            self.bbox = bbox
            self.height = height
            self.width = bbox[2] - bbox[0]

        @property
        def objects(self) -> dict[str, list[dict]]:
            return self._objects

        def extract_words(self, **kwargs: Any) -> list[dict]:
            if kwargs == _LINE_WORDS:
                return _words(self.chars)
            return extract_words(self.chars, **kwargs)

        def find_tables(self, table_settings: dict | None = None) -> list[Any]:
            settings = TableSettings.resolve(table_settings)
            if settings.vertical_strategy == settings.horizontal_strategy == "lines" and \
                    not self.edges:
                return []  # no ruling lines, no ruled table
            return [_Table(table, self.chars) for table in TableFinder(self, settings).tables]

        def crop(self, bbox: tuple[float, float, float, float], strict: bool = False):
            return ObjectsPage({k: crop_to_bbox(v, bbox) for k, v in self._objects.items()},
                               bbox, self.height)

        def filter(self, keep):
            boxes = getattr(keep, "boxes", None)
            if boxes is None:
                return ObjectsPage({k: [o for o in v if keep(o)] for k, v in self._objects.items()},
                                   self.bbox, self.height)
            return ObjectsPage({k: _outside_boxes(v, boxes) for k, v in self._objects.items()},
                               self.bbox, self.height)

        def flush_cache(self, *_: Any) -> None:
            pass

    return ObjectsPage


def _pdfium_pages(content: bytes, pages: list[Any], source_name: str, started: float,
                  max_seconds: float) -> list[Any]:
    """Each page as pdfium reads it (an ObjectsPage), or the pdfplumber page where pdfium's
    reading does not cover it (see sources.pdfium_page)."""
    import pypdfium2 as pdfium
    from sources.pdfium_page import page_objects

    out: list[Any] = []
    with _PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(content)
        except pdfium.PdfiumError as exc:
            raise ParseError(source_name, f"corrupt or truncated PDF (pdfium: {exc})") from exc
        try:
            if len(doc) < len(pages):
                raise ParseError(source_name, f"corrupt PDF: pdfium finds {len(doc)} pages, "
                                              f"the page tree {len(pages)}")
            for index, page in enumerate(pages):
                if time.monotonic() - started > max_seconds:
                    raise ParseError(source_name, f"PDF parsing exceeded {max_seconds:.0f} s "
                                                  f"(stopped at page {index + 1} of {len(pages)})")
                objects = None
                if not page.rotation % 360 and tuple(page.mediabox) == tuple(page.cropbox) \
                        and tuple(page.mediabox[:2]) == (0, 0):
                    handle = doc[index]
                    try:
                        objects = page_objects(handle, float(page.height))
                    finally:
                        handle.close()
                out.append(page if objects is None else
                           _objects_page()(objects, tuple(page.bbox), float(page.height)))
        finally:
            doc.close()
    return out


def _body_size(pages) -> float:
    sizes: Counter = Counter()
    for page in pages[:5]:
        # counted per exact size, then per rounded size: the same counts and first-seen order
        for size, n in Counter(ch.get("size", 0) for ch in page.chars[:20000]).items():
            sizes[round(size, 1)] += n
    return sizes.most_common(1)[0][0] if sizes else 10.0


def parse_pdf(content: bytes, *, source_name: str, max_pages: int | None = None,
              max_seconds: float | None = None, reader: str = "pdfium") -> ParsedContent:
    """Blocks of a PDF; raises ParseError for encrypted, corrupt, empty or overlong files.
    `reader="pdfminer"` reads every page with pdfplumber (the reference; slower)."""
    if reader not in READERS:
        raise ValueError(f"reader must be one of {READERS}, not {reader!r}")
    _PARSING.cfg = None
    _PARSING.cfg = _cfg()
    try:
        return _parse(content, source_name, max_pages, max_seconds, reader)
    finally:
        _PARSING.cfg = None


def _parse(content: bytes, source_name: str, max_pages: int | None, max_seconds: float | None,
           reader: str) -> ParsedContent:
    cfg = _cfg()
    max_pages = int(max_pages if max_pages is not None else cfg["max_pages"])
    max_seconds = float(max_seconds if max_seconds is not None else cfg["max_seconds"])
    started = time.monotonic()
    pdf, pages, total = _open(content, source_name, max_pages)
    notes: list[str] = []
    sink = BlockSink()
    damaged: list[int] = []
    try:
        if total > max_pages:
            notes.append(f"{source_name}: {total} pages, only the first {max_pages} were read")
        try:
            budget = [_max_inflated()]
            damaged = [page_no for page_no, page in enumerate(pages, start=1)
                       if not _check_inflation(page, page_no, budget, source_name)]
            read = pages if reader == "pdfminer" else \
                _pdfium_pages(content, pages, source_name, started, max_seconds)
            body = _body_size(read)
            for page_no, page in enumerate(read, start=1):
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
        if damaged:
            raise ParseError(source_name, f"corrupt PDF, no text could be read: {_damaged_note(damaged)}")
        raise ParseError(source_name, "the PDF has no extractable text (scanned images?)")
    if damaged:
        notes.append(f"{source_name}: {_damaged_note(damaged)}; their text may be missing")
    found = find_dateline(sink.blocks)
    return ParsedContent(title=title, published=found.value if found else None,
                         published_precision=found.precision if found else None,
                         blocks=sink.freeze(), notes=tuple(notes))
