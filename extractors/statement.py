"""The one type that leaves `extractors/`: a single fact with its provenance."""

from __future__ import annotations

import hashlib
import json
from typing import Any, NamedTuple

EXTRACTOR_VERSION = "0.1.0"

FACTORY_ATTRIBUTES = (
    "name", "country", "city", "host_org", "supercomputer", "deployment",
    "budget_total_eur", "budget_eu_eur", "budget_national_eur",
    "selected_on", "operational_by", "partner_countries",
)
PROGRAMME_ATTRIBUTES = (
    "factory_count", "investment_total_eur", "investment_eu_eur",
    "selected_on", "proposal_deadline", "antenna_count",
)


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_json(value: Any) -> str:
    """One spelling per value, so equal values hash and compare equal. (`json.dumps` with
    these options builds a new encoder on every call; extraction makes one per statement.)"""
    return _CANONICAL.encode(value)


class Statement(NamedTuple):
    """One fact as a document states it.

    A named tuple: immutable like the frozen dataclass it was, and made in a fifth of the
    time (a frozen dataclass sets each of its 14 fields through `object.__setattr__`);
    extraction makes one per fact it reads, and they travel between processes.

    `subject_text` is the mention the fact is about, as written (None for programme
    facts). `subject_key` is the knowledge-base key when extraction recognised a known
    name; linking to a factory is reconciliation's job, not extraction's.
    `span_start`/`span_end` are character offsets of `value_text` inside block `block`.
    """

    doc_id: str
    source_name: str
    scope: str  # "factory" | "programme"
    subject_text: str | None
    subject_key: str | None
    attribute: str
    value_json: str
    value_text: str
    block: int
    span_start: int
    span_end: int
    rule: str
    wave: int | None = None
    extractor_version: str = EXTRACTOR_VERSION

    @property
    def value(self) -> Any:
        return json.loads(self.value_json)

    @property
    def identity(self) -> tuple:
        """What makes two statements the same one (what `statement_id` hashes)."""
        return (self.doc_id, self.scope, self.subject_text, self.attribute, self.value_json,
                self.block, self.span_start, self.span_end, self.rule, self.wave)

    @property
    def statement_id(self) -> str:
        key = "\0".join(str(x) for x in self.identity)
        return hashlib.sha1(key.encode()).hexdigest()[:20]


def make_statement(*, value: Any, **fields: Any) -> Statement:
    return Statement(value_json=canonical_json(value), **fields)
