"""Fixtures for the sources tests: the dev corpus registry and PDFs generated with fpdf2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fpdf import FPDF

from sources.registry import SourceSpec, load_registry


@pytest.fixture(scope="session")
def dev_dir(corpus_dir: Path) -> Path:
    return corpus_dir / "dev"


@pytest.fixture(scope="session")
def dev_specs(dev_dir: Path) -> list[SourceSpec]:
    return load_registry(dev_dir / "sources.yaml")


@pytest.fixture(scope="session")
def gold(dev_dir: Path) -> dict[str, dict]:
    lines = (dev_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return {d["doc"]: d for d in map(json.loads, filter(None, lines))}


def make_spec(name: str, *, url: str | None = None, path: Path | None = None,
              kind: str | None = None, lang: str | None = None) -> SourceSpec:
    return SourceSpec(name=name, url=url, path=path, kind=kind, publisher="Test", trust="press",
                      lang=lang)


@pytest.fixture()
def spec_for():
    return make_spec


RULED = [["Site", "Country", "Budget"], ["Alpha Park", "Freedonia", "10 million"],
         ["Beta Campus", "Sylvania", "20 million"], ["Gamma Hub", "Latveria", "30 million"]]
UNRULED = [["Machine", "Year", "Vendor"], ["Orion", "2026", "Acme Systems"],
           ["Vega Two", "2027", "Globex"], ["Lyra", "2028", "Initech Computing"]]


def table_pdf(*, encrypt: bool = False, pages: int = 1) -> bytes:
    """A PDF with a paragraph, a ruled table, a paragraph and a whitespace-aligned table."""
    pdf = FPDF()
    if encrypt:
        pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    pdf.set_font("Helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", size=18)
        pdf.multi_cell(0, 9, "A generated report on test sites", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, "This opening paragraph is long enough to wrap over more than one "
                             "line of the page, so that joining wrapped lines into one "
                             "paragraph block is exercised by the test.",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        with pdf.table(col_widths=(60, 50, 50), borders_layout="ALL") as table:
            for row in RULED:
                r = table.row()
                for cell in row:
                    r.cell(cell)
        pdf.ln(6)
        pdf.multi_cell(0, 6, "Between the two tables stands a plain paragraph of prose.",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        for row in UNRULED:
            pdf.set_x(20)
            for width, cell in zip((55, 30, 60), row):
                pdf.cell(width, 7, cell, border=0)
            pdf.ln(7)
        pdf.ln(4)
        pdf.multi_cell(0, 6, "A closing paragraph follows the unruled table.",
                       new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@pytest.fixture(scope="session")
def table_pdf_bytes() -> bytes:
    return table_pdf()


@pytest.fixture()
def make_pdf():
    return table_pdf
