"""The word lists the relation rules read (configs/lexicon/relations and names), folded
once per language, and the small text tests they are used with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from common.text import fold  # the relation rules import it from here
from extractors.config import load_yaml, word_lists


@dataclass(frozen=True)
class Lexicon:
    """The word lists one language's relation rules need, lower-cased and folded."""

    lang: str
    anaphors: tuple[str, ...]
    count_words: dict[str, int]
    wave_ordinals: dict[str, int]
    partner_cues: tuple[str, ...]
    programme_cues: tuple[str, ...]
    selection_cues: tuple[str, ...]
    operation_cues: tuple[str, ...]
    eu_cues: tuple[str, ...]
    national_cues: tuple[str, ...]
    budget_cues: tuple[str, ...]
    city_cues: frozenset[str]
    half_words: tuple[str, ...]
    count_nouns: frozenset[str]
    count_breaks: frozenset[str]
    count_adjectives: frozenset[str]
    count_others: frozenset[str]
    deadline_cues: tuple[str, ...]
    site_nouns: frozenset[str]
    new_words: tuple[str, ...]
    upgrade_words: tuple[str, ...]
    sc_cues: tuple[str, ...]
    headers: dict[str, tuple[str, ...]]
    host_cues: frozenset[tuple[str, ...]]
    limits: dict[str, int]
    negations: frozenset[str] = frozenset()
    topic_cues: frozenset[tuple[str, ...]] = frozenset()
    topic_firsts: frozenset[str] = frozenset()  # first words of topic_cues: a cheap test per sentence
    kickoff_cues: tuple[str, ...] = ()
    inauguration_cues: tuple[str, ...] = ()
    project_nouns: tuple[str, ...] = ()
    award_cues: tuple[str, ...] = ()
    company_forms: frozenset[str] = frozenset()
    round_nouns: frozenset[str] = frozenset()
    today_words: tuple[str, ...] = ()
    clause_breaks: frozenset[str] = frozenset()
    equivalence_words: frozenset[str] = frozenset()
    partner_place_cues: frozenset[str] = frozenset()
    machine_words: frozenset[str] = frozenset()
    match_words: tuple[str, ...] = ()
    coordinators: frozenset[str] = frozenset()
    member_of_cues: frozenset[tuple[str, ...]] = frozenset()
    plural_anaphors: frozenset[tuple[str, ...]] = frozenset()
    definite_plurals: frozenset[str] = frozenset()
    country_nouns: frozenset[tuple[str, ...]] = frozenset()
    country_noun_modifiers: frozenset[str] = frozenset()
    contrast_cues: tuple[str, ...] = ()
    weekdays: dict[str, int] = field(default_factory=dict)
    start_cues: tuple[str, ...] = ()  # operation_cues that are no inauguration_cues
    table_scales: dict[str, int] = field(default_factory=dict)
    part_words: tuple[str, ...] = ()
    deployment_cuts: tuple[str, ...] = ()  # contrast_cues and negations: what deployment words skip after
    count_openers: frozenset[str] = frozenset()  # words a sentence may open with before a round's size
    yesterday_words: tuple[str, ...] = ()


@lru_cache(maxsize=None)
def lexicon(lang: str) -> Lexicon:
    rel = word_lists("relations", lang)
    names = word_lists("names", lang)
    common_headers = (load_yaml("lexicon/relations/common.yaml") or {}).get("table_headers", {}) or {}
    own_headers = (load_yaml(f"lexicon/relations/{lang}.yaml") or {}).get("table_headers", {}) or {}
    en_headers = (load_yaml("lexicon/relations/en.yaml") or {}).get("table_headers", {}) or {}
    headers: dict[str, tuple[str, ...]] = {}
    for attr in set(common_headers) | set(own_headers) | set(en_headers):
        words = list(common_headers.get(attr) or []) + list(own_headers.get(attr) or []) + list(en_headers.get(attr) or [])
        headers[attr] = tuple(dict.fromkeys(fold(w) for w in words))

    def f(key: str, src: dict) -> tuple[str, ...]:
        return tuple(dict.fromkeys(fold(w) for w in src.get(key, []) if str(w).strip()))

    def mapping(key: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for src in (load_yaml("lexicon/relations/common.yaml") or {}, load_yaml(f"lexicon/relations/{lang}.yaml") or {}):
            for k, v in (src.get(key) or {}).items():
                out[fold(str(k))] = int(v)
        return out

    return Lexicon(
        lang=lang, anaphors=f("anaphors", rel), count_words=mapping("count_words"),
        wave_ordinals=mapping("wave_ordinals"), partner_cues=f("partner_cues", rel),
        programme_cues=f("programme_cues", rel),
        selection_cues=f("selection_cues", names), operation_cues=f("operation_cues", names),
        eu_cues=f("eu_share_cues", names), national_cues=f("national_share_cues", names),
        budget_cues=f("budget_cues", names), new_words=f("deployment_new", names),
        upgrade_words=f("deployment_upgrade", names), sc_cues=f("supercomputer_cues", names),
        machine_words=frozenset(f("machine_words", rel)), match_words=f("match_words", rel),
        headers=headers, city_cues=frozenset(f("city_cues", rel)),
        host_cues=frozenset(tuple(c.split()) for c in f("host_cues", names)),
        half_words=f("half_words", rel), count_nouns=frozenset(f("count_nouns", rel)),
        deadline_cues=f("deadline_cues", rel), site_nouns=frozenset(f("site_nouns", rel)),
        count_breaks=frozenset(f("name_stopwords", rel)) - frozenset(f("count_adjectives", rel)),
        count_adjectives=frozenset(f("count_adjectives", rel)), count_others=frozenset(f("count_others", rel)),
        limits={str(k): int(v) for k, v in ((load_yaml("pipeline.yaml") or {}).get("relation_limits")
                                            or {}).items()},
        negations=frozenset(f("negations", rel)),
        topic_cues=frozenset(tuple(c.split()) for c in f("topic_cues", rel)),
        topic_firsts=frozenset(c.split()[0] for c in f("topic_cues", rel)),
        kickoff_cues=f("kickoff_cues", rel), inauguration_cues=f("inauguration_cues", rel),
        project_nouns=f("project_nouns", rel), award_cues=f("award_cues", rel),
        company_forms=frozenset(f("company_forms", rel)),
        round_nouns=frozenset(f("round_nouns", rel)),
        today_words=f("today_words", rel),
        clause_breaks=frozenset(f("clause_breaks", rel)),
        equivalence_words=frozenset(f("equivalence_words", rel)),
        partner_place_cues=frozenset(f("partner_place_cues", rel)),
        coordinators=frozenset(f("coordinators", rel)),
        member_of_cues=frozenset(tuple(c.split()) for c in f("member_of_cues", rel)),
        plural_anaphors=frozenset(tuple(c.split()) for c in f("plural_anaphors", rel)),
        definite_plurals=frozenset(f("definite_plural_nouns", rel)),
        contrast_cues=f("contrast_cues", rel), weekdays=mapping("weekdays"),
        start_cues=tuple(c for c in f("operation_cues", names) if c not in f("inauguration_cues", rel)),
        yesterday_words=f("yesterday_words", rel), table_scales=mapping("table_scales"),
        part_words=f("part_words", rel),
        deployment_cuts=f("contrast_cues", rel) + f("negations", rel),
        count_openers=(frozenset(f("name_stopwords", rel)) - frozenset(f("count_adjectives", rel)))
        | {w for c in f("member_of_cues", rel) for w in c.split()},
        country_nouns=frozenset(tuple(c.split()) for c in f("country_nouns", rel)),
        country_noun_modifiers=frozenset(f("country_noun_modifiers", rel)),
    )


@lru_cache(maxsize=1)
def waves() -> tuple[dict, ...]:
    return tuple((load_yaml("knowledge/waves.yaml") or {}).get("waves", []))


def any_substring(folded: str, words: Iterable[str]) -> bool:
    """Whether any of `words` occurs in `folded` at all: a cheap test before a pass over
    tokens (a token's folded form is a piece of its folded sentence)."""
    return any(w in folded for w in words)


@lru_cache(maxsize=1024)
def any_needle(needles: tuple[str, ...] | frozenset[str]) -> re.Pattern[str] | None:
    """One search for all `needles` as plain substrings, or None for none: a text it finds
    nothing in holds none of them, whole word or not.

    The words are laid out as a trie (`(?:ab(?:c|d)|e)`), not a flat alternation: where
    a text has a letter some word opens with, the flat form tries every word in turn, the
    trie only the words that go on as the text does. It answers whether, not which: a
    word that has a shorter one as its prefix adds nothing and is left out."""
    words = {n for n in needles if n}
    return re.compile(_trie_pattern(words)) if words else None


def _trie_pattern(words: set[str]) -> str:
    trie: dict[str, dict] = {}
    for w in sorted(words, key=len):
        node = trie
        for ch in w:
            if "" in node:
                break  # a shorter word ends here: wherever this one occurs, that one does
            node = node.setdefault(ch, {})
        else:
            node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        if "" in node:
            return ""
        ends = sorted(ch for ch, child in node.items() if "" in child)
        parts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if "" not in child]
        if ends:
            parts.append(re.escape(ends[0]) if len(ends) == 1 else "[" + "".join(map(_class_escape, ends)) + "]")
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return emit(trie)


def _class_escape(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch


_ANSWERS: dict[tuple[str, int], tuple[object, str | None]] = {}
_ANSWERS_MAX = 65_536


def contains_word(haystack: str, needles: Iterable[str]) -> str | None:
    """First needle present in `haystack` as whole words (both folded). Most texts hold
    none of the needles: one compiled search says so before the word-by-word pass.

    Answers for the fixed word lists (tuples, frozensets) are remembered by text: the
    rules ask the same sentence several questions, and a paragraph seen before is asked
    them again. The list is kept alive with its answer, so while the answer stands no
    other list can take its address (the key's `id`)."""
    if not isinstance(needles, (tuple, frozenset)):
        return first_word(haystack, needles)
    key = (haystack, id(needles))
    known = _ANSWERS.get(key)
    if known is not None:
        return known[1]
    pattern = any_needle(needles)
    found = None if pattern is None or pattern.search(haystack) is None else first_word(haystack, needles)
    if len(_ANSWERS) >= _ANSWERS_MAX:
        _ANSWERS.clear()  # bounded: a worker's long run does not grow it
    _ANSWERS[key] = (needles, found)
    return found


def first_word(haystack: str, needles: Iterable[str]) -> str | None:
    """`contains_word` without the pre-search: the word-by-word pass itself."""
    for n in needles:
        if not n:
            continue
        i = haystack.find(n)
        while i >= 0:
            before = haystack[i - 1] if i > 0 else " "
            after = haystack[i + len(n)] if i + len(n) < len(haystack) else " "
            if not before.isalnum() and not after.isalnum():
                return n
            i = haystack.find(n, i + 1)
    return None
