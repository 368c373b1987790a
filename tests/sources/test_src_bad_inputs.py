"""Hostile and odd inputs: each gives a clear per-source error or a correct read, never a crash."""

from __future__ import annotations

import time

import pytest

from sources.errors import ParseError
from sources.html import parse_html
from sources.pdf import parse_pdf
from sources.read import read_source
from sources.text import parse_text


def _read(tmp_path, spec_for, name: str, filename: str, content: bytes, **kw):
    path = tmp_path / filename
    path.write_bytes(content)
    return read_source(spec_for(name, path=path, **kw), tmp_path / "cache")


def test_generated_pdf_gives_ruled_and_unruled_tables(table_pdf_bytes):
    blocks = parse_pdf(table_pdf_bytes, source_name="gen").blocks
    tables: dict[int, list] = {}
    for b in blocks:
        if b.kind == "table_row":
            tables.setdefault(b.table, []).append(b.cells)
    assert sorted(len(rows) for rows in tables.values()) == [4, 4]
    first, second = (tables[k] for k in sorted(tables))
    assert first[0] == ("Site", "Country", "Budget") and first[2] == ("Beta Campus", "Sylvania", "20 million")
    assert second[0] == ("Machine", "Year", "Vendor") and second[3] == ("Lyra", "2028", "Initech Computing")
    rows = [b for b in blocks if b.kind == "table_row" and b.header]
    assert {r.header for r in rows} == {("Site", "Country", "Budget"), ("Machine", "Year", "Vendor")}
    prose = " ".join(b.text for b in blocks if b.kind == "paragraph")
    assert "Initech" not in prose and "Sylvania" not in prose
    assert any(b.kind == "paragraph" and "wrap over more than one line of the page, so" in b.text
               for b in blocks), "wrapped lines are joined into one paragraph"
    assert blocks[0].kind == "heading"


def test_truncated_pdf(tmp_path, spec_for, table_pdf_bytes):
    read = _read(tmp_path, spec_for, "cut", "cut.pdf", table_pdf_bytes[: len(table_pdf_bytes) // 3])
    assert read.status == "error" and "'cut'" in read.error and "PDF" in read.error


def test_encrypted_pdf(tmp_path, spec_for, make_pdf):
    read = _read(tmp_path, spec_for, "locked", "locked.pdf", make_pdf(encrypt=True))
    assert read.status == "error" and "'locked'" in read.error and "encrypted" in read.error


def test_page_cap_bounds_long_pdfs(make_pdf):
    parsed = parse_pdf(make_pdf(pages=5), source_name="long", max_pages=2)
    assert max(b.page for b in parsed.blocks) == 2
    assert any("only the first 2" in n for n in parsed.notes)


def test_time_budget_stops_slow_pdfs(make_pdf):
    with pytest.raises(ParseError, match="exceeded"):
        parse_pdf(make_pdf(pages=3), source_name="slow", max_seconds=0.0)


def test_binary_garbage_as_html(tmp_path, spec_for):
    read = _read(tmp_path, spec_for, "noise", "noise.html", bytes(range(256)) * 40)
    assert read.status == "error" and "'noise'" in read.error and "binary" in read.error


@pytest.mark.parametrize("filename", ["empty.txt", "empty.html", "empty.pdf"])
def test_empty_file(tmp_path, spec_for, filename):
    read = _read(tmp_path, spec_for, "void", filename, b"")
    assert read.status == "error" and "'void'" in read.error and "empty" in read.error


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "utf-8-sig", "cp1252"])
def test_text_encodings(tmp_path, spec_for, encoding):
    text = ("Rapport spécial sur l'usine d'IA\n\nLa société a annoncé à Besançon un "
            "investissement très élevé pour l'année prochaine, selon le ministère.\n")
    read = _read(tmp_path, spec_for, "enc", "enc.txt", text.encode(encoding))
    assert read.status == "ok", read.error
    assert read.document.title == "Rapport spécial sur l'usine d'IA"
    assert "Besançon" in read.document.blocks[1].text and read.document.lang == "fr"


def test_deeply_nested_html(tmp_path, spec_for):
    depth = 5000
    page = (b"<html><body>" + b"<div><span>" * depth + b"<p>Deep inside the page sits "
            b"one sentence of article text.</p>" + b"</span></div>" * depth + b"</body></html>")
    started = time.monotonic()
    read = _read(tmp_path, spec_for, "abyss", "abyss.html", page)
    assert read.status == "ok", read.error
    assert [b.text for b in read.document.blocks] == [
        "Deep inside the page sits one sentence of article text."]
    assert time.monotonic() - started < 20


def test_missing_file(tmp_path, spec_for):
    read = read_source(spec_for("ghost", path=tmp_path / "nope.pdf"), tmp_path)
    assert read.status == "error" and "'ghost'" in read.error and "not found" in read.error


def test_pdf_bytes_under_html_extension_are_read_as_pdf(tmp_path, spec_for, table_pdf_bytes):
    read = _read(tmp_path, spec_for, "renamed", "renamed.html", table_pdf_bytes)
    assert read.status == "ok" and read.kind == "pdf" and read.notes


def test_parsers_refuse_wrong_bytes_with_parse_error():
    with pytest.raises(ParseError, match="'x'"):
        parse_pdf(b"<html>not a pdf</html>", source_name="x")
    with pytest.raises(ParseError, match="'x'"):
        parse_html(b"%PDF-1.7 binary", source_name="x")
    with pytest.raises(ParseError, match="'x'"):
        parse_text(b"\x00\x01\x02\x03" * 100, source_name="x")
