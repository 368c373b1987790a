"""Folding text for comparison: one `fold`, and named variants where a caller needs more.

Names and words are compared without case or accents everywhere ("Linköping" and
"LINKOPING" are one town), but callers differ in what else must meet:

- `fold`: case and accents gone, everything else kept. Word lists, tokens, month names.
- `fold_words`: `fold`, and every mark between letters and digits a single space, so that
  "LUMI-AI", "LUMI AI" and "Lumi – AI" are one name (knowledge base, gold scoring).
- `fold_place`: GeoNames keys, where letters that do not decompose are spelled out too
  ("Ærøskøbing" -> "aeroskobing") and separators are spaces, but other punctuation stays.
- `fold_chars`: one character for one, so offsets into the folded text are offsets into the
  original (the places matcher runs on a folded copy of each block).
- `fold_case`: case and spacing only; accents stay (the date grammar's words keep theirs).
- `transliterate_umlauts`: the German spelling-out of umlauts ("Jülich" -> "Juelich").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "fold_case", "fold_chars", "fold_place", "fold_words", "transliterate_umlauts"]


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case- and accent-free, ends stripped. Called per token, so ASCII (most tokens) takes
    the short way and repeated words come from the cache."""
    if text.isascii():
        return text.lower().strip()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


@lru_cache(maxsize=65536)
def fold_words(text: str) -> str:
    """`fold` with every character that is no letter or digit turned into a space, spaces
    collapsed: 'Linköping' -> 'linkoping', 'L-AIF' -> 'l aif'. Cached: reconciliation folds
    the same few names once per statement."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in fold(text)).split())


_PLACE_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i", "þ": "th",
                                "ð": "d", "ß": "ss", "’": "'", "‘": "'", "ʼ": "'"})
_PLACE_SEPARATORS = re.compile(r"[\s\-‐‑–—_/]+")


def fold_place(text: str) -> str:
    """The key a place name is indexed under, so "Linkoping", "LINKÖPING" and "Linköping"
    meet, as do "Saint-Étienne" and "Saint Etienne"; dots are separators ("St. Gallen")."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_PLACE_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _PLACE_SEPARATORS.sub(" ", text.replace(".", " ")).strip()


_ONE_CHAR = {"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ı": "i", "ς": "σ",
             "æ": "æ", "ß": "ß", "’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-", "–": "-"}


def _fold_char(ch: str) -> str:
    if ch in _ONE_CHAR:
        return _ONE_CHAR[ch]
    base = unicodedata.normalize("NFD", ch)[0]
    low = base.lower()
    return low if len(low) == 1 else base


class _FoldTable(dict):
    """`str.translate` table filled on first sight of each character: folding then runs
    in C, one character for one."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold_chars(text: str) -> str:
    """Lower-case without diacritics, one character for one, so offsets survive ("æ" and
    "ß" stay, as spelling them out would shift every offset after them)."""
    return text.translate(_FOLD_TABLE)


def fold_case(text: str) -> str:
    """Lower-case, words one space apart, typographic apostrophes plain; accents kept."""
    return " ".join(text.replace("’", "'").lower().split())


_UMLAUTS = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"))


def transliterate_umlauts(text: str) -> str:
    """German transliteration ("Jülich" -> "Juelich"), common in URLs and English texts;
    a text without umlauts comes back unchanged."""
    for umlaut, spelled in _UMLAUTS:
        text = text.replace(umlaut, spelled)
    return text
