"""Word lists of the lexicons as regular-expression alternations.

The money and date finders match hundreds of words and phrases (months, qualifiers,
currencies) at many positions of a text; Python's regex engine tries the branches of an
alternation one by one, so the layout of the branches decides what a failed position
costs.
"""

from __future__ import annotations

import re


def phrase_alternation(words: list[str], boundary: bool = True) -> str:
    """The phrases `words` as one alternation for a case-insensitive pattern: longest first,
    any run of white space between their words, a straight or curly apostrophe for one,
    and (with `boundary`) no letter right before or after a phrase that starts or ends
    with one. An empty list gives a pattern that never matches.

    Branches are grouped by first character behind a one-character lookahead: a position
    that starts no phrase fails after one test instead of one per phrase. Phrases of one
    group keep their longest-first order; phrases of two groups never match at one place."""
    parts = []
    for w in sorted({" ".join(str(x).lower().split()) for x in words if str(x).strip()}, key=len, reverse=True):
        p = r"\s+".join(re.escape(x) for x in w.split()).replace("'", "['’]")
        if boundary and w[:1].isalpha():
            p = r"(?<![^\W\d_])" + p
        if boundary and w[-1:].isalpha():
            p += r"(?![^\W\d_])"
        parts.append((w[0].replace("’", "'"), p))
    if not parts:
        return r"(?!x)x"
    groups: dict[str, list[str]] = {}
    for first, p in parts:
        groups.setdefault(first, []).append(p)
    heads = {first: "['’]" if first == "'" else re.escape(first) for first in groups}
    return "|".join(f"(?={heads[first]})(?:{'|'.join(ps)})" for first, ps in groups.items())
