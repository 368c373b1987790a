"""Numbers as texts write them: digits with each language's separators, scale words and
abbreviations ("2,1 milliards", "1.5bn", "30 Mio."), and number words ("two hundred and
two thousand", "dreihundertneunundneunzig", "tres millones y medio").

One compiled token regex per language splits the text; a small left-to-right parser
joins adjacent tokens into numbers. All words come from `configs/lexicon/numbers/`.
Money and dates build on `find_numbers`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from extractors.lexicon import load_lexicon

__all__ = ["NumberMatch", "find_numbers", "parse_digits"]


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A number in a text. `scale` is the multiplier of the last scale word or
    abbreviation it carries (1 when none): ranges such as "100–200 million" share it.
    `percent` marks a share ("8 %", "50 Prozent"), which is never an amount of money."""

    start: int
    end: int
    text: str
    value: int | float
    scale: float = 1.0
    percent: bool = False
    words: bool = False


_DIGITS = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)(?:[.,]\d+)?|\d+(?:[.,'’]\d+)*"
_TOKEN_RE = re.compile(rf"(?P<num>{_DIGITS})|(?P<word>[^\W\d_]+)|(?P<sign>[-−])|(?P<pct>[%‰])")
_GAP_RE = re.compile(r"[^\S\n]{0,3}(?:[-‐][^\S\n]{0,3})?|['’]")
_WORDS_KEPT = 50_000  # words whose classes a grammar keeps (then it starts again)
_SPLIT_RE = re.compile(r"[\s\-'’]+")


def parse_digits(s: str, decimal: str) -> Decimal | None:
    """Value of a digit string under a language's decimal mark.

    A mark that appears once and is not followed by exactly three digits is decimal
    whatever the language ("1.5" in German, "2,1" in English); thin spaces and
    apostrophes always group. Returns None for shapes that are not one number
    ("10.12.2024")."""
    s = s.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    s = s.replace(" ", "").replace("'", "")
    marks = [c for c in s if c in ".,"]
    if not marks:
        return Decimal(s)
    last = s.rfind(marks[-1])
    if len(set(marks)) == 2:
        dec = marks[-1]
        if marks.count(dec) > 1:
            return None
        intpart, frac = s[:last], s[last + 1:]
        groups = re.split(r"[.,]", intpart)
    elif len(marks) > 1:
        groups = re.split(r"[.,]", s)
        intpart, frac = s, ""
    else:
        tail = s[last + 1:]
        if marks[0] == decimal or len(tail) != 3:
            return Decimal(s[:last] + "." + tail)
        return Decimal(s[:last] + tail)
    if any(len(g) != 3 for g in groups[1:]) or not (1 <= len(groups[0]) <= 3):
        return None
    digits = "".join(groups)
    try:
        return Decimal(digits + ("." + frac if frac else ""))
    except InvalidOperation:
        return None


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    text: str
    cls: dict[str, Any] = field(default_factory=dict)


class _Grammar:
    """Compiled word tables of one language."""

    def __init__(self, lang: str) -> None:
        lex = load_lexicon("numbers", lang)
        self.lang = lang
        self._words: dict[str, tuple[dict[str, Any], ...]] = {}
        self.decimal = str(lex.get("decimal", ","))
        low = lambda d: {str(k).lower(): float(v) for k, v in (d or {}).items()}  # noqa: E731
        self.scales = low(lex.get("scales"))
        self.units = low(lex.get("units"))
        self.mults = low(lex.get("multipliers"))
        self.denoms = low(lex.get("denominators"))
        self.bare = low(lex.get("bare_fractions"))
        self.abbrevs = {str(k): float(v) for k, v in (lex.get("abbrevs") or {}).items()}
        self.attached = {str(k): float(v) for k, v in (lex.get("attached_only") or {}).items()}
        self.articles = {str(w).lower() for w in lex.get("articles") or []}
        self.conns = {str(w).lower() for w in lex.get("connectors") or []}
        self.dec_conns = {str(w).lower() for w in lex.get("decimal_connectors") or []}
        self.dec_words = {str(w).lower() for w in lex.get("decimal_words") or []}
        self.of_words = {str(w).lower() for w in lex.get("of_words") or []}
        # a word between a number and its scale word ("20 de milioane" in Romanian)
        self.scale_links = {str(w).lower() for w in lex.get("scale_links") or []}
        self.percent = {str(w).lower() for w in lex.get("percent_words") or []}
        self.last_numerator = lex.get("fraction_numerator", "whole") == "last"
        self.teens_after_tens = bool(lex.get("teens_after_tens", False))
        tables = {"scale": self.scales, "unit": self.units, "mult": self.mults, "denom": self.denoms}
        self.multi: dict[tuple[str, ...], dict[str, Any]] = {}
        self.single: dict[str, dict[str, Any]] = {}
        for kind, table in tables.items():
            for word, value in table.items():
                self._add(word, kind, value)
        for kind, words in (("article", self.articles), ("conn", self.conns), ("dec", self.dec_words),
                            ("of", self.of_words), ("pct", self.percent), ("slink", self.scale_links)):
            for word in words:
                self._add(word, kind, True)
        self.max_multi = max((len(k) for k in self.multi), default=1)
        self.multi_firsts = frozenset(k[0] for k in self.multi)
        self.multi_words = frozenset(w for k in self.multi for w in k)
        self.compound_re = None
        if lex.get("compounding"):
            morphs = set(self.units) | set(self.mults) | set(self.scales) | set(self.denoms)
            morphs |= {str(w).lower() for w in lex.get("compound_connectors") or []}
            alt = "|".join(re.escape(m) for m in sorted(morphs, key=len, reverse=True) if " " not in m)
            self.compound_re = re.compile(rf"(?:{alt})+")
            self.morphs = sorted((m for m in morphs if " " not in m), key=len, reverse=True)
            self.compound_conns = {str(w).lower() for w in lex.get("compound_connectors") or []}

    def _add(self, word: str, kind: str, value: Any) -> None:
        parts = tuple(p for p in _SPLIT_RE.split(word) if p)
        if not parts:
            return
        target = self.single.setdefault(parts[0], {}) if len(parts) == 1 else self.multi.setdefault(parts, {})
        target[kind] = value

    def _segment(self, word: str) -> list[str]:
        """Split a compound into known parts, longest part first, backtracking."""
        morphs = self.morphs

        def walk(pos: int) -> list[str] | None:
            if pos == len(word):
                return []
            for m in morphs:
                if word.startswith(m, pos):
                    rest = walk(pos + len(m))
                    if rest is not None:
                        return [m, *rest]
            return None

        return walk(0) or []

    def word_classes(self, word: str) -> tuple[dict[str, Any], ...]:
        """The classes of the token(s) a word becomes: one per part of a compound, else one;
        none for a word that is no part of a number nor of a multi-word entry. Such a word only
        stops a number, and the gap test between the tokens around it (`_gap_ok`) already
        says so. Kept per word (most words come back in every text); the dicts are shared,
        and no reader changes them."""
        found = self._words.get(word)
        if found is None:
            cls: dict[str, Any] = {}
            if word in self.abbrevs:
                cls["abbrev"] = self.abbrevs[word]
            if word in self.attached:
                cls["attached"] = self.attached[word]
            parts = self.classify(word)
            if len(parts) == 1:
                cls.update(parts[0][1])
                found = (cls,)
            elif parts:
                found = tuple({**pcls, "_compound": True} for _part, pcls in parts)
            else:
                found = (cls,) if cls or word.lower() in self.multi_words else ()
            if len(self._words) >= _WORDS_KEPT:
                self._words.clear()
            self._words[word] = found
        return found

    @lru_cache(maxsize=20000)  # noqa: B019  (one grammar per language, kept for the process)
    def classify(self, word: str) -> tuple[tuple[str, dict[str, Any]], ...]:
        """Classes of one word; a compound ("dreihundertzwei") yields one entry per part."""
        low = word.lower()
        if low in self.single:
            return ((low, self.single[low]),)
        if self.compound_re is not None and len(low) > 3 and self.compound_re.fullmatch(low):
            parts = self._segment(low)
            out = []
            for part in parts:
                cls = dict(self.single.get(part, {}))
                if part in self.compound_conns:
                    cls = {"conn": True}
                cls.pop("article", None)
                out.append((part, cls))
            return tuple(out)
        return ()


@lru_cache(maxsize=None)
def _grammar(lang: str) -> _Grammar:
    return _Grammar(lang)


def _tokens(text: str, g: _Grammar) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        s, e = m.span()
        if kind == "num":
            value = parse_digits(m.group(), g.decimal)
            if value is not None:
                toks.append(_Tok(s, e, m.group(), {"num": value}))
            else:
                toks.append(_Tok(s, e, m.group(), {}))
        elif kind == "word":
            word = m.group()
            for cls in g.word_classes(word):
                toks.append(_Tok(s, e, word, cls))
        elif kind == "sign":
            if s and text[s - 1].isalnum():
                continue
            toks.append(_Tok(s, e, m.group(), {"sign": True}))
        else:
            toks.append(_Tok(s, e, m.group(), {"pct": True}))
    return toks


def _gap_ok(text: str, a: _Tok, b: _Tok) -> bool:
    if a.start == b.start:  # parts of one compound word
        return True
    return _GAP_RE.fullmatch(text[a.end:b.start]) is not None


def _merge_multi(toks: list[_Tok], text: str, g: _Grammar) -> list[_Tok]:
    """Join multi-word entries ("quatre-vingt", "of a", "per cent") into one token."""
    if not g.multi:
        return toks
    out: list[_Tok] = []
    lows = [t.text.lower() for t in toks]
    firsts = g.multi_firsts  # most words open no entry: no tuple is built for them
    i = 0
    while i < len(toks):
        done = False
        if lows[i] in firsts:
            for n in range(min(g.max_multi, len(toks) - i), 1, -1):
                key = tuple(lows[i:i + n])
                seq = toks[i:i + n]
                if key in g.multi and all(_gap_ok(text, x, y) for x, y in zip(seq, seq[1:])):
                    out.append(_Tok(seq[0].start, seq[-1].end, text[seq[0].start:seq[-1].end], dict(g.multi[key])))
                    i += n
                    done = True
                    break
        if not done:
            out.append(toks[i])
            i += 1
    return out


_PART = ("num", "unit", "mult", "scale", "denom", "abbrev", "attached")


class _Parser:
    """Left-to-right reading of one number; see `_read` for the transitions."""

    def __init__(self, text: str, toks: list[_Tok], g: _Grammar) -> None:
        self.text, self.toks, self.g = text, toks, g

    def _next_is(self, j: int, kinds: tuple[str, ...]) -> bool:
        toks = self.toks
        if j + 1 >= len(toks) or not _gap_ok(self.text, toks[j], toks[j + 1]):
            return False
        return any(k in toks[j + 1].cls for k in kinds)

    def read(self, i: int, integer_only: bool = False) -> tuple[float, int, float, bool] | None:
        """Read a number starting at token i: (value, index of last token used, last
        scale, used words). None when token i cannot start a number."""
        toks, g = self.toks, self.g
        groups: list[list[float]] = []
        cur: float | None = None
        snap_total, snap_groups, snap_after_scale = 0.0, 0, False
        last: str | None = None
        conn_after: str | None = None
        last_unit = 0.0
        last_scale = 1.0
        end = -1
        words = False
        sign = 1.0
        j = i
        t0 = toks[i].cls
        if "sign" in t0:
            if not self._minus_ok(i):
                return None
            sign, j = -1.0, i + 1

        def total() -> float:
            return sum(v for v, _s in groups) + (cur or 0.0)

        while j < len(toks):
            t = toks[j]
            c = t.cls
            if j > i and not _gap_ok(self.text, toks[j - 1], t):
                break
            if "pct" in c and last is not None and last not in ("conn", "article", "of"):
                break
            if "num" in c and (last in (None, "scale", "mult") or (
                    last == "conn" and conn_after in ("scale", "mult") and c["num"] != 0)):
                cur = (cur or 0.0) + float(c["num"])
                last, end = "num", j
            elif last == "num" and ("attached" in c or "abbrev" in c) and (
                    "abbrev" in c or toks[j - 1].end == t.start):
                scale: Any = c.get("abbrev") or c.get("attached")
                groups, cur = self._apply_scale(groups, cur, scale)
                last_scale, last, end = scale, "scale", j
            elif "scale" in c and (last in (None, "num", "unit", "mult", "denom", "article", "of")
                                   or (last == "scale" and c["scale"] > last_scale)):
                if last is None and not self._standalone_scale_ok(j):
                    return None
                scale = c["scale"]
                groups, cur = self._apply_scale(groups, cur, scale)
                last_scale, last, end, words = scale, "scale", j, True
            elif "mult" in c and last in (None, "num", "unit", "article", "denom"):
                cur = (cur if cur else 1.0) * c["mult"]
                last, end, words = "mult", j, True
            elif "unit" in c and self._unit_ok(last, cur, c["unit"]):
                if last is None and "article" in c and not self._next_is(j, ("unit", "mult", "scale", "denom", "conn")):
                    return None
                cur = (cur or 0.0) + c["unit"]
                last_unit = c["unit"]
                last, end, words = "unit", j, True
            elif "denom" in c and (last in ("num", "unit", "article", "conn", "mult", "scale")
                                   or (last is None and (t.text.lower() in g.bare
                                                         or self._next_is(j, ("scale", "of"))))):
                d = c["denom"]
                if last in ("conn", None, "scale") and (last != "scale" or not groups):
                    cur = (cur or 0.0) + 1.0 / d
                elif g.last_numerator and last == "unit":
                    cur = (cur or 0.0) - last_unit + last_unit / d
                else:
                    numer = total() - snap_total
                    groups = groups[:snap_groups]
                    cur = snap_total - sum(v for v, _s in groups) + numer / d
                last, end, words = "denom", j, True
            elif "article" in c and last == "denom" and self._next_is(j, ("mult", "scale")):
                last = "denom"
            elif "article" in c and last in (None, "conn") and self._next_is(j, ("unit", "mult", "scale", "denom")):
                cur = (cur or 0.0) + 1.0
                last = "article"
            elif "conn" in c and last in ("num", "unit", "scale", "mult", "denom") and not (
                    integer_only and t.text.lower() in g.dec_conns):
                if last == "num" and not self._next_is(j, ("article", "denom")) and not (
                        t.text.lower() in g.dec_conns and self._next_is(j, ("num",))):
                    # digits and a number word are two numbers: "US$3 and fourteen (cents)",
                    # "3 and 4"; only a fraction joins them ("2 y medio", "3 and a half")
                    break
                if self._next_is(j, ("num", "unit", "article", "denom")):
                    if t.text.lower() in g.dec_conns and not self._denom_ahead(j):
                        res = self._decimal(j, total())
                        if res is None:
                            break
                        value, end = res
                        groups, cur = [], value
                        last = "num"
                        break
                    snap_total, snap_groups = total(), len(groups)
                    snap_after_scale = last == "scale"
                    conn_after = last
                    last = "conn"
                else:
                    break
            elif "dec" in c and last in ("unit", "scale", "mult") and not integer_only:
                res = self._decimal(j, total())
                if res is None:
                    break
                value, end = res
                groups, cur = [], value
                last = "num"
                break
            elif "of" in c and last == "denom" and self._next_is(j, ("scale", "article")):
                last = "of"
            elif "slink" in c and last in ("num", "unit", "mult") and self._next_is(j, ("scale",)):
                pass  # "20 de milioane": the scale word after the link counts as if it followed
            else:
                break
            j += 1
        if end < 0 or (end == i and "article" in toks[i].cls):
            return None
        value = total()
        tail = cur if cur is not None else 0.0
        last_c = toks[end].cls
        fraction_end = "denom" in last_c or 0 < last_c.get("unit", 1) < 1
        if snap_after_scale and 0 < tail < 1 and last_scale > 1 and fraction_end:
            value = value - tail + tail * last_scale
        return sign * value, end, last_scale, words

    def _minus_ok(self, i: int) -> bool:
        """Whether the dash at token i is a minus sign. Running text writes a dash between
        two numbers as a range or a break ("10 - 20 euro", "10 euro – 20 euro"), never as
        a subtraction, so a dash is a minus only when it is glued to the digits after it
        ("-3,2 %") or opens the text, and no number stands in the two words before it."""
        toks, text = self.toks, self.text
        t = toks[i]
        if i + 1 >= len(toks) or "num" not in toks[i + 1].cls:
            return False
        if toks[i + 1].start != t.end and (text[:t.start].strip() or not _gap_ok(text, t, toks[i + 1])):
            return False  # a spaced dash is a minus only at the start of the text ("- 10 k")
        if t.start and text[t.start - 1].isalnum():  # "AI-3", "B-12": a hyphen inside a name
            return False
        return not self._after_number(t.start)

    def _after_number(self, pos: int) -> bool:
        """A digit among the two words before `pos` ("10 - 20", "10 euro -20 euro",
        "5 % -3 %"): a dash there joins two values."""
        words = self.text[max(0, pos - 32):pos].split()[-2:]
        return any(ch.isdigit() for w in words for ch in w)

    def _standalone_scale_ok(self, j: int) -> bool:
        """A bare scale word is a number only when it can stand alone ("mil", "millón")."""
        word = self.toks[j].text.lower()
        return word in {"mil", "mille", "millon", "millón", "tausend", "duizend", "thousand", "hundred"}

    def _unit_ok(self, last: str | None, cur: float | None, unit: float) -> bool:
        if last in (None, "mult", "scale", "conn", "article"):
            return True
        if last == "unit" and cur is not None:
            low = cur % 100
            tens = low % 10 == 0 and low >= 20 and (unit < 10 or (self.g.teens_after_tens and unit < 20))
            hundreds = cur >= 100 and low == 0 and unit < 100
            return tens or hundreds or 0 < unit < 1
        return False

    def _denom_ahead(self, j: int) -> bool:
        k = j + 1
        while k < len(self.toks) and k <= j + 8 and _gap_ok(self.text, self.toks[k - 1], self.toks[k]):
            if "denom" in self.toks[k].cls:
                return True
            if not any(x in self.toks[k].cls for x in ("unit", "conn", "article", "mult", "num")):
                return False
            k += 1
        return False

    def _decimal(self, j: int, whole: float) -> tuple[float, int] | None:
        """"coma veintidós" -> .22: the words after a decimal word are its digits."""
        if j + 1 >= len(self.toks) or not _gap_ok(self.text, self.toks[j], self.toks[j + 1]):
            return None
        res = self.read(j + 1, integer_only=True)
        if res is None:
            return None
        value, end, _s, _w = res
        if value < 0 or value != int(value):
            return None
        digits = str(int(value))
        return whole + int(digits) / 10 ** len(digits), end

    @staticmethod
    def _apply_scale(groups: list[list[float]], cur: float | None, scale: float) -> tuple[list[list[float]], None]:
        lower = [v for v, s in groups if s < scale]
        keep = [[v, s] for v, s in groups if s >= scale]
        acc = (cur or 0.0) + sum(lower)
        if acc == 0 and cur is None:
            acc = 1.0
        keep.append([acc * scale, scale])
        return keep, None


def _tidy(value: float) -> int | float:
    r = round(value)
    if abs(value - r) <= 1e-9 * max(1.0, abs(value)):
        return int(r)
    return float(f"{value:.12g}")


def find_numbers(text: str, lang: str) -> list[NumberMatch]:
    """Every number in `text`, left to right, non-overlapping."""
    if not text:
        return []
    g = _grammar((lang or "").lower())
    # tokens of no class only stop a number, as the gap between the tokens around them does
    toks = [t for t in _merge_multi(_tokens(text, g), text, g) if t.cls]
    parser = _Parser(text, toks, g)
    out: list[NumberMatch] = []
    i = 0
    n = len(toks)
    while i < n:
        c = toks[i].cls
        if not c or not any(k in c for k in _PART + ("sign", "article")):
            i += 1
            continue
        res = parser.read(i)
        if res is None:
            i += 1
            continue
        value, end, scale, words = res
        if not math.isfinite(value):  # digits beyond any float (hundreds of them): not a number a text states
            i = end + 1
            continue
        start_tok = toks[i]
        s, e = start_tok.start, toks[end].end
        if "abbrev" in toks[end].cls and e < len(text) and text[e] == "." and not words:
            e += 1
        percent = False
        if end + 1 < n and "pct" in toks[end + 1].cls and _gap_ok(text, toks[end], toks[end + 1]):
            percent = True
        while end + 1 < n and toks[end + 1].start < e:
            end += 1
        out.append(NumberMatch(s, e, text[s:e], _tidy(value), float(scale), percent, words))
        i = end + 1
    return out
