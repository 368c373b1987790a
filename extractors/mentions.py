"""Mentions: the spans of a block as the relation rules read them.

A spaCy `Span` answers `label_`, `text` and `_.value` by looking each up again (the
string store, the tokens, the Doc's user data) on every read, and the rules read them
for every sentence of a block. A `Mention` is read from its span once per block, and
is then plain attributes.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from spacy.tokens import Doc, Span

from common.text import fold
from extractors.ext import SPAN_KINDS, written
from extractors.spans import block_memo, doc_text, of_block, sentence_bounds


class Mention:
    """One span of a block: token and character bounds, label, normalised value and the
    id of the rule that matched it."""

    __slots__ = ("start", "end", "start_char", "end_char", "label_", "value", "rule", "text")

    def __init__(self, start: int, end: int, start_char: int, end_char: int, label: str,
                 value: Any, rule: str | None, text: str) -> None:
        self.start = start
        self.end = end
        self.start_char = start_char
        self.end_char = end_char
        self.label_ = label
        self.value = value
        self.rule = rule
        self.text = text

    @classmethod
    def of_span(cls, span: Span, doc_text: str) -> "Mention":
        return cls(span.start, span.end, span.start_char, span.end_char, span.label_, span._.value,
                   span._.rule, doc_text[span.start_char:span.end_char])

    def __repr__(self) -> str:
        return f"Mention({self.label_} {self.text!r} [{self.start}:{self.end}])"


def mentions(doc: Doc, kind: str) -> list[Mention]:
    """The spans of one kind in a block, in the order the components wrote them; made
    once and kept with the block (`block_memo`, under the bare kind), so a block the block
    cache serves again brings them along."""
    memo = block_memo(doc)
    found = memo.get(kind)
    if found is None:
        text = doc_text(doc)
        rows = written(doc, kind)
        spans = doc.spans
        if rows is not None and len(rows) == (len(spans[kind]) if kind in spans else 0):
            found = [Mention(a, b, sc, ec, label, value, rule, text[sc:ec]) for a, b, sc, ec, label, value, rule in rows]
        else:
            found = [Mention.of_span(sp, text) for sp in doc.spans[kind]] if kind in doc.spans else []
        memo[kind] = found
    return found


class Sentence:
    """A sentence of a block (or a whole table row or list item) with the mentions that
    lie inside it, sorted out once per block: the rules ask for a sentence's places,
    dates and sums many times over, and then only read these lists."""

    __slots__ = ("start", "end", "start_char", "end_char", "text", "folded", "inside", "reading")

    def __init__(self, start: int, end: int, start_char: int, end_char: int, text: str, folded: str,
                 inside: dict[str, list[Mention]]) -> None:
        self.start = start
        self.end = end
        self.start_char = start_char
        self.end_char = end_char
        self.text = text
        self.folded = folded  # case- and accent-folded, as the cue words are
        self.inside = inside
        self.reading: Any = None  # what the relation rules read in it alone (extractors/reading.py), once asked

    def of(self, kind: str) -> list[Mention]:
        """The mentions of one kind (`factory`, `place`, ...) inside the sentence."""
        return self.inside[kind]

    def __repr__(self) -> str:
        return f"Sentence([{self.start}:{self.end}] {self.text[:40]!r})"


def _sentences(doc: Doc, bounds: list[tuple[int, int, int, int]]) -> list[Sentence]:
    """Sentences of (start, end, start_char, end_char). Each mention goes to the sentence
    it starts in (found by bisection), when it also ends there: one pass over the block's
    mentions, not one per sentence."""
    text = doc_text(doc)
    out = [Sentence(a, b, sc, ec, text[sc:ec], fold(text[sc:ec]), {kind: [] for kind in SPAN_KINDS})
           for a, b, sc, ec in bounds]
    starts = [a for a, _b, _sc, _ec in bounds]
    for kind in SPAN_KINDS:
        for m in mentions(doc, kind):
            i = bisect_right(starts, m.start) - 1
            if i >= 0 and m.end <= out[i].end:
                out[i].inside[kind].append(m)
    return out


def block_sentences(doc: Doc) -> list[Sentence]:
    """The sentencizer's sentences of a block, each with its mentions."""
    return of_block(doc, ("sentence_views",), lambda: _sentences(doc, sentence_bounds(doc)))


def whole_block(doc: Doc) -> Sentence:
    """A block read as one sentence (a list item, a table row without a header)."""
    def make() -> Sentence:
        whole = doc[:]
        return _sentences(doc, [(0, len(doc), whole.start_char, whole.end_char)])[0]
    return of_block(doc, ("whole_block",), make)
