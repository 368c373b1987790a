"""What one sentence says on its own, whatever the document around it.

The relation rules ask every sentence the same questions (does it name a factory, refer
to several, hold a cost word, a machine word, "half"?) before they decide whom its
values belong to; only that decision depends on the rest of the document. The answers
are read once per sentence of a block and kept on it (`Sentence.reading`), so a block
met again (a header, a quoted paragraph) is not read again.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from spacy.tokens import Doc

from extractors.cues import Lexicon, any_needle, any_substring, contains_word, fold
from extractors.mentions import Mention, Sentence


UNREAD = object()


class Reading:
    """The answers about one sentence: its factory mentions and the cue words in it."""

    __slots__ = ("names", "refs", "plural_ref", "singular_ref", "negation", "programme_cue", "partner_cue",
                 "anaphor", "site_word", "ref_heads", "noun_heads", "halves", "budget_cue", "eu_cue",
                 "deployment", "match", "kickoff", "inauguration", "bare", "implied", "award_cue", "ordinal_wave", "topic",
                 "date_roles", "sum_cues", "place_view", "counts")

    def __init__(self, doc: Doc, sent: Sentence, lex: Lexicon) -> None:
        f = sent.folded
        factory = sent.of("factory")
        self.names: list[Mention] = [sp for sp in factory if sp.label_ == "FACTORY"]
        self.refs: list[Mention] = [sp for sp in factory if sp.label_ == "FACTORY_REF"]
        self.plural_ref = any((sp.value or {}).get("plural") for sp in self.refs)
        self.singular_ref = any(not (sp.value or {}).get("plural") for sp in self.refs)
        self.implied: list[Mention] | None = None  # sums in euros without a currency, read when a rule asks
        self.topic: Any = UNREAD  # the country a topic opening names ("As for Spain, ..."), read when asked
        # the cue words around each date and each sum, and the places a factory may be at:
        # read by the relation rules when they first ask (extractors/relations.py, budgets.py)
        self.date_roles: Any = UNREAD
        self.sum_cues: dict[bool, list[tuple[bool, bool]]] = {}
        self.place_view: Any = UNREAD
        self.counts: dict[bool, list[tuple[int, bool, int, int]]] = {}
        self.award_cue = bool(lex.award_cues) and bool(contains_word(f, lex.award_cues))
        # the selection round an ordinal names ("the second round"), the first in the lexicon's order
        cue_search, ordinal_search = _searches(lex)
        self.ordinal_wave = _ordinal_wave(doc, sent, lex) if ordinal_search(f) else None
        self.ref_heads = [(sp.start, sp.end_char) for sp in self.refs if (sp.value or {}).get("plural")]
        if not cue_search(f):
            # none of the words below is in it (most sentences): every answer is no
            self.negation = self.programme_cue = self.partner_cue = self.anaphor = self.site_word = False
            self.halves = self.budget_cue = self.eu_cue = self.kickoff = self.inauguration = self.match = False
            self.noun_heads = []
            self.deployment = deployment_word(sent, lex) if sent.of("supercomputer") else None
            self.bare = not any(sent.inside.values())
            return
        self.negation = bool(contains_word(f, lex.negations))
        self.programme_cue = bool(contains_word(f, lex.programme_cues))
        self.partner_cue = bool(contains_word(f, lex.partner_cues))
        self.anaphor = bool(contains_word(f, lex.anaphors))
        self.site_word = any_substring(f, lex.site_nouns) and any(
            fold(t.text) in lex.site_nouns for t in doc[sent.start:sent.end])
        # heads a number may count: plural factory words ("seven AI Factories", above) and,
        # in a text about factories, nouns that stand for them ("seven consortia")
        self.noun_heads = [(t.i, t.idx + len(t.text)) for t in doc[sent.start:sent.end]
                           if fold(t.text) in lex.count_nouns] if any_substring(f, lex.count_nouns) else []
        self.halves = bool(contains_word(f, lex.half_words))
        self.match = bool(lex.match_words) and bool(contains_word(f, lex.match_words))
        self.budget_cue = bool(contains_word(f, lex.budget_cues))
        self.eu_cue = bool(contains_word(f, lex.eu_cues))
        self.deployment = deployment_word(sent, lex)
        self.kickoff = bool(contains_word(f, lex.kickoff_cues)) or bool(
            contains_word(f, lex.project_nouns) and contains_word(f, lex.inauguration_cues))
        self.inauguration = bool(contains_word(f, lex.inauguration_cues))
        # nothing to read: no mention, and none of the words that let a sentence state
        # something without one (a cost word before a sum written without a currency,
        # "half", a machine word, a counted noun)
        self.bare = not any(sent.inside.values()) and not (
            self.halves or self.match or self.budget_cue or self.noun_heads or self.machine_word(f, lex))

    @staticmethod
    def machine_word(folded: str, lex: Lexicon) -> bool:
        return bool(contains_word(folded, lex.sc_cues)
                    or contains_word(folded, lex.headers.get("supercomputer", ())))


_SEARCHES: dict[int, tuple[Lexicon, Callable[[str], Any], Callable[[str], Any]]] = {}


def _searches(lex: Lexicon) -> tuple[Callable[[str], Any], Callable[[str], Any]]:
    """Two searches, each for a set of words at once: every cue word a reading asks about,
    and every ordinal that names a round. A sentence a search finds nothing in holds none
    of its words, whole word or not. Kept per lexicon (by identity, the lexicon kept alive
    with them: its word lists are dicts and do not hash)."""
    found = _SEARCHES.get(id(lex))
    if found is None:
        groups = (lex.negations, lex.programme_cues, lex.partner_cues, lex.anaphors, lex.site_nouns,
                  lex.count_nouns, lex.half_words, lex.budget_cues, lex.eu_cues, lex.sc_cues,
                  lex.headers.get("supercomputer", ()), lex.machine_words, lex.match_words, lex.kickoff_cues, lex.project_nouns, lex.inauguration_cues)
        found = _SEARCHES[id(lex)] = (lex, _search_for({w for group in groups for w in group}),
                                      _search_for(set(lex.wave_ordinals)))
    return found[1], found[2]


def _ordinal_wave(doc: Doc, sent: Sentence, lex: Lexicon) -> int | None:
    """The round an ordinal names: `the second round`, `the first seven`, `the third call for AI
    Factories`, `this second selection`. The ordinal counts rounds only when a round noun, a
    selection word, a number, a noun for the factories or a factory mention follows within
    three words ("the first services" is no
    round); multi-word ordinals are matched whole."""
    starts = {sp.start for sp in sent.of("factory")}
    words = [fold(t.text) for t in doc[sent.start:sent.end]]
    for word, n in lex.wave_ordinals.items():
        parts = word.split()
        for i in range(len(words) - len(parts) + 1):
            if words[i:i + len(parts)] != parts:
                continue
            j = i + len(parts)
            for k in range(j, min(len(words), j + 3)):
                w = words[k]
                if (w in lex.round_nouns or w in lex.count_nouns or w in lex.site_nouns or w in lex.count_words
                        or w in lex.selection_cues or w.isdigit() or sent.start + k in starts):
                    return n
    return None


def _search_for(words: set[str]) -> Callable[[str], Any]:
    pattern = any_needle(frozenset(words))
    return pattern.search if pattern is not None else (lambda _text: None)


CONTRAST_END = re.compile(r"[,;:.!?()]")


def contrast_ranges(folded: str, lex: Lexicon) -> list[tuple[int, int]]:
    """Where a sentence names the road not taken: from a contrast cue ("rather than",
    "instead of", "statt") to the next punctuation. A system or a deployment word there is
    what the factory does not do ("a new system rather than an extension of Karolina")."""
    return _ranges_after(folded, lex.contrast_cues)


def without_contrast(folded: str, lex: Lexicon) -> str:
    """The sentence's words outside its contrast parts (`contrast_ranges`) and outside what a
    negation denies, up to the next punctuation ("IT4LIA is not an upgrade of Leonardo: a new
    system is planned" buys new)."""
    if not lex.deployment_cuts or not any_substring(folded, lex.deployment_cuts):
        return folded
    ranges = contrast_ranges(folded, lex) + _ranges_after(folded, tuple(lex.negations))
    for a, b in sorted(ranges, reverse=True):
        folded = folded[:a] + " " + folded[b:]
    return folded


def _ranges_after(folded: str, cues: tuple[str, ...]) -> list[tuple[int, int]]:
    """From each cue word to the next punctuation."""
    out = []
    for cue in cues:
        for m in re.finditer(r"(?<!\w)" + re.escape(cue) + r"(?!\w)", folded):
            end = CONTRAST_END.search(folded, m.end())
            out.append((m.start(), end.start() if end else len(folded)))
    return out


def deployment_word(sent: Sentence, lex: Lexicon) -> str | None:
    """`new` or `upgrade`, when the sentence speaks of a system being bought or upgraded."""
    f = without_contrast(sent.folded, lex)
    has_system = contains_word(f, lex.sc_cues) or bool(sent.of("supercomputer")) \
        or contains_word(f, lex.headers.get("supercomputer", ()))  # "new infrastructure"
    if not has_system:
        return _machine_deployment(f, lex) if lex.machine_words and contains_word(f, lex.machine_words) else None
    if contains_word(f, lex.upgrade_words):
        return "upgrade"
    if contains_word(f, lex.new_words):
        return "new"
    return None


def _machine_deployment(folded: str, lex: Lexicon) -> str | None:
    """`new AI-optimised systems`, `upgraded machines`: a computer named by a common noun
    is bought or upgraded only when the word says so within the four words before it (a
    "new project" elsewhere in the sentence says nothing of its machines)."""
    words = [w.strip(".,;:()\"'«»„“”") for w in folded.split()]
    for i, w in enumerate(words):
        if w in lex.machine_words:
            before = " ".join(words[max(0, i - 4):i])
            if contains_word(before, lex.upgrade_words):
                return "upgrade"
            if contains_word(before, lex.new_words):
                return "new"
    return None


def machine_deployment(sent: Sentence, lex: Lexicon) -> str | None:
    """`new` or `upgrade` as the words next to a machine word say it: the two words before it
    ("a new AI-optimised system"; "built around AI-optimised machines" is no purchase), or an
    upgrade word up to three after ("the systems will be upgraded"). Both kinds, or neither,
    is no answer. Stricter than `deployment_word`, for sentences about several factories,
    where a "new" mostly qualifies the factories themselves."""
    words = [w.strip(".,;:()\"'«»„“”") for w in without_contrast(sent.folded, lex).split()]
    heads = set(lex.machine_words) | {c.split()[-1] for c in lex.sc_cues}
    found = set()
    for i, w in enumerate(words):
        if w not in heads:
            continue
        before, after = " ".join(words[max(0, i - 2):i]), " ".join(words[i + 1:i + 4])
        if contains_word(before, lex.upgrade_words) or contains_word(after, lex.upgrade_words):
            found.add("upgrade")
        elif contains_word(before, lex.new_words):
            found.add("new")
    return found.pop() if len(found) == 1 else None


def reading(doc: Doc, sent: Sentence, lex: Lexicon) -> Reading:
    """The sentence's reading, made on first use. A block is annotated for one language
    (the block cache's key holds it), so one lexicon reads all its sentences."""
    found = sent.reading
    if found is None:
        found = sent.reading = Reading(doc, sent, lex)
    return found
