"""Regenerate the bundled PDF sample (`first-wave-factsheet.pdf`) from the text below.

The PDF is committed so that `make run` needs no build step; this script exists so that the
sample can be changed in one place and rebuilt byte for byte (fixed creation date, core fonts
only, nothing read from the machine). Run: `python sources/samples/make_pdf.py [OUT]`.

Core PDF fonts cover Latin-1 only, so the text avoids the euro sign and typographic dashes
("EUR", "-"); that is also how many real factsheets are typeset.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

OUT = Path(__file__).resolve().with_name("first-wave-factsheet.pdf")
CREATED = datetime(2025, 1, 20, 12, 0, 0, tzinfo=timezone.utc)

TITLE = "AI Factories, first round: funding and timeline"
INTRO = (
    "This factsheet sums up what the hosting sites have said about money and dates for the "
    "seven AI Factories selected on 10 December 2024. Amounts are total budgets, EU and national "
    "funding together, unless a share is named. Where a site has not published a figure, the "
    "cell says so."
)
HEADER = ("AI Factory", "Site", "Supercomputer", "Total budget", "Expected operation")
ROWS = (
    ("LUMI AI Factory", "Kajaani, Finland", "LUMI-AI (new)", "not published", "2026"),
    ("HammerHAI", "Stuttgart, Germany", "new AI system", "EUR 85 million", "not published"),
    ("Pharos", "Athens, Greece", "DAEDALUS", "EUR 30 million", "not published"),
    ("IT4LIA", "Bologna, Italy", "new AI system", "not published", "not published"),
    ("Luxembourg AI Factory", "Bissen, Luxembourg", "MeluXina-AI (new)", "EUR 112 million", "end of 2026"),
    ("BSC AI Factory", "Barcelona, Spain", "MareNostrum 5 (upgrade)", "not published", "not published"),
    ("MIMER", "Linköping, Sweden", "new AI system", "not published", "not published"),
)
NOTES = (
    "Hosting entities. The LUMI AI Factory is hosted by CSC - IT Center for Science. HammerHAI is "
    "run by HLRS at the University of Stuttgart. GRNET hosts Pharos. IT4LIA is hosted by CINECA. "
    "LuxProvide hosts the Luxembourg AI Factory. The BSC AI Factory is hosted by the Barcelona "
    "Supercomputing Center. MIMER is hosted by Linköping University through NAISS.",
    "For the Luxembourg AI Factory, the EUR 112 million cover the MeluXina-AI machine and the "
    "services around it for the first years.",
)


def build() -> bytes:
    """Lay out the factsheet: title, intro, one ruled table, notes."""
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_creation_date(CREATED)
    pdf.set_title(TITLE)
    pdf.set_author("aifacts sample factsheet")
    pdf.set_creator("sources/samples/make_pdf.py")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, INTRO, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 10)
    with pdf.table(borders_layout="ALL", line_height=7,
                   col_widths=(55, 50, 55, 45, 45), text_align="LEFT") as table:
        for row in (HEADER, *ROWS):
            cells = table.row()
            for value in row:
                cells.cell(value)
    pdf.ln(5)
    pdf.set_font("Helvetica", "", 10)
    for note in NOTES:
        pdf.multi_cell(0, 5.5, note, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.write_bytes(build())
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
