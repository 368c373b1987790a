"""Find a publication date in short metadata-like text (datelines, meta tags, <time>).

Month names come from CLDR via babel for the EU languages, so "10 dicembre 2024",
"19.03.2025", "Juni 2025" and "2024-12-10T08:00:00Z" are all read by the same few general
patterns. A date is returned with its precision: a dateline may give only month and year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from common.text import fold
from sources.settings import load_config


@dataclass(frozen=True, slots=True)
class FoundDate:
    value: date
    precision: str  # "day" | "month"
    start: int = 0  # where in the searched text it was found
    end: int = 0


@lru_cache(maxsize=1)
def month_names() -> dict[str, int]:
    """Folded month name -> month number, over all configured locales (ambiguous names dropped)."""
    from babel import Locale
    from babel.core import UnknownLocaleError

    cfg = load_config("ingest.yaml")["dates"]
    seen: dict[str, set[int]] = {}
    for code in cfg["locales"]:
        try:
            loc = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for num, name in loc.months[context][width].items():
                    key = fold(name).strip(". ")
                    if len(key) >= 3 and not key.isdigit():
                        seen.setdefault(key, set()).add(int(num))
    out = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
    for name, num in (cfg.get("extra_months") or {}).items():
        out.setdefault(fold(str(name)), int(num))
    return out


def _year_ok(year: int) -> bool:
    cfg = load_config("ingest.yaml")["dates"]
    return int(cfg["earliest_year"]) <= year <= int(cfg["latest_year"])


def _make(y: int, m: int, d: int | None) -> date | None:
    if not _year_ok(y):
        return None
    try:
        return date(y, m, d or 1)
    except ValueError:
        return None


_WORD = r"([^\W\d_]{3,}\.?)"
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})[./](\d{1,2})[./](\d{4})(?![\d])")
_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})(?:\.|º|er|st|nd|rd|th)?\s*(?:de\s+|d'\s*)?" + _WORD
                             + r",?\s*(?:de\s+|del\s+)?(\d{4})(?!\d)", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(_WORD + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)", re.IGNORECASE)
_MONTH_YEAR = re.compile(r"(?<![\w])" + _WORD + r",?\s+(?:de\s+|del\s+)?(\d{4})(?!\d)", re.IGNORECASE)


def _month(word: str) -> int | None:
    return month_names().get(fold(word).strip(". "))


def find_date(text: str, *, allow_month: bool = True) -> FoundDate | None:
    """The first full date in `text` (or, if allowed, a month-and-year), else None."""
    hits: list[FoundDate] = []
    for m in _ISO.finditer(text):
        d = _make(int(m[1]), int(m[2]), int(m[3]))
        if d:
            hits.append(FoundDate(d, "day", m.start(), m.end()))
    for m in _NUMERIC.finditer(text):
        d = _make(int(m[3]), int(m[2]), int(m[1]))
        if d:
            hits.append(FoundDate(d, "day", m.start(), m.end()))
    for m in _DAY_MONTH_YEAR.finditer(text):
        month = _month(m[2])
        d = _make(int(m[3]), month, int(m[1])) if month else None
        if d:
            hits.append(FoundDate(d, "day", m.start(), m.end()))
    for m in _MONTH_DAY_YEAR.finditer(text):
        month = _month(m[1])
        d = _make(int(m[3]), month, int(m[2])) if month else None
        if d:
            hits.append(FoundDate(d, "day", m.start(), m.end()))
    if hits:
        return min(hits, key=lambda h: h.start)
    if allow_month:
        for m in _MONTH_YEAR.finditer(text):
            month = _month(m[1])
            d = _make(int(m[2]), month, None) if month else None
            if d:
                return FoundDate(d, "month", m.start(), m.end())
    return None


def parse_iso_like(value: str) -> FoundDate | None:
    """A machine-readable date from metadata (ISO 8601, possibly with time), or None."""
    value = value.strip()
    m = re.match(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", value)
    if m:
        d = _make(int(m[1]), int(m[2]), int(m[3]) if m[3] else None)
        if d:
            return FoundDate(d, "day" if m[3] else "month", 0, m.end())
    return find_date(value)
