"""Dates as GOLD_FORMAT date objects, at the precision the text gives.

"10 December 2024" -> {"value": "2024-12-10"}, "März 2025" -> "2025-03", "Q2 2026" /
"second half of 2026" -> "2026-Q2" / "2026-H2", "Sommer 2025" -> "2025" with mod
"summer", "end of 2026" -> "2026" with mod "end". A bare year counts only after a
temporal cue ("in 2026", "bis 2026", "entro il 2026"), so "2026 euros" stays a number.
A day and month without a year take the year of `ref` (the document date); without
`ref` the match has `needs_year=True` and value "--MM-DD" for the caller to resolve.
Days may be words when a year follows ("the fourth of July 1995"), named days are read
from rules in the lexicon ("Easter 2018", "Black Friday 2010"), an offset moves a date
("2 weeks before 13 May 1999"; never to a finer precision than the text gives) and a
few words after a date modify it ("2018 or later").

Month and weekday names come from CLDR (`extractors/cldr.py`); two-digit years ("31.10.74"),
the n-th weekday or the last day of a month ("the third Tuesday of September 2014") and a
span of months ("between April and October 2027" -> 2027) are read too.

One combined regex per language, built from `configs/lexicon/dates/`. Every date it
knows holds a digit, so the regex is tried only at word starts a few words before a
digit (`_DateGrammar.scan`), not at every character: the same matches as `finditer`,
at a fraction of the cost on prose, where most positions are far from any number.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from common.text import fold_case
from extractors.cldr import month_forms, weekday_forms
from extractors.lexicon import load_lexicon
from extractors.phrases import phrase_alternation as _alt

__all__ = ["DateLexiconError", "DateMatch", "find_dates", "normalise_date_text"]

_WINDOW = 60
# Where a date can begin: a letter or digit not preceded by a letter (lexicon words carry
# a word-boundary lookbehind; digits may follow digits, as "2025" inside "12025 Q1").
_START = re.compile(r"(?<![^\W\d_])[^\W_]")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date in a text: `value` is a GOLD_FORMAT date object."""

    start: int
    end: int
    text: str
    value: dict[str, Any]
    needs_year: bool = False
    year_left_out: bool = False  # a day and month without a year: its value depends on `ref`


class _DateGrammar:
    def __init__(self, lang: str) -> None:
        lex = load_lexicon("dates", lang)
        # How many words may precede a date's first digit ("second quarter of the year 2025"):
        # an ordinal, a period word and a link, each possibly of several words, plus slack.
        lead_lists = [list(month_forms(lang)), list(weekday_forms(lang))]
        lead_lists += [list((lex.get(k) or {})) for k in ("months", "ordinals", "seasons", "day_cardinals",
                                                          "day_ordinals", "holidays")]
        lead_lists += [list(lex.get(k) or []) for k in ("quarter_words", "half_words", "period_links",
                                                        "year_links", "day_links", "quarter_abbrevs",
                                                        "half_abbrevs", "month_words", "numeric_month_links",
                                                        "last_words", "day_nouns", "weekday_links")]
        widest = max((len(str(w).split()) for words in lead_lists for w in words), default=1)
        self.lead_words = 3 * widest + 2
        # a lexicon word opening with punctuation could start a match anywhere: scan it all
        self.full_scan = any(str(w)[:1] and not str(w)[:1].isalnum() for words in lead_lists for w in words)
        # CLDR's month names (extractors/cldr.py), then the lexicon's forms that CLDR lacks
        self.months = dict(month_forms(lang))
        self.months.update({fold_case(str(k)): int(v) for k, v in (lex.get("months") or {}).items()})
        self.ordinals = {fold_case(str(k)): int(v) for k, v in (lex.get("ordinals") or {}).items()}
        self.day_ordinals = {fold_case(str(k)): int(v) for k, v in (lex.get("day_ordinals") or {}).items()}
        cardinals = {fold_case(str(k)): int(v) for k, v in (lex.get("day_cardinals") or {}).items()}
        self.day_words = {**cardinals, **self.day_ordinals}
        self.holidays = {fold_case(str(k)): _holiday_rule(str(k), str(v))
                         for k, v in (lex.get("holidays") or {}).items()}
        self.seasons = {fold_case(str(k)): str(v) for k, v in (lex.get("seasons") or {}).items()}
        self.mods: dict[str, str] = {}
        for mod, words in (lex.get("mods") or {}).items():
            for w in words or []:
                self.mods.setdefault(fold_case(str(w)), str(mod))
        self.post_mods: dict[str, str] = {}
        for mod, words in (lex.get("post_mods") or {}).items():
            for w in words or []:
                self.post_mods.setdefault(fold_case(str(w)), str(mod))
        self.ymin, self.ymax = int(lex.get("year_min", 1900)), int(lex.get("year_max", 2099))
        self.order = str(lex.get("numeric_order", "dmy"))
        # `mon` takes an optional full stop: the forms that only add one need no branch
        month = _alt([m for m in self.months if not (m.endswith(".") and m[:-1] in self.months)])
        suffix = _alt(lex.get("day_suffixes") or [], boundary=False)
        dlink = _alt(lex.get("day_links") or [])
        ylink = _alt(lex.get("year_links") or [])
        plink = _alt(lex.get("period_links") or [])
        ords = _alt(list(self.ordinals))
        qwords = _alt(lex.get("quarter_words") or [])
        hwords = _alt(lex.get("half_words") or [])
        qab = _alt(lex.get("quarter_abbrevs") or ["Q"], boundary=False)
        hab = _alt(lex.get("half_abbrevs") or ["H"], boundary=False)
        seasons = _alt(list(self.seasons))
        dwords = _alt(list(self.day_words))
        mords = _alt([w for w, n in self.day_ordinals.items() if n <= 12])
        mwords = _alt(lex.get("month_words") or [])
        nmlink = _alt(lex.get("numeric_month_links") or [])
        holidays = _alt(list(self.holidays))
        # "the third Tuesday of September 2014", "the last day of October 2015": CLDR's
        # weekday names, the lexicon's ordinals of days, its words for "last" and "day"
        self.weekdays = dict(weekday_forms(lang))
        self.last_words = {fold_case(str(w)) for w in lex.get("last_words") or []}
        nth_words = _alt([w for w, n in self.day_ordinals.items() if n <= 5] + list(self.last_words))
        wdays = _alt(list(self.weekdays))
        dnouns = _alt(lex.get("day_nouns") or [])
        wlinks = _alt(lex.get("weekday_links") or [])
        # "between April and October 2027", "April–October 2027": the year of both months
        ranges = [(str(a), str(b)) for a, b in lex.get("month_ranges") or []]
        self.range_openers = {fold_case(a) for a, _b in ranges}
        self.range_free = {fold_case(str(w)) for w in lex.get("month_range_links") or []}
        ropen = _alt([a for a, _b in ranges])
        rjoin = _alt([b for _a, b in ranges] + list(self.range_free)) + r"|[-–—]"
        self.pivot = int(lex.get("two_digit_pivot", 50))
        yfirst = bool(lex.get("year_first", False))
        ymarks = _alt(lex.get("year_marks") or [], boundary=False)  # "2025 m. kovo 12 d."
        year = r"(?:1[89]|20)\d{2}(?!\d)"
        # a two-digit year: after a month name only when no word follows ("14th April 15",
        # not "14 April 15 people"), with an apostrophe ("April '15") always
        yy = rf"(?:['’]\d{{2}}|\d{{2}}(?![\d.,:]?\d)(?![^\S\n]*(?:[^\W\d_]|%|\d)))(?!\d)"
        day = rf"(?<![\d.,])(?:[012]?\d|3[01])(?:{suffix})?(?!\d)"
        ordnum = r"(?<!\d)[1-4](?:st|nd|rd|th|\.|e|er|ème|º|ª|o|a|η)?"
        sp = r"[^\S\n]*"
        mon = rf"(?:{month})\.?"
        sep = rf"{sp}[-/.]{sp}"
        dl = rf"(?:(?:{dlink}){sp})?"
        ytail = rf"{sp},?{sp}(?:(?:{ylink}){sp})?"
        self.core_re = re.compile(
            rf"(?P<iso>(?<![\d.,/])(?P<iy>{year})(?P<is>[-/.]|[^\S\n])(?P<im>[01]?\d)(?P=is)(?P<id>[0-3]?\d)(?!\d))"
            rf"|(?P<num>(?<![\d.,/])(?P<na>[0-3]?\d)(?P<ns>[./-]|[^\S\n])(?P<nb>[0-3]?\d)(?:(?P=ns)|,{sp})(?P<ny>{year}))"
            # "31.10.74", "20/02/14": day first, a two-digit year; never in a longer run of
            # digits and marks ("1.2.14.5", "v1.2.14")
            rf"|(?P<num2>(?<![\w.,/-])(?P<na2>[0-3]?\d)(?P<ns2>[./-])(?P<nb2>[01]?\d)(?P=ns2)(?P<ny2>\d{{2}})(?![\w/-]|[.,]\d))"
            rf"|(?P<nth>(?P<nn>{nth_words}){sp}(?:(?P<nwd>{wdays})|(?:{dnouns})){sp}(?:(?:{wlinks}){sp})?"
            rf"(?P<nm>{mon}){ytail}(?P<ny3>{year}))"
            rf"|(?P<mrange>(?:(?P<ro>{ropen}){sp})?(?P<r1>{mon}){sp}(?P<rj>{rjoin}){sp}(?P<r2>{mon}){ytail}(?P<ry>{year}))"
            + (rf"|(?P<yfirst>(?<![\d.,/])(?P<y11>{year})\.?{sp}(?:(?:{ymarks}){sp})?(?P<m11>{mon})"
               rf"(?:{sp}(?P<d11>[0-3]?\d)(?!\d)\.?)?)" if yfirst else "")
            + rf"|(?P<ymd>(?<![\d.,/])(?P<y5>{year}){sep}(?P<m5>{mon}){sep}(?P<d5>[0-3]?\d)(?!\d))"
            rf"|(?P<ydm>(?<![\d.,/])(?P<y6>{year}){sep}(?P<d6>[0-3]?\d){sep}(?P<m6>{mon}))"
            rf"|(?P<dym>(?<![\d.,/])(?P<d7>[0-3]?\d){sep}(?P<y7>{year}){sep}(?P<m7>{mon}))"
            rf"|(?P<myd>(?P<m8>{mon}){sep}(?P<y8>{year}){sep}(?P<d8>[0-3]?\d)(?!\d))"
            # a day as a word always comes with a year: "the first March" alone holds no digit
            rf"|(?P<wdmy>(?P<wd1>{dwords}){sp}{dl}(?P<wm1>{mon}){ytail}(?P<wy1>{year}))"
            rf"|(?P<wmdy>(?P<wm2>{mon}){sp}{dl}(?P<wd2>{dwords}){ytail}(?P<wy2>{year}))"
            rf"|(?P<dnm>(?<![\d.,/])(?P<d10>[0-3]?\d){sp}(?:{nmlink}){sp}(?P<mn10>[01]?\d){sp}(?:{nmlink}){sp}"
            rf"(?P<y10>{year}))"
            rf"|(?P<ordm>(?P<om>{mords}){sp}(?:{mwords}){sp}(?:(?:{plink}|{ylink}){sp})?(?P<oy>{year}))"
            rf"|(?P<hol>(?P<hn>{holidays}){sp},?{sp}(?:(?:{ylink}|{plink}){sp})?(?P<hy>{year}))"
            rf"|(?P<dmy>(?P<d1>{day})(?:{sp}\.?{sp}(?:(?:{dlink}){sp})?|{sep})(?P<m1>{mon})"
            rf"(?:(?:{sp},?{sp}(?:(?:{ylink}){sp})?|{sep})(?:(?P<y1>{year})|(?P<y1s>{yy})))?)"
            rf"|(?P<mdy>(?P<m2>{mon})(?:{sp}|{sep})(?P<d2>{day})(?:{sp},?{sp}(?:(?:{ylink}){sp})?(?P<y2>{year})|{sep}(?P<y2b>{year})|{sp},?{sp}(?P<y2s>{yy}))?)"
            rf"|(?P<my>(?P<m3>{mon}){sp},?{sp}(?:(?:{ylink}){sp}|[-/]{sp})?(?P<y3>{year}))"
            rf"|(?P<ym>(?<![\d.,])(?P<y4>{year})(?:{sp}[-/.]{sp}(?P<mn4>[01]?\d)(?![\d./-])|{sp},?{sp}(?P<m4>{mon})(?!{sp}\d)))"
            rf"|(?P<nmy>(?<![\d.,/-])(?P<mn9>[01]?\d){sp}[-/.]{sp}(?P<y9>{year}))"
            rf"|(?P<q>(?<![^\W\d_])(?:{qab})(?P<q1>[1-4]){sp}[-/]?{sp}(?P<qy1>{year})"
            rf"|(?P<qy2>{year}){sp}[-/]?{sp}(?:{qab})(?P<q2>[1-4])(?!\d)"
            rf"|(?P<q3>{ords}|{ordnum}){sp}(?:{qwords}){sp}[-/]?{sp}(?:(?:{plink}){sp})?(?P<qy3>{year})"
            rf"|(?P<qy4>{year}){sp}[-/]?{sp}(?:{qwords}){sp}(?P<q4>[1-4])(?!\d)"
            rf"|(?:{qwords}){sp}(?P<q5>[1-4]){sp}[-/]?{sp}(?P<qy5>{year})"
            rf"|(?P<qy6>{year}){sp}(?:[^\W\d_]{{1,4}}{sp}){{0,2}}(?P<q6>{ords}){sp}(?:{qwords})(?![^\W\d_])"
            rf"(?!{sp}(?:[^\W\d_]+{sp}){{0,2}}{year}))"
            rf"|(?P<h>(?<![^\W\d_])(?:{hab})(?P<h1>[12]){sp}[-/]?{sp}(?P<hy1>{year})"
            rf"|(?P<hy2>{year}){sp}[-/]?{sp}(?:{hab})(?P<h2>[12])(?!\d)"
            rf"|(?P<h3>{ords}|{ordnum}){sp}(?:{hwords}){sp}(?:(?:{plink}){sp})?(?P<hy3>{year}))"
            rf"|(?P<season>(?P<s>{seasons}){sp}(?:(?:{plink}){sp})?(?P<sy>{year}))"
            rf"|(?P<year>(?<![\d.,/])(?<!\d-)(?P<by>{year})(?![.,]\d))",
            re.I,
        )
        # what every branch of core_re opens with: a digit or one of these words (a position
        # that opens with neither is not tried; the words unbounded, so this only ever says more)
        openers = [*self.months, *self.day_words, *self.holidays, *self.ordinals, *self.seasons,
                   *(lex.get("quarter_words") or []), *(lex.get("half_words") or []),
                   *(lex.get("quarter_abbrevs") or ["Q"]), *(lex.get("half_abbrevs") or ["H"]),
                   *self.last_words, *self.range_openers]
        self.opener_re = re.compile(rf"\d|{_alt(openers, boundary=False)}", re.I)
        # Inside a run of digits (after its first) a date can only open with a year that ends
        # the run (four digits: the branches with no digit lookbehind open with a year) or
        # with a word that opens with digits ending the run ("1er"); the other positions of
        # the run are not tried. A word of digits alone could open anywhere: all are tried.
        heads = [len(w) - len(w.lstrip("0123456789")) for w in map(str, openers)]
        self.inner_heads: frozenset[int] | None = None if any(
            h == len(str(w)) for h, w in zip(heads, openers) if h) else frozenset({4, *(h for h in heads if h)})
        self.mod_re = re.compile(rf"(?<!\w)(?P<mod>{_alt(list(self.mods))})[^\S\n]*[-–]?[^\S\n]*(?:the[^\S\n]+)?\Z", re.I)
        self.joiner_re = re.compile(rf"[^\S\n]*,?[^\S\n]*(?:{_alt(lex.get('year_joiners') or [])})?[^\S\n]*\Z", re.I)
        # "2018 or later." ends a phrase; in "2018 or later than 2020" the words open the next
        # date, in "2048 or later nodes" they qualify a noun
        self.post_re = re.compile(rf"[^\S\n]*(?P<mod>{_alt(list(self.post_mods))})(?![^\S\n]*[^\W_])", re.I)
        # "next year", "l'année prochaine", "наступного року": a year counted from the text's date
        self.relative_years = {fold_case(str(k)): int(v) for k, v in (lex.get("relative_years") or {}).items()}
        self.relative_re = re.compile(rf"(?<![^\W\d_])(?:{_alt(sorted(self.relative_years, key=len, reverse=True))})"
                                      r"(?![^\W\d_])", re.I) if self.relative_years else None
        # "2025-2026", "2025–26", "2025/26": a span of years, read as its last year ("by")
        self.span_re = re.compile(r"[^\S\n]*[-–—/][^\S\n]*(?P<y2>(?:19|20)\d{2}|\d{2})(?![\d.,]?\d)(?![^\W\d_])")
        self.blocker_re = re.compile(rf"[^\S\n]*(?:{_alt(lex.get('year_blockers') or [])})", re.I)
        self.units: dict[str, str] = {}
        for unit, words in (lex.get("offset_units") or {}).items():
            if unit not in _UNITS:
                raise DateLexiconError(f"dates lexicon {lang}: unknown offset unit {unit!r}")
            for w in words or []:
                self.units.setdefault(fold_case(str(w)), str(unit))
        self.links: dict[str, int] = {}
        for side, words in (lex.get("offset_links") or {}).items():
            if side not in ("before", "after"):
                raise DateLexiconError(f"dates lexicon {lang}: offset links must be 'before' or 'after', not {side!r}")
            for w in words or []:
                self.links.setdefault(fold_case(str(w)), -1 if side == "before" else 1)
        self.counts = dict(cardinals)
        self.counts.update({fold_case(str(k)): int(v) for k, v in (lex.get("count_words") or {}).items()})
        self.offset_re = re.compile(
            rf"(?<![^\W_])(?P<n>\d{{1,3}}|{_alt(list(self.counts))})[^\S\n]+(?P<unit>{_alt(list(self.units))})"
            rf"[^\S\n]+(?P<link>{_alt(list(self.links))})[^\S\n]*(?:(?:{_alt(lex.get('offset_fillers') or [])})[^\S\n]*)?\Z",
            re.I,
        )
        self.cue_re = re.compile(rf"(?<!\w)(?:{_alt(lex.get('year_cues') or [])})[^\S\n]+\Z", re.I)

    def month(self, s: str) -> int | None:
        return self.months.get(fold_case(s).rstrip("."))

    def scan(self, text: str) -> list[re.Match[str]]:
        """`core_re.finditer(text)`, trying the regex only where a date can start: at word
        starts no more than `lead_words` before a run of digits."""
        if self.full_scan:
            return list(self.core_re.finditer(text))
        runs = [(m.start(), m.end()) for m in _DIGITS.finditer(text)]
        if not runs:
            return []
        starts = [m.start() for m in _START.finditer(text)]
        words = word_starts(text, starts)
        tries: set[int] = set()
        for a, b in runs:
            first = words[max(0, bisect_left(words, a) - self.lead_words)]
            tries.update(starts[bisect_left(starts, first):bisect_right(starts, b - 1)])
            tries.add(a)  # a number glued to a word ("Reggio2000") starts there too
        heads = self.inner_heads
        for a, b in runs:
            if heads is None:
                tries.update(range(a + 1, b))
            elif b - a > 1:
                tries.difference_update(range(a + 1, b))
                tries.update(b - h for h in heads if b - h > a)
        out = []
        floor = 0
        match, opens = self.core_re.match, self.opener_re.match
        for pos in sorted(tries):
            if pos < floor or opens(text, pos) is None:
                continue
            m = match(text, pos)
            if m is not None:
                out.append(m)
                floor = max(m.end(), pos + 1)
        return out


def word_starts(text: str, starts: list[int]) -> list[int]:
    """The word starts (an alphanumeric not after one), read off the starts of `_START`:
    a start that does not follow a digit (`\\d` is category Nd, as `isdecimal`) opens a
    word. One regex pass less per text."""
    return [p for p in starts if not text[p - 1:p].isdecimal()]


@lru_cache(maxsize=None)
def _grammar(lang: str) -> _DateGrammar:
    return _DateGrammar(lang)


class DateLexiconError(ValueError):
    """A date word list holds a value the grammar cannot read."""


_UNITS = ("day", "week", "month", "year")


def _shift(value: str, n: int, unit: str, sign: int) -> str | None:
    """`value` moved by n units, at the precision of the coarser of the two: "2 weeks before
    13 May 1999" is a day, "two years after 2011" a year; a unit finer than the date's
    precision ("two weeks after 2011") gives None, the text does not fix the day."""
    months = n * (12 if unit == "year" else 1) * sign
    try:
        if len(value) == 10 and value[4] == "-":
            d = dt.date.fromisoformat(value)
            if unit in ("day", "week"):
                return (d + dt.timedelta(days=sign * n * (7 if unit == "week" else 1))).isoformat()
            y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
            last = (dt.date(y + (m == 11), (m + 1) % 12 + 1, 1) - dt.timedelta(days=1)).day
            return dt.date(y, m + 1, min(d.day, last)).isoformat()
        if re.fullmatch(r"\d{4}-\d\d", value) and unit in ("month", "year"):
            y, m = divmod(int(value[:4]) * 12 + int(value[5:]) - 1 + months, 12)
            return f"{y:04d}-{m + 1:02d}" if 1 <= y <= 9999 else None
        if re.fullmatch(r"\d{4}", value) and unit == "year":
            y = int(value) + sign * n
            return f"{y:04d}" if 1 <= y <= 9999 else None
    except (ValueError, OverflowError):
        return None
    return None


_HOLIDAY = re.compile(r"(?:(?P<fixed>\d\d-\d\d)|easter(?P<eo>[+-]\d+)?"
                      r"|(?P<nth>[1-5])(?P<wd>mon|tue|wed|thu|fri|sat|sun)-(?P<mon>\d\d)(?P<no>[+-]\d+)?)")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _easter(year: int) -> dt.date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _holiday_rule(name: str, spec: str) -> Callable[[int], dt.date]:
    """The function year -> date of a named day, from its lexicon spec (see common.yaml)."""
    m = _HOLIDAY.fullmatch(spec.strip())
    if m is None:
        raise DateLexiconError(f"dates lexicon: holiday {name!r} has an unreadable rule {spec!r}")
    if m["fixed"]:
        month, day = (int(x) for x in m["fixed"].split("-"))
        dt.date(2001, month, day)  # validates the rule once, for every year
        return lambda y: dt.date(y, month, day)
    if m["nth"] is None:
        shift = int(m["eo"] or 0)
        return lambda y: _easter(y) + dt.timedelta(days=shift)
    nth, wd, mon, shift = int(m["nth"]), _WEEKDAYS.index(m["wd"]), int(m["mon"]), int(m["no"] or 0)

    def nth_weekday(y: int) -> dt.date:
        first = dt.date(y, mon, 1)
        return first + dt.timedelta(days=(wd - first.weekday()) % 7 + 7 * (nth - 1) + shift)
    return nth_weekday


def _day(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _century(yy: int, g: _DateGrammar) -> int:
    """The year of a two-digit year: below the lexicon's pivot in this century ("14" ->
    2014), from it in the last ("74" -> 1974), as European texts write them."""
    return 2000 + yy if yy < g.pivot else 1900 + yy


def _nth_day(y: int, mo: int, n: int, weekday: int | None) -> str | None:
    """The n-th (n = -1: last) weekday of a month, or its n-th (last) day when no weekday
    is named: "the third Tuesday of September 2014" is 2014-09-16, a day and not a month."""
    try:
        first = dt.date(y, mo, 1)
        last = dt.date(y + mo // 12, mo % 12 + 1, 1) - dt.timedelta(days=1)
    except ValueError:
        return None
    if weekday is None:
        day = last.day if n == -1 else n
        return _day(y, mo, day) if day >= 1 else None
    if n == -1:
        return (last - dt.timedelta(days=(last.weekday() - weekday) % 7)).isoformat()
    if n < 1:
        return None
    d = first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    return d.isoformat() if d.month == mo else None


def _ord(g: _DateGrammar, s: str) -> int | None:
    s = fold_case(s)
    if s in g.ordinals:
        return g.ordinals[s]
    m = re.match(r"\d", s)
    return int(m.group()) if m else None


def _value(m: re.Match[str], g: _DateGrammar, ref: dt.date | None) -> tuple[str, bool, str | None] | None:
    """(value, needs_year, season mod) of one core match, or None when invalid."""
    kind = m.lastgroup
    gd = m.groupdict()
    mo: Any  # a month, a day, a year: numbers or the text's digits, depending on the form
    d: Any
    y: Any
    if kind == "iso":
        v = _day(int(gd["iy"]), int(gd["im"]), int(gd["id"]))
        return (v, False, None) if v else None
    if kind == "num":
        a, b, y = int(gd["na"]), int(gd["nb"]), int(gd["ny"])
        d, mo = (b, a) if (g.order == "mdy" and a <= 12) or (a <= 12 < b) else (a, b)
        v = _day(y, mo, d)
        return (v, False, None) if v else None
    if kind == "num2":
        a, b = int(gd["na2"]), int(gd["nb2"])
        d, mo = (b, a) if g.order == "mdy" and a <= 12 else (a, b)
        v = _day(_century(int(gd["ny2"]), g), mo, d)
        return (v, False, None) if v else None
    if kind == "nth":
        mo = g.month(gd["nm"])
        if mo is None:
            return None
        y = int(gd["ny3"])
        word = fold_case(gd["nn"])
        nth = -1 if word in g.last_words else g.day_ordinals.get(word, 0)
        v = _nth_day(y, mo, nth, g.weekdays.get(fold_case(gd["nwd"])) if gd["nwd"] else None)
        return (v, False, None) if v else None
    if kind == "mrange":
        m1, m2 = g.month(gd["r1"]), g.month(gd["r2"])
        joiner = fold_case(gd["rj"])
        if not (m1 and m2 and m1 < m2):
            return None
        if not (gd["ro"] or joiner in g.range_free or not joiner[:1].isalpha()):
            return None  # "April and October 2027" names two months, "between April and October" one span
        return gd["ry"], False, None
    if kind == "yfirst":
        mo = g.month(gd["m11"])
        if mo and not gd["d11"]:
            return f"{gd['y11']}-{mo:02d}", False, None
        v = _day(int(gd["y11"]), mo, int(gd["d11"])) if mo else None
        return (v, False, None) if v else None
    if kind in ("ymd", "ydm", "dym", "myd"):
        n = {"ymd": "5", "ydm": "6", "dym": "7", "myd": "8"}[kind]
        mo = g.month(gd["m" + n])
        v = _day(int(gd["y" + n]), mo, int(gd["d" + n])) if mo else None
        return (v, False, None) if v else None
    if kind in ("wdmy", "wmdy"):
        n = "1" if kind == "wdmy" else "2"
        mo, d = g.month(gd["wm" + n]), g.day_words.get(fold_case(gd["wd" + n]))
        v = _day(int(gd["wy" + n]), mo, d) if mo and d else None
        return (v, False, None) if v else None
    if kind == "dnm":
        v = _day(int(gd["y10"]), int(gd["mn10"]), int(gd["d10"])) if 1 <= int(gd["mn10"]) <= 12 else None
        return (v, False, None) if v else None
    if kind == "ordm":
        mo = g.day_ordinals.get(fold_case(gd["om"]))
        return (f"{gd['oy']}-{mo:02d}", False, None) if mo and 1 <= mo <= 12 else None
    if kind == "hol":
        rule = g.holidays.get(fold_case(gd["hn"]))
        return (rule(int(gd["hy"])).isoformat(), False, None) if rule else None
    if kind == "nmy":
        mo = int(gd["mn9"])
        return (f"{gd['y9']}-{mo:02d}", False, None) if 1 <= mo <= 12 else None
    if kind in ("dmy", "mdy"):
        d = int(re.match(r"\d+", gd["d1"] or gd["d2"]).group())  # type: ignore[union-attr]
        mo = g.month(gd["m1"] or gd["m2"])
        y = gd["y1"] or gd["y2"] or gd["y2b"]
        short = gd.get("y1s") or gd.get("y2s")
        if y is None and short:
            y = str(_century(int(short.lstrip("'’")), g))
        if mo is None:
            return None
        if y is None:
            if ref is not None:
                v = _day(ref.year, mo, d)
                return (v, False, None) if v else None
            return (f"--{mo:02d}-{d:02d}", True, None) if _day(2000, mo, d) else None
        v = _day(int(y), mo, d)
        return (v, False, None) if v else None
    if kind == "my":
        mo = g.month(gd["m3"])
        return (f"{gd['y3']}-{mo:02d}", False, None) if mo else None
    if kind == "ym":
        mo = int(gd["mn4"]) if gd["mn4"] else g.month(gd["m4"] or "")
        return (f"{gd['y4']}-{mo:02d}", False, None) if mo and 1 <= mo <= 12 else None
    if kind == "q":
        q = gd["q1"] or gd["q2"] or gd["q4"] or gd["q5"] or _ord(g, gd["q3"] or gd["q6"] or "")
        y = gd["qy1"] or gd["qy2"] or gd["qy3"] or gd["qy4"] or gd["qy5"] or gd["qy6"]
        return (f"{y}-Q{q}", False, None) if q and 1 <= int(q) <= 4 else None
    if kind == "h":
        h = gd["h1"] or gd["h2"] or _ord(g, gd["h3"] or "")
        y = gd["hy1"] or gd["hy2"] or gd["hy3"]
        if h and int(h) == 4:  # "last half"
            h = 2
        return (f"{y}-H{h}", False, None) if h and 1 <= int(h) <= 2 else None
    if kind == "season":
        return gd["sy"], False, g.seasons.get(fold_case(gd["s"]))
    if kind == "year":
        return gd["by"], False, None
    return None


def _span_end(g: _DateGrammar, year: str, text: str, end: int) -> tuple[str, int] | None:
    """The last year of a span of years written after `year` ("2025-2026": something runs
    through both, so it is done by the last), and where the span ends; None if none is."""
    found = g.span_re.match(text, end)
    if found is None:
        return None
    y2 = found.group("y2")
    later = int(y2) if len(y2) == 4 else int(year[:2] + y2)
    if not 0 < later - int(year) <= 10:
        return None
    return str(later), found.end()


def _without_year(m: re.Match[str]) -> bool:
    """A day and month written without a year (the one kind `_value` completes from `ref`)."""
    return m.lastgroup in ("dmy", "mdy") and not (m.group("y1") or m.group("y1s") or m.group("y2") or m.group("y2b")
                                                  or m.group("y2s"))


def find_dates(text: str, lang: str, ref: dt.date | None = None) -> list[DateMatch]:
    """Every date in `text`, left to right, with modifiers ("end of", "bis", "mid-")."""
    if not text:
        return []
    g = _grammar((lang or "").lower())
    out: list[DateMatch] = []
    floor = 0
    for m in g.scan(text):
        res = _value(m, g, ref)
        if res is None:
            continue
        value, needs_year, season = res
        start, end = m.start(), m.end()
        lo = max(floor, start - _WINDOW)
        off = g.offset_re.search(text, lo, start)
        shifted = None
        if off is not None and not needs_year:
            n = off.group("n")
            count = int(n) if n.isdigit() else g.counts.get(fold_case(n), 0)
            shifted = _shift(value, count, g.units[fold_case(off.group("unit"))], g.links[fold_case(off.group("link"))])
        if shifted is not None:
            value, mod_m, mod = shifted, off, None
        else:
            mod_m = g.mod_re.search(text, lo, start)
            mod = g.mods.get(fold_case(mod_m.group("mod"))) if mod_m else None
        if m.lastgroup == "year":
            later = _span_end(g, value, text, end)
            if later is not None:
                value, end = later
                mod = mod or "by"
        post_m = g.post_re.match(text, end)
        if post_m is not None and mod is None:
            mod = g.post_mods.get(fold_case(post_m.group("mod")))
            end = post_m.end()
        if m.lastgroup == "year":
            if g.blocker_re.match(text, m.end()):
                continue
            joined = bool(out) and out[-1].end == floor and floor < start and g.joiner_re.match(text, floor, start)
            cued = shifted is not None or g.cue_re.search(text, lo, start) is not None
            if mod is None and not joined and not cued:
                continue
        if mod_m is not None:
            start = mod_m.start()
        obj: dict[str, Any] = {"value": value}
        if season or mod:
            obj["mod"] = season or mod
        out.append(DateMatch(start, end, text[start:end], obj, needs_year,
                             year_left_out=_without_year(m)))
        floor = end
    if ref is not None and g.relative_re is not None:
        out = _with_relative_years(g, g.relative_re, text, ref, out)
    return out


def _with_relative_years(g: _DateGrammar, pattern: re.Pattern[str], text: str, ref: dt.date,
                         found: list[DateMatch]) -> list[DateMatch]:
    """"next year" in a text of 2025 is 2026, with the modifier before it ("by the end of
    next year"); its value hangs on the text's date, as a day written without a year does."""
    added = []
    for m in pattern.finditer(text):
        start, end = m.start(), m.end()
        if any(d.start < end and start < d.end for d in found):
            continue
        offset = g.relative_years.get(fold_case(m.group(0)))
        if offset is None:
            continue
        obj: dict[str, Any] = {"value": str(ref.year + offset)}
        mod_m = g.mod_re.search(text, max(0, start - _WINDOW), start)
        if mod_m is not None:
            mod = g.mods.get(fold_case(mod_m.group("mod")))
            if mod:
                obj["mod"] = mod
                start = mod_m.start()
        added.append(DateMatch(start, end, text[start:end], obj, False, year_left_out=True))
    return sorted(found + added, key=lambda d: d.start) if added else found


def normalise_date_text(s: str, lang: str, ref: dt.date | None = None) -> dict[str, Any] | None:
    """The one date value of a short text such as a table cell, or None.

    A cell that holds only a year ("2026") is read as that year: a table column gives
    the temporal cue that prose needs."""
    s = s or ""
    found = find_dates(s, lang, ref)
    if found:
        return found[0].value
    bare = re.fullmatch(r"\s*((?:19|20)\d{2})\s*", s)
    return {"value": bare.group(1)} if bare else None
