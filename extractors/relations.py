"""Relations: from spans to statements about a subject.

Table rows and list items are read row-wise (a row is about the factory in its name
column); prose is read sentence by sentence: a value belongs to the nearest factory
named in its sentence; a sentence that names none falls back on a singular reference
("the factory", "it") to the last factory named, or on the document's only factory.
A sentence about the initiative as a whole (counts of factories, totals) yields
programme statements with the selection round they concern.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Callable

from spacy.tokens import Doc

from extractors.budgets import Budgets
from extractors.cues import any_substring, contains_word, fold, lexicon, waves
from extractors.knowledge import known_countries as kb_countries
from extractors.knowledge import complete_rounds, factory_keys, known_sites, known_waves
from extractors.mentions import Mention, Sentence, block_sentences, mentions, whole_block
from extractors.programme import ProgrammeFacts
from extractors.reading import UNREAD, contrast_ranges, machine_deployment, reading
from extractors.spans import doc_text, of_block, text_of
from extractors.statement import Statement, canonical_json
from extractors.subjects import Subject
from extractors.tables import TableRows
from sources.document import Block, Document

YEAR_RE = re.compile(r"\b(19|20)\d{2}\b")


class DocumentRelations(TableRows, ProgrammeFacts, Budgets):
    """Turns the annotated blocks of one document into statements (the reading state it
    moves on is declared in `relation_state.py`)."""

    def __init__(self, document: Document, lang: str) -> None:
        self.document = document
        self.doc_id = document.doc_id  # a hash: made once, not per statement
        self.lex = lexicon(lang)
        self.subjects = []
        self.out = []
        self.context_year = document.published_on.year if document.published_on else None
        self.last_subject = None
        self.single_subject = None
        self.redirect = {}
        self.saw_factory_word = False
        self.kb_seen = {}
        self.last_total = {}
        self.block_total = {}
        self.last_shares = {}
        self.about_programme = False
        self.prev_plural = False
        self.plural_block = None
        self.plural_here = False
        self.doc_wave = None
        self.last_wave = None
        self.section_subject = None
        self.resolved = {}
        self.running_year = None
        self.running_month = None
        self.round_operation = {}
        self.round_deployment = {}
        self.joins_set = False
        self.programme_total = None
        self.programme_sum = False
        self.system_topic = False
        self.award_block = None
        self.block_index = -1
        self.section_wave = None

    def spans(self, doc: Doc, kind: str) -> list[Mention]:
        """The mentions of one kind in a block (`mentions.mentions`: read from its spans once,
        kept with the block)."""
        return mentions(doc, kind)

    # -- subjects -----------------------------------------------------------------
    def subject_for(self, doc: Doc, span: Mention) -> Subject | None:
        s = self._subject_for(doc, span)
        return self.redirect.get(id(s), s) if s is not None else None

    def _subject_for(self, doc: Doc, span: Mention) -> Subject | None:
        value = span.value or {}
        name = value.get("name")
        if not name:
            return None
        key = value.get("key")
        folded = fold(name)
        same_as = value.get("same_as")
        for s in self.subjects:
            if (key and s.key == key) or folded in (fold(x) for x in s.forms) or \
                    (same_as and fold(same_as) in (fold(x) for x in s.forms)):
                if name not in s.forms:
                    s.forms.append(name)
                if key and not s.key:
                    s.key = key
                if s.generic_country and s.text == s.forms[0] and self._generic_country(doc, span) is None:
                    s.text = name  # a proper name beats "the Polish AI Factory" as the subject's label
                return s
        s = Subject(text=name, key=key, forms=[name], generic_country=None if key else self._generic_country(doc, span))
        self.subjects.append(s)
        return s

    def _generic_country(self, doc: Doc, span: Mention) -> str | None:
        """The country of a name made only of a country word and a head ("Polish AI Factory",
        "FINNISH AI FACTORY"): such a phrase says where a factory is, not what it is called.
        The block alone decides it: the answer is kept with the block."""
        return of_block(doc, ("generic_country", span.start, span.end), lambda: self._country_of_name(doc, span))

    def _country_of_name(self, doc: Doc, span: Mention) -> str | None:
        value = span.value or {}
        head = value.get("head")
        if not head or value.get("key"):
            return None
        for p in self.spans(doc, "place"):
            if p.label_ == "COUNTRY" and p.start >= span.start and p.end <= span.end:
                rest = [t for t in doc[span.start:span.end] if (t.i < p.start or t.i >= p.end)
                        and not (head[0] <= t.idx < head[1]) and not t.is_punct]
                if not rest:
                    return (p.value or {}).get("country_code")
        return None

    def heading_subject(self, doc: Doc) -> Subject | None:
        """The factory a section is about, from its heading: a factory named there, or the
        one factory of the country that the heading names, or where its machine or host is."""
        for sp in self.spans(doc, "factory"):
            if sp.label_ == "FACTORY":
                return self.subject_for(doc, sp)
        codes = [(p.value or {}).get("country_code") for p in self.spans(doc, "place") if p.label_ == "COUNTRY"]
        for kind in ("supercomputer", "org"):
            for sp in self.spans(doc, kind):
                key = (sp.value or {}).get("key")
                if key and kb_countries().get((kind, key)):
                    codes.append(kb_countries()[(kind, key)])
        codes = list(dict.fromkeys(c for c in codes if c))
        if len(codes) != 1:
            return None
        local = [s for s in self.subjects if not s.is_generic and self.subject_country(s) == codes[0]]
        return local[0] if len(local) == 1 else None

    def named_round(self, doc: Doc, sent: Sentence) -> int | None:
        """The round a text names in words: an ordinal ("the second round") or a number
        next to a round noun ("Round 2", "Runde 2")."""
        r = reading(doc, sent, self.lex)
        if r.ordinal_wave is not None:
            return r.ordinal_wave
        known = {int(w["wave"]) for w in waves()}
        toks = [fold(t.text) for t in doc[sent.start:sent.end]]
        for i, t in enumerate(toks):
            if t in self.lex.round_nouns:
                for j in (i + 1, i - 1):
                    if 0 <= j < len(toks) and toks[j].rstrip(".").isdigit() and int(toks[j].rstrip(".")) in known:
                        return int(toks[j].rstrip("."))
        return None

    def heading_round_date(self, block: Block, doc: Doc) -> None:
        """`Round 2 – March 2025`: a heading that names a round and gives one date with no
        cue of another event (an opening, a deadline) dates the round's selection; its
        factories then take that date (`round_dates`)."""
        sent = whole_block(doc)
        dates = sent.of("date")
        if len(dates) != 1 or sent.of("factory"):
            return
        wave = self.named_round(doc, sent)
        if wave is None:
            return
        deadline, cue, _selection = self.date_roles(doc, sent)[0]
        value = self.resolve_date(dates[0].value or {})
        if deadline or cue or value is None:
            return
        self.emit(None, "selected_on", value, block, dates[0].start_char, dates[0].end_char,
                  "programme.selected_on.round_heading", wave=wave)

    def heading_wave(self, doc: Doc) -> int | None:
        """The round a heading names ("Round 2 – March 2025", "Zweite Runde", "Selected in
        December 2024"): an ordinal, a number after a round noun, or a round's selection month.
        The factories its section lists without a name are of that round."""
        sent = whole_block(doc)
        named = self.named_round(doc, sent)
        if named is not None:
            return named
        for sp in sent.of("date"):
            v = (sp.value or {}).get("value", "")
            for w in waves():
                if len(v) >= 7 and str(w["selected_on"]).startswith(v[:7]):
                    return int(w["wave"])
        return None

    def subject_from_system(self, annotated: list[tuple[Block, Doc]]) -> None:
        """A text that only names a machine which is also a factory's name ("MeluXina-AI")
        is about that factory."""
        aliases = factory_keys()
        for _, doc in annotated:
            for sp in self.spans(doc, "supercomputer"):
                key = aliases.get(fold(sp.text))
                if key:
                    self.subjects.append(Subject(text=sp.text, key=key, forms=[sp.text]))
                    return

    def subject_from_country(self, annotated: list[tuple[Block, Doc]]) -> None:
        """A text about AI factories that names none and speaks of one country only ("Slovenia
        will set up a new supercomputer in Maribor ... together with the AI factory") is
        about that country's factory."""
        codes = {(p.value or {}).get("country_code") for _, doc in annotated
                 for p in self.spans(doc, "place") if p.label_ == "COUNTRY"}
        if len(codes) == 1 and None not in codes:
            self.anonymous(codes.pop()).guessed = True

    def collect_subjects(self, annotated: list[tuple[Block, Doc]]) -> None:
        """First pass: who does the document talk about? Decides the single-subject fallback."""
        for _, doc in annotated:
            for span in self.spans(doc, "factory"):
                self.saw_factory_word = True
                if span.label_ == "FACTORY":
                    self.subject_for(doc, span)
        if not self.subjects:
            self.subject_from_system(annotated)
        if not self.subjects and self.saw_factory_word:
            self.subject_from_country(annotated)
        named = [s for s in self.subjects if not s.is_generic]
        for g in self.subjects:
            if g.is_generic:
                same = [s for s in named if s.key and self.subject_country(s) == g.generic_country]
                if len(same) == 1:
                    self.redirect[id(g)] = same[0]
                    same[0].forms.extend(f for f in g.forms if f not in same[0].forms)
        rounds = {known_waves()[s.key] for s in named if s.key and s.key in known_waves()}
        self.doc_wave = self.text_round(annotated, rounds)
        if len(named) == 1:
            self.single_subject = named[0]
        elif not named and len(self.subjects) == 1:
            self.single_subject = self.subjects[0]
        for _, doc in annotated:
            if self.context_year is not None:
                break
            self.context_year = of_block(doc, ("common_year",), lambda: _common_year(doc_text(doc)))

    def text_round(self, annotated: list[tuple[Block, Doc]], rounds: set[int]) -> int | None:
        """The round a text is about: that of the factories it names, when they are of one; else
        the last round selected by its publication, when it names none, or when it names
        factories of several rounds and either one of that round's, in the weeks after its
        selection, or dates that round's selection ("announced on 10 October" beside the
        first rounds' factories named as background)."""
        if len(rounds) == 1:
            return rounds.pop()
        if not self.document.published_on:
            return None
        seen = str(self.document.published_prefix())
        past = [w for w in waves() if str(w["selected_on"])[:len(seen)] <= seen]
        if not past:
            return None
        latest = past[-1]
        if not rounds:
            return int(latest["wave"])
        if int(latest["wave"]) in rounds and self.document.published_on - date.fromisoformat(
                str(latest["selected_on"])) <= timedelta(days=self.lex.limits["recent_round_days"]):
            return int(latest["wave"])  # a text of the weeks after a round, naming one of its factories
        month = str(latest["selected_on"])[:7]
        for _, doc in annotated:
            if any(str((sp.value or {}).get("value", "")).startswith(month) for sp in self.spans(doc, "date")):
                return int(latest["wave"])
        return None

    # -- emit -----------------------------------------------------------------------
    def emit(self, subject: Subject | None, attribute: str, value: Any, block: Block, start: int, end: int,
             rule: str, *, wave: int | None = None) -> None:
        if value is None:
            return
        if subject is not None and attribute in ("operational_by", "selected_on") and self.before_programme(value):
            return  # a date before the first round is a predecessor's or the host's, never the factory's
        if subject is not None and attribute == "host_org" and fold(str(value)) in self.lex.eu_cues:
            return  # the EU or the JU funds a factory; it hosts none
        if subject is not None and subject.guessed and (attribute == "supercomputer" or value == "upgrade"):
            return  # a text naming no factory speaks of the country's machines as they are, not of the factory's
        scope = "factory" if subject is not None else "programme"
        if subject is None and wave is not None:
            self.last_wave = wave  # the round the text was last speaking of
        # positional: emit makes every statement, and keyword packing costs more than the rest
        self.out.append(Statement(
            self.doc_id, self.document.source_name, scope, subject.text if subject else None,
            subject.key if subject else None, attribute, canonical_json(value), block.text[start:end],
            block.index, start, end, rule, wave if wave is not None or subject is None else subject.wave))

    def before_programme(self, value: Any) -> bool:
        """A date whose year is before the first round's (waves.yaml)."""
        v = str((value or {}).get("value", "")) if isinstance(value, dict) else ""
        first = min((str(w["selected_on"])[:4] for w in waves()), default="")
        return bool(first) and v[:4].isdigit() and v[:4] < first

    def resolve_date(self, value: dict) -> dict | None:
        return self.resolved.get(id(value), value if not value.get("value", "").startswith("--") else None)

    def track_dates(self, sent: Sentence) -> None:
        """Give a year to dates written without one, as a reader does: the document's date
        when it has one, else the narrative's: the year of the last date read, moved on by
        one when the month goes back ("December 10 ... February 1" crosses a new year)."""
        for sp in sent.of("date"):
            if not sp.value:
                continue
            v = sp.value.get("value", "")
            if v.startswith("--"):
                month = int(v[2:4]) if v[2:4].isdigit() else None
                year: int | None
                if self.document.published_on is not None:
                    year = self.document.published_on.year
                elif self.running_year is not None:
                    year = self.running_year
                    if month and self.running_month and month < self.running_month:
                        year += 1
                else:
                    year = self.context_year
                if year is None:
                    continue
                self.resolved[id(sp.value)] = {**sp.value, "value": f"{year}{v[1:]}"}
                self.running_year, self.running_month = year, month or self.running_month
            elif v[:4].isdigit():
                self.running_year = int(v[:4])
                self.running_month = int(v[5:7]) if v[5:7].isdigit() else None

    # -- prose ------------------------------------------------------------------------
    def sentence(self, block: Block, doc: Doc, sent: Sentence) -> None:
        self.block_index = block.index
        self.joins_set = False
        r = reading(doc, sent, self.lex)
        # "the factories", "the seven sites", "the consortia": in a text about AI Factories a
        # plural noun that stands for them makes the sentence one about a set
        plural_here = r.plural_ref or (self.saw_factory_word and not r.names and self.set_noun(doc, r)) \
            or (self.prev_plural and not r.names and self.opens_with_plural_anaphor(doc, sent)) \
            or (self.saw_factory_word and not r.names and self.opens_with_round_count(doc, sent))
        prev_plural = self.prev_plural
        self.plural_here = plural_here
        self.about_programme = plural_here or self.prev_plural or self.plural_block == block.index
        self.prev_plural = plural_here and block.kind != "heading"  # a title is no part of the discourse
        if plural_here:
            self.plural_block = block.index
        if r.bare:
            # nothing to read: the sentence only moves the discourse on (no anchor, no reference)
            self.programme_sum = self.about_programme and r.programme_cue
            return
        self.track_dates(sent)
        if self.saw_factory_word:
            self.said_today(block, doc, sent, sent.folded)
        s0 = sent.start
        named: list[tuple[Mention, Subject]] = []
        for sp in r.names:
            subj = self.subject_for(doc, sp)
            if subj is not None:
                named.append((sp, subj))
        refs = r.refs
        text_f = sent.folded
        for sp, subj in named:
            self.emit_name(subj, doc, sp, block)
        anchors: list[tuple[int, Subject, str]] = [(sp.start, subj, "sentence") for sp, subj in named]
        # "AI2F was chosen alongside projects from A, B and C": a partner cue that opens a
        # counted set joins factories to the named one, not partners to its consortium
        self.joins_set = bool(anchors) and r.partner_cue and self.cue_joins_set(doc, sent)
        if anchors and ((r.plural_ref and not r.partner_cue) or self.joins_set):
            self.listed_beside_named(block, doc, sent, anchors)
        if anchors and r.deployment and not r.partner_cue:
            self.countries_of_other_clause(block, doc, sent, anchors)
        programme_like = plural_here and not named
        site_words = self.saw_factory_word and r.site_word
        topic = self.topic_of(doc, sent) if not anchors and not plural_here and not site_words else None
        if topic is not None:
            subj = self.country_subject(topic)
            self.last_subject = subj
            self.values(block, doc, sent, [(s0, subj, "topic")], text_f, False)
            return
        own = self.country_noun_of(doc, sent) if not anchors and not plural_here else None
        if own is not None:
            subj = self.country_subject(own)
            self.last_subject = subj
            self.values(block, doc, sent, [(s0, subj, "unnamed")], text_f, False)
            return
        # "These were set up in A, B and C" right after a sentence about several factories: the
        # set goes on, one factory per country
        set_goes_on = (not anchors and not refs and prev_plural and block.kind != "heading"
                       and len(self.place_view(doc, sent)[2]) >= 2)
        # "Austria, Bulgaria and Poland will install new AI-optimised systems": countries that
        # buy or upgrade machines, in a text about factories, stand for their factories
        buyers = (not anchors and not refs and self.saw_factory_word and r.deployment is not None
                  and len(self.place_view(doc, sent)[2]) >= 2)
        # "... together with five more factories, in Germany, France and Austria": a counted set
        # of factories listed by country
        counted = (not anchors and (plural_here or (self.saw_factory_word and bool(self.counts_others(doc, sent))))
                   and not refs and block.kind != "heading"
                   and len(self.place_view(doc, sent)[2]) >= 2 and self.counted_before_places(doc, sent))
        # "In the third round the winners were A, B and C": countries a sentence selects in a
        # round it names stand for that round's factories
        round_winners = (not anchors and not refs and self.saw_factory_word and r.ordinal_wave is not None
                         and block.kind != "heading" and len(self.place_view(doc, sent)[2]) >= 2
                         and bool(contains_word(text_f, self.lex.selection_cues)))
        # "Factories were also selected in A, B and C": a set the sentence selects, by country
        selected_set = (not anchors and (plural_here or site_words) and not refs and block.kind != "heading"
                        and len(self.place_view(doc, sent)[2]) >= 2
                        and bool(contains_word(text_f, self.lex.selection_cues)))
        listed = set_goes_on or buyers or counted or round_winners or selected_set
        if not anchors and (refs or site_words or listed) and (
                not r.partner_cue or ((counted or selected_set) and self.cue_joins_set(doc, sent))):
            if self.unnamed_by_country(block, doc, sent, refs, text_f,
                                       plural_nouns=site_words or listed,
                                       wave=self.last_wave if set_goes_on else None):
                return
        if not anchors and (plural_here or site_words or r.plural_ref) and not r.partner_cue \
                and block.kind != "heading" and self.unnamed_by_city(block, doc, sent, text_f):
            return
        if not anchors and not refs and block.kind == "list_item" and self.saw_factory_word:
            subj = self.item_subject(doc, sent)
            if subj is not None:
                # "Host – City, Country" in a list of sites: the item is about that country's factory
                self.last_subject = subj
                self.values(block, doc, sent, [(s0, subj, "item")], text_f, False)
                return
        if not anchors and r.partner_cue and (self.partners_by_site(block, doc, sent)
                                              or self.host_with_partners(block, doc, sent)):
            return
        singular_ref = r.singular_ref
        # "together the sites represent €1.5 billion": a sum of several factories, not of the one
        # a fallback would guess
        self.programme_sum = (not anchors and self.about_programme and not singular_ref
                              and r.programme_cue)
        if not anchors:
            fallback = None
            if (singular_ref or r.anaphor) and self.last_subject is not None:
                fallback = (self.last_subject, "coref")
            elif self.section_subject is not None and not programme_like:
                fallback = (self.section_subject, "section")
            elif self.single_subject is not None and not programme_like:
                fallback = (self.single_subject, "doc_subject")
            if fallback is not None:
                anchors = [(s0, fallback[0], fallback[1])]
        else:
            self.last_subject = anchors[-1][1]
        self.values(block, doc, sent, anchors, text_f, programme_like or not anchors)

    def countries_of_other_clause(self, block: Block, doc: Doc, sent: Sentence, anchors: list) -> None:
        """`New machines will be bought in A, B and C, while the X AI Factory upgrades its own`:
        a clause that names no factory but lists countries with a system and a new/upgrade word
        gives each of those countries' factories its country and that word."""
        lex = self.lex
        if not lex.clause_breaks:
            return
        breaks = [t.i for t in doc[sent.start:sent.end] if fold(t.text) in lex.clause_breaks]
        if not breaks:
            return
        wave = None
        for lo, hi in zip([sent.start] + [b + 1 for b in breaks], breaks + [sent.end]):
            if any(lo <= a[0] < hi for a in anchors):
                continue
            countries = [p for p in sent.of("place") if p.label_ == "COUNTRY" and lo <= p.start < hi
                         and (p.value or {}).get("country_code") and not self.negated(doc, p, sent)]
            if len({p.value["country_code"] for p in countries}) < 2:
                continue
            clause = fold(doc[lo:hi].text)
            if not (contains_word(clause, lex.sc_cues) or contains_word(clause, lex.machine_words)):
                continue
            word = ("upgrade" if contains_word(clause, lex.upgrade_words)
                    else "new" if contains_word(clause, lex.new_words) else None)
            if word is None:
                continue
            wave = wave if wave is not None else self.wave_of(sent, sent.folded)
            for p in countries:
                member = self.country_subject(p.value["country_code"], wave)
                self.emit(member, "country", p.value["country_code"], block, p.start_char, p.end_char,
                          "country.clause_countries")
                self.emit(member, "deployment", word, block, doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text),
                          "deployment.clause_countries")

    def counts_others(self, doc: Doc, sent: Sentence) -> list[int]:
        """`together with five others: A, B, C`, `samen met vijf andere`: where a number before a
        word for "other(s)" counts further factories (token indices of those words)."""
        lex = self.lex
        out = []
        for t in doc[sent.start + 1:sent.end]:
            prev = fold(doc[t.i - 1].text)
            if fold(t.text) in lex.count_others and (prev in lex.count_words or prev.isdigit()):
                out.append(t.i)
        return out

    def counted_before_places(self, doc: Doc, sent: Sentence) -> bool:
        """A number counts a factory noun ("five more factories") or "others" ("five others")
        before the first country: the countries that follow are that set's, not candidates or
        partners named after it."""
        first = min((p.start for p in sent.of("place") if p.label_ == "COUNTRY"), default=sent.end)
        lex = self.lex
        if any(i < first for i in self.counts_others(doc, sent)):
            return True
        for i, _ in sent.reading.noun_heads:
            if 0 < i < first and i - 1 >= sent.start:
                for j in range(max(sent.start, i - 2), i):
                    w = fold(doc[j].text)
                    if w in self.lex.count_words or doc[j].text.isdigit():
                        return True
        return False

    def cue_joins_set(self, doc: Doc, sent: Sentence) -> bool:
        """`together with five more factories, in A, B and C`, `together with five others`: a
        partner cue whose next words are the counted set joins factories to the text's, not partners to a consortium."""
        words = [fold(t.text) for t in doc[sent.start:sent.end]]
        heads = [i - sent.start for i, _ in sent.reading.noun_heads] + [
            i for i, w in enumerate(words) if w in self.lex.count_others]  # "together with five others"
        for cue in self.lex.partner_cues:
            c = tuple(cue.split())
            for i in range(len(words) - len(c) + 1):
                if tuple(words[i:i + len(c)]) == c and any(0 < h - (i + len(c)) + 1 <= 3 for h in heads):
                    return True
        return False

    def listed_beside_named(self, block: Block, doc: Doc, sent: Sentence, anchors: list) -> None:
        """`BRAIN++ was approved on 12 March, together with five more factories in Germany,
        France, Austria, Poland and Slovenia`: the countries listed after a plural factory noun
        in a sentence that names one factory are the other members of its set, each its
        country's factory of the named one's round."""
        refs = sent.reading.refs
        first_plural = min([sp.start for sp in refs if (sp.value or {}).get("plural")]
                           + [i for i, _ in sent.reading.noun_heads] if self.joins_set else
                           [sp.start for sp in refs if (sp.value or {}).get("plural")], default=None)
        if first_plural is None:
            return
        names = [(sp.start, sp.end) for sp in sent.reading.names]
        countries = [p for p in sent.of("place") if p.label_ == "COUNTRY" and p.start > first_plural
                     and (p.value or {}).get("country_code")
                     and not any(a <= p.start < b for a, b in names) and not self.negated(doc, p, sent)]
        codes = list(dict.fromkeys(p.value["country_code"] for p in countries))
        if len(codes) < 2:
            return
        rounds = {known_waves().get(a[1].key or "") for a in anchors} - {None}
        wave = rounds.pop() if len(rounds) == 1 else None
        named = [a[1] for a in anchors]
        for p in countries:
            member = self.country_subject(p.value["country_code"], wave)
            if any(member is n for n in named):
                continue
            self.emit(member, "country", p.value["country_code"], block, p.start_char, p.end_char,
                      "country.listed_beside_named")

    def country_noun_of(self, doc: Doc, sent: Sentence) -> str | None:
        """`The Czech factory will be run by ...`, `Romania's bid`, `la fábrica española`: a
        country word joined to a singular noun for a factory (`country_nouns`, with only
        `country_noun_modifiers` between) stands for that country's factory. The sentence is
        about it when it joins one country so, in a text about AI Factories."""
        lex = self.lex
        if not lex.country_nouns or not self.saw_factory_word:
            return None
        words = [fold(t.text) for t in doc[sent.start:sent.end]]
        mods = lex.country_noun_modifiers

        def noun_at(i: int) -> int:
            """Length of the country noun starting at word i (0: none)."""
            for n in lex.country_nouns:
                if tuple(words[i:i + len(n)]) == n:
                    return len(n)
            return 0

        found: set[str] = set()
        for p in sent.of("place"):
            cc = (p.value or {}).get("country_code")
            if p.label_ != "COUNTRY" or not cc:
                continue
            a, b = p.start - sent.start, p.end - sent.start
            j = b
            while j < len(words) and j - b < 3 and words[j] in mods:
                j += 1
            if j < len(words) and noun_at(j):
                found.add(cc)
                continue
            if p.rule != "country.demonym":
                continue  # "the factory Spain ...": only an adjective follows its noun
            k = a
            while k > 0 and a - k < 2 and words[k - 1] in mods:
                k -= 1
            if any(k - n >= 0 and noun_at(k - n) == n for n in range(1, 4)):
                found.add(cc)
        if not found:
            found = self.country_with_factory(sent, words, noun_at)
        return found.pop() if len(found) == 1 else None

    def country_with_factory(self, sent: Sentence, words: list[str], noun_at: Callable[[int], int]) -> set[str]:
        """`Denmark joins with a second factory, in Aalborg`, `Polska otrzyma drugą fabrykę`: the one
        country a sentence names, and after it, within eight words, a factory noun that a
        modifier opens ("second", "new", "own"), is that country's factory of the text's round."""
        if sent.reading.partner_cue:
            return set()
        countries = [p for p in sent.of("place") if p.label_ == "COUNTRY"]
        codes = {str((p.value or {}).get("country_code") or "") for p in countries}
        if len(codes) != 1 or "" in codes:
            return set()
        b = countries[0].end - sent.start
        mods = self.lex.country_noun_modifiers
        for j in range(b + 1, min(len(words), b + 9)):
            if words[j - 1] in mods and not words[j - 1].startswith(("'", "’")) and noun_at(j):
                return codes
        return set()

    def opens_with_plural_anaphor(self, doc: Doc, sent: Sentence) -> bool:
        """`They are to go live in 2026`, `De ska tas i drift 2025–2026` right after a sentence
        about several factories: "they" are those factories."""
        words = tuple(fold(t.text) for t in doc[sent.start:min(sent.end, sent.start + 3)])
        return any(words[:len(c)] == c for c in self.lex.plural_anaphors)

    def opens_with_round_count(self, doc: Doc, sent: Sentence) -> bool:
        """`The six are expected to run by 2026`, `All seven will ...`, `Each of the six ...`: a
        sentence that opens with a round's size after an article or a quantifier speaks of
        that round's factories."""
        lex = self.lex
        for k, t in enumerate(doc[sent.start:min(sent.end, sent.start + 4)]):
            w = fold(t.text)
            n = int(w) if w.isdigit() and len(w) <= 2 else lex.count_words.get(w)
            if n is not None:
                return k > 0 and any(int(r["count"]) == n for r in waves())
            if w not in lex.count_openers:
                return False
        return False

    def item_subject(self, doc: Doc, sent: Sentence) -> Subject | None:
        """The factory a list item that names no factory is about: the one of the only country
        it names (or where its only plausible city, known host or system lies). An item naming
        several countries is a list of its own, not a site."""
        if sent.reading.partner_cue:
            return None
        cities, countries, codes = self.place_view(doc, sent)
        if not codes:
            found: set[str] = set()
            for p in cities:
                v = p.value or {}
                found.update(v.get("country_codes") or [v.get("country_code")])
            for kind in ("org", "supercomputer"):
                for sp in sent.of(kind):
                    cc = kb_countries().get((kind, str((sp.value or {}).get("key") or "")))
                    if cc:
                        found.add(cc)
            codes = [c for c in found if c]
        if len(codes) != 1:
            return None
        return self.country_subject(codes[0])

    def topic_of(self, doc: Doc, sent: Sentence) -> str | None:
        """`topic_country`, asked once per sentence (it reads the sentence alone)."""
        r = sent.reading
        if r.topic is UNREAD:
            r.topic = self.topic_country(doc, sent)
        return r.topic

    def topic_country(self, doc: Doc, sent: Sentence) -> str | None:
        """`As for Spain, its AI Factory ...`, `In Deutschland, ...`: a sentence that opens with a
        topic cue, one country and a comma is about that country's factory, whatever "its"
        or "it" would otherwise point back to."""
        cues = self.lex.topic_cues
        s0, s1 = sent.start, sent.end
        if s1 - s0 < 3 or fold(doc[s0].text) not in self.lex.topic_firsts:
            return None
        countries = {p.start: p for p in self.spans(doc, "place")
                     if p.label_ == "COUNTRY" and s0 < p.start < min(s1, s0 + 7)}
        if not countries:
            return None
        words = tuple(fold(t.text) for t in doc[s0:min(s1, s0 + 6)])
        for n in range(1, len(words)):
            p = countries.get(s0 + n)
            if p is None or words[:n] not in cues:
                continue
            comma = next((i for i in range(p.end, min(s1, p.end + 2)) if doc[i].text == ","), None)
            if comma is None or comma + 1 in countries or any(
                    q.start == comma + 1 for q in self.spans(doc, "place") if q.label_ == "COUNTRY"):
                return None  # "In Austria, Bulgaria and France, ...": a list, not a topic
            return (p.value or {}).get("country_code")
        return None

    def country_subject(self, cc: str, wave: int | None = None) -> Subject:
        """The factory of country `cc` (in round `wave`, by default the section's or the
        document's): the one the text names there, when it names one of that round; else that
        country's unnamed factory of the round. A factory of another round of the same country
        is never taken for it."""
        if wave is None:
            wave = self.section_wave if self.section_wave is not None else self.doc_wave
        said = {st.subject_text for st in self.out if st.attribute == "country" and st.value_json.strip('"') == cc}
        if wave is not None and cc not in complete_rounds().get(wave, {cc}):
            wave = None  # that round had no factory there: the country's factory the text names
        local = [s for s in self.subjects if not s.is_generic and s.forms
                 and (self.subject_country(s) == cc or (self.subject_country(s) is None and s.text in said))
                 and (wave is None or s.key is None or known_waves().get(s.key) in (None, wave))]
        if len(local) == 1:
            return self.redirect.get(id(local[0]), local[0])
        return self.anonymous(cc, wave)

    def negated(self, doc: Doc, p: Mention, sent: Sentence) -> bool:
        """`not in France`, `pas en France`, `nicht in Deutschland`: a place right after a
        negation is where the factory is not."""
        neg = self.lex.negations
        return sent.reading.negation and any(fold(t.text) in neg for t in doc[max(sent.start, p.start - 3):p.start])

    @staticmethod
    def said_of_factory(sent: Sentence, anchors: list) -> bool:
        """The sentence speaks of a factory itself (names it, refers to one, or says "it"),
        not only of something else that opened (a call, a building)."""
        return any(a[2] in ("sentence", "topic", "unnamed") for a in anchors) \
            or any(not (sp.value or {}).get("plural") for sp in sent.of("factory")) \
            or sent.reading.anaphor

    def anonymous(self, cc: str | None, wave: int | None = None) -> Subject:
        """The factory of a country that the text does not name ("an AI factory in Slovenia")."""
        wave = wave if wave is not None else self.section_wave
        mine = [s for s in self.subjects if s.key is None and not s.forms and s.generic_country == cc]
        same = [s for s in mine if s.wave == wave]
        if not same and wave is None and len(mine) == 1:
            same = mine  # a round-less mention of the one factory of that country the text has
        if not same and wave is not None:
            same = [s for s in mine if s.wave is None]  # a round learnt later: the same factory
        if same:
            s = same[0]
            if s.wave is None and wave is not None:
                s.wave = wave  # its label stays: statements already carry it
            return s
        text = f"(unnamed AI Factory, {cc}, round {wave})" if wave is not None else f"(unnamed AI Factory, {cc})"
        s = Subject(text=text, forms=[], generic_country=cc, wave=wave)
        self.subjects.append(s)
        return s

    def unnamed_by_country(self, block: Block, doc: Doc, sent: Sentence, refs: list[Mention], text_f: str,
                           plural_nouns: bool = False, wave: int | None = None) -> bool:
        """`new AI factories will be set up in Austria, Bulgaria and France`: one unnamed
        factory per country listed with a factory word. Returns True when it took the sentence."""
        countries = [p for p in sent.of("place")
                     if p.label_ == "COUNTRY"
                     and not any(p.start >= r.start and p.end <= r.end for r in refs)
                     and not self.negated(doc, p, sent) and not self.dateline_city(doc, sent, p)]
        codes = list(dict.fromkeys((p.value or {}).get("country_code") for p in countries))
        if not codes or None in codes:
            return False
        plural = plural_nouns or any((r.value or {}).get("plural") for r in refs)
        if not plural and len(codes) != 1:
            return False
        if len(codes) > 1 and any(p.rule == "country.demonym" for p in countries):
            return False  # "the Spanish and Finnish sites": adjectives of a comparison, not a list of sites
        counts = [n for n, other, _, _ in self.counted(doc, sent, False) if not other]
        if len(codes) > 1 and counts and all(n < len(codes) for n in counts):
            return False  # "Germany, Poland and Spain each host two AI Factories": counts per country, no set
        wave = wave if wave is not None else self.wave_of(sent, text_f)
        if wave is None and len(codes) > 1:
            wave = self.wave_of(sent, text_f, count=len(codes))  # one host country per factory of the round
        deployment = reading(doc, sent, self.lex).deployment if len(codes) > 1 else None
        pairs = self.city_country_pairs(doc, sent) if len(codes) > 1 else {}
        members: list[Subject] = []
        for p in countries:
            cc = p.value["country_code"]
            member = self.country_subject(cc, wave)
            if all(m is not member for m in members):
                members.append(member)
            self.emit(member, "country", cc, block, p.start_char, p.end_char, "country.unnamed_factory")
            if deployment:
                # "A and B get new machines, whereas the sites in C and D are upgraded": each
                # country takes the word of its own clause
                own = self.clause_deployment(doc, sent, p) or deployment
                self.emit(member, "deployment", own, block, sent.start_char,
                          sent.end_char, "deployment.unnamed_factories")
            city = pairs.get(p.start)
            if city is not None:
                v = city.value or {}
                self.emit(member, "city", v.get("city") or city.text, block, city.start_char, city.end_char,
                          "city.city_country_pair")
        if len(codes) == 1:
            subj = self.country_subject(str(codes[0]), wave)
            self.last_subject = subj
            self.values(block, doc, sent, [(sent.start, subj, "unnamed")], text_f, False)
        else:
            self.counts(block, doc, sent, text_f)
            if self.about_programme:
                self.money(block, doc, sent, [], text_f, True, lambda i: None, wave=wave)
            # "In December 2024 seven sites were chosen, in A, B and C": the round's date, and
            # so the date of each factory of it the text speaks of
            self.dates(block, doc, sent, [], text_f, True, lambda i: None, members)
        return True

    def unnamed_by_city(self, block: Block, doc: Doc, sent: Sentence, text_f: str) -> bool:
        """`the factories of Kajaani, Stuttgart, Athens and Bissen were chosen the same day`:
        a sentence about several factories that lists their cities (and no country) right
        after its word for them gives each city's factory its city and country. Returns True
        when it took the sentence."""
        cities, _countries, codes = self.place_view(doc, sent)
        if codes or len(cities) < 2:
            return False
        first = min(p.start for p in cities)
        heads = [sp.end for sp in sent.of("factory") if (sp.value or {}).get("plural")] + [
            i + 1 for i, _ in sent.reading.noun_heads] + [
            t.i + 1 for t in doc[sent.start:first] if fold(t.text) in self.lex.site_nouns]
        if not any(0 <= first - end <= 2 for end in heads):
            return False  # the list is not the factories' own ("... hosted in centres in A, B and C")
        wave = self.wave_of(sent, text_f)
        members: list[Subject] = []
        for p in cities:
            v = p.value or {}
            cc = v.get("country_code")
            if not cc:
                continue
            member = self.country_subject(str(cc), wave)
            if any(m is member for m in members):
                continue  # two cities of one country in one list: which is whose, the text does not say
            members.append(member)
            self.emit(member, "city", v.get("city") or p.text, block, p.start_char, p.end_char, "city.city_set")
            self.emit(member, "country", cc, block, p.start_char, p.end_char, "country.city_set")
        if not members:
            return False
        self.counts(block, doc, sent, text_f)
        self.dates(block, doc, sent, [], text_f, True, lambda i: None, members)
        return True

    def set_noun(self, doc: Doc, r: Any) -> bool:
        """A plural noun standing for factories after an article, a number or a counting
        adjective ("the factories", "all seven sites", "the new hubs"), or definite by its own
        ending ("fabrikerna"); not a compound's head ("data centres")."""
        lex = self.lex
        for i, _ in r.noun_heads:
            if fold(doc[i].text) in lex.definite_plurals:
                return True  # "fabrikerna": the article is its ending
            if i > 0:
                prev = fold(doc[i - 1].text)
                if prev in lex.count_breaks or prev in lex.count_adjectives or prev in lex.count_words \
                        or doc[i - 1].text.isdigit():
                    return True
        return False

    def clause_deployment(self, doc: Doc, sent: Sentence, p: Mention) -> str | None:
        """`new` or `upgrade` as the clause around a place says it: clauses end at a clause
        break (configs/lexicon/relations: `clause_breaks`, "whereas", "while", ";")."""
        breaks = self.lex.clause_breaks
        if not breaks:
            return None
        lo, hi = sent.start, sent.end
        for t in doc[sent.start:p.start]:
            if fold(t.text) in breaks:
                lo = t.i + 1
        for t in doc[p.end:sent.end]:
            if fold(t.text) in breaks:
                hi = t.i
                break
        if lo == sent.start and hi == sent.end:
            return None
        clause = fold(doc[lo:hi].text)
        if contains_word(clause, self.lex.upgrade_words):
            return "upgrade"
        if contains_word(clause, self.lex.new_words):
            return "new"
        return None

    def city_country_pairs(self, doc: Doc, sent: Sentence) -> dict[int, Mention]:
        """`Barcelona, Spain; Bologna, Italy; ...`, `Kajaani (Finland)`: a city right before a
        country it lies in, by the country's token: that country's factory is in that city."""
        cities, countries, _ = self.place_view(doc, sent)
        out: dict[int, Mention] = {}
        starts = {p.start: p for p in countries}
        for c in cities:
            j = c.end
            if j < sent.end and doc[j].text in (",", "("):
                p = starts.get(j + 1)
                v = c.value or {}
                if p is not None and (p.value or {}).get("country_code") in (v.get("country_codes") or [v.get("country_code")]):
                    out[p.start] = c
        return out

    def emit_name(self, subj: Subject, doc: Doc, sp: Mention, block: Block) -> None:
        value = sp.value or {}
        if subj.is_generic or (value.get("key") is None and self._generic_country(doc, sp)):
            cc = self._generic_country(doc, sp)
            if cc:
                self.emit(subj, "country", cc, block, sp.start_char, sp.end_char, "country_in_name")
            if value.get("titled") and not self.company_follows(doc, sp):
                # "Slovenian Artificial Intelligence Factory": an official name (but "... S.A." is a firm)
                self.emit(subj, "name", sp.text, block, sp.start_char, sp.end_char, "name.titled_head")
            return
        self.emit(subj, "name", sp.text, block, sp.start_char, sp.end_char, f"name.{sp.rule}")
        for p in self.spans(doc, "place"):
            if p.label_ == "COUNTRY" and p.start >= sp.start and p.end <= sp.end:
                self.emit(subj, "country", p.value["country_code"], block, p.start_char, p.end_char, "country_in_name")

    def company_follows(self, doc: Doc, sp: Mention) -> bool:
        nxt = doc[sp.end:sp.end + 3]
        return any(fold("".join(t.text for t in nxt[:n])) in self.lex.company_forms for n in (1, 2, 3))

    def values(self, block: Block, doc: Doc, sent: Sentence, anchors: list[tuple[int, Subject, str]], text_f: str,
               programme: bool) -> None:
        s0, s1 = sent.start, sent.end
        lex = self.lex

        def nearest(tok_i: int) -> tuple[Subject, str] | None:
            if not anchors:
                return None
            before = [a for a in anchors if a[0] <= tok_i]
            a = before[-1] if before else anchors[0]
            return a[1], a[2]

        r = sent.reading
        name_tokens = self.name_tokens(doc)
        if not self.joins_set:  # the places after "together with projects from" are the set's
            self.places(block, doc, sent, anchors, r.partner_cue, nearest)
        contrast = self.contrast_chars(sent)
        for kind, named_attr in (("org", "host_org"), ("supercomputer", "supercomputer")):
            hosts_end = None  # where the last host of the sentence ends: a name joined to it is one too
            for sp in sent.of(kind):
                if kind == "supercomputer" and any(a <= sp.start_char - sent.start_char < b for a, b in contrast):
                    continue  # "rather than an extension of Karolina": not the factory's machine
                if sp.start not in name_tokens:
                    near = nearest(sp.start)
                    discovered = kind == "org" and sp.rule == "org_head"  # not known: only with a cue
                    joined = kind == "org" and hosts_end is not None and self.joined(doc, hosts_end, sp.start)
                    if discovered and not joined and near is not None and near[1] in ("coref", "section", "doc_subject"):
                        continue  # a new organisation in a sentence naming no factory: a person's, an event's
                    if kind == "org" and near is not None and (near[1] not in ("sentence", "item") or (
                            discovered and near[1] != "item")) \
                            and not joined and not self.host_cue_near(doc, sp, s0, s1):
                        continue  # an organisation in a sentence that does not name the factory
                    if near is not None and self.fits(near[0], kind, sp):
                        self.emit(near[0], named_attr, sp.text, block, sp.start_char, sp.end_char, f"{named_attr}.{near[1]}.{sp.rule}")
                        hosts_end = sp.end
        self.money(block, doc, sent, anchors, text_f, programme, nearest)
        self.dates(block, doc, sent, anchors, text_f, programme, nearest)
        if anchors and not programme:
            deployment = r.deployment
            if deployment:
                subj, how = anchors[0][1], anchors[0][2]
                self.emit(subj, "deployment", deployment, block, sent.start_char, sent.end_char, f"deployment.{how}")
        elif not anchors and self.plural_here and r.deployment:
            self.note_round_deployment(block, doc, sent, text_f)
        self.counts(block, doc, sent, text_f)

    def contrast_chars(self, sent: Sentence) -> list[tuple[int, int]]:
        """The sentence's contrast parts (`contrast_ranges`), as offsets into its text; none when
        folding changed the text's length (the offsets would not line up)."""
        f = sent.folded
        if not self.lex.contrast_cues or len(f) != len(sent.text) or not any_substring(f, self.lex.contrast_cues):
            return []
        return contrast_ranges(f, self.lex)

    def note_round_deployment(self, block: Block, doc: Doc, sent: Sentence, text_f: str) -> None:
        """`Each of the six will get a new AI-optimised supercomputer`: new or upgrade said of a
        whole round is said of each of its factories. Only when the words sit at a machine word
        (a "new" before "AI Factories" says nothing of machines) and the sentence counts the
        round by its size, with no other number ("two of the six will upgrade" is a part)."""
        value = machine_deployment(sent, self.lex)
        if value is None:
            return
        wave = self.wave_of(sent, text_f)
        size = next((int(w["count"]) for w in waves() if w["wave"] == wave), None)
        counts = self.sentence_counts(doc, sent)
        if not counts or any(n != size for n in counts):
            return  # "the investment will bring new machines": the programme's aim, not each factory's
        self.round_deployment.setdefault(wave, (value, block.index, sent.start_char, sent.end_char, block.text))

    def sentence_counts(self, doc: Doc, sent: Sentence) -> list[int]:
        """The small numbers a sentence counts with (words or digits), outside its dates and sums."""
        inside = {i for kind in ("date", "money") for sp in sent.of(kind) for i in range(sp.start, sp.end)}
        out = []
        for t in doc[sent.start:sent.end]:
            if t.i in inside:
                continue
            n = int(t.text) if t.text.isdigit() and len(t.text) <= 2 else self.lex.count_words.get(fold(t.text))
            if n is not None:
                out.append(n)
        return out

    def dates(self, block: Block, doc: Doc, sent: Sentence, anchors: list[tuple[int, Subject, str]], text_f: str,
              programme: bool, nearest: Callable[[int], tuple[Subject, str] | None],
              members: list[Subject] | None = None) -> None:
        """Selection, operation and deadline dates: a factory's when the sentence is about one,
        the round's (and so each of its factories') when it is about a set. `members`: the set
        the sentence lists ("in A, B and C"); its dates are theirs, not every factory's of the text."""
        lex = self.lex
        r = sent.reading
        n_dates = len(sent.of("date"))
        kickoff = bool(n_dates) and r.kickoff  # a kick-off or a project launch starts the work, not the factory
        # "officially inaugurated" says when the factory started, wherever its one date stands
        opening = (n_dates == 1 and not kickoff and r.inauguration
                   and self.said_of_factory(sent, anchors))
        for sp, (deadline, cue, selection) in zip(sent.of("date"), self.date_roles(doc, sent)):
            value = self.resolve_date(sp.value or {})
            if value is None:
                continue
            if deadline:
                self.emit(None, "proposal_deadline", value, block, sp.start_char, sp.end_char,
                          "programme.proposal_deadline", wave=self.wave_of(sent, text_f))
                continue
            attr = ("selected_on" if selection
                    else "operational_by" if cue or opening else None)
            if attr is None or (attr == "operational_by" and kickoff):
                continue
            if attr == "selected_on" and self.dateline_date(doc, sent, sp) and not self.round_date(value):
                continue  # "Brussels, 8 January 2025 – the JU selected seven": the day of the report
            if attr == "operational_by" and not opening and cue in lex.inauguration_cues \
                    and not self.said_of_factory(sent, anchors):
                continue  # "the call was opened on ...": an opening, but not the factory's
            near = nearest(sp.start)
            if members:
                for member in members:
                    self.emit(member, attr, value, block, sp.start_char, sp.end_char, f"{attr}.set_member")
                if attr == "operational_by":
                    continue
            if attr == "operational_by" and (programme or (self.about_programme and near is not None
                                                          and near[1] == "doc_subject")):
                if self.said_of_part(doc, sent, sp):
                    continue  # "..., some already in 2025": a part of the round, not all of it
                # "the hubs are to go live in 2026" after "six new AI Factories": the date of the
                # round, meant for each of its factories (the last one read when a paragraph gives two)
                wave = self.wave_of(sent, text_f)
                known = self.round_operation.get(wave)
                if known is None or known[0]["value"] < value["value"] or known[1] == block.index:
                    self.round_operation[wave] = (value, block.index, sp.start_char, sp.end_char, block.text)
                continue
            if near is not None and not programme:
                self.emit(near[0], attr, value, block, sp.start_char, sp.end_char, f"{attr}.{near[1]}")
            if attr == "selected_on" and (programme or self.plural_here or
                                          (near is not None and near[1] in ("doc_subject", "coref", "unnamed", "section"))):
                # a selection date said of the initiative is the date of the round, and of the
                # one factory a single-subject text is about (when that factory is of the round)
                wave = self.wave_of(sent, text_f, value)
                self.emit(None, "selected_on", value, block, sp.start_char, sp.end_char, "programme.selected_on",
                          wave=wave)
                subj = self.single_subject
                if programme and subj is not None and n_dates == 1 and known_waves().get(subj.key or "", wave) == wave:
                    self.emit(subj, "selected_on", value, block, sp.start_char, sp.end_char,
                              "selected_on.programme_date")

    def said_of_part(self, doc: Doc, sent: Sentence, sp: Mention) -> bool:
        """The clause of a date (from the last comma or clause break before it) names a part of
        a set ("some", "einige", "niektoré")."""
        lex = self.lex
        if not lex.part_words:
            return False
        lo = sent.start
        for t in doc[sent.start:sp.start]:
            if t.text in (",", ";", ":", "–", "—") or fold(t.text) in lex.clause_breaks:
                lo = t.i + 1
        return bool(contains_word(fold(doc[lo:sp.start].text), lex.part_words))

    def date_roles(self, doc: Doc, sent: Sentence) -> list[tuple[bool, str | None, bool]]:
        """Per date of the sentence, the cue words around it: a deadline's, an opening's (the
        cue itself) and a selection's. The sentence alone decides them: read once, kept on
        its reading."""
        r = sent.reading
        if r.date_roles is UNREAD:
            lex, s0, s1 = self.lex, sent.start, sent.end
            roles = []
            for sp in sent.of("date"):
                window = fold(text_of(doc[max(s0, sp.start - 12):min(s1, sp.end + 12)]))
                # a start word that is no opening ("operational") before an opening one ("open"):
                # "the first services open this year, and all six are operational in 2026"
                start_cue = contains_word(window, lex.start_cues) or contains_word(window, lex.operation_cues)
                role = (bool(contains_word(window, lex.deadline_cues)), start_cue,
                        bool(contains_word(window, lex.selection_cues)))
                if role[1] and role[2]:
                    # "Selected in December 2024, it is to start operating in 2026", "the consortia
                    # chosen in spring will be running by 2027": each date takes the nearer cue
                    sel = self.cue_distance(doc, sp, s0, s1, lex.selection_cues)
                    op = self.cue_distance(doc, sp, s0, s1, lex.operation_cues)
                    role = (role[0], role[1] if op < sel else None, sel <= op)
                roles.append(role)
            if len(roles) == 1 and not any(roles[0]):
                # the one date of a sentence and a cue farther off ("In December 2024, the JU ...
                # selected seven consortia"): the cue of the whole sentence, when it has one kind only
                f = sent.folded
                deadline, cue, selection = (bool(contains_word(f, lex.deadline_cues)),
                                            contains_word(f, lex.operation_cues), bool(contains_word(f, lex.selection_cues)))
                if deadline + bool(cue) + selection == 1:
                    roles = [(deadline, cue, selection)]
            r.date_roles = roles
        return r.date_roles

    def said_today(self, block: Block, doc: Doc, sent: Sentence, text_f: str) -> None:
        """`The JU has today selected six new AI Factories`, `approved on Wednesday`: a selection
        the text dates by its own day is a selection on the document's date."""
        published = self.document.published_on
        if published is None or sent.of("date") or not self.lex.today_words:
            return
        if not contains_word(text_f, self.lex.selection_cues):
            return
        hit = contains_word(text_f, self.lex.today_words + self.lex.yesterday_words)
        if not hit:
            return
        at = text_f.find(hit) if isinstance(hit, str) else -1
        start = sent.start_char + max(at, 0)
        value = {"value": self.day_said(hit if isinstance(hit, str) else "")}
        wave = self.wave_of(sent, text_f, value)
        self.emit(None, "selected_on", value, block, start, start + (len(hit) if isinstance(hit, str) else 0),
                  "programme.selected_on.today", wave=wave)

    def day_said(self, hit: str) -> str:
        """The date a text means by "today", "yesterday" or a weekday: its own date, the day
        before, or the last such weekday on or before it ("on Friday" in Monday's paper is
        three days back). A text dated only by its month or year keeps that precision."""
        doc = self.document
        published = doc.published_on
        if published is None or doc.published_precision in ("month", "year"):
            return str(doc.published_prefix())
        if hit in self.lex.yesterday_words:
            return (published - timedelta(days=1)).isoformat()
        day = next((self.lex.weekdays[w] for w in hit.split() if w in self.lex.weekdays), None)
        if day is None:
            return published.isoformat()
        return (published - timedelta(days=(published.weekday() - day) % 7)).isoformat()

    def name_tokens(self, doc: Doc) -> frozenset[int]:
        """Tokens inside factory names (a place in a name is not the factory's place), per block."""
        return of_block(doc, ("name_tokens",), lambda: frozenset(
            i for sp in self.spans(doc, "factory") if sp.label_ == "FACTORY" for i in range(sp.start, sp.end)))

    def host_cue_near(self, doc: Doc, sp: Mention, s0: int, s1: int) -> bool:
        """An organisation named in a sentence that does not name the factory is its host
        only when the text says so: a host cue right before it ("hosted by X", "at X") or
        shortly after it ("X will host", "X, the company that runs it"). The block alone
        decides it: the answer is kept with the block."""
        return of_block(doc, ("host_cue", sp.start, sp.end, s0, s1), lambda: self._host_cue_near(doc, sp, s0, s1))

    def _host_cue_near(self, doc: Doc, sp: Mention, s0: int, s1: int) -> bool:
        cues = self.lex.host_cues
        if not cues:
            return True
        width = max(len(c) for c in cues)
        gap_before, gap_after = self.lex.limits["host_cue_gap_before"], self.lex.limits["host_cue_gap_after"]
        offset = max(s0, sp.start - gap_before - width)
        words = [fold(t.text) for t in doc[offset:min(s1, sp.end + gap_after + width)]]
        before_end = sp.start - offset
        after_start = sp.end - offset
        for n in range(1, width + 1):
            for i in range(0, len(words) - n + 1):
                if tuple(words[i:i + n]) not in cues:
                    continue
                if 0 <= before_end - (i + n) <= gap_before:
                    return True
                if 0 <= i - after_start <= gap_after and not (n == 1 and words[i] in self.lex.city_cues):
                    return True  # after the name only a verb cues ("X runs it"), not a preposition ("X ... at")
        return False

    def joined(self, doc: Doc, end: int, start: int) -> bool:
        """Only a list's joints between two names ("led by A and B", "A, B and the C"): the
        second is said of what the first is. An article may stand before it; any other word
        (a partner cue, a verb) starts a new statement."""
        between = doc[end:start]
        if not 0 < len(between) <= 3:
            return False
        words = [fold(t.text) for t in between]
        joints = [w for w in words if w in self.lex.coordinators or w == ","]
        return bool(joints) and all(w in self.lex.coordinators or w == "," or w in self.lex.count_breaks for w in words)

    def subject_country(self, subj: Subject) -> str | None:
        if subj.key:
            return kb_countries().get(("factory", subj.key))
        return subj.generic_country

    def fits(self, subj: Subject, kind: str, sp: Mention) -> bool:
        """A known system or host in another country than the known factory's is about
        some other factory; and one form of a known name per factory and document is
        enough (the others are the same fact spelled again)."""
        key = (sp.value or {}).get("key")
        if key is None:
            return True
        cc = self.subject_country(subj)
        other = kb_countries().get((kind, key))
        if cc and other and cc != other:
            return False
        seen = (subj.text, kind, key)
        if seen in self.kb_seen and self.kb_seen[seen] != sp.text:
            return False
        self.kb_seen.setdefault(seen, sp.text)
        return True

    def plausible_city(self, p: Mention, doc: Doc) -> bool:
        """A gazetteer hit is a city when the knowledge base sites it, when a locative word
        stands before it or its case ending is one ("Kaune"), or when its country follows;
        not when it is part of a date."""
        if any(d.start <= p.start < d.end for d in self.spans(doc, "date")):
            return False
        v = p.value or {}
        if fold(v.get("name") or p.text) in known_sites() or fold(p.text) in known_sites() or v.get("inflected"):
            return True
        before = {fold(t.text) for t in doc[max(0, p.start - 2):p.start]}
        if before & self.lex.city_cues:
            return True
        after = doc[p.end:p.end + 3]
        countries = {sp.start for sp in self.spans(doc, "place") if sp.label_ == "COUNTRY"}
        return len(after) >= 2 and after[0].text in (",", "(") and after[1].i in countries

    def place_view(self, doc: Doc, sent: Sentence) -> tuple[list, list, list]:
        """The cities and countries of a sentence a factory may be at (none inside a factory's
        name, none negated), and the country codes in order. The block alone decides them:
        read once, kept on the sentence's reading."""
        r = sent.reading
        if r.place_view is UNREAD:
            name_tokens = self.name_tokens(doc)
            inside = [p for p in sent.of("place") if p.start not in name_tokens and not self.negated(doc, p, sent)
                      and not (p.label_ == "CITY" and (self.dateline_city(doc, sent, p) or self.partner_place(doc, sent, p)))]
            countries = [p for p in inside if p.label_ == "COUNTRY"]
            r.place_view = ([p for p in inside if p.label_ == "CITY" and self.plausible_city(p, doc)], countries,
                            list(dict.fromkeys((p.value or {}).get("country_code") for p in countries)))
        cities, countries, codes = r.place_view
        return cities, countries, list(codes)

    def dateline_city(self, doc: Doc, sent: Sentence, p: Mention) -> bool:
        """`Lisbon, 3 May —`, `BRUSSELS (Reuters) –`, `LUXEMBOURG, 13 October –`: the city (or
        city-state) a text is filed from opens its paragraph before a date or an agency; it is
        not where the factory is, nor one of a list of host countries that follows."""
        if p.start > sent.start + 1:
            return False
        nxt = doc[p.end:min(sent.end, p.end + 8)]
        if len(nxt) < 2 or nxt[0].text not in (",", "("):
            return False
        dates = [d for d in sent.of("date") if p.end < d.start <= p.end + 2]
        if dates:
            return True
        if nxt[0].text != "(" or any(q.start == p.end + 1 for q in sent.of("place")):
            return False  # "Kajaani (Finland) – CSC" is an item of a list of sites, not a dateline
        return any(t.text in ("–", "—", "-") for t in nxt[2:6])

    def dateline_date(self, doc: Doc, sent: Sentence, sp: Mention) -> bool:
        """`Brussels, Wednesday 8 January 2025 –`: a date after the place a text opens with and
        before a dash is the day it was filed. It dates a selection only when that is a known
        round's day ("BRUSSELS, 12 March 2025 – The JU today selected"), not when the text
        reports an earlier choice."""
        places = [p for p in sent.of("place") if p.start == sent.start]
        if not places or not 0 < sp.start - places[0].end <= 3:
            return False
        return sp.end < sent.end and doc[sp.end].text in ("–", "—", "-", "|", ":")

    def round_date(self, value: dict) -> bool:
        """The date is a known round's selection day (or month, at the text's precision)."""
        v = str(value.get("value", ""))
        return len(v) >= 7 and any(str(w["selected_on"]).startswith(v) for w in waves())

    def partner_place(self, doc: Doc, sent: Sentence, p: Mention) -> bool:
        """`Partners include universities in Coimbra and Faro; the system sits in Braga`: a city
        in the same comma-delimited part as a word for partners is a partner's, not the site."""
        cues = self.lex.partner_place_cues
        if not cues:
            return False
        lo, hi = sent.start, sent.end
        for t in doc[sent.start:p.start]:
            if t.text in (",", ";", ":"):
                lo = t.i + 1
        for t in doc[p.end:sent.end]:
            if t.text in (",", ";"):
                hi = t.i
                break
        return any(fold(t.text) in cues for t in doc[lo:hi])

    @staticmethod
    def all_in(cities: list[Mention], cc: str | None) -> bool:
        """Every city lies in country `cc` (the sites of one factory: "data centres in A and B")."""
        return cc is not None and all(cc in ((p.value or {}).get("country_codes")
                                             or [(p.value or {}).get("country_code")]) for p in cities)

    def places(self, block: Block, doc: Doc, sent: Sentence, anchors: list[tuple[int, Subject, str]],
               partner_cue: bool, nearest) -> None:  # noqa: ANN001
        if not anchors or not sent.of("place"):
            return  # no factory to give them to, or nothing to give
        cities, countries, codes = self.place_view(doc, sent)
        subjects = list(dict.fromkeys(id(a[1]) for a in anchors))
        fallback = bool(anchors) and anchors[0][2] in ("coref", "doc_subject", "section")
        own_cities = bool(anchors) and not codes and self.all_in(cities, self.subject_country(anchors[0][1]))
        if not anchors or (fallback and ((len(cities) > 1 and not own_cities) or len(codes) > 1)):
            return  # a list of places is not about the one factory a fallback guesses (unless all its country's)
        for p in cities:
            subj, how = nearest(p.start)
            v = p.value or {}
            cc = self.subject_country(subj)
            where = v.get("country_codes") or [v.get("country_code")]
            if cc and cc not in where:
                # "… at CINECA Kajaani, Finland – "LUMI AIF" at CSC": a place before a name of its
                # own country, not after one of another's, is the next factory's
                later = self.next_of_country(anchors, p.start, where)
                if later is None:
                    continue
                subj, how = later
            self.emit(subj, "city", v.get("city") or p.text, block, p.start_char, p.end_char, f"city.{how}")
        if not codes:
            return
        if len(subjects) > 1:
            if partner_cue:
                self.partners_of_several(block, doc, sent, anchors, countries)
                return
            for p in countries:
                subj, how = nearest(p.start)
                code = p.value["country_code"]
                if self.subject_country(subj) not in (None, code):
                    later = self.next_of_country(anchors, p.start, [code])
                    if later is None:
                        continue
                    subj, how = later
                self.emit(subj, "country", code, block, p.start_char, p.end_char, f"country.{how}")
            return
        subj, how = anchors[0][1], anchors[0][2]
        own = self.subject_country(subj)
        if own is not None and own not in codes and not partner_cue:
            return
        if own in codes:
            host = own
        else:
            anchor_at = anchors[0][0]
            host = min(countries, key=lambda p: abs(p.start - anchor_at)).value["country_code"]
        hp = next(p for p in countries if p.value["country_code"] == host)
        if own in codes or not partner_cue:
            self.emit(subj, "country", host, block, hp.start_char, hp.end_char, f"country.{how}")
        partners = sorted(set(codes) - {host})
        if partners and partner_cue:
            self.emit(subj, "partner_countries", partners, block, sent.start_char, sent.end_char, f"partners.{how}")

    def next_of_country(self, anchors: list[tuple[int, Subject, str]], start: int,
                        codes: list) -> tuple[Subject, str] | None:
        """The first factory named after token `start`, when it is known to lie in one of `codes`."""
        later = next((a for a in anchors if a[0] > start), None)
        if later is None or self.subject_country(later[1]) not in codes:
            return None
        return later[1], later[2]

    def partners_by_site(self, block: Block, doc: Doc, sent: Sentence) -> bool:
        """`P and R joined the consortium led from Barcelona, A and S back the Bologna bid`: a
        factory named by the city the text gave it; the partner countries go to the city they
        stand by. Returns True when it took the sentence."""
        sites: dict[str, Subject] = {}
        for st in self.out:
            if st.attribute == "city" and st.scope == "factory":
                subj = next((x for x in self.subjects if x.text == st.subject_text), None)
                if subj is not None:
                    sites.setdefault(fold(st.value_json.strip('"')), subj)
        if len(sites) < 2:
            return False
        _, countries, _ = self.place_view(doc, sent)
        cities = [p for p in sent.of("place") if p.label_ == "CITY"]  # named as references, not as sites
        anchors = []
        for c in cities:
            v = c.value or {}
            subj = sites.get(fold(v.get("city") or c.text)) or sites.get(fold(c.text))
            if subj is not None:
                anchors.append((c.start, subj, "site"))
        if len(anchors) < 2 or not countries:
            return False
        self.partners_of_several(block, doc, sent, anchors, countries)
        return True

    def host_with_partners(self, block: Block, doc: Doc, sent: Sentence) -> bool:
        """`The choice fell on Finland, which together with Denmark, Czechia and Norway will run
        it`: in a text about factories, one country right before a partner cue and countries
        after it: the first hosts a factory, the others are its partners. Returns True when it
        took the sentence."""
        if not self.saw_factory_word:
            return False
        countries = [p for p in sent.of("place") if p.label_ == "COUNTRY" and not self.negated(doc, p, sent)]
        if len(countries) < 2 or any((p.value or {}).get("country_code") is None for p in countries):
            return False
        cues = set(self.lex.partner_cues)
        cue_at = next((i for i in range(sent.start, sent.end) for n in (3, 2, 1)
                       if i + n <= sent.end and fold(text_of(doc[i:i + n])) in cues), None)
        if cue_at is None:
            return False
        hosts = [p for p in countries if p.end <= cue_at]
        partners = [p for p in countries if p.start > cue_at]
        if len(hosts) != 1 or not partners or cue_at - hosts[0].end > 3:
            return False
        cc = hosts[0].value["country_code"]
        subj = self.country_subject(cc)
        self.emit(subj, "country", cc, block, hosts[0].start_char, hosts[0].end_char, "country.host_with_partners")
        codes = sorted({p.value["country_code"] for p in partners} - {cc})
        if codes:
            self.emit(subj, "partner_countries", codes, block, partners[0].start_char, partners[-1].end_char,
                      "partners.host_with_partners")
        self.last_subject = subj
        return True

    def partners_of_several(self, block: Block, doc: Doc, sent: Sentence, anchors: list,
                            countries: list[Mention]) -> None:
        """`P, R and T are partners in the BSC AIF, A and S have signed up to IT4LIA, and the
        LUMI AIF counts C and D among its members`: countries before the first factory go to
        it, after the last to the last; between two, to the next one when the clause of the
        previous one has ended (a comma after it), else to the previous one."""
        marks = sorted({a[0]: a for a in anchors}.values(), key=lambda a: a[0])
        ends = {}
        for sp in self.spans(doc, "factory"):
            ends[sp.start] = sp.end
        groups: dict[int, list[Mention]] = {}  # the countries of each owner, by the owner's id
        owners: dict[int, tuple[int, Subject, str]] = {}
        for p in countries:
            before = [m for m in marks if m[0] < p.start]
            after = [m for m in marks if m[0] > p.start]
            if not before:
                owner = after[0]
            elif not after:
                owner = before[-1]
            else:
                prev_end = ends.get(before[-1][0], before[-1][0] + 1)
                if before[-1][2] == "site":
                    # a factory named by its city ("the Bologna bid"): its clause ends at the next break
                    gap = [t.text for t in doc[prev_end:p.start]]
                    owner = after[0] if any(t in (",", ";") for t in gap) else before[-1]
                else:
                    owner = after[0] if prev_end < len(doc) and doc[prev_end].text in (",", ";") else before[-1]
            groups.setdefault(id(owner), []).append(p)
            owners.setdefault(id(owner), owner)
        for key, ps in groups.items():
            subj, how = owners[key][1], owners[key][2]
            own = self.subject_country(subj)
            codes = sorted({p.value["country_code"] for p in ps} - {own})
            if codes:
                self.emit(subj, "partner_countries", codes, block, ps[0].start_char, ps[-1].end_char,
                          f"partners.{how}")

    def run(self, annotated: list[tuple[Block, Doc]]) -> list[Statement]:
        self.collect_subjects(annotated)
        for block, doc in annotated:
            if block.kind == "heading":
                self.section_subject = self.heading_subject(doc)
                self.section_wave = self.heading_wave(doc)
                self.heading_round_date(block, doc)
            if block.kind == "table_row":
                self.table_row(block, doc)
            elif block.kind == "list_item":
                self.sentence(block, doc, whole_block(doc))
                self.note_topic(block, doc, whole_block(doc))
            else:
                for sent in block_sentences(doc):
                    self.sentence(block, doc, sent)
                    self.note_topic(block, doc, sent)
        self.round_dates()
        return dedupe(self.drop_superseded_systems(self.out))

    def note_topic(self, block: Block, doc: Doc, sent: Sentence) -> None:
        """Whether the text last spoke of a machine (a sentence naming a system and no single
        factory) or of a factory: a sum that follows about "the project" then prices the machine.
        A contract awarded for a machine makes the sums of its paragraph and the next the
        machine's price, whatever factory is named in between."""
        if reading(doc, sent, self.lex).bare:
            return  # no machine, no machine word
        systems = sent.of("supercomputer")
        mine = [fold(sp.text) in factory_keys() for sp in systems] if systems else []
        text_f = sent.folded
        if sent.reading.award_cue \
                and (mine or contains_word(text_f, self.lex.sc_cues)):
            self.award_block = block.index
        if not mine and not self.system_topic:
            return
        if any(not (sp.value or {}).get("plural") for sp in sent.of("factory")):
            self.system_topic = False
        elif any(not own for own in mine):
            self.system_topic = True  # ("MeluXina-AI", a machine that also names its factory, does not count)

    def drop_superseded_systems(self, statements: list[Statement]) -> list[Statement]:
        """`MeluXina` and `MeluXina-AI`, `LUMI` and `LUMI-AI` said of one factory: the longer
        name is the new (AI) machine the factory runs on, the shorter its predecessor."""
        systems: dict[str | None, set[str]] = {}
        for st in statements:
            if st.attribute == "supercomputer":
                systems.setdefault(st.subject_text, set()).add(fold(st.value_json.strip('"')))

        def superseded(st: Statement) -> bool:
            if st.attribute != "supercomputer":
                return False
            mine = fold(st.value_json.strip('"'))
            return any(o != mine and o.startswith(mine) and not o[len(mine)].isalnum()
                       for o in systems.get(st.subject_text, ()))
        return [st for st in statements if not superseded(st)]



def _common_year(text: str) -> int | None:
    """The year a block names most often (the first of equals), if it names one."""
    years = [int(m.group(0)) for m in YEAR_RE.finditer(text)]
    return max(set(years), key=years.count) if years else None


def dedupe(statements: list[Statement]) -> list[Statement]:
    seen: set[tuple] = set()
    out = []
    for s in statements:
        key = s.identity  # what the id hashes: the hash itself is the writer's to make
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out
