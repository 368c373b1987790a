"""Factory names: known ones from the knowledge base, new ones from their context.

A name is recognised three ways, in order of trust:
1. a known alias (PhraseMatcher on lower-cased tokens), rule `known_alias`;
2. a name-like phrase next to a factory head word ("JUPITER AI Factory",
   "KI-Fabrik HammerHAI", "AI Factory Austria"), rules `name_before_head` / `name_after_head`;
3. an appositive or bracketed acronym of such a mention ("PIAST, the Polish AI Factory",
   "Slovenian AI Factory (SLAIF)"), rules `appositive_name` / `acronym_in_parens`, which
   carry `same_as` so the relation step keeps one subject;
4. a head joined to its host or town by a preposition ("AI Factory of GRNET", "Factoría de IA
   del BSC"), rule `name_of_host`: the factory of that host; it takes the key of the known
   "<host> AI Factory" when there is one.
Heads next to antenna or gigafactory words are not factories. A head with no name next
to it becomes a `FACTORY_REF` span (an unnamed reference the relation step may resolve).
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from common.text import fold
from extractors.config import word_lists
from extractors.ext import write_spans
from extractors.knowledge import factory_keys, known_names

MAX_NAME_TOKENS = 4
JOINERS = {"-", "+", "++", ":", "/", "&"}
ACRONYM_ENDS = (")", ";", ",")  # what may follow an acronym in brackets: "(SLAIF)", "(SLAIF; ...", "(SLAIF, ..."


def is_name_like(tok: Token, stop: set[str], *, strict: bool) -> bool:
    """A token that can be part of a proper name.

    `strict` (used right of a head, and for German, where every noun is capitalised)
    accepts only tokens that look coined: ALLCAPS, inner capitals, digits or '+'.
    """
    t = tok.text
    if not t or t in stop or tok.is_punct and t not in ("+", "++"):
        return False
    if t in ("+", "++"):
        return True
    if any(c.isdigit() for c in t) and any(c.isalpha() for c in t):
        return True
    if len(t) >= 2 and t.isupper():
        return True
    if any(c.isupper() for c in t[1:]) and t[0].isupper():
        return True
    if strict:
        return False
    return t[0].isupper() and t[1:].islower() and t.isalpha()


@Language.factory("aifacts_factories", default_config={"strict_left": None})
def make_factory_names(nlp: Language, name: str, strict_left: bool | None) -> "FactoryNames":
    return FactoryNames(nlp, strict_left=strict_left)


class FactoryNames:
    """Writes doc.spans["factory"]: labels FACTORY (value has key|None, name, rule) and FACTORY_REF."""

    def __init__(self, nlp: Language, strict_left: bool | None = None) -> None:
        lang = nlp.lang
        names = word_lists("names", lang)
        rel = word_lists("relations", lang)
        self.stop = set(rel.get("name_stopwords", []))
        self.stop |= {w.replace("'", "\u2019") for w in self.stop if "'" in w}  # "L’" as typeset
        # spaCy's stop words of the language and of English (many texts write the head in English):
        # a plain word among them never starts a name ("To Launch AI Factories")
        self.common = _stop_words(nlp)
        # German capitalises every noun, so a capitalised word left of a head says little.
        self.strict_left = (lang == "de") if strict_left is None else strict_left
        self.known = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_key: dict[str, list[Doc]] = {}
        self.key_country: dict[str, str | None] = {}
        for kn in known_names():
            if kn.kind == "factory":
                by_key.setdefault(kn.key, []).append(nlp.make_doc(kn.surface))
                self.key_country[kn.key] = kn.country
        for key, docs in by_key.items():
            self.known.add(key, docs)
        # aliases that are also the name of a known system or host organisation
        self.other_things = {kn.surface.casefold() for kn in known_names() if kn.kind != "factory"}
        self.heads = PhraseMatcher(nlp.vocab, attr="LOWER")
        heads = [h for h in names.get("factory_heads", [])]
        heads += [h.replace("'", "\u2019") for h in heads if "'" in h]  # "usine d’IA" as typeset
        self.heads.add("HEAD", [nlp.make_doc(h) for h in heads])
        self.plural_heads = {_head_key(nlp.make_doc(h)) for h in names.get("plural_heads", [])}
        # "AI Factory of X": the links, longest first, as lower-cased token tuples
        self.links = sorted({_head_key(nlp.make_doc(w)) for w in rel.get("name_links", [])}, key=len, reverse=True)
        self.alias_key = factory_keys()
        # "will bear the name X", "named X", "baptisée X": the name a text gives its factory
        self.naming = PhraseMatcher(nlp.vocab, attr="LOWER")
        naming = names.get("naming_cues", [])
        if naming:
            self.naming.add("NAMING", [nlp.make_doc(w) for w in naming])
        self.machine_words = {w.lower() for w in names.get("supercomputer_cues", []) + rel.get("machine_words", [])
                              if " " not in w}
        self.project_nouns = {w.lower() for w in rel.get("project_nouns", []) if " " not in w}
        self.site_nouns = {w.lower() for w in names.get("naming_nouns", []) if " " not in w}
        self.not_factory = PhraseMatcher(nlp.vocab, attr="LOWER")
        others = names.get("antenna_words", []) + names.get("gigafactory_words", [])
        if others:
            self.not_factory.add("OTHER", [nlp.make_doc(w) for w in others])

    def __call__(self, doc: Doc) -> Doc:
        matches = list(self.find(doc))
        return write_spans(doc, "factory", matches)

    def find(self, doc: Doc) -> list[tuple[int, int, str, Any, str]]:
        excluded = {i for _, s, e in self.not_factory(doc) for i in range(s, e)}
        countries = {s.start: s for s in doc.spans.get("place", []) if s.label_ == "COUNTRY"}
        found: list[tuple[Span, str, dict]] = []
        for match_id, s, e in self.known(doc):
            span = doc[s:e]
            key = doc.vocab.strings[match_id]
            if self._near(excluded, s, e):
                continue
            if span.text.casefold() in self.other_things and not self._head_follows(doc, e):
                continue  # "MeluXina-AI" in prose is the machine; the factory is named elsewhere
            found.append((span, "known_alias", {"key": key, "name": span.text}))
        heads = [doc[s:e] for _, s, e in self.heads(doc)]
        heads = _longest_only(heads)
        for head in heads:
            if self._near(excluded, head.start, head.end):
                continue
            plural = _head_key(head) in self.plural_heads
            # a plural head speaks of several factories: no name is made of the words before it
            named = None if plural else self._name_around(doc, head, countries)
            if named is None:
                found.append((head, "unnamed_head", {"key": None, "name": None, "plural": plural}))
                acronym = None if plural else self._acronym_of_unnamed(doc, head)
                if acronym is not None:
                    found.append((acronym, "acronym_in_parens", {"key": None, "name": acronym.text}))
                continue
            span, rule = named
            value: dict[str, Any] = {"key": None, "name": span.text, "head": [head.start_char, head.end_char]}
            if rule == "name_of_host":
                value["key"] = self._key_of_host(doc[head.end:span.end], head)
            if _titled(head):
                value["titled"] = True
            found.append((span, rule, value))
            extra = self._appositive(doc, span) or self._acronym_after(doc, span)
            if extra is None and span.end == head.end:
                # "The French AI Factory, AI2F, ...": the coined name set off after it
                after = self._between_commas(doc, head.end)
                extra = (after, "appositive_after_head") if after is not None else None
            if extra is not None:
                x_span, x_rule = extra
                found.append((x_span, x_rule, {"key": None, "name": x_span.text, "same_as": span.text}))
        found.extend(self._names_after_naming(doc, heads))
        found.extend(self._name_country_pairs(doc, countries))
        found.extend(self._country_name_lines(doc, countries))
        found.extend(self._names_after_demonyms(doc))
        found.extend(self._names_after_places(doc, {i for _, s, e in self.known(doc) for i in range(s, e)}))
        country_tokens = {i for q in doc.spans.get("place", []) if q.label_ == "COUNTRY" for i in range(q.start, q.end)}
        return [(sp.start_char, sp.end_char, "FACTORY_REF" if v.get("name") is None else "FACTORY", v, rule)
                for sp, rule, v in _resolve_overlaps(found, country_tokens)]

    def _head_follows(self, doc: Doc, e: int) -> bool:
        return any(s == e for _, s, _ in self.heads(doc[e:e + 4].as_doc())) if e < len(doc) else False

    @staticmethod
    def _near(excluded: set[int], s: int, e: int) -> bool:
        return any(i in excluded for i in range(s - 2, e + 2))

    def _name_around(self, doc: Doc, head: Span, countries: dict[int, Span]) -> tuple[Span, str] | None:
        # left: "LUMI AI Factory", "Luxembourg AI Factory", "PIAST-AI Factory"
        i = head.start - 1
        taken = 0
        places = {i for s in doc.spans.get("place", []) for i in range(s.start, s.end)}
        headline = _title_case(head.sent)
        while i >= 0 and taken < MAX_NAME_TOKENS:
            tok = doc[i]
            if not _coined(tok) and (tok.lower_ in self.common or (tok.is_sent_start and i not in places)
                                     or (headline and i not in places)):
                break  # a common word, a word capitalised only because a sentence starts with it or a headline
            if is_name_like(tok, self.stop, strict=self.strict_left):
                taken += 1
                i -= 1
            elif tok.text in JOINERS and i > 0 and is_name_like(doc[i - 1], self.stop, strict=self.strict_left) \
                    and not tok.whitespace_ and not doc[i - 1].whitespace_:
                i -= 1
            else:
                break
        if taken:
            return doc[i + 1:head.end], "name_before_head"
        # right: "AI Factory Austria", "KI-Fabrik HammerHAI"
        j = head.end
        if j < len(doc) and j in countries:
            c = countries[j]
            return doc[head.start:c.end], "name_after_head"
        quoted = self._quoted_after(doc, j)
        if quoted is not None:
            return quoted, "quoted_name_after_head"  # "der KI-Fabrik „HammerHAI“"
        between = self._between_commas(doc, j)
        if between is not None:
            return between, "appositive_after_head"  # "The French AI Factory, AI2F, is ..."
        end = j
        while end < len(doc) and end - j < MAX_NAME_TOKENS and (
                is_name_like(doc[end], self.stop, strict=True)
                or (doc[end].text in JOINERS | PLUSES and end > j and not doc[end - 1].whitespace_)
                # "Brain++": a capitalised word made a name by the plus signs it carries
                or (end == j and _coined(doc[end]))
                or (end + 1 < len(doc) and doc[end + 1].text in PLUSES and not doc[end].whitespace_
                    and is_name_like(doc[end], self.stop, strict=False))):
            end += 1
        if end > j:
            return doc[j:end], "name_after_head"
        return self._name_of_host(doc, head)

    def _between_commas(self, doc: Doc, j: int) -> Span | None:
        """A coined name set off by commas right after a factory word; not a known host or
        machine (", CSC," after a factory word is its host)."""
        if j + 2 >= len(doc) or doc[j].text != ",":
            return None
        k = j + 1
        end = _coined_run(doc, k)
        if end == k or end >= len(doc) or doc[end].text != ",":
            return None
        others = _tokens_of(doc, ("org", "supercomputer", "place"))
        return None if any(i in others for i in range(k, end)) else doc[k:end]

    def _quoted_after(self, doc: Doc, j: int) -> Span | None:
        """A name in quotes right after a factory word: one to MAX_NAME_TOKENS tokens, the
        first capitalised, between an opening and a closing quote."""
        if j >= len(doc) or doc[j].text not in QUOTES:
            return None
        k = end = j + 1
        while end < len(doc) and end - k < MAX_NAME_TOKENS and doc[end].text not in QUOTES:
            end += 1
        if end == k or end >= len(doc) or doc[end].text not in QUOTES:
            return None
        if not (_coined(doc[k]) or is_name_like(doc[k], self.stop, strict=False)):
            return None
        return doc[k:end]

    def _name_of_host(self, doc: Doc, head: Span) -> tuple[Span, str] | None:
        """`AI Factory of GRNET`, `Factoría de IA del BSC`, `l'AI Factory de Jülich`: a head,
        a link word and a coined name or a town; plural heads speak of several factories."""
        if _head_key(head) in self.plural_heads:
            return None
        j = head.end
        towns = {s.start: s.end for s in doc.spans.get("place", []) if s.label_ == "CITY"}
        for link in self.links:
            k = j + len(link)
            if k >= len(doc) or _head_key(doc[j:k]) != link:
                continue
            if k in towns:
                return doc[head.start:towns[k]], "name_of_host"
            end = k
            while end < len(doc) and end - k < MAX_NAME_TOKENS and is_name_like(doc[end], self.stop, strict=True):
                end += 1
            if end > k:
                return doc[head.start:end], "name_of_host"
        return None

    def _key_of_host(self, tail: Span, head: Span) -> str | None:
        """The known factory that "<host> <head>" names ("BSC AI Factory" for "AI Factory of BSC")."""
        host = tail.text
        for link in self.links:
            words = host.split(None, len(link))
            if len(words) > len(link) and tuple(w.lower() for w in words[:len(link)]) == link:
                host = words[-1]
                break
        for form in (f"{host} {head.text}", f"{host} AI Factory", f"{host} AIF", f"{host}-AIF"):
            key = self.alias_key.get(fold(form))
            if key:
                return key
        return None

    def _appositive(self, doc: Doc, span: Span) -> tuple[Span, str] | None:
        """`PIAST, the Polish AI Factory`: a coined name followed by a comma and an article."""
        i = span.start - 1
        while i >= 0 and doc[i].text in self.stop and doc[i].is_lower:
            i -= 1
        if i >= 1 and doc[i].text == "," and i < span.start - 1:
            cand = doc[i - 1]
            if is_name_like(cand, self.stop, strict=True):
                return doc[i - 1:i], "appositive_name"
        return None

    def _acronym_after(self, doc: Doc, span: Span) -> tuple[Span, str] | None:
        """`Slovenian AI Factory (SLAIF)`, `(SLAIF; hosted by IZUM)`, `(SLAIF, Maribor)`."""
        e = span.end
        if e + 2 < len(doc) and doc[e].text == "(" and doc[e + 2].text in ACRONYM_ENDS:
            cand = doc[e + 1]
            if is_name_like(cand, self.stop, strict=True):
                return doc[e + 1:e + 2], "acronym_in_parens"
        return None

    def _acronym_of_unnamed(self, doc: Doc, head: Span) -> Span | None:
        """`La Fábrica de IA de Galicia (GALIA)`, `the AI Factory of the North (NAIF)`: a head
        with no name, perhaps followed by a link word and a few capitalised words, and then a
        coined acronym in brackets: the acronym names the factory."""
        e = head.end
        for link in self.links:
            k = e + len(link)
            if k < len(doc) and _head_key(doc[e:k]) == link:
                end = k
                while end < len(doc) and end - k < MAX_NAME_TOKENS and (
                        is_name_like(doc[end], self.stop, strict=False) or doc[end].text in self.stop):
                    end += 1
                e = end
                break
        if e + 2 < len(doc) and doc[e].text == "(" and doc[e + 2].text in ACRONYM_ENDS \
                and is_name_like(doc[e + 1], self.stop, strict=True) and doc[e + 1].text.isupper():
            return doc[e + 1:e + 2]
        return None

    def _names_after_places(self, doc: Doc, known: set[int]) -> list[tuple[Span, str, dict]]:
        """`Linköping: MIMER`, `Stuttgart, Germany – "HammerHAI" at ...`: in a list of sites, a
        coined or quoted name right after a place and a colon or dash is the factory there. A
        known organisation or system there is the host or the machine, unless it is quoted."""
        out = []
        taken = {i for kind in ("org", "supercomputer") for sp in doc.spans.get(kind, []) for i in range(sp.start, sp.end)}
        for p in doc.spans.get("place", []):
            j = p.end
            if j >= len(doc) or doc[j].text not in PLACE_DELIMITERS:
                continue
            if doc[j].text != ":" and not (doc[j - 1].whitespace_ and doc[j].whitespace_):
                continue  # "Baden-Württemberg" is one place; a dash between items has spaces
            j += 1
            quoted = j < len(doc) and doc[j].text in QUOTES
            if quoted:
                j += 1
            end = j
            plain = not quoted and j < len(doc) and is_name_like(doc[j], self.stop, strict=False) \
                and doc[j].lower_ not in self.common and (j + 1 >= len(doc) or doc[j + 1].text in (",", ".", ";"))
            while end < len(doc) and end - j < 3 and (
                    _coined(doc[end]) or ((quoted or plain) and is_name_like(doc[end], self.stop, strict=False))
                    or (doc[end].text in JOINERS | {"++"} and end > j and not doc[end - 1].whitespace_)):
                end += 1
            if end == j or any(i in known for i in range(j, end)):
                continue
            if quoted and (end >= len(doc) or doc[end].text not in QUOTES):
                continue
            if not quoted and (any(i in taken for i in range(j, end)) or (end < len(doc) and doc[end].text == "(")):
                continue
            if any(q.start <= j < q.end for q in doc.spans.get("place", [])):
                continue
            span = doc[j:end]
            out.append((span, "name_after_place", {"key": None, "name": span.text}))
        return out

    def _names_after_naming(self, doc: Doc, heads: list[Span]) -> list[tuple[Span, str, dict]]:
        """`the Poznań AI factory will bear the name PIAST AI`: in a block that speaks of one
        factory, the capitalised or coined words right after a naming cue are its name."""
        singular = sorted((h for h in heads if _head_key(h) not in self.plural_heads), key=lambda h: h.start)
        # a site noun set off by a comma stands for the factory too ("the Poznań facility,
        # called PIAST AI"); nouns for sites name many things otherwise
        sites = {t.i + 2 for t in doc if t.lower_ in self.site_nouns and t.i + 1 < len(doc) and doc[t.i + 1].text == ","}
        if not singular and not sites:
            return []
        out = []
        places = _tokens_of(doc, ("place",))
        for _, s, e in self.naming(doc):
            # the name is the factory's when a factory word comes just before the cue, with
            # no machine word between ("a supercomputer named MeluXina-AI" names the machine)
            before = [h for h in singular if h.end <= s and s - h.end <= 8]
            if s not in sites and (not before or any(t.lower_ in self.machine_words for t in doc[before[-1].end:s])):
                continue
            j = e + 1 if e < len(doc) and doc[e].text in QUOTES else e
            end = j
            while end < len(doc) and end - j < MAX_NAME_TOKENS and end not in places and (
                    _coined(doc[end]) or is_name_like(doc[end], self.stop, strict=end > j)
                    or (doc[end].text in JOINERS | PLUSES and end > j and not doc[end - 1].whitespace_)):
                end += 1
            if end > j and (_coined(doc[j]) or doc[j].lower_ not in self.common):
                out.append((doc[j:end], "name_after_naming", {"key": None, "name": doc[j:end].text}))
        return out

    def _names_after_demonyms(self, doc: Doc) -> list[tuple[Span, str, dict]]:
        """`k italské IT4LIA`, `the Slovenian SLAIF`: a coined name of letters and digits (or
        of five capitals and more) right after a country's adjective, that is no known host,
        machine or place."""
        out = []
        others = _tokens_of(doc, ("org", "supercomputer", "place", "factory"))
        for p in doc.spans.get("place", []):
            if p.label_ != "COUNTRY" or p._.rule != "country.demonym":
                continue
            j = p.end
            if j < len(doc) and doc[j].lower_ in self.project_nouns:
                j += 1  # "u talijanskom projektu IT4LIA"
            if j >= len(doc) or j in others:
                continue
            t = doc[j].text
            coined = (any(c.isdigit() for c in t) and sum(c.isupper() for c in t) >= 2) or (len(t) >= 5 and t.isupper())
            machine = j + 1 < len(doc) and doc[j + 1].lower_ in self.machine_words  # "the German HLRS5 machine"
            if coined and t.isalnum() and not machine:
                out.append((doc[j:j + 1], "name_after_demonym", {"key": None, "name": t}))
        return out

    def _country_name_lines(self, doc: Doc, countries: dict[int, Span]) -> list[tuple[Span, str, dict]]:
        """`Bulgaria (BRAIN++)`: a line that is only a country and a coined name in brackets
        (a heading over each factory of a list) names that country's factory."""
        words = [t for t in doc if not t.is_punct or t.text in PLUSES]
        if len(words) > 6 or len(countries) != 1:
            return []
        c = next(iter(countries.values()))
        k = c.end + 1
        if c.end >= len(doc) or doc[c.end].text != "(":
            return []
        end = _coined_run(doc, k)
        if end == k or end >= len(doc) or doc[end].text != ")" or len(doc[k:end].text) < 3:
            return []
        others = _tokens_of(doc, ("org", "supercomputer"))
        if any(i in others for i in range(k, end)):
            return []
        return [(doc[k:end], "name_after_country", {"key": None, "name": doc[k:end].text})]

    def _name_country_pairs(self, doc: Doc, countries: dict[int, Span]) -> list[tuple[Span, str, dict]]:
        """`PIAST (Poland)` in lists of factories: a coined name then its country in brackets."""
        out = []
        for start, c in countries.items():
            if start >= 2 and doc[start - 1].text == "(" and c.end < len(doc) and doc[c.end].text == ")":
                end = start - 1
                i = end
                # back over a coined name and its joiners ("PIAST-AI", "AI:AT", "BRAIN++"); a plain
                # capitalised word only where an item opens ("Pharos (Greece). GRNET in Athens")
                while i - 1 >= 0 and end - i < MAX_NAME_TOKENS and (
                        is_name_like(doc[i - 1], self.stop, strict=True)
                        or (doc[i - 1].text in JOINERS | {"++"} and not doc[i - 1].whitespace_ and i - 1 > 0)
                        or (i - 1 == 0 and is_name_like(doc[0], self.stop, strict=False)
                            and doc[0].lower_ not in self.common)):
                    i -= 1
                while i < end and doc[i].text in JOINERS:
                    i += 1
                places = {t for q in doc.spans.get("place", []) for t in range(q.start, q.end)}
                if i < end and not any(t in places for t in range(i, end)):
                    span = doc[i:end]
                    out.append((span, "name_country_parens", {"key": None, "name": span.text}))
        return out


QUOTES = {'"', "“", "”", "„", "«", "»", "'", "‘", "’"}
PLUSES = {"+", "++"}
PLACE_DELIMITERS = {":", "–", "—", "-"}


def _coined_run(doc: Doc, k: int) -> int:
    """Where a run of coined tokens from `k` ends: coined words and the joiners or plus signs
    written against them ("PIAST-AI", "AI:AT", "BRAIN++"), at most MAX_NAME_TOKENS."""
    end = k
    while end < len(doc) and end - k < MAX_NAME_TOKENS and (
            _coined(doc[end]) or (doc[end].text in JOINERS | PLUSES and end > k and not doc[end - 1].whitespace_)):
        end += 1
    return end


def _tokens_of(doc: Doc, kinds: tuple[str, ...]) -> set[int]:
    """The tokens inside the spans of these kinds (known hosts, machines, places...)."""
    return {i for kind in kinds for sp in doc.spans.get(kind, []) for i in range(sp.start, sp.end)}


def _coined(tok: Token) -> bool:
    """A token spelled as only a name is: ALLCAPS, inner capitals, letters with digits or
    with plus signs after them."""
    t = tok.text
    return (len(t) >= 2 and t.isupper()) or (t[:1].isupper() and any(c.isupper() for c in t[1:])) \
        or (any(c.isdigit() for c in t) and any(c.isalpha() for c in t)) \
        or (t[:1].isupper() and t.endswith("+") and t.rstrip("+").isalpha())  # "Brain++"


def _title_case(sent: Span) -> bool:
    """A headline written in title case ("Seven Nations Win AI Factory Bids"): every word of
    four letters or more capitalised. Its capitals say nothing of names."""
    words = [t.text for t in sent if t.is_alpha and len(t.text) >= 4]
    return len(words) >= 3 and all(w[0].isupper() for w in words)


def _stop_words(nlp: Language) -> frozenset[str]:
    """The language's stop words (spaCy's lists) with English's, lower-cased."""
    from spacy.lang.en.stop_words import STOP_WORDS as english
    own = getattr(nlp.Defaults, "stop_words", None) or set()
    return frozenset(w.lower() for w in (set(own) | set(english)))


def _head_key(tokens: Span | Doc) -> tuple[str, ...]:
    """A head's tokens, lower-cased with typographic apostrophes folded: how the word
    lists' plural heads are looked up."""
    return tuple(t.lower_.replace("\u2019", "'").replace("\u02bc", "'") for t in tokens)


def _titled(head: Span) -> bool:
    """A head spelled out in title case ("Artificial Intelligence Factory", "Fábrica de
    Inteligencia Artificial"): an official name, even after a country word."""
    words = [t.text for t in head if t.is_alpha and len(t.text) > 3]
    acronym = any(t.text.isupper() and len(t.text) <= 3 for t in head)  # "AI Innovation Factory" is a plain head
    return len(head) >= 3 and bool(words) and not acronym and all(w[0].isupper() and not w.isupper() for w in words)


def _longest_only(spans: list[Span]) -> list[Span]:
    spans = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    for s in spans:
        if out and s.start < out[-1].end:
            continue
        out.append(s)
    return out


def _resolve_overlaps(found: list[tuple[Span, str, dict]], countries: frozenset[int] | set[int] = frozenset()
                      ) -> list[tuple[Span, str, dict]]:
    """Known aliases beat discovered names; longer beats shorter. A discovered name that
    contains a known alias ("LUMI AI Factory" around "LUMI AI Factory") keeps the key, unless
    what it adds is a country ("Suomijos LUMI AI Factory": Finland's LUMI AI Factory)."""
    rank = {"known_alias": 0, "name_before_head": 1, "name_after_head": 1, "quoted_name_after_head": 1,
            "name_after_naming": 1, "name_of_host": 1, "appositive_name": 2, "appositive_after_head": 2,
            "acronym_in_parens": 2, "name_country_parens": 2, "name_after_country": 2, "name_after_demonym": 2,
            "name_after_place": 2, "unnamed_head": 3}
    order = sorted(found, key=lambda f: (rank[f[1]], -(f[0].end - f[0].start), f[0].start))
    kept: list[tuple[Span, str, dict]] = []
    for span, rule, value in order:
        clash = None
        for k in kept:
            if span.start < k[0].end and k[0].start < span.end:
                clash = k
                break
        if clash is None:
            kept.append((span, rule, value))
        elif clash[1] == "known_alias" and rule in ("name_before_head", "name_after_head", "name_of_host") \
                and span.start <= clash[0].start and span.end >= clash[0].end \
                and not any(i in countries for i in range(span.start, span.end)
                            if not clash[0].start <= i < clash[0].end):
            # widen the known alias to the whole name, keeping its key
            kept.remove(clash)
            kept.append((span, "known_alias", {**value, "key": clash[2]["key"]}))
        elif rule == "appositive_name" and clash[1] == "known_alias" and clash[0].start == span.start:
            # "MIMER, the Swedish AI factory": the known name carries the appositive's link
            kept.remove(clash)
            kept.append((clash[0], "known_alias", {**clash[2], "same_as": value.get("same_as")}))
    return sorted(kept, key=lambda f: f[0].start)
