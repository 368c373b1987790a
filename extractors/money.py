"""Amounts of money as GOLD_FORMAT money objects.

Built on `find_numbers`: a number becomes money only when a currency sign, code or
word stands right before or after it ("€1.5bn", "EUR 2.1 billion", "1,5 Mrd. Euro",
"430 milioni di euro"). A qualifier word before it ("at least", "bis zu", "près de")
is kept as the bound; two numbers joined by a range mark share the currency and the
scale ("€100–200 million"). Sums in other currencies keep their code, never converted.
Currency codes, symbols and names come from CLDR (`extractors/cldr.py`, through babel's
offline data); qualifiers, links, range words and the forms CLDR lacks from
`configs/lexicon/money/`. A dash before an amount is never a minus sign ("10 - 20 euro" is a
range), unless it stands between the currency and the digits ("€ -12").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from extractors.cldr import currency_forms, currency_prefixes, iso_codes
from extractors.lexicon import load_lexicon
from extractors.numbers import NumberMatch, find_numbers
from extractors.phrases import phrase_alternation as _alt

__all__ = ["MoneyMatch", "find_money", "normalise_money_text"]

_WINDOW = 40  # longest qualifier plus currency sign; a wider window only costs time
_PIECE = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")
_MARKS = frozenset(".-'’&,/")
_CODE_PIECE = re.compile(r"(?<![^\W\d_])[A-Z]{3}(?![^\W\d_])")
_LETTERS = r"[^\W\d_]+(?:[-'’][^\W\d_]+)*"
_WORDY = re.compile(rf"{_LETTERS}\.?(?: {_LETTERS}\.?)*")  # a currency form made of words
_NAME_WORD = re.compile(rf"{_LETTERS}\.?")
_GAP = re.compile(r"\s+")
_WORD_START = re.compile(r"(?<![^\W\d_])[^\W\d_]")


@dataclass(frozen=True, slots=True)
class MoneyMatch:
    """An amount of money: `value` is a GOLD_FORMAT money object."""

    start: int
    end: int
    text: str
    value: dict[str, Any]


def _norm(s: str) -> str:
    return " ".join(s.replace("’", "'").split()).lower()


class _MoneyGrammar:
    def __init__(self, lang: str) -> None:
        lex = load_lexicon("money", lang)
        # CLDR's names and symbols, then the lexicon's own words (which win where both speak)
        self.currencies = dict(currency_forms(lang))
        self.currencies.update({_norm(k): str(v) for k, v in (lex.get("currencies") or {}).items()})
        # ISO 4217 codes, matched in capitals only ("ALL", "TOP" and "CUP" are words in
        # lower case); the lexicon lists the few codes also read in lower case ("eur")
        cldr = lex.get("cldr") or {}
        never = {str(w).lower() for w in cldr.get("never") or []}
        self.codes = frozenset(c for c in iso_codes() - {str(x) for x in cldr.get("not_money") or []}
                               if c.lower() not in never)
        self.scaled = {_norm(k): (float(v[0]), str(v[1])) for k, v in (lex.get("scaled_currencies") or {}).items()}
        self.qualifiers: dict[str, str] = {}
        for qual, words in (lex.get("qualifiers") or {}).items():
            for w in words or []:
                self.qualifiers.setdefault(_norm(str(w)), str(qual))
        keys = list(self.currencies) + list(self.scaled)
        # Forms made of words ("svenska kronor", "kr.", "dollar des états-unis") are looked up
        # word by word in a table (`currency_at`): CLDR gives a language a thousand of them or
        # more, and one regex over all would be slow to build and slow to try after every
        # number. Signs ("€", "R$", "Mio. €") and the ISO codes stay a regex.
        self.names = frozenset(k for k in keys if _WORDY.fullmatch(k))
        self.name_words = max((len(k.split()) for k in self.names), default=0)
        signs = [k for k in keys if k not in self.names]
        # Only signs, symbols and codes stand before an amount; words ("euros") follow it.
        symbols = currency_prefixes(lang)
        before = symbols | self._codes(lex)
        prefix = signs + [k for k in self.names if k in before]
        codes = rf"(?-i:(?<![^\W\d_])(?:{'|'.join(sorted(self.codes))})(?![^\W\d_]))"
        self.sign_re = re.compile(f"{_alt(signs)}|{codes}", re.I)
        cur_pre = f"{_alt(prefix)}|{codes}"
        qual = _alt(list(self.qualifiers))
        links = _alt([_norm(str(w)) for w in lex.get("links") or []])
        # `(?<!\w)` lets the search skip positions inside words without trying the lists.
        self.left_re = re.compile(rf"(?<!\w)(?:(?P<qual>{qual})\s*)?(?:(?P<cur>{cur_pre})\s*)?\Z", re.I)
        # what `left_re` can end on (its forms' last letters, either case): most numbers follow
        # something else, and there the search would try every position of the window in vain
        self.left_ends = frozenset(c for w in list(self.qualifiers) + prefix + list(self.codes) if w
                                   for c in (w[-1].lower(), w[-1].upper(), "’" if w[-1] == "'" else w[-1]))
        # Every amount has a currency next to it, so a text with none holds no money. The
        # test compares word pieces (letter runs, digit runs, single signs) of the
        # case-folded text with one piece of every currency form: a currency form can only
        # match where each of its pieces is a whole piece of the text, since forms are
        # bounded by letters; codes are compared in capitals. This test runs on every block.
        # Any piece of a form would do; the one rarest in texts stands for it best: a
        # currency sign before a word ("a$" -> "$"), then the currency's own noun, which is a
        # form by itself and which many names share ("new zealand dollar", "slovenian tolar"
        # -> "dollar", "tolar"), else a word of four letters or more ("dirham des émirats"),
        # not "a", "new", "des" or a nationality, which would send every text to the full
        # search. Full stops, hyphens and apostrophes never stand for a form ("kr.",
        # "us-dollar", "euro's") unless it has nothing else.
        pieces = {k: [p for p in _PIECE.findall(k.casefold()) if p not in _MARKS] or _PIECE.findall(k.casefold())
                  for k in keys}
        freq = Counter(p for ps in pieces.values() for p in set(ps))
        self.currency_heads = frozenset(
            max(ps, key=lambda p: (not p.isalnum(), p in self.currencies, len(p) >= 4, freq[p], len(p)))
            for ps in pieces.values() if ps)
        # between a number and its currency: a dash, a link word ("milioni di euro")
        self.right_re = re.compile(rf"[^\S\n]*(?:[-‐][^\S\n]*)?(?:(?P<link>{links})[^\S\n]*)?", re.I)
        seps = [str(s) for s in lex.get("range_separators") or []]
        self.seps = {_norm(s) for s in seps}
        between = [(_norm(str(a)), _norm(str(b))) for a, b in lex.get("range_between") or []]
        self.sep_re = re.compile(rf"\s*(?P<sep>{_alt(seps + [b for _a, b in between])})\s*\Z", re.I)
        self.openers = {a for a, _b in between}
        self.joiners = {b for _a, b in between}
        self.opener_re = re.compile(rf"(?P<open>{_alt(list(self.openers))})\s*\Z", re.I)
        subunits = _alt([str(w) for w in lex.get("subunits") or []])
        sublinks = _alt([str(w) for w in lex.get("subunit_links") or []])
        self.sub_link_re = re.compile(rf"[^\S\n]*(?:(?:{sublinks})[^\S\n]+)?", re.I)
        # "50 de bani", "45 cents", "43c": the link word of the language may stand before the cent word
        self.sub_word_re = re.compile(rf"[^\S\n]*(?:(?:{links})[^\S\n]*)?(?:{subunits})", re.I)
        self.sub_tail_re = re.compile(rf"[^\S\n]+(?:{subunits})\Z", re.I)
        self.lang = lang
        self.sub_end_re = re.compile(r"[^\S\n]*(?:[.,;:!?)]|\n|\Z)")
        articles = {_norm(str(k)): float(v) for k, v in (lex.get("article_amounts") or {}).items()}
        self.articles = articles
        self.article_re = re.compile(rf"(?P<art>{_alt(list(articles))})\s+", re.I) if articles else None
        # "a euro area", "a euro-denominated bond": the currency word names a thing, not one unit
        self.article_stop_re = re.compile(rf"-|[^\S\n]+(?:{_alt([str(w) for w in lex.get('article_not_before') or []])})",
                                          re.I)

    @staticmethod
    def _codes(lex: Any) -> set[str]:
        return {_norm(k) for k in (lex.get("currencies") or {}) if str(k).isupper() and str(k).isalpha()}

    def currency(self, s: str) -> tuple[float, str]:
        key = _norm(s)
        if key in self.scaled:
            return self.scaled[key]
        if key in self.currencies:
            return 1.0, self.currencies[key]
        return 1.0, s.strip() if s.strip() in self.codes else "EUR"

    def currency_at(self, text: str, pos: int) -> tuple[str, int] | None:
        """The longest currency form that starts at `pos`, as (its text, its end): a sign or
        code by regex, a form of words by table, up to `name_words` words, with or without
        a final full stop ("euros." ends a sentence, "kr." is a form)."""
        m = self.sign_re.match(text, pos)  # its forms that open with a letter carry a lookbehind
        best = (m.group(), m.end()) if m is not None and m.end() > pos else None
        ends: list[int] = []
        p = pos
        for _ in range(self.name_words if not (pos and text[pos - 1].isalpha()) else 0):
            w = _NAME_WORD.match(text, p)
            if w is None:
                break
            ends.append(w.end())
            gap = _GAP.match(text, w.end())
            if gap is None:
                break
            p = gap.end()
        for end in reversed(ends):
            key = _norm(text[pos:end])
            if key not in self.names and key.endswith("."):
                end -= 1
                key = key[:-1]
            if key in self.names:
                if best is None or end > best[1]:
                    best = (text[pos:end], end)
                break
        return best

    def search_currency(self, text: str) -> bool:
        """Whether any currency form stands anywhere in `text` (what `has_currency` must
        never deny; the tests check it)."""
        if self.sign_re.search(text):
            return True
        return any(self.currency_at(text, m.start()) for m in _WORD_START.finditer(text))

    def has_currency(self, text: str) -> bool:
        """Whether `text` can hold a currency form at all (the test before any search)."""
        if not self.currency_heads.isdisjoint(_PIECE.findall(text.casefold())):
            return True
        return not self.codes.isdisjoint(_CODE_PIECE.findall(text))


@lru_cache(maxsize=None)
def _grammar(lang: str) -> _MoneyGrammar:
    return _MoneyGrammar(lang)


def _amount(value: float) -> int | float:
    r = round(value)
    if abs(value - r) <= 1e-9 * max(1.0, abs(value)):
        return int(r)
    return round(value, 2) if abs(value) < 1e6 else float(f"{value:.12g}")


def _money(amount: float | None, currency: str, qualifier: str, lo: float | None = None,
           hi: float | None = None) -> dict[str, Any]:
    if qualifier == "range":
        value: dict[str, Any] = {"min": _amount(lo or 0.0), "max": _amount(hi or 0.0), "qualifier": "range"}
    else:
        value = {"amount": _amount(amount or 0.0), "qualifier": qualifier}
    if currency != "EUR":
        value["currency"] = currency
    return value


@dataclass
class _Side:
    start: int
    end: int
    qual: str | None
    qual_start: int
    cur: str | None
    scale: float
    cur_end: int


def _may_end_left(text: str, lo: int, end: int, ends: frozenset[str]) -> bool:
    """Whether a qualifier or currency can stand right before `end`: only if the last
    character before it (spaces aside) can end one. A character outside ASCII is left to
    the regex (its case-insensitive matching knows more pairs than `lower` and `upper`)."""
    i = end - 1
    while i >= lo and text[i].isspace():
        i -= 1
    if i < lo:
        return False
    c = text[i]
    return c in ends or not c.isascii()


def _context(text: str, n: NumberMatch, g: _MoneyGrammar, floor: int) -> _Side:
    lo = max(floor, n.start - _WINDOW)
    left = g.left_re.search(text, lo, n.start) if _may_end_left(text, lo, n.start, g.left_ends) else None
    qual = cur = None
    qual_start = start = n.start
    scale = 1.0
    code_left = None
    if left is not None:
        if left.group("cur"):
            start = left.start("cur")
            scale, code_left = g.currency(left.group("cur"))
        if left.group("qual"):
            qual = g.qualifiers.get(_norm(left.group("qual")))
            qual_start = left.start("qual")
    end = n.end
    right = _right(text, n.end, g)
    code_right = None
    if right is not None:
        rscale, code_right = g.currency(right[0])
        scale = scale * rscale
        end = right[1]
    cur = code_right or code_left
    return _Side(start, end, qual, min(qual_start, start), cur, scale, end)


def _right(text: str, pos: int, g: _MoneyGrammar) -> tuple[str, int] | None:
    """The currency after a number ("20 euros", "430 milioni di euro", "5-kr"): (its form, end)."""
    gap = g.right_re.match(text, pos)
    if gap is None:
        return None
    hit = g.currency_at(text, gap.end())
    if hit is None and gap.group("link"):
        hit = g.currency_at(text, gap.start("link"))  # the link word was the currency's own
    return hit


def _subunit(text: str, end: int, nums: list[NumberMatch], k: int, g: _MoneyGrammar) -> tuple[float, int, int] | None:
    """Cents after the currency ("13 euros et 45 cents", "5 euro 50"): (value, end, index)."""
    if k >= len(nums):
        return None
    link = g.sub_link_re.match(text, end)
    nxt = nums[k]
    if link is None or link.end() != nxt.start or nxt.percent:
        return None
    inner = g.sub_tail_re.search(nxt.text)
    if inner is not None:  # "quarante-cinq cents": the cent word was read as "hundreds"
        head = find_numbers(nxt.text[:inner.start()], g.lang)
        if len(head) == 1 and isinstance(head[0].value, int) and 0 < head[0].value < 100:
            return head[0].value / 100, nxt.end, k
        return None
    if nxt.scale != 1 or not (isinstance(nxt.value, int) and 0 < nxt.value < 100):
        return None
    word = g.sub_word_re.match(text, nxt.end)
    if word is not None:
        return nxt.value / 100, word.end(), k
    if g.sub_end_re.match(text, nxt.end):
        return nxt.value / 100, nxt.end, k
    return None


def _unsigned(n: NumberMatch, text: str, g: _MoneyGrammar) -> NumberMatch:
    """A sum of money in running text is not negative: a budget, a grant or a price is
    stated as it is, and a dash before one is a dash ("costs - 20 euros", "10 euro -20
    euro"), not a minus. The number loses its sign and the dash leaves its span. Only a
    sign written between a currency and the digits ("€ -12", "EUR -3,5") is kept: that is
    how accounts write a loss on purpose."""
    if n.value >= 0:
        return n
    left = g.left_re.search(text, max(0, n.start - _WINDOW), n.start)
    if left is not None and left.group("cur") and not left.group("qual"):
        return n
    cut = len(n.text) - len(n.text.lstrip("-−‐–— \u00a0"))
    return replace(n, start=n.start + cut, text=n.text[cut:], value=-n.value)


def find_money(text: str, lang: str) -> list[MoneyMatch]:
    """Every amount of money in `text`, left to right."""
    if not text:
        return []
    g = _grammar((lang or "").lower())
    if not g.has_currency(text):
        return []
    nums = [_unsigned(n, text, g) for n in find_numbers(text, lang)]
    out: list[MoneyMatch] = []
    floor = 0
    k = 0
    while k < len(nums):
        n = nums[k]
        if n.percent:
            k += 1
            continue
        side = _context(text, n, g, floor)
        rng = _range(text, nums, k, side, g, floor)
        if rng is not None:
            match, k = rng
            out.append(match)
            floor = match.end
            continue
        if side.cur is None:
            k += 1
            continue
        amount = float(n.value) * side.scale
        end = side.end
        sub = None
        if n.scale == 1 and side.scale == 1:  # "20 dollars and 43 cents", "$20 and 43c"
            sub = _subunit(text, max(side.cur_end, n.end), nums, k + 1, g)
        if sub is not None:
            amount += sub[0] if amount >= 0 else -sub[0]
            end = sub[1]
            k = sub[2]
        start = side.qual_start
        out.append(MoneyMatch(start, end, text[start:end], _money(amount, side.cur, side.qual or "exact")))
        floor = end
        k += 1
    if g.article_re is not None:
        out = _articles(text, g, out)
    return out


def _range(text: str, nums: list[NumberMatch], k: int, side: _Side, g: _MoneyGrammar,
           floor: int) -> tuple[MoneyMatch, int] | None:
    """"€100–200 million", "between 100 and 200 million euros", "von 5 bis 8 Mio. Euro"."""
    if k + 1 >= len(nums):
        return None
    n1, n2 = nums[k], nums[k + 1]
    if n2.percent:
        return None
    side2 = _context(text, n2, g, max(floor, side.end))
    gap_end = side2.start if side2.start < n2.start else n2.start
    gap_start = side.end
    if gap_start > gap_end or gap_end - gap_start > 12:
        return None
    sep = g.sep_re.match(text[gap_start:gap_end])
    if sep is None or sep.start() != 0:
        return None
    opener = g.opener_re.search(text, max(0, side.qual_start - 30), side.qual_start)
    word = _norm(sep.group("sep"))
    if word not in g.seps and (opener is None or word not in g.joiners):
        return None
    currency = side2.cur or side.cur
    if currency is None:
        return None
    scale2 = side2.scale
    hi = float(n2.value) * scale2
    lo = float(n1.value) * side.scale
    if n1.scale == 1 and n2.scale > 1 and side.scale == 1:
        lo *= n2.scale
    if side.scale == 1 and scale2 > 1 and side.cur is None:
        lo *= scale2
    if not lo < hi:
        return None
    start = opener.start("open") if opener is not None else side.qual_start
    end = side2.end
    return MoneyMatch(start, end, text[start:end], _money(None, currency, "range", lo, hi)), k + 2


def _articles(text: str, g: _MoneyGrammar, found: list[MoneyMatch]) -> list[MoneyMatch]:
    """"einen Euro": an article that means one, before a currency word."""
    extra: list[MoneyMatch] = []
    if g.article_re is None:
        return found
    for m in g.article_re.finditer(text):
        hit = g.currency_at(text, m.end())
        if hit is None or not _norm(hit[0]).replace(" ", "").isalpha() or hit[0].isupper():
            continue  # "a EUR-based fund": a code after an article is no amount
        if g.article_stop_re.match(text, hit[1]):
            continue
        if any(f.start < hit[1] and m.start() < f.end for f in found):
            continue
        amount = g.articles.get(_norm(m.group("art")), 1.0)
        _s, code = g.currency(hit[0])
        extra.append(MoneyMatch(m.start(), hit[1], text[m.start():hit[1]], _money(amount, code, "exact")))
    return sorted(found + extra, key=lambda x: x.start)


def normalise_money_text(s: str, lang: str) -> dict[str, Any] | None:
    """The one money value of a short text such as a table cell, or None."""
    found = find_money(s or "", lang)
    return found[0].value if found else None
