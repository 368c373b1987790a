"""Host organisations and supercomputers: known names plus context cues.

Known names come from the knowledge base (PhraseMatcher). Unknown ones are taken from
cues: a coined name next to a supercomputer word ("the DAEDALUS supercomputer",
"supercomputer Discoverer++"), and a capitalised phrase after a host cue ("hosted by
the Poznan Supercomputing and Networking Center").
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from common.text import fold
from extractors.config import load_yaml, word_lists
from extractors.ext import write_spans
from extractors.knowledge import known_names
from extractors.names import JOINERS, is_name_like

MAX_ORG_TOKENS = 9
ORG_CONNECTORS = {"of", "for", "and", "de", "di", "der", "des", "du", "del", "della", "für", "und", "i", "–", "-", "&"}


@Language.factory("aifacts_systems", default_config={})
def make_systems(nlp: Language, name: str) -> "Systems":
    return Systems(nlp)


def coined(tok, stop: set[str]) -> bool:
    """A coined system name (DAEDALUS, MareNostrum, Discoverer++), not an inflected word
    that merely starts with capitals ("KI-optimierten")."""
    if not is_name_like(tok, stop, strict=True):
        return False
    parts = tok.text.split("-")
    return not any(len(p) >= 4 and p.islower() for p in parts[1:])


class Systems:
    """Writes doc.spans["org"] (label ORG) and doc.spans["supercomputer"] (label SUPERCOMPUTER)."""

    def __init__(self, nlp: Language) -> None:
        words = word_lists("names", nlp.lang)
        self.stop = set(word_lists("relations", nlp.lang).get("name_stopwords", []))
        self.known = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.kind_of: dict[str, str] = {}
        patterns: dict[str, list[Doc]] = {}
        for kn in known_names():
            if kn.kind in ("supercomputer", "org"):
                label = f"{kn.kind}::{kn.key}"
                patterns.setdefault(label, []).append(nlp.make_doc(kn.surface))
        for label, docs in patterns.items():
            self.known.add(label, docs)
        self.sc_cues = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.sc_cues.add("SC", [nlp.make_doc(w) for w in words.get("supercomputer_cues", [])])
        self.host_cues = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.host_cues.add("HOST", [nlp.make_doc(w) for w in words.get("host_cues", []) if len(w) > 3])
        self.org_heads = frozenset(fold(w) for w in (load_yaml("lexicon/org_heads.yaml") or {}).get("org_heads", [])
                                   if " " not in w)
        self.articles = frozenset(w.lower() for w in self.stop)

    def __call__(self, doc: Doc) -> Doc:
        orgs, scs = self.find(doc)
        write_spans(doc, "org", orgs)
        write_spans(doc, "supercomputer", scs)
        return doc

    def find(self, doc: Doc) -> tuple[list, list]:
        orgs: list[tuple[int, int, str, Any, str]] = []
        scs: list[tuple[int, int, str, Any, str]] = []
        taken: set[int] = set()
        for match_id, s, e in sorted(self.known(doc), key=lambda m: (m[1], -(m[2] - m[1]))):
            if any(i in taken for i in range(s, e)):
                continue
            kind, key = doc.vocab.strings[match_id].split("::", 1)
            span = doc[s:e]
            taken.update(range(s, e))
            target = scs if kind == "supercomputer" else orgs
            target.append((span.start_char, span.end_char, kind.upper() if kind == "org" else "SUPERCOMPUTER",
                           {"key": key, "name": span.text}, "known_" + kind))
        for _, s, e in self.sc_cues(doc):
            coined = self._coined_near(doc, s, e, taken)
            if coined is not None:
                taken.update(range(coined.start, coined.end))
                scs.append((coined.start_char, coined.end_char, "SUPERCOMPUTER",
                            {"key": None, "name": coined.text}, "supercomputer_cue"))
        for _, s, e in self.host_cues(doc):
            host = self._org_after(doc, e, taken)
            if host is not None:
                taken.update(range(host.start, host.end))
                orgs.append((host.start_char, host.end_char, "ORG", {"key": None, "name": host.text}, "host_cue"))
        for span in self._orgs_by_head(doc, taken):
            taken.update(range(span.start, span.end))
            orgs.append((span.start_char, span.end_char, "ORG", {"key": None, "name": span.text}, "org_head"))
        return orgs, scs

    def _orgs_by_head(self, doc: Doc, taken: set[int]) -> list[Span]:
        """Capitalised phrases around an organisation head word ("Advanced Computing Austria",
        "Barcelona Supercomputing Center", "University of Stuttgart"), with an acronym in
        brackets right after kept out: a name of two words or more that no known name covers."""
        if not self.org_heads:
            return []
        out: list[Span] = []
        heads = [t.i for t in doc if t.text[:1].isupper() and fold(t.text) in self.org_heads and t.i not in taken]
        done = -1
        for h in heads:
            if h <= done:
                continue
            start = h
            while start - 1 >= 0 and self._org_word(doc[start - 1]) and not doc[start - 1].is_sent_start \
                    and (start - 1) not in taken:
                start -= 1
            if start - 1 >= 0 and doc[start - 1].is_sent_start and self._org_word(doc[start - 1]) \
                    and doc[start - 1].lower_ not in self.articles and (start - 1) not in taken:
                start -= 1
            end = h + 1
            while end < len(doc) and end - start < MAX_ORG_TOKENS and end not in taken:
                tok = doc[end]
                if self._org_word(tok):
                    end += 1
                elif tok.lower_ in ORG_CONNECTORS and tok.text not in ("–", "-") and end + 1 < len(doc) \
                        and self._org_word(doc[end + 1]) and end + 1 not in taken:
                    end += 2
                else:
                    break
            if end - start >= 2:
                out.append(doc[start:end])
                done = end - 1
        return out

    def _org_word(self, tok) -> bool:  # noqa: ANN001 - a spaCy token
        """A word of an organisation's name: capitalised letters (an acronym too), no article."""
        t = tok.text
        if tok.lower_ in self.articles:
            return False
        return (t[:1].isupper() and t.replace("-", "").isalpha()) or (t.isupper() and len(t) > 1)

    def _coined_near(self, doc: Doc, s: int, e: int, taken: set[int]) -> Span | None:
        """A coined name right before or after a supercomputer word."""
        j = e
        while j < len(doc) and j - e < 3 and (coined(doc[j], self.stop)
                                               or (doc[j].text in JOINERS | {"++"} and j > e)
                                               or (doc[j].is_digit and j > e)):
            j += 1
        if j > e and not any(i in taken for i in range(e, j)):
            return doc[e:j]
        i = s - 1
        while i >= 0 and s - i <= 3 and (coined(doc[i], self.stop) or (doc[i].is_digit and i < s - 1)):
            i -= 1
        if i + 1 < s and not any(k in taken for k in range(i + 1, s)):
            return doc[i + 1:s]
        return None

    def _org_after(self, doc: Doc, e: int, taken: set[int]) -> Span | None:
        """A capitalised phrase after a host cue, allowing 'of', 'for', 'and' inside."""
        j = e
        while j < len(doc) and doc[j].lower_ in ("the", "la", "el", "il", "le", "l'", "der", "die", "dem", "den"):
            j += 1
        start = j
        end = j
        while end < len(doc) and end - start < MAX_ORG_TOKENS:
            tok = doc[end]
            if tok.text[:1].isupper() or tok.text.isupper():
                end += 1
            elif tok.lower_ in ORG_CONNECTORS and end + 1 < len(doc) and doc[end + 1].text[:1].isupper():
                end += 1
            else:
                break
        places = {t for p in doc.spans.get("place", []) for t in range(p.start, p.end)}
        if end > start and not any(i in taken or i in places for i in range(start, end)):
            return doc[start:end]  # a place after "at"/"em" is where, not who
        return None
