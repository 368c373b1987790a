"""Month and currency names from CLDR, through babel's locale data (offline, bundled with
the package), so that the word lists in `configs/lexicon/` keep only what CLDR lacks.

Why a library and not lists: CLDR is kept up by the Unicode consortium for every language
the sources use (Swedish, Finnish, Bulgarian and Ukrainian month names, every ISO 4217
code, the symbols and the singular and plural display names of each currency), and a hand
list of the same facts would be incomplete in the languages nobody on the team reads.

Everything is read on first use and kept per language (never at import time).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import get_territory_currencies, list_currencies

from extractors.lexicon import load_lexicon

__all__ = ["currency_forms", "currency_prefixes", "iso_codes", "month_forms", "strip_accents", "weekday_forms"]

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def strip_accents(s: str) -> str:
    """"février" -> "fevrier": texts typed without their accents still name the month. Greek
    keeps its letters, only the tonos and dialytika go ("Μαΐου" -> "Μαιου")."""
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


@lru_cache(maxsize=None)
def _locale(lang: str) -> Locale | None:
    try:
        return Locale.parse((lang or "").replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _forms(word: str) -> set[str]:
    """A name, lower-cased, with and without a final full stop, with and without accents."""
    w = " ".join(word.lower().replace("’", "'").split())
    out = {w, w.rstrip("."), strip_accents(w), strip_accents(w).rstrip(".")}
    return {x for x in out if x}


@lru_cache(maxsize=None)
def month_forms(lang: str) -> dict[str, int]:
    """Every CLDR month name of `lang`, lower-cased: wide and abbreviated, in the format
    ("3 Μαΐου", "3 grudnia") and stand-alone ("Μάιος", "grudzień") contexts, with and without
    the abbreviation's full stop ("févr." and "févr") and accent-less ("fevrier"). An
    abbreviation of one or two letters is left out: it would match words ("ma", "lu")."""
    loc = _locale(lang)
    if loc is None:
        return {}
    out: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for num, name in dict(loc.months[context][width]).items():
                for form in _forms(str(name)):
                    if len(form.replace(".", "")) >= 3:
                        out.setdefault(form, int(num))
    return out


@lru_cache(maxsize=None)
def weekday_forms(lang: str) -> dict[str, int]:
    """Every CLDR weekday name of `lang`, lower-cased -> 0 (Monday) .. 6 (Sunday): wide and
    abbreviated, format and stand-alone, with and without the full stop and accents. Forms
    of fewer than three letters are left out (they are words: "ma", "di")."""
    loc = _locale(lang)
    if loc is None:
        return {}
    out: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for num, name in dict(loc.days[context][width]).items():
                for form in _forms(str(name)):
                    if len(form.replace(".", "")) >= 3:
                        out.setdefault(form, int(num))
    return out


@lru_cache(maxsize=None)
def iso_codes() -> frozenset[str]:
    """Every ISO 4217 code CLDR knows (current and historic)."""
    return frozenset(c for c in list_currencies() if re.fullmatch(r"[A-Z]{3}", c))


def _home_currencies(lang: str) -> list[str]:
    """The currencies of the territory where the language is most used (CLDR's likely
    subtags): "kr" is SEK in Swedish, NOK in Norwegian and DKK in Danish."""
    likely = str(get_global("likely_subtags").get(lang, ""))
    parts = likely.split("_")
    territory = parts[-1] if len(parts) > 1 and parts[-1].isupper() else None
    return list(get_territory_currencies(territory)) if territory else []


def _settings(lang: str) -> tuple[list[str], set[str], str, set[str]]:
    lex = load_lexicon("money", lang)
    cfg: dict[str, Any] = lex.get("cldr") or {}
    priority = [str(c) for c in cfg.get("priority") or []]
    never = {str(w).lower() for w in cfg.get("never") or []}
    head = str(cfg.get("head", "last"))
    skip = {str(c) for c in cfg.get("not_money") or []}
    return priority, never, head, skip


def _claim(table: dict[str, list[str]], order: list[str]) -> dict[str, str]:
    """form -> code: a form of one currency only is that currency's; a form several share
    ("dollar", "kr") goes to the first of them in `order`, else to none."""
    rank: dict[str, int] = {}
    for i, c in enumerate(order):
        rank.setdefault(c, i)
    out: dict[str, str] = {}
    for form, codes in table.items():
        uniq = sorted(set(codes), key=lambda c: (rank.get(c, len(rank)), c))
        if len(uniq) == 1 or uniq[0] in rank:
            out[form] = uniq[0]
    return out


@lru_cache(maxsize=None)
def currency_forms(lang: str) -> dict[str, str]:
    """Currency words and symbols of `lang` from CLDR, lower-cased -> ISO code: display names
    in the singular and every plural form ("svensk krona", "svenska kronor", "českých
    korun"), their head nouns alone ("kronor", "korun", "dollars"), and the symbols
    ("kr", "R$", "Kč", "лв."), with and without a final full stop.

    A head noun is the first or the last word of a name, as the language orders noun and
    adjective (`cldr.head` in the money lexicon: "dollar canadien", "Canadian dollar").
    Names and heads that are common words after a number ("som", "mark") are never forms
    (`cldr.never`), nor are the units of account that are no money (`cldr.not_money`:
    gold, drawing rights). A symbol made of letters only ("kr", "Ft", but also "Le",
    "K") counts only for the home currency of the language and those of `cldr.priority`:
    others would read "le 20 mars" as money. A form that several currencies share goes to
    the home currency, then to the first in `cldr.priority`, else to none."""
    loc = _locale(lang)
    if loc is None:
        return {}
    priority, never, head_side, skip = _settings(lang)
    order = _home_currencies(lang) + priority
    codes = sorted(iso_codes() - skip)
    names: dict[str, list[str]] = {}
    plural: Any = loc._data.get("currency_names_plural") or {}
    for code in codes:
        forms = [str(loc.currencies.get(code) or "")]
        if code in plural:
            forms += [str(v) for v in dict(plural[code]).values()]
        clean = [" ".join(f.lower().split()) for f in forms if f and not re.search(r"[\d()]", f)]
        if clean:
            names[code] = list(dict.fromkeys(clean))
    table: dict[str, list[str]] = {}
    for code, forms in names.items():
        for f in forms:
            if f in never:
                continue
            for form in _forms(f):
                table.setdefault(form, []).append(code)
            words = _WORD.findall(f)
            word = words[0 if head_side == "first" else -1] if len(words) > 1 else ""
            if len(word) >= 3 and word not in never:
                for form in _forms(word):
                    table.setdefault(form, []).append(code)
    out = _claim(table, order)
    symbols: dict[str, list[str]] = {}
    for code in codes:
        for form in _symbol_forms(loc, code, order, never):
            symbols.setdefault(form, []).append(code)
    for form, code in _claim(symbols, order).items():
        out.setdefault(form, code)
    return out


def _symbol_forms(loc: Locale, code: str, order: list[str], never: set[str]) -> set[str]:
    sym = " ".join(str(loc.currency_symbols.get(code) or "").split())
    if not sym or sym == code or sym == "¤" or any(c.isdigit() for c in sym):
        return set()
    if sym.replace(".", "").isalpha() and code not in order:
        return set()
    return {f for f in _forms(sym) if f not in never}


@lru_cache(maxsize=None)
def currency_prefixes(lang: str) -> frozenset[str]:
    """The CLDR forms that may stand before an amount: the symbols ("R$ 2,00", "kr 20"),
    not the names (those follow the number)."""
    loc = _locale(lang)
    if loc is None:
        return frozenset()
    priority, never, _side, _skip = _settings(lang)
    order = _home_currencies(lang) + priority
    out: set[str] = set()
    for code in iso_codes():
        out |= _symbol_forms(loc, code, order, never)
    return frozenset(out)
