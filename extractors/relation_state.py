"""What the parts of the relation rules share while they read one document.

The rules are split by topic (prose in `relations.py`, table rows, budgets, programme
facts), and every part reads and moves on the same reading state: the subjects named so
far, the statements made, where the discourse stands. That state is declared here, once,
with its types, and each part is a trait over it: the compiled build (`extractors/native.py`)
lays the fields out as a C struct, which only works when every part agrees on them.
"""

from __future__ import annotations

from typing import Any, TypeVar

from spacy.tokens import Doc

from extractors.cues import Lexicon, contains_word, fold
from extractors.mentions import Mention, Sentence
from extractors.spans import text_of
from extractors.statement import Statement
from extractors.subjects import Subject
from sources.document import Block, Document

C = TypeVar("C")

try:
    from mypy_extensions import trait  # a marker for the compiler; plain Python ignores it
except ImportError:  # pragma: no cover - mypy_extensions comes with the build tools
    def trait(cls: C) -> C:  # type: ignore[no-redef]
        return cls


@trait
class RelationState:
    """The reading state of one document, and the few rules every part calls."""

    document: Document
    doc_id: str
    lex: Lexicon
    subjects: list[Subject]
    out: list[Statement]
    context_year: int | None
    last_subject: Subject | None
    single_subject: Subject | None
    redirect: dict[int, Subject]
    saw_factory_word: bool
    kb_seen: dict[tuple, str]
    last_total: dict[str, dict]
    block_total: dict[str, tuple[int, dict]]  # per subject, the last total and its paragraph
    last_shares: dict[str, tuple[int, str, list[dict]]]  # per subject: block, share attribute, amounts last given
    about_programme: bool  # this sentence, its paragraph or the sentence before speak of several factories
    prev_plural: bool
    plural_block: int | None  # the last paragraph that spoke of several factories
    plural_here: bool
    doc_wave: int | None
    last_wave: int | None
    section_subject: Subject | None
    resolved: dict[int, dict]
    running_year: int | None
    running_month: int | None
    round_operation: dict[int | None, tuple]  # wave -> (date, block, start, end, text)
    round_deployment: dict[int | None, tuple]  # wave -> ("new" | "upgrade", block, start, end, text)
    joins_set: bool  # this sentence's partner cue joins a set of factories to the one it names
    programme_total: tuple[dict, int | None] | None  # the last programme-wide sum, its round
    programme_sum: bool  # the sentence gives a sum of several factories
    system_topic: bool  # the last sentence that named a machine or a factory named a machine
    award_block: int | None  # the last paragraph where a machine's contract was awarded
    block_index: int
    section_wave: int | None  # the round the current section's heading names ("Round 2 – March 2025")

    def emit(self, subject: Subject | None, attribute: str, value: Any, block: Block, start: int, end: int,
             rule: str, *, wave: int | None = None) -> None:
        raise NotImplementedError

    @staticmethod
    def cue_distance(doc: Doc, sp: Mention, s0: int, s1: int, cues: tuple[str, ...]) -> int:
        """How many tokens next to a mention (up to 12 on either side) reach one of `cues`; 1000 when none do."""
        for k in range(1, 13):
            before = fold(text_of(doc[max(s0, sp.start - k):sp.start]))
            after = fold(text_of(doc[sp.end:min(s1, sp.end + k)]))
            if contains_word(before, cues) or contains_word(after, cues):
                return k
        return 1000

    def spans(self, doc: Doc, kind: str) -> list[Mention]:
        raise NotImplementedError

    def subject_for(self, doc: Doc, span: Mention) -> Subject | None:
        raise NotImplementedError

    def subject_country(self, subj: Subject) -> str | None:
        raise NotImplementedError

    def anonymous(self, cc: str | None, wave: int | None = None) -> Subject:
        raise NotImplementedError

    def country_subject(self, cc: str, wave: int | None = None) -> Subject:
        raise NotImplementedError

    def sentence(self, block: Block, doc: Doc, sent: Sentence) -> None:
        raise NotImplementedError

    def emit_name(self, subj: Subject, doc: Doc, sp: Mention, block: Block) -> None:
        raise NotImplementedError

    def resolve_date(self, value: dict) -> dict | None:
        raise NotImplementedError

    def wave_of(self, sent: Sentence, text_f: str, value: dict | None = None, count: int | None = None) -> int | None:
        raise NotImplementedError

