"""Smaller units: text layout, HTML tables and metadata, dates, kind and language detection."""

from __future__ import annotations

from datetime import date

from sources.dates import find_date
from sources.detect import detect_kind, detect_lang
from sources.html import parse_html
from sources.text import parse_text


def test_text_blocks_tables_and_bullets():
    raw = ("Heading line\n\nOutlet | Section | 3 March 2025\n\n"
           "| Site | Country |\n|---|---|\n| Alpha | Freedonia |\n| Beta | Sylvania |\n"
           "• first point\n- second point\n\n"
           "A wrapped paragraph whose first line runs long enough to count\n"
           "as wrapped prose and whose second line carries on the same idea\nend.\n")
    parsed = parse_text(raw.encode(), source_name="t")
    kinds = [b.kind for b in parsed.blocks]
    assert kinds == ["heading", "paragraph", "table_row", "table_row", "table_row", "list_item",
                     "list_item", "paragraph"]
    assert parsed.blocks[3].cells == ("Alpha", "Freedonia")
    assert parsed.blocks[3].header == ("Site", "Country")
    assert parsed.blocks[-1].text.endswith("same idea end.")
    assert parsed.published == date(2025, 3, 3) and parsed.published_precision == "day"


def test_html_metadata_sources_of_dates():
    jsonld = (b'<html><head><script type="application/ld+json">{"@graph": [{"@type": "NewsArticle",'
              b' "datePublished": "2025-02-03T10:00:00Z"}]}</script></head><body><article>'
              b'<h1>T</h1><p>Body text of the article goes here for the test.</p></article></body></html>')
    assert parse_html(jsonld, source_name="j").published == date(2025, 2, 3)
    timed = (b'<html><body><main><h1>T</h1><p class="byline"><time datetime="2024-12-10">10/12</time>'
             b'</p><p>Body text of the article goes here for the test.</p></main>'
             b'<aside><time datetime="2020-01-01">old</time></aside></body></html>')
    assert parse_html(timed, source_name="t").published == date(2024, 12, 10)
    dateline = ("<html><body><article><h1>Título</h1><p>Barcelona · 26 de enero de 2026</p>"
                "<p>Texto del artículo con suficiente longitud para la prueba.</p></article>"
                "</body></html>").encode()
    assert parse_html(dateline, source_name="d").published == date(2026, 1, 26)


def test_html_table_header_and_lists():
    page = (b"<html><body><article><h1>Title</h1><ul><li>one <b>bold</b> item<ul><li>nested</li>"
            b"</ul></li></ul><table><tr><th>Name</th><th>City</th></tr><tr><td>A<br>B</td>"
            b"<td>X</td></tr></table></article></body></html>")
    blocks = parse_html(page, source_name="h").blocks
    assert [(b.kind, b.text) for b in blocks[:3]] == [("heading", "Title"),
                                                       ("list_item", "one bold item"),
                                                       ("list_item", "nested")]
    assert blocks[-1].cells == ("A B", "X") and blocks[-1].header == ("Name", "City")


def test_body_class_with_sidebar_token_does_not_empty_the_page():
    page = (b'<html><body class="has-sidebar"><div class="content"><p>The only paragraph of '
            b'this page has enough text to be kept.</p></div></body></html>')
    assert parse_html(page, source_name="s").blocks[0].text.startswith("The only paragraph")


def test_find_date_forms():
    assert find_date("Liberal.gr | 26.02.2026").value == date(2026, 2, 26)
    assert find_date("10 Δεκεμβρίου 2024").value == date(2024, 12, 10)
    assert find_date("December 10, 2024").value == date(2024, 12, 10)
    month = find_date("Wien | Juni 2025")
    assert month.value == date(2025, 6, 1) and month.precision == "month"
    assert find_date("Brussels, 4 November - talks") is None
    assert find_date("31.02.2025") is None


def test_detect_kind_order_and_mismatch():
    kind, note = detect_kind("application/pdf", "x.html", b"%PDF-1.4")
    assert kind == "pdf" and "x.html" in note  # content type beats extension, reported
    assert detect_kind("text/plain", "x.txt", b"<html><body>")[0] == "text"  # type beats magic
    kind, note = detect_kind("text/html; charset=utf-8", "report", b"%PDF-1.7")
    assert kind == "pdf" and "text/html" in note
    assert detect_kind(None, "a/b.txt", b"plain words") == ("text", None)
    assert detect_kind(None, None, b"<!DOCTYPE html><html>")[0] == "html"


def test_detect_lang_restricted_to_eu_languages():
    assert detect_lang("Η Ελλάδα αποκτά δικό της κόμβο τεχνητής νοημοσύνης στο Λαύριο") == "el"
    assert detect_lang("La Comissió Europea ha escollit Barcelona per a la fàbrica") == "ca"
    assert detect_lang("short") == "und"
