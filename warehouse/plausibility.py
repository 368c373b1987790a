"""Values an analyst would not sign, found before one is chosen.

Each check marks a candidate `rejected` with its reason, so the value is not chosen and
the factory's conflict row says why:

- a factory budget equal to a programme or round total (a programme fact, or a round's
  `investment_total_eur` in waves.yaml): the text spoke of the whole round;
- an EU or national share above the factory's chosen total;
- an operation date that ends before the factory's chosen selection date (a predecessor
  system's year, a date of something else);
- a value that one statement span gives to several factories while its sentence names
  only one of them: a fact about one factory copied to others ("MeluXina-AI ... is
  expected to be operational by the end of 2026" is no fact about LUMI).
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from datetime import date
from typing import Iterable

import duckdb

from common.text import fold_words
from warehouse.choice import Candidate
from warehouse.knowledge import KnowledgeBase

BUDGETS = ("budget_total_eur", "budget_eu_eur", "budget_national_eur")
SHARES = ("budget_eu_eur", "budget_national_eur")
MONEY_TOLERANCE = 0.005  # the scorer's: amounts within 0.5 % are the same
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)")
_NOT_COPIED = ("name", "country")  # a name or a country in a list is said of each factory it lists


def money(value) -> tuple[float, str] | None:
    """(amount, currency) of a money object; a range counts by its maximum."""
    if not isinstance(value, dict) or "qualifier" not in value:
        return None
    amount = value.get("amount", value.get("max"))
    return (float(amount), value.get("currency") or "EUR") if isinstance(amount, (int, float)) else None


def _euros(amount: float) -> str:
    return f"€{amount / 1e9:g} bn" if amount >= 1e9 else f"€{amount / 1e6:g} m"


def period(value) -> tuple[date, date] | None:
    """First and last day a date object covers ('2026' -> 2026-01-01 .. 2026-12-31)."""
    text = value.get("value") if isinstance(value, dict) else None
    if not isinstance(text, str):
        return None
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-Q([1-4])|-H([12]))?$", text)
    if not m:
        return None
    year = int(m.group(1))
    if m.group(3):
        d = date(year, int(m.group(2)), int(m.group(3)))
        return d, d
    if m.group(2):
        first = int(m.group(2))
        last = first
    elif m.group(4):
        first = 3 * int(m.group(4)) - 2
        last = first + 2
    elif m.group(5):
        first = 6 * int(m.group(5)) - 5
        last = first + 5
    else:
        first, last = 1, 12
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def programme_totals(kb: KnowledgeBase, chosen_programme: Iterable[tuple[str, int | None, object]]) -> list[tuple[float, str]]:
    """Amounts that are totals of the programme or of a round: (amount, what it is)."""
    out = [(w.investment_total_eur, f"round {w.wave}'s total investment (waves.yaml)")
           for w in kb.waves if w.investment_total_eur]
    for attr, wave, value in chosen_programme:
        m = money(value)
        if attr.startswith("investment_") and m and m[1] == "EUR":
            what = "EU share" if attr == "investment_eu_eur" else "total investment"
            out.append((m[0], f"the {what} of {'round ' + str(wave) if wave else 'the programme'} (programme fact)"))
    return out


def reject_programme_totals(cands: list[Candidate], totals: list[tuple[float, str]]) -> None:
    for c in cands:
        m = money(c.value)
        if c.rejected or c.override or m is None or m[1] != "EUR":
            continue
        same = next((what for amount, what in totals if abs(m[0] - amount) <= MONEY_TOLERANCE * amount), None)
        if same:
            c.rejected = f"{_euros(m[0])} equals {same}: a figure of the round or programme, not of one factory"


def reject_totals_below(cands: list[Candidate], shares: dict[str, object]) -> bool:
    """A total smaller than a chosen share is the implausible one when another total of at
    least that share is stated: reject the small totals (True when any was rejected)."""
    parts = [(money(v), attr) for attr, v in shares.items() if money(v)]
    if not parts:
        return False
    (biggest, currency), attr = max(parts, key=lambda p: p[0][0])
    label = "EU" if attr == "budget_eu_eur" else "national"
    live = [(c, money(c.value)) for c in cands if not c.rejected and money(c.value)]
    if not any(m[1] == currency and m[0] >= biggest * (1 - MONEY_TOLERANCE) for _, m in live):
        return False
    hit = False
    for c, m in live:
        if m[1] == currency and m[0] < biggest * (1 - MONEY_TOLERANCE) and not c.override:
            c.rejected = (f"a total of {_euros(m[0])} is below the factory's {label} share {_euros(biggest)}, "
                          f"which another stated total covers: a whole cannot be smaller than its part")
            hit = True
    return hit


def reject_shares_above(cands: list[Candidate], total: object, share: str) -> None:
    t = money(total)
    if t is None:
        return
    label = "EU" if share == "budget_eu_eur" else "national"
    for c in cands:
        m = money(c.value)
        if c.rejected or c.override or m is None or m[1] != t[1]:
            continue
        if m[0] > t[0] * (1 + MONEY_TOLERANCE):
            c.rejected = (f"the {label} share {_euros(m[0])} is above the factory's chosen total {_euros(t[0])}: "
                          f"a share cannot exceed the whole")


def reject_before_selection(cands: list[Candidate], selected: object) -> None:
    sel = period(selected)
    if sel is None:
        return
    for c in cands:
        p = period(c.value)
        if c.rejected or c.override or p is None:
            continue
        if p[1] < sel[0]:
            c.rejected = (f"operational by {c.value['value']} is before the factory's selection "
                          f"({selected['value']}): a date of something earlier, not of this factory")


def apply_doubts(cands: list[Candidate], doubts: dict[str, str]) -> None:
    """A candidate all of whose statements are doubted is rejected with the doubt's reason;
    one that other statements also support keeps them (and says which support it lost)."""
    if not doubts:
        return
    for c in cands:
        doubted = [s for s in c.supports if s.statement_id in doubts]
        if not doubted or c.override:
            continue
        if len(doubted) == len(c.supports):
            c.rejected = c.rejected or doubts[doubted[0].statement_id]
        else:
            c.supports = [s for s in c.supports if s.statement_id not in doubts]
            note = f"not counted: {doubts[doubted[0].statement_id]}"
            if note not in c.notes:
                c.notes.append(note)


def sentence_around(text: str, start: int, end: int) -> str:
    begin = 0
    for m in _SENTENCE_END.finditer(text, 0, max(start, 0)):
        begin = m.end()
    nxt = _SENTENCE_END.search(text, max(end, start))
    return text[begin:nxt.end() if nxt else len(text)].strip()


def copied_statements(con: duckdb.DuckDBPyConnection, names: dict[str, list[str]],
                      plural_words: frozenset[str] = frozenset()) -> dict[str, str]:
    """Statements whose span gives one value to several factories while the sentence
    names only one of them: statement id -> why it is doubted (the named factory's own
    statement is kept). `names`: each factory's known names (knowledge base, discovered).
    A sentence that names none or several of them, or speaks of factories in the plural
    (`plural_words`), is about a set: nothing is doubted."""
    groups = con.execute("""
        WITH spans AS (
            SELECT doc_id, block, span_start, span_end, attribute, value_json
            FROM v_current_statements
            WHERE scope = 'factory' AND factory_id IS NOT NULL AND attribute NOT IN ('name', 'country')
            GROUP BY ALL HAVING count(DISTINCT factory_id) > 1)
        SELECT s.doc_id, s.block, s.span_start, s.span_end, s.attribute, s.value_json,
               list(s.statement_id ORDER BY s.statement_id), list(s.factory_id ORDER BY s.statement_id),
               any_value(b.text)
        FROM v_current_statements s
        JOIN spans USING (doc_id, block, span_start, span_end, attribute, value_json)
        JOIN blocks b ON b.doc_id = s.doc_id AND b.block = s.block
        WHERE s.scope = 'factory' AND s.factory_id IS NOT NULL
        GROUP BY ALL ORDER BY 1, 2, 3, 5""").fetchall()
    if not groups:
        return {}
    fids = sorted({f for g in groups for f in g[7]})
    forms: dict[str, set[str]] = defaultdict(set)
    for fid in fids:
        forms[fid].update(fold_words(n) for n in names.get(fid, ()))
    # what the texts call each factory, its host and its system, and its country's words
    for fid, text in con.execute("""
            SELECT DISTINCT factory_id, CASE WHEN attribute IN ('host_org', 'supercomputer', 'name')
                                             THEN json_extract_string(value_json, '$') ELSE value_text END
            FROM v_current_statements
            WHERE scope = 'factory' AND factory_id IN (SELECT unnest(?::VARCHAR[]))
              AND attribute IN ('name', 'host_org', 'supercomputer', 'country')""", [fids]).fetchall():
        if text:
            forms[fid].add(fold_words(text))
    doubts: dict[str, str] = {}
    for doc_id, _block, start, end, attribute, value_json, sids, factories, text in groups:
        sentence = sentence_around(text or "", start, end)
        padded = f" {fold_words(sentence)} "
        if any(w in plural_words for w in padded.split()):
            continue
        named = sorted({f for f in set(factories)
                        if any(len(n) > 2 and f" {n} " in padded for n in forms.get(f, ()))})
        if len(named) != 1:
            continue
        shown = sentence if len(sentence) <= 160 else sentence[:157] + "..."
        for sid, fid in zip(sids, factories):
            if fid != named[0]:
                doubts[sid] = (f"copied from a sentence about {named[0]} ({shown!r}): the same words give "
                               f"{attribute} {value_json} to {len(set(factories))} factories")
    return doubts
