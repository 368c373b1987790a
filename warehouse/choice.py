"""Choosing one value among candidates by the declared order of criteria.

A candidate is one distinct value with the statements that support it. Each criterion
turns a candidate into a number (higher is better); the first criterion on which the
best candidate is strictly ahead of the runner-up is the one that decided, and it is
named in the reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

from warehouse.policy import Policy

_DATE_PRECISION = [(re.compile(r"^\d{4}-\d{2}-\d{2}$"), 5, "day"), (re.compile(r"^\d{4}-\d{2}$"), 4, "month"),
                   (re.compile(r"^\d{4}-Q[1-4]$"), 3, "quarter"), (re.compile(r"^\d{4}-H[12]$"), 2, "half"),
                   (re.compile(r"^\d{4}$"), 1, "year")]
_MONEY_SPECIFICITY = {"exact": 3, "about": 2}


@dataclass(slots=True)
class Support:
    statement_id: str
    source_name: str
    trust: str | None
    published_on: date | None
    original: str  # the value as the statement gave it (before repair/normalisation)


@dataclass(slots=True)
class Candidate:
    value_json: str
    supports: list[Support] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rejected: str | None = None       # reason, when the value may not be chosen
    from_kb: bool = False
    override: str | None = None       # the curator's reason
    repaired: bool = False            # the value differs from what a source wrote

    @property
    def value(self):
        return json.loads(self.value_json)

    @property
    def sources(self) -> list[str]:
        return sorted({s.source_name for s in self.supports})


@dataclass(frozen=True, slots=True)
class Decision:
    chosen: Candidate | None
    decided_by: str   # a criterion, "single", "tiebreak" or "none"
    reason: str


def date_precision(value: str) -> tuple[int, str]:
    for rx, rank, name in _DATE_PRECISION:
        if rx.match(value):
            return rank, name
    return 0, "unknown"


def specificity(value) -> float:
    """Exact day over month over year; exact amount over about over bounds."""
    if isinstance(value, dict):
        if "value" in value and isinstance(value["value"], str):
            return date_precision(value["value"])[0] - (0.5 if value.get("mod") else 0)
        if "qualifier" in value:
            return _MONEY_SPECIFICITY.get(value["qualifier"], 1)
    return 0


def _date_of(c: Candidate) -> str | None:
    v = c.value
    return v["value"] if isinstance(v, dict) and isinstance(v.get("value"), str) else None


def compatible_supports(c: Candidate, others: list[Candidate]) -> list[Support]:
    """Dates that one refines ('2024-12' and '2024-12-10') do not contradict each other:
    each counts the other's sources, so trust and agreement tie and specificity decides.
    A coarse date counts finer ones only while those agree among themselves: '2025' does
    not gather '2025-03' and '2025-04' to outvote both."""
    own = _date_of(c)
    if own is None:
        return c.supports
    related = [(o, d) for o in others if o is not c and not o.rejected and (d := _date_of(o)) and d != own]
    coarser = [o for o, d in related if own.startswith(d)]
    finer = [(o, d) for o, d in related if d.startswith(own)]
    chain = all(a.startswith(b) or b.startswith(a) for _, a in finer for _, b in finer)
    out = list(c.supports)
    for o in coarser + ([o for o, _ in finer] if chain else []):
        out.extend(o.supports)
    return out


def _score(c: Candidate, criterion: str, policy: Policy, supports: list[Support] | None = None) -> float:
    supports = c.supports if supports is None else supports
    if criterion == "override":
        return 1 if c.override else 0
    if criterion == "knowledge_base":
        return 1 if c.from_kb else 0
    if criterion == "trust":
        return max((policy.trust_rank(s.trust) for s in supports), default=0)
    if criterion == "agreement":
        return len({s.source_name for s in supports})
    if criterion == "specificity":
        return specificity(c.value)
    if criterion == "recency":
        return max((s.published_on.toordinal() for s in supports if s.published_on), default=0)
    if criterion == "mentions":
        return len({s.statement_id for s in supports})
    raise ValueError(f"unknown criterion {criterion!r}")


def _describe(c: Candidate, criterion: str, policy: Policy, supports: list[Support]) -> str:
    if criterion == "trust":
        best = max(supports, key=lambda s: policy.trust_rank(s.trust), default=None)
        return f"trust tier {best.trust} ({best.source_name})" if best else "no trust tier"
    if criterion == "agreement":
        return f"{len({s.source_name for s in supports})} agreeing sources"
    if criterion == "specificity":
        return f"specificity {specificity(c.value)}"
    if criterion == "recency":
        dates = [s.published_on for s in supports if s.published_on]
        return f"published {max(dates).isoformat()}" if dates else "no publication date"
    if criterion == "knowledge_base":
        return "the knowledge base's canonical value" if c.from_kb else "a form not in the knowledge base"
    if criterion == "mentions":
        return f"{len({s.statement_id for s in supports})} statements"
    return f"override ({c.override})" if c.override else "no override"


def choose(candidates: list[Candidate], attribute: str, policy: Policy) -> Decision:
    eligible = [c for c in candidates if not c.rejected]
    if not eligible:
        return Decision(None, "none", "no acceptable candidate")
    if len(eligible) == 1:
        c = eligible[0]
        why = f"override: {c.override}" if c.override else "the only acceptable candidate"
        return Decision(c, "override" if c.override else "single", why)
    order = policy.order_for(attribute)
    sup = {id(c): compatible_supports(c, eligible) for c in eligible}
    ranked = sorted(eligible, key=lambda c: ([_score(c, k, policy, sup[id(c)]) for k in order], _neg(c.value_json)),
                    reverse=True)
    best, second = ranked[0], ranked[1]
    for criterion in order:
        a, b = _score(best, criterion, policy, sup[id(best)]), _score(second, criterion, policy, sup[id(second)])
        if a > b:
            if criterion == "override":
                return Decision(best, criterion, f"override: {best.override}")
            return Decision(best, criterion,
                            f"decided by {criterion}: {_describe(best, criterion, policy, sup[id(best)])} "
                            f"over {_describe(second, criterion, policy, sup[id(second)])}")
    return Decision(best, "tiebreak", f"tie on {', '.join(order)}; first value in canonical order kept")


def _neg(text: str) -> tuple:
    """Sort key that orders strings descending when the list is sorted in reverse."""
    return tuple(-ord(ch) for ch in text)
