"""Custom attributes shared by the rule components.

Every component writes its matches to `doc.spans[<kind>]` (kinds below); each span
carries its normalised value in `span._.value` and the id of the rule that matched in
`span._.rule`. Matching is kept apart from writing: a component's matcher yields
(start_char, end_char, label, value, rule) and `write_spans` turns them into spans.
"""

from __future__ import annotations

from typing import Any, Iterable

from spacy.tokens import Doc, Span

from extractors.spans import block_memo

SPAN_KINDS = ("factory", "place", "org", "supercomputer", "money", "date")

if not Span.has_extension("value"):
    Span.set_extension("value", default=None)
if not Span.has_extension("rule"):
    Span.set_extension("rule", default=None)
if not Doc.has_extension("block"):
    Doc.set_extension("block", default=None)


def write_spans(doc: Doc, kind: str, matches: Iterable[tuple[int, int, str, Any, str]]) -> Doc:
    """Attach character-level matches as spans; a match not on token boundaries is
    widened to the tokens it touches (so no match is silently dropped).

    What is written is also kept as plain tuples (`written`): the relation rules read
    every span's bounds, label, value and rule, and a `Span` looks each up again."""
    kept = block_memo(doc).setdefault(("written", kind), [])
    matches = list(matches)
    if not matches and kind not in doc.spans:
        return doc  # a span group is made per kind and Doc: none for a kind with nothing to hold
    group = list(doc.spans.get(kind, []))
    for start, end, label, value, rule in matches:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is None:
            continue
        span._.value = value
        span._.rule = rule
        group.append(span)
        kept.append((span.start, span.end, span.start_char, span.end_char, label, value, rule))
    doc.spans[kind] = group
    return doc


def written(doc: Doc, kind: str) -> list[tuple] | None:
    """The spans of one kind as `write_spans` wrote them: (start, end, start_char, end_char,
    label, value, rule), in order; None for a Doc whose spans were set another way."""
    return block_memo(doc).get(("written", kind))
