"""Property tests: parsers fail only with ParseError, the extractor never raises (also on
numbers of hundreds of digits and paragraphs past spaCy's limit), and money and dates
written inside arbitrary prose are read back to the value they state.

CI runs few cases; AIFACTS_FUZZ_EXAMPLES=2000 runs that many of each property."""

from __future__ import annotations

import datetime as dt
import os
import random

import pytest
from babel.dates import format_date
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.errors import ParseError
from sources.html import parse_html
from sources.pdf import parse_pdf
from sources.text import parse_text
from tests.extractors.helpers import make_doc
from tests.reliability.hostile import text_pdf


def examples(default: int) -> int:
    return int(os.environ.get("AIFACTS_FUZZ_EXAMPLES") or default)


FAST = settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
PARSERS = {"html": parse_html, "text": parse_text, "pdf": parse_pdf}


@pytest.mark.parametrize("kind", sorted(PARSERS))
@FAST
@given(data=st.binary(max_size=4000))
def test_parsers_raise_only_parse_error_on_arbitrary_bytes(kind: str, data: bytes):
    try:
        parsed = PARSERS[kind](data, source_name="fuzz")
    except ParseError as exc:
        assert "'fuzz'" in str(exc)
        return
    assert all(b.text.strip() for b in parsed.blocks)


_PDF = text_pdf(["A short page of text about a computing centre in the north."])


@FAST
@given(cut=st.integers(9, len(_PDF) - 1), junk=st.binary(min_size=1, max_size=64))
def test_pdf_parser_on_damaged_real_pdfs(cut: int, junk: bytes):
    """A real PDF with a stretch overwritten: past the signature, where pdfminer works."""
    damaged = _PDF[:cut] + junk + _PDF[cut + len(junk):]
    try:
        parse_pdf(damaged, source_name="fuzz")
    except ParseError as exc:
        assert "'fuzz'" in str(exc)


@settings(max_examples=examples(40), deadline=None)
@given(text=st.text(max_size=400), lang=st.sampled_from(["en", "de", "fr", "it", "es", "el", "pl", "xx"]))
def test_extractor_never_raises_on_arbitrary_unicode(text: str, lang: str):
    from extractors.extract import extract

    for s in extract(make_doc([text], lang=lang)):
        assert 0 <= s.span_start <= s.span_end


# prose around the value: words that carry no amount, date or currency
FILLER = st.lists(st.sampled_from(["the", "new", "centre", "will", "open", "and", "partners", "said",
                                   "research", "with", "region", "plan"]), max_size=8).map(" ".join)
MONEY_FORMS = {  # lang: (template, scale) where {n} is the number in the language's notation
    "en": ("€{n} million", 1e6), "de": ("{n} Millionen Euro", 1e6), "fr": ("{n} millions d'euros", 1e6),
    "it": ("{n} milioni di euro", 1e6), "es": ("{n} millones de euros", 1e6), "nl": ("{n} miljoen euro", 1e6),
}


@settings(max_examples=examples(60), deadline=None)
@given(whole=st.integers(1, 999), tenth=st.integers(1, 9), lang=st.sampled_from(sorted(MONEY_FORMS)),
       before=FILLER, after=FILLER)
def test_money_inside_prose_round_trips(whole: int, tenth: int, lang: str, before: str, after: str):
    from extractors.money import find_money, normalise_money_text

    template, scale = MONEY_FORMS[lang]
    number = f"{whole}.{tenth}" if lang == "en" else f"{whole},{tenth}"
    surface = template.format(n=number)
    text = f"{before} {surface} {after}".strip()
    found = find_money(text, lang)
    assert len(found) == 1, (text, found)
    assert abs(found[0].value["amount"] - (whole + tenth / 10) * scale) < 1
    assert surface in found[0].text and text[found[0].start:found[0].end] == found[0].text
    assert normalise_money_text(found[0].text, lang) == found[0].value


@settings(max_examples=examples(60), deadline=None)
@given(day=st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2080, 12, 31)),
       lang=st.sampled_from(["en", "de", "fr", "it", "es", "nl", "pt", "el"]), before=FILLER, after=FILLER)
def test_dates_inside_prose_round_trip(day: dt.date, lang: str, before: str, after: str):
    from extractors.dates import find_dates, normalise_date_text

    surface = format_date(day, format="long", locale=lang)
    text = f"{before} {surface} {after}".strip()
    found = [d for d in find_dates(text, lang) if d.value.get("value") == day.isoformat()]
    assert len(found) == 1, (text, find_dates(text, lang))
    assert normalise_date_text(found[0].text, lang)["value"] == day.isoformat()


# numbers of any length, as a hostile or broken page writes them: digits with or without
# separators, a decimal part, a scale word and a currency around them
DIGITS = st.builds(lambda head, n, sep, tail: head + "".join(random.Random(n).choice("0123456789" + sep)
                                                               for _ in range(n)) + tail,
                   st.sampled_from(["1", "9", "0", "-", "€", "EUR ", "$"]), st.integers(200, 3000),
                   st.sampled_from(["", ",", ".", " ", "'"]),
                   st.sampled_from(["", " million", " billion euros", "%", " Mio. €", ".5", "e308"]))


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(number=DIGITS, before=FILLER, after=FILLER, lang=st.sampled_from(["en", "de", "fr", "it", "es", "pl", "xx"]))
def test_numbers_of_hundreds_of_digits_never_raise(number: str, before: str, after: str, lang: str):
    from extractors.dates import find_dates
    from extractors.extract import extract
    from extractors.money import find_money
    from extractors.numbers import find_numbers

    text = f"{before} {number} {after}".strip()
    for found in (find_numbers(text, lang), find_money(text, lang), find_dates(text, lang)):
        assert all(0 <= f.start <= f.end <= len(text) for f in found)
    for s in extract(make_doc([f"The AI Factory in Bologna will cost {number}.", text], lang=lang)):
        assert 0 <= s.span_start <= s.span_end


SENTENCES = ["The AI Factory in Bologna will cost EUR {n} million.", "Partners from {n} countries join.",
             "It opens in March 20{n:02d}.", "word" * 50, "no-break-" * 30, "{n}" * 40, "x"]


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(length=st.integers(10_001, 1_500_000), seed=st.integers(0, 2**32), gap=st.sampled_from([" ", "", "\n"]))
def test_long_paragraphs_are_bounded_before_the_extractor(length: int, seed: int, gap: str):
    """Any paragraph, up to past spaCy's million characters, leaves `read_source` in blocks of
    at most max_block_chars, none lost but the surplus over max_document_chars; and the
    extractor reads a bounded block (the longest kind there is) without raising."""
    from extractors.extract import extract
    from sources.document import Block
    from sources.read import bound_blocks, text_limits

    rng = random.Random(seed)
    parts, size = [], 0
    while size < length:
        part = rng.choice(SENTENCES).format(n=rng.randrange(100))
        parts.append(part)
        size += len(part) + len(gap)
    text = gap.join(parts)[:length]
    max_block, max_doc = text_limits()
    blocks, notes = bound_blocks("fuzz", (Block(0, "paragraph", text),), max_block, max_doc)
    assert blocks and all(0 < len(b.text) <= max_block for b in blocks)
    assert [b.index for b in blocks] == list(range(len(blocks)))
    kept = sum(len(b.text) for b in blocks)
    assert min(len(text.strip()), max_doc) - 2 * len(blocks) <= kept <= max_doc  # only the spaces at cuts go
    assert (notes or len(text) <= max_block) and all("'fuzz'" in n for n in notes)
    pick = blocks[rng.randrange(len(blocks))]
    for s in extract(make_doc([pick.text], lang="en")):
        assert 0 <= s.span_start <= s.span_end
