"""Cheap reads of spaCy spans for the relation rules, which read every sentence.

`Span.text` and `Doc.sents` build one Python Token per word before answering; a rule
pass over thousands of sentences spent more time there than in its own logic.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span


_TEXT = "aifacts.text"
_MEMO = "aifacts.memo"
_MISSING = object()  # None is an answer worth keeping ("this block names no year")
T = TypeVar("T")


def keep_text(doc: Doc, text: str) -> Doc:
    """Record the text a Doc was made from (the tokenizer keeps it verbatim), so that
    `doc_text` never has to join the tokens again."""
    doc.user_data[_TEXT] = text
    return doc


def doc_text(doc: Doc) -> str:
    """`Doc.text`, joined once per Doc (spaCy joins its tokens again on every call)."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def text_of(span: Span) -> str:
    """A span's text cut from its Doc's: `Span.text` builds a Token per word to join them."""
    return doc_text(span.doc)[span.start_char:span.end_char]


def of_block(doc: Doc, key: tuple, make: Callable[[], T]) -> T:
    """What the relation rules derive from one block alone (its mentions, sentences and
    what each sentence says on its own), made once and kept on the Doc under `key`: a block served
    again by the block cache (a header, a quoted paragraph) brings these along instead
    of having them made again for every document it appears in. Relations only read
    annotated blocks, so whatever depends on the block alone can be shared."""
    memo = block_memo(doc)
    found = memo.get(key, _MISSING)
    if found is _MISSING:
        found = memo[key] = make()
    return found


def block_memo(doc: Doc) -> dict:
    """The dict `of_block` keeps on a Doc. Its keys are tuples; the span lists, read on
    every sentence, are kept under their bare kind (a str, so never one of those) by a
    caller that cannot afford a closure per call."""
    memo = doc.user_data.get(_MEMO)
    if memo is None:
        memo = doc.user_data[_MEMO] = {}
    return memo


def _sentence_bounds(doc: Doc) -> list[tuple[int, int, int, int]]:
    n = len(doc)
    if n == 0:
        return []
    starts = doc.to_array(SENT_START).tolist()  # one attribute: a flat array
    bounds = [0, *(i for i in range(1, n) if starts[i] == 1), n]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        last = doc[b - 1]
        out.append((a, b, doc[a].idx, last.idx + len(last)))
    return out


def sentence_bounds(doc: Doc) -> list[tuple[int, int, int, int]]:
    """The sentencizer's sentences as (start, end, start_char, end_char). `Doc.sents`
    checks every token for a sentence start one Python object at a time, and each Span
    made builds Tokens for its bounds; here the starts are read as one array, and only
    the first and last token of each sentence are made."""
    return of_block(doc, ("sentence_bounds",), lambda: _sentence_bounds(doc))
