"""Score a warehouse's statements against gold files (../shared/corpus/GOLD_FORMAT.md).

Extraction quality is measured, not asserted: this module compares what the warehouse
holds for each gold document with what a careful reader annotated, fact by fact, and
counts true positives, false positives and misses per attribute. It scores *statements*
(what each document was read to say), not the curated tables, so reconciliation choices
cannot hide or inflate extraction errors.

Matching follows the gold format's "Scoring" section:
- a fact matches when key, attribute and normalised value agree;
- strings compare after case-folding, removing diacritics and punctuation;
- money within 0.5 % and the same qualifier family (exact/about are one family);
- dates by value at the gold's precision (a finer prediction is truncated to it);
- a fact marked `wrong` also matches its `correct` value;
- each gold fact matches at most one prediction and vice versa (maximum matching).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from common.text import fold_words
from extractors.statement import canonical_json

MONEY_TOLERANCE = 0.005
PROGRAMME_PREFIX = "programme."

# Qualifiers that a reader may use interchangeably for the same statement. The gold format
# names exact/about; the bound qualifiers pair up the same way ("over" reads as either).
_QUALIFIER_FAMILY = {
    "exact": "point", "about": "point",
    "at_least": "lower", "more_than": "lower",
    "up_to": "upper", "less_than": "upper",
    "range": "range",
}

# Date precisions from coarse to fine; a prediction may be finer than the gold, not coarser.
_PRECISION_RANK = {"year": 0, "half": 1, "quarter": 2, "month": 3, "day": 4}
_DATE_RE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?|-Q(?P<q>[1-4])|-H(?P<h>[12]))?$")


class EvaluationError(Exception):
    """The warehouse cannot be scored (missing tables, unreadable values)."""


class GoldFormatError(EvaluationError):
    """A gold file does not follow GOLD_FORMAT.md; the message names the file and line."""


# ---------------------------------------------------------------------------- results

@dataclass(frozen=True, slots=True)
class AttributeScore:
    attribute: str
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"attribute": self.attribute, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "support": self.support, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True, slots=True)
class Miss:
    """A gold fact that no prediction matched. `key` is None for programme facts."""

    doc: str
    key: str | None
    attribute: str
    value: Any
    wave: int | None = None
    correct: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "key": self.key, "attribute": self.attribute,
                "value": self.value, "wave": self.wave, "correct": self.correct}


@dataclass(frozen=True, slots=True)
class FalsePositive:
    """A predicted fact that no gold fact matched; `rule` lists the rules that produced it."""

    doc: str
    key: str | None
    attribute: str
    value: Any
    rule: str
    wave: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "key": self.key, "attribute": self.attribute,
                "value": self.value, "rule": self.rule, "wave": self.wave}


@dataclass(frozen=True, slots=True)
class EvalReport:
    per_attribute: dict[str, AttributeScore]
    overall: AttributeScore
    misses: tuple[Miss, ...]
    false_positives: tuple[FalsePositive, ...]
    documents: tuple[str, ...]
    missing_documents: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "per_attribute": {k: v.to_dict() for k, v in sorted(self.per_attribute.items())},
            "documents": list(self.documents),
            "missing_documents": list(self.missing_documents),
            "misses": [m.to_dict() for m in self.misses],
            "false_positives": [f.to_dict() for f in self.false_positives],
        }


# ---------------------------------------------------------------------------- normalising

@dataclass(frozen=True, slots=True)
class _Date:
    year: int
    month: int | None
    day: int | None
    quarter: int | None
    half: int | None
    precision: str

    def at(self, precision: str) -> str | None:
        """This date written at a coarser (or equal) precision; None when impossible."""
        if _PRECISION_RANK[precision] > _PRECISION_RANK[self.precision]:
            return None
        y = f"{self.year:04d}"
        if precision == "year":
            return y
        if precision == "day":
            return f"{y}-{self.month:02d}-{self.day:02d}"
        if precision == "month":
            return f"{y}-{self.month:02d}"
        quarter = self.quarter if self.month is None else (self.month - 1) // 3 + 1
        if precision == "quarter":
            return f"{y}-Q{quarter}"
        half = self.half if quarter is None else (quarter + 1) // 2
        return f"{y}-H{half}"


def _parse_date(value: Any) -> _Date | None:
    raw = value.get("value") if isinstance(value, dict) else value
    if not isinstance(raw, str):
        return None
    m = _DATE_RE.match(raw.strip())
    if not m:
        return None
    year = int(m["y"])
    if m["d"]:
        month, day = int(m["m"]), int(m["d"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return _Date(year, month, day, None, None, "day")
    if m["m"]:
        month = int(m["m"])
        return _Date(year, month, None, None, None, "month") if 1 <= month <= 12 else None
    if m["q"]:
        return _Date(year, None, None, int(m["q"]), None, "quarter")
    if m["h"]:
        return _Date(year, None, None, None, int(m["h"]), "half")
    return _Date(year, None, None, None, None, "year")


def _is_money(value: Any) -> bool:
    return isinstance(value, dict) and ("amount" in value or "min" in value or "max" in value)


def _is_date(value: Any) -> bool:
    return isinstance(value, dict) and "value" in value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _close(pred: Any, gold: Any) -> bool:
    if not (_is_number(pred) and _is_number(gold)):
        return False
    if gold == 0:
        return pred == 0
    return abs(pred - gold) <= MONEY_TOLERANCE * abs(gold)


def _money_matches(pred: Any, gold: dict[str, Any]) -> bool:
    if not _is_money(pred):
        return False
    if (pred.get("currency") or "EUR").upper() != (gold.get("currency") or "EUR").upper():
        return False
    gold_family = _QUALIFIER_FAMILY.get(gold.get("qualifier") or "exact")
    if _QUALIFIER_FAMILY.get(pred.get("qualifier") or "exact") != gold_family:
        return False
    if gold_family == "range":
        return _close(pred.get("min"), gold.get("min")) and _close(pred.get("max"), gold.get("max"))
    return _close(pred.get("amount"), gold.get("amount"))


def _date_matches(pred: Any, gold: Any) -> bool:
    g, p = _parse_date(gold), _parse_date(pred)
    if g is None or p is None:
        return False
    return p.at(g.precision) == g.at(g.precision)


def _value_matches(pred: Any, gold: Any) -> bool:
    """Compare one predicted value with one gold value; the gold's shape picks the rule."""
    if isinstance(gold, str):
        return isinstance(pred, str) and fold_words(pred) == fold_words(gold)
    if _is_money(gold):
        return _money_matches(pred, gold)
    if _is_date(gold):
        return _date_matches(pred, gold)
    if isinstance(gold, list):
        return (isinstance(pred, list) and all(isinstance(x, str) for x in pred)
                and {fold_words(x) for x in pred} == {fold_words(str(x)) for x in gold})
    if _is_number(gold):
        return _is_number(pred) and pred == gold
    return pred == gold


def _dedupe_key(value: Any) -> str:
    """Predictions that differ only in spelling detail count once."""
    if isinstance(value, str):
        return "s:" + fold_words(value)
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return "l:" + canonical_json(sorted({fold_words(x) for x in value}))
    return "j:" + canonical_json(value)


# ---------------------------------------------------------------------------- gold

@dataclass(frozen=True, slots=True)
class _GoldFact:
    key: str | None  # None for programme facts
    attribute: str  # prefixed with "programme." for programme facts
    value: Any
    wave: int | None = None
    correct: Any = None
    wrong: bool = False

    def matches(self, pred: Any) -> bool:
        if _value_matches(pred, self.value):
            return True
        return self.wrong and self.correct is not None and _value_matches(pred, self.correct)


@dataclass(slots=True)
class _GoldDoc:
    doc: str
    facts: list[_GoldFact] = field(default_factory=list)
    mentions: dict[str, set[str]] = field(default_factory=dict)  # key -> folded names


def _check_value(value: Any, where: str) -> None:
    if _is_date(value) and _parse_date(value) is None:
        raise GoldFormatError(f"{where}: unreadable date value {value!r}")
    if _is_money(value):
        qualifier = value.get("qualifier")
        if qualifier not in _QUALIFIER_FAMILY:
            raise GoldFormatError(f"{where}: unknown money qualifier {qualifier!r}")
        needed = ("min", "max") if qualifier == "range" else ("amount",)
        if not all(_is_number(value.get(k)) for k in needed):
            raise GoldFormatError(f"{where}: money value lacks {'/'.join(needed)}: {value!r}")


def _gold_fact(raw: Any, key: str | None, where: str, *, programme: bool) -> _GoldFact:
    if not isinstance(raw, dict) or "attribute" not in raw or "value" not in raw:
        raise GoldFormatError(f"{where}: a fact needs 'attribute' and 'value', got {raw!r}")
    wrong = bool(raw.get("wrong"))
    if wrong and "correct" not in raw:
        raise GoldFormatError(f"{where}: fact marked wrong has no 'correct': {raw!r}")
    _check_value(raw["value"], where)
    if wrong:
        _check_value(raw["correct"], where)
    attribute = (PROGRAMME_PREFIX if programme else "") + str(raw["attribute"])
    return _GoldFact(key=key, attribute=attribute, value=raw["value"],
                     wave=raw.get("wave") if programme else None,
                     correct=raw.get("correct"), wrong=wrong)


def load_gold(paths: Iterable[Path]) -> dict[str, _GoldDoc]:
    """Read gold lines by document name; a document annotated twice is an error."""
    docs: dict[str, _GoldDoc] = {}
    origin: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise GoldFormatError(f"{path}: cannot read gold file ({exc})") from exc
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldFormatError(f"{where}: not JSON ({exc.msg})") from exc
            if not isinstance(raw, dict) or not isinstance(raw.get("doc"), str):
                raise GoldFormatError(f"{where}: a gold line needs a string 'doc'")
            name = raw["doc"]
            if name in docs:
                raise GoldFormatError(f"{where}: document {name!r} already annotated at {origin[name]}")
            origin[name] = where
            docs[name] = _read_gold_doc(raw, where)
    return docs


def _read_gold_doc(raw: dict[str, Any], where: str) -> _GoldDoc:
    gold = _GoldDoc(doc=raw["doc"])
    for factory in raw.get("factories") or []:
        if not isinstance(factory, dict) or not isinstance(factory.get("key"), str):
            raise GoldFormatError(f"{where}: a factory needs a string 'key', got {factory!r}")
        key = factory["key"]
        names = gold.mentions.setdefault(key, set())
        names.update(f for f in (fold_words(m) for m in factory.get("mentions") or [] if isinstance(m, str)) if f)
        for fact in factory.get("facts") or []:
            gold.facts.append(_gold_fact(fact, key, f"{where} ({key})", programme=False))
    for fact in raw.get("programme") or []:
        gold.facts.append(_gold_fact(fact, None, f"{where} (programme)", programme=True))
    return gold


# ---------------------------------------------------------------------------- predictions

@dataclass(slots=True)
class _Prediction:
    key: str | None
    attribute: str
    value: Any
    wave: int | None
    rules: set[str]


def _query(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[tuple]:
    try:
        return con.execute(sql, params or []).fetchall()
    except duckdb.Error as exc:
        raise EvaluationError(f"warehouse cannot be scored: {exc}") from exc


def _current_documents(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, list[str]]:
    """Gold document name -> doc_ids of its source's current (active) document."""
    if not names:
        return {}
    rows = _query(con, """
        SELECT d.source_name, d.doc_id
        FROM source_state ss JOIN documents d
          ON d.doc_id = ss.doc_id AND d.source_name = ss.source_name
        WHERE ss.active AND d.source_name IN (SELECT unnest(?))
        ORDER BY d.source_name, d.doc_id""", [names])
    out: dict[str, list[str]] = defaultdict(list)
    for name, doc_id in rows:
        out[name].append(doc_id)
    return dict(out)


def _aliases(raw: Any) -> list[str]:
    """The factories.aliases column may be a list or a JSON-encoded list."""
    if raw is None:
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return [raw]
        if isinstance(raw, str):
            return [raw]
    if isinstance(raw, (list, tuple)):
        return [a for a in raw if isinstance(a, str)]
    return []


def _factory_names(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, set[str]]:
    """Folded id, name and aliases of each predicted factory, for keys of new factories."""
    names = {i: {fold_words(i)} for i in ids}
    if not ids:
        return names
    for factory_id, name, aliases in _query(con, """
            SELECT factory_id, name, aliases FROM factories
            WHERE factory_id IN (SELECT unnest(?))""", [ids]):
        for text in [name, *_aliases(aliases)]:
            if isinstance(text, str) and fold_words(text):
                names[factory_id].add(fold_words(text))
    return names


def _resolve_key(factory_id: str, names: set[str], gold: _GoldDoc, known: set[str]) -> str:
    """Map a predicted factory to a gold key of this document.

    A knowledge-base id must equal the gold key. A factory the pipeline created itself
    (its id is no gold key anywhere) matches the gold factory whose key or mentions fold
    to its id, name or one of its aliases: the gold key of a new factory is only the
    annotator's acronym, which our id need not reproduce.
    """
    folded = fold_words(factory_id)
    for key in sorted(gold.mentions):
        if fold_words(key) == folded:
            return key
    if folded in known:
        return factory_id
    by_key = sorted(k for k in gold.mentions if fold_words(k) in names)
    if by_key:
        return by_key[0]
    by_mention = sorted(k for k, mentions in gold.mentions.items() if mentions & names)
    return by_mention[0] if by_mention else factory_id


def _predictions(con: duckdb.DuckDBPyConnection, doc_ids: list[str], gold: _GoldDoc,
                 known: set[str]) -> list[_Prediction]:
    rows = _query(con, """
        SELECT statement_id, scope, factory_id, attribute, wave, value_json, rule
        FROM statements
        WHERE doc_id IN (SELECT unnest(?))
          AND (scope = 'programme' OR (scope = 'factory' AND factory_id IS NOT NULL))
        ORDER BY statement_id""", [doc_ids])
    names = _factory_names(con, sorted({r[2] for r in rows if r[1] == "factory"}))
    merged: dict[tuple, _Prediction] = {}
    for statement_id, scope, factory_id, attribute, wave, value_json, rule in rows:
        try:
            value = json.loads(value_json)
        except (TypeError, json.JSONDecodeError) as exc:
            raise EvaluationError(
                f"statement {statement_id} of {gold.doc}: value_json is not JSON ({exc})") from exc
        if scope == "programme":
            key, attribute, wave = None, PROGRAMME_PREFIX + attribute, wave
        else:
            key, wave = _resolve_key(factory_id, names[factory_id], gold, known), None
        ident = (key, attribute, wave, _dedupe_key(value))
        if ident not in merged:
            merged[ident] = _Prediction(key, attribute, value, wave, set())
        if rule:
            merged[ident].rules.add(rule)
    return list(merged.values())


# ---------------------------------------------------------------------------- matching

def _max_matching(n_gold: int, n_pred: int, ok: Callable[[int, int], bool]) -> dict[int, int]:
    """Maximum bipartite matching (augmenting paths); returns pred index -> gold index.

    Greedy pairing can lose a match when one prediction fits two gold facts (a `wrong`
    value and its correction listed side by side); the groups are tiny, so this is cheap.
    """
    edges = [[p for p in range(n_pred) if ok(g, p)] for g in range(n_gold)]
    owner: dict[int, int] = {}

    def augment(g: int, seen: set[int]) -> bool:
        for p in edges[g]:
            if p in seen:
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = g
                return True
        return False

    for g in range(n_gold):
        augment(g, set())
    return owner


@dataclass(slots=True)
class _Tally:
    counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    misses: list[Miss] = field(default_factory=list)
    false_positives: list[FalsePositive] = field(default_factory=list)

    def miss(self, doc: str, fact: _GoldFact) -> None:
        self.counts[fact.attribute][2] += 1
        self.misses.append(Miss(doc, fact.key, fact.attribute, fact.value, fact.wave,
                                fact.correct if fact.wrong else None))

    def score_document(self, doc: str, gold: list[_GoldFact], preds: list[_Prediction]) -> None:
        groups: dict[tuple, tuple[list[_GoldFact], list[_Prediction]]] = defaultdict(lambda: ([], []))
        for fact in gold:
            groups[(fact.key or "", fact.attribute, fact.wave if fact.wave is not None else -1)][0].append(fact)
        for pred in preds:
            groups[(pred.key or "", pred.attribute, pred.wave if pred.wave is not None else -1)][1].append(pred)
        for (_, attribute, _), (facts, predicted) in sorted(groups.items(), key=lambda kv: str(kv[0])):
            owner = _max_matching(len(facts), len(predicted),
                                  lambda g, p: facts[g].matches(predicted[p].value))
            self.counts[attribute][0] += len(owner)
            matched_gold = set(owner.values())
            for g, fact in enumerate(facts):
                if g not in matched_gold:
                    self.miss(doc, fact)
            for p, pred in enumerate(predicted):
                if p not in owner:
                    self.counts[attribute][1] += 1
                    self.false_positives.append(FalsePositive(
                        doc, pred.key, attribute, pred.value, ", ".join(sorted(pred.rules)), pred.wave))


def score(con: duckdb.DuckDBPyConnection, gold_paths: list[Path]) -> EvalReport:
    """Precision, recall and F1 of the warehouse's current statements against gold files.

    Only documents named in the gold files are scored; a gold document that the warehouse
    does not hold (no active source state) counts all its facts as misses.
    """
    gold_docs = load_gold(gold_paths)
    known = {fold_words(k) for g in gold_docs.values() for k in g.mentions}
    current = _current_documents(con, sorted(gold_docs))
    tally = _Tally()
    missing = []
    for name in sorted(gold_docs):
        gold = gold_docs[name]
        if name not in current:
            missing.append(name)
            for fact in gold.facts:
                tally.miss(name, fact)
            continue
        tally.score_document(name, gold.facts, _predictions(con, current[name], gold, known))
    per_attribute = {a: AttributeScore(a, *c) for a, c in sorted(tally.counts.items())}
    overall = AttributeScore("overall", sum(s.tp for s in per_attribute.values()),
                             sum(s.fp for s in per_attribute.values()),
                             sum(s.fn for s in per_attribute.values()))
    return EvalReport(per_attribute=per_attribute, overall=overall, misses=tuple(tally.misses),
                      false_positives=tuple(tally.false_positives),
                      documents=tuple(sorted(current)), missing_documents=tuple(missing))


# ---------------------------------------------------------------------------- text

def _show(value: Any) -> str:
    return value if isinstance(value, str) else canonical_json(value)


def _subject(key: str | None, wave: int | None) -> str:
    if key is not None:
        return key
    return "programme" if wave is None else f"programme/wave {wave}"


def format_report(report: EvalReport, max_misses: int = 50) -> str:
    """A plain-text table for the CLI; at most `max_misses` misses and false positives each."""
    width = max([len("attribute"), len("overall"), *(len(a) for a in report.per_attribute)])
    header = f"{'attribute':<{width}}  {'support':>7} {'tp':>5} {'fp':>5} {'fn':>5}  {'P':>5} {'R':>5} {'F1':>5}"
    lines = [header, "-" * len(header)]

    def row(s: AttributeScore) -> str:
        return (f"{s.attribute:<{width}}  {s.support:>7} {s.tp:>5} {s.fp:>5} {s.fn:>5}  "
                f"{s.precision:>5.3f} {s.recall:>5.3f} {s.f1:>5.3f}")

    lines += [row(s) for s in report.per_attribute.values()]
    lines += ["-" * len(header), row(report.overall), "",
              f"documents scored: {len(report.documents)}, missing from warehouse: "
              f"{len(report.missing_documents)}"]
    lines += [f"  missing: {d}" for d in report.missing_documents]
    for title, items, describe in (
        ("misses", report.misses,
         lambda m: f"{m.doc}  {_subject(m.key, m.wave)}  {m.attribute} = {_show(m.value)}"
                   + (f" (or {_show(m.correct)})" if m.correct is not None else "")),
        ("false positives", report.false_positives,
         lambda f: f"{f.doc}  {_subject(f.key, f.wave)}  {f.attribute} = {_show(f.value)}  [{f.rule}]"),
    ):
        lines += ["", f"{title} ({len(items)}):"]
        lines += [f"  {describe(item)}" for item in items[:max_misses]]
        if len(items) > max_misses:
            lines.append(f"  ... and {len(items) - max_misses} more")
    return "\n".join(lines)
