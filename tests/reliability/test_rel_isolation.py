"""One hostile source never stops a run: absurd numbers, giant paragraphs and blocks that
break a pipeline component are that source's business (issue 27, points 1, 2 and 5)."""

from __future__ import annotations

import dataclasses
import time

import pytest

from sources.document import Block
from sources.read import bound_blocks
from tests.extractors.helpers import make_doc
from tests.reliability.conftest import entry

pytestmark = pytest.mark.usefixtures("prefect_harness")

LONG_NUMBER = "1" + "0" * 310  # beyond any float: float() gives inf


def test_a_number_of_310_digits_is_not_a_number_and_not_an_error(src, refresh_with):
    (src / "digits.txt").write_text(f"A note on budgets\n\nThe AI Factory in Bologna costs {LONG_NUMBER} euros "
                                    "and EUR 20 million.\n", encoding="utf-8")
    result, out = refresh_with([entry("digits", path="digits.txt", lang="en")])
    out.assert_good_loaded()
    assert out.documents["digits"][0] == "ok", out.documents["digits"]
    assert result.summary.status == "ok"


def test_a_paragraph_over_a_million_characters_is_split_and_read(src, refresh_with):
    text = " ".join(f"The new centre {i} in the north will open for {i % 97} researchers next year."
                    for i in range(16_000))  # 1.2 million characters, no two pieces alike
    (src / "giant.txt").write_text("A giant page\n\n" + text + "\n", encoding="utf-8")
    started = time.monotonic()
    result, out = refresh_with([entry("giant", path="giant.txt", lang="en")])
    took = time.monotonic() - started
    out.assert_good_loaded()
    assert out.documents["giant"][0] == "ok", out.documents["giant"]
    assert max(len(t) for t in out.blocks["giant"]) <= 10_000
    assert sum(len(t) for t in out.blocks["giant"]) > 1_000_000
    assert took < 300, took


def test_blocks_are_bounded_and_each_cut_is_a_note():
    blocks = (Block(0, "heading", "Title"), Block(1, "paragraph", "One sentence here. " * 3000),
              Block(2, "paragraph", "x" * 25_000))
    out, notes = bound_blocks("giant", blocks, 10_000, 40_000)
    assert all(len(b.text) <= 10_000 for b in out) and [b.index for b in out] == list(range(len(out)))
    assert sum(len(b.text) for b in out) == 40_000
    assert any("split" in n for n in notes) and any("not read" in n for n in notes)
    assert all("'giant'" in n for n in notes)


def test_a_block_that_breaks_the_pipeline_fails_only_its_document():
    """A block spaCy refuses (E088, past the bound `read_source` applies) given straight to the
    extractor: its document fails with the error, the other document of the batch is read."""
    from extractors.extract import extract_many

    good = make_doc(["The Leonardo supercomputer in Bologna hosts the IT4LIA AI Factory, which costs "
                     "EUR 430 million."], lang="en")
    bad = dataclasses.replace(make_doc(["word " * 220_000], lang="en"), source_name="too_long")
    failures: dict[str, str] = {}
    results = dict((d.source_name, s) for d, s in extract_many([good, bad], failures=failures))
    assert set(results) == {good.source_name, "too_long"} and results["too_long"] == []
    assert list(failures) == [bad.doc_id] and failures[bad.doc_id].startswith("too_long: extraction failed")
    assert "E088" in failures[bad.doc_id]
