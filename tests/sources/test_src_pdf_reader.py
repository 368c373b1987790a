"""The pdfium reader gives the blocks the pdfminer reader (the reference) gives, block by block,
on every dev and dev2 PDF and on the PDFs the tests generate."""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pdfplumber
import pytest
from fpdf import FPDF
from pdfplumber.utils import extract_text, extract_words

import sources.pdf as pdf
from sources.pdf import parse_pdf
from tests.reliability.hostile import text_pdf
from tests.sources.conftest import table_pdf


def _rotated_text_pdf() -> bytes:
    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    doc.multi_cell(0, 6, "A page whose margin note is set at an angle.", new_x="LMARGIN", new_y="NEXT")
    with doc.rotation(30, x=100, y=150):
        doc.text(100, 150, "Tilted note")
    return bytes(doc.output())


def _corpus_pdfs(corpus_dir: Path) -> list[Path]:
    return sorted((corpus_dir / "dev").glob("*.pdf")) + sorted((corpus_dir / "dev2").glob("*.pdf"))


GENERATED = {
    "tables": lambda: table_pdf(),
    "tables-3-pages": lambda: table_pdf(pages=3),
    "prose": lambda: text_pdf(["A short page of text about a computing centre in the north.",
                               "A second paragraph, long enough to wrap over more than one line "
                               "of the page so that wrapped lines are joined into one block."]),
    "rotated-text": _rotated_text_pdf,
}


def _assert_same(name: str, content: bytes) -> None:
    reference = parse_pdf(content, source_name=name, reader="pdfminer")
    fast = parse_pdf(content, source_name=name)
    assert len(fast.blocks) == len(reference.blocks), name
    for index, (want, got) in enumerate(zip(reference.blocks, fast.blocks)):
        assert got == want, f"{name}: block {index} differs"
    assert (fast.title, fast.published, fast.notes) == \
        (reference.title, reference.published, reference.notes)


def test_shared_pdfs_give_the_reference_blocks(corpus_dir):
    paths = _corpus_pdfs(corpus_dir)
    assert len(paths) >= 12
    for path in paths:
        _assert_same(path.name, path.read_bytes())


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_pdfs_give_the_reference_blocks(name):
    _assert_same(name, GENERATED[name]())


def test_pages_pdfium_cannot_place_go_to_pdfplumber():
    """Rotated text has no upright box: that page is read by pdfplumber, not guessed."""
    content = _rotated_text_pdf()
    pages = list(pdfplumber.open(io.BytesIO(content)).pages)
    read = pdf._pdfium_pages(content, pages, "rot", time.monotonic(), 60.0)
    assert read[0] is pages[0]
    plain = table_pdf()
    pages = list(pdfplumber.open(io.BytesIO(plain)).pages)
    read = pdf._pdfium_pages(plain, pages, "plain", time.monotonic(), 60.0)
    assert read[0] is not pages[0] and read[0].chars and read[0].edges


def test_fast_words_and_cell_text_are_pdfplumbers(corpus_dir):
    """The two rewritten pdfplumber routines, on pdfium's and on pdfminer's chars of every page."""
    for path in _corpus_pdfs(corpus_dir)[:6] + [None]:
        content = path.read_bytes() if path else table_pdf()
        pages = list(pdfplumber.open(io.BytesIO(content)).pages)
        for page in pdf._pdfium_pages(content, pages, "w", time.monotonic(), 60.0) + pages:
            chars = page.chars
            assert pdf._words(chars) == [
                {k: w[k] for k in ("text", "x0", "x1", "top", "bottom", "size")}
                for w in extract_words(chars, **pdf._LINE_WORDS)]
            for lo in range(0, len(chars), 97):  # slices across lines, words and sizes
                part = chars[lo: lo + 150]
                assert pdf._cell_text(part) == extract_text(part)


def test_pdfs_read_in_threads_give_the_blocks_read_one_by_one(corpus_dir):
    """pdfium is not thread-safe; sources are parsed in threads."""
    contents = [p.read_bytes() for p in _corpus_pdfs(corpus_dir)]
    alone = [parse_pdf(c, source_name=str(i)) for i, c in enumerate(contents)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(lambda ic: parse_pdf(ic[1], source_name=str(ic[0])),
                                 enumerate(contents * 2)))
    assert together == alone * 2


def test_unknown_reader_is_refused(table_pdf_bytes):
    with pytest.raises(ValueError, match="reader"):
        parse_pdf(table_pdf_bytes, source_name="x", reader="ocr")
