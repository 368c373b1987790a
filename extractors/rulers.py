"""spaCy components for money and dates: thin wrappers over the plain finders.

The finders are compiled regular expressions over the text (fast, and testable without
spaCy); these components only turn their matches into spans.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extractors.dates import find_dates
from extractors.ext import write_spans
from extractors.money import find_money
from extractors.spans import doc_text

if not Doc.has_extension("ref_date"):
    Doc.set_extension("ref_date", default=None)


@Language.component("aifacts_money")
def money_ruler(doc: Doc) -> Doc:
    lang = doc.lang_
    return write_spans(doc, "money", ((m.start, m.end, "MONEY", m.value, "money") for m in find_money(doc_text(doc), lang)))


_YEAR_LEFT_OUT = "aifacts.year_left_out"


@Language.component("aifacts_dates")
def date_ruler(doc: Doc) -> Doc:
    found = find_dates(doc_text(doc), doc.lang_, doc._.ref_date)
    doc.user_data[_YEAR_LEFT_OUT] = any(m.year_left_out for m in found)
    return write_spans(doc, "date", ((m.start, m.end, "DATE", m.value, "date") for m in found))


def uses_document_year(doc: Doc) -> bool:
    """Whether a date of the block leaves its year to the document's date ("on 12 March"):
    only then do its annotations differ from one document year (or none) to another."""
    return doc.user_data.get(_YEAR_LEFT_OUT, True)
