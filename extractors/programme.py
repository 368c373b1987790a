"""Facts about the initiative as a whole: how many factories, in which selection round,
and the round dates that apply to each factory of the round."""

from __future__ import annotations

from spacy.tokens import Doc

from extractors.cues import any_substring, fold, waves
from extractors.knowledge import known_waves
from extractors.mentions import Sentence
from extractors.statement import Statement, make_statement
from extractors.relation_state import RelationState, trait
from sources.document import Block


@trait
class ProgrammeFacts(RelationState):
    """A part of DocumentRelations: reads and moves on its state (`relation_state.py`)."""

    def counts(self, block: Block, doc: Doc, sent: Sentence, text_f: str) -> None:
        """`seven AI Factories`, `6 neue KI-Fabriken`: a number right before a plural head."""
        found = self.counted(doc, sent, bool(self.saw_factory_word and sent.reading.noun_heads))
        taken = {start for _, _, start, _ in found}
        found += [m for m in self.member_counts(doc, sent) if m[2] not in taken]
        listed = len({(p.value or {}).get("country_code") for p in sent.of("place") if p.label_ == "COUNTRY"} - {None})
        # "Germany, Poland and Spain each host two AI Factories": fewer than the countries listed,
        # a count per country, not of the programme
        found = [m for m in found if listed < 2 or m[0] >= listed or m[1]]
        if not found:
            return
        own = any(s.forms and not s.is_generic for s in self.subjects)
        several = len({n for n, _, _, _ in found}) > 1
        for n, other, start_char, end_char in found:
            if other and own:
                n += 1  # "six other AI Factories" beside the one the text is about: seven
            self.emit(None, "factory_count", n, block, start_char, end_char, "programme.factory_count",
                      wave=self.wave_of(sent, text_f, count=n, several=several))

    def member_counts(self, doc: Doc, sent: Sentence) -> list[tuple[int, bool, int, int]]:
        """`one of the seven`, `una de las siete primeras`, `w gronie sześciu państw`: a number
        after a membership cue is the size of the set its subject belongs to. Only a size some
        round has, or the rounds together ("one of the 15 member states" counts something else)."""
        lex = self.lex
        if not lex.member_of_cues or not any_substring(sent.folded, {c[0] for c in lex.member_of_cues}):
            return []
        sizes = set()
        total = 0
        for w in waves():
            sizes.add(int(w["count"]))
            total += int(w["count"])
            sizes.add(total)
        words = [fold(t.text) for t in doc[sent.start:sent.end]]
        width = max(len(c) for c in lex.member_of_cues)
        found = []
        for i in range(len(words)):
            n = next((n for n in range(width, 0, -1) if tuple(words[i:i + n]) in lex.member_of_cues), 0)
            for j in range(i + n, min(len(words), i + n + 3)) if n else ():
                tok = doc[sent.start + j]
                number = int(tok.text) if tok.text.isdigit() and len(tok.text) <= 3 else lex.count_words.get(words[j])
                if number is not None:
                    if number in sizes:
                        found.append((number, False, tok.idx, tok.idx + len(tok.text)))
                    break
                if words[j] not in lex.count_breaks:
                    break
        return found

    def counted(self, doc: Doc, sent: Sentence, with_nouns: bool) -> list[tuple[int, bool, int, int]]:
        """The counts before the sentence's plural heads (and, `with_nouns`, before the nouns
        that stand for factories, "seven consortia"): (number, said of "other" factories,
        span). The sentence alone decides them: read once per kind of heads, kept on its reading."""
        r = sent.reading
        known = r.counts.get(with_nouns)
        if known is not None:
            return known
        heads = r.ref_heads + r.noun_heads if with_nouns else r.ref_heads
        found: list[tuple[int, bool, int, int]] = []
        r.counts[with_nouns] = found
        used: set[int] = set()
        lex = self.lex
        for h_start, h_end_char in sorted(heads):
            # the number stands right before the noun, or before adjectives ("six new European")
            other = False
            for i in range(h_start - 1, max(sent.start, h_start - 4) - 1, -1):
                tok = doc[i]
                word = fold(tok.text)
                n = None
                if tok.text.isdigit() and len(tok.text) <= 3:
                    n = int(tok.text)
                elif word in lex.count_words:
                    n = lex.count_words[word]
                if n is not None:
                    other = other or (i > sent.start and fold(doc[i - 1].text) in lex.count_others)
                    if i not in used:
                        used.add(i)
                        found.append((n, other, tok.idx, h_end_char))
                    break
                other = other or word in lex.count_others
                if word in lex.count_adjectives:
                    continue
                if not tok.is_alpha or not tok.is_lower or word in lex.count_breaks:
                    break
        return found

    def wave_of(self, sent: Sentence, text_f: str, value: dict | None = None, count: int | None = None,
                several: bool = False) -> int | None:
        """Which selection round a programme fact is about: an ordinal, a date, or the count.

        A count equal to the running total of several rounds (13, 19) is about the whole
        network, whatever else the sentence says. Of a sentence with several counts ("the six
        join the seven selected in December"), its date or ordinal is one count's only: each
        count that only one round has is that round's."""
        known = waves()
        if count is not None:
            cumulative = 0
            for i, w in enumerate(known):
                cumulative += int(w["count"])
                if i > 0 and count == cumulative:
                    return None
            sized = [w for w in known if int(w["count"]) == count]
            if several and len(sized) == 1:
                return int(sized[0]["wave"])
        if value:
            v = value.get("value", "")
            for w in known:
                if len(v) >= 7 and str(w["selected_on"]).startswith(v[:7]):
                    return int(w["wave"])
        if sent.reading.ordinal_wave is not None:
            return sent.reading.ordinal_wave
        dates = [value] if value else [sp.value for sp in sent.of("date") if sp.value]
        for d in dates:
            v = (d or {}).get("value", "")
            for w in known:
                if v and str(w["selected_on"]).startswith(v[:7]) and len(v) >= 7:
                    return int(w["wave"])
        if count is not None:
            matching = [w for w in known if int(w["count"]) == count]
            if len(matching) == 1:
                return int(matching[0]["wave"])
            if matching and self.document.published_on:
                seen = str(self.document.published_prefix())
                past = [w for w in matching if str(w["selected_on"])[:len(seen)] <= seen]
                if past:
                    return int(past[-1]["wave"])
            if matching:
                return int(matching[0]["wave"])
        if self.section_wave is not None:
            return self.section_wave
        return self.doc_wave if self.doc_wave is not None else self.last_wave

    # -- tables ----------------------------------------------------------------------

    def round_dates(self) -> None:
        """A selection date the text gives for a round is the date of every factory of that
        round the text speaks of (and has no date of its own)."""
        dates: dict[int | None, Statement] = {}
        for st in self.out:
            if st.scope == "programme" and st.attribute == "selected_on" and st.wave is not None:
                dates.setdefault(st.wave, st)
        self.round_operation_dates()
        self.round_deployments()
        if not dates:
            return
        dated = {st.subject_text for st in self.out if st.scope == "factory" and st.attribute == "selected_on"}
        spoken = {st.subject_text for st in self.out if st.scope == "factory"}
        for subj in self.subjects:
            wave = self.subject_wave(subj)
            given = dates.get(wave)
            if given is None or subj.text in dated or subj.text not in spoken:
                continue
            self.out.append(make_statement(
                doc_id=given.doc_id, source_name=given.source_name, scope="factory", subject_text=subj.text,
                subject_key=subj.key, attribute="selected_on", value=given.value, value_text=given.value_text,
                block=given.block, span_start=given.span_start, span_end=given.span_end, rule="selected_on.round_date",
                wave=wave))

    def subject_wave(self, subj) -> int | None:  # noqa: ANN001
        """The round of a known factory; an unnamed one is of the round the text is about."""
        if subj.key:
            return known_waves().get(subj.key)
        return subj.wave or self.doc_wave

    def round_operation_dates(self) -> None:
        """`All seven AI factories are to be up and running by 2026`: a start date said of a
        round is the start date of each factory of that round the text speaks of, unless the
        text gives that factory a date of its own."""
        self.give_round_value(self.round_operation, "operational_by", "operational_by.round_date")

    def round_deployments(self) -> None:
        """`All six will install new AI-optimised machines`: new or upgrade said of a round is
        each of its factories' the text speaks of, unless the text says otherwise of one."""
        self.give_round_value(self.round_deployment, "deployment", "deployment.round")

    def give_round_value(self, by_wave: dict[int | None, tuple], attribute: str, rule: str) -> None:
        """Each factory the text speaks of, of a round with a value in `by_wave` (wave ->
        (value, block, start, end, block text); None: a round the text did not say), takes
        that value, unless the text gives it one of its own."""
        if not by_wave:
            return
        own = {st.subject_text for st in self.out if st.scope == "factory" and st.attribute == attribute}
        spoken = {st.subject_text for st in self.out if st.scope == "factory"}
        for subj in self.subjects:
            wave = self.subject_wave(subj)
            found = by_wave.get(wave) or by_wave.get(None)
            if found is None or subj.text in own or subj.text not in spoken:
                continue
            value, block, start, end, text = found
            self.out.append(make_statement(
                doc_id=self.doc_id, source_name=self.document.source_name, scope="factory",
                subject_text=subj.text, subject_key=subj.key, attribute=attribute, value=value,
                value_text=text[start:end], block=block, span_start=start, span_end=end, rule=rule, wave=wave))
