"""Spelling and sound similarity, shared by identity linking and name normalisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, TypeVar

import jellyfish
from rapidfuzz import fuzz, utils

from warehouse.policy import Thresholds

T = TypeVar("T")


def spelling(a: str, b: str) -> float:
    """rapidfuzz WRatio with its default processor (case, punctuation ignored), 0-100."""
    return float(fuzz.WRatio(a, b, processor=utils.default_process))


def sound(a: str, b: str) -> float:
    """Jaro-Winkler similarity of the metaphone codes (spaces dropped), 0-1; 0 when a
    script has no metaphone code (Greek, Cyrillic)."""
    ca, cb = jellyfish.metaphone(a).replace(" ", ""), jellyfish.metaphone(b).replace(" ", "")
    if not ca or not cb:
        return 0.0
    return float(jellyfish.jaro_winkler_similarity(ca, cb))


@dataclass(frozen=True, slots=True)
class Match:
    item: object
    name: str
    spelling: float
    sound: float


def best_match(text: str, items: Iterable[tuple[T, Iterable[str]]], limits: Thresholds,
               *, country_known: bool = True) -> tuple[Match | None, str]:
    """The single item whose best name is close enough to `text`, or None with why.

    Accepts spelling >= fuzzy_min together with sound >= phonetic_min, or spelling >=
    fuzzy_strong alone (fuzzy_no_country when the caller could not restrict by country).
    Two different items tied at the top are ambiguous and give None."""
    scored: list[Match] = []
    for item, names in items:
        best: Match | None = None
        for name in names:
            s, p = spelling(text, name), sound(text, name)
            if country_known:
                ok = (s >= limits.fuzzy_min and p >= limits.phonetic_min) or s >= limits.fuzzy_strong
            else:
                ok = s >= limits.fuzzy_no_country
            if ok and (best is None or (s, p) > (best.spelling, best.sound)):
                best = Match(item, name, s, p)
        if best is not None:
            scored.append(best)
    if not scored:
        return None, "no name close enough in spelling and sound"
    scored.sort(key=lambda m: (m.spelling, m.sound), reverse=True)
    top = scored[0]
    if len(scored) > 1 and (scored[1].spelling, scored[1].sound) == (top.spelling, top.sound) \
            and scored[1].item is not top.item:
        return None, f"ambiguous: {top.name!r} and {scored[1].name!r} score the same"
    return top, f"spelling {top.spelling:.0f}, sound {top.sound:.2f} against {top.name!r}"
