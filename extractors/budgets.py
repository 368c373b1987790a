"""Budgets: a sum is the EU's or the national share when a cue stands next to it, the
total otherwise; "in equal parts" splits a total into the two shares."""

from __future__ import annotations

import json

from spacy.tokens import Doc

from extractors.cues import contains_word, fold, waves

DASHES = {"–", "—", "-", "(", "–"}
from extractors.mentions import Mention, Sentence
from extractors.numbers import find_numbers
from extractors.spans import text_of
from extractors.subjects import Subject
from extractors.relation_state import RelationState, trait
from sources.document import Block


FALLBACKS = ("coref", "section", "doc_subject")  # anchors guessed, not named in the sentence


@trait
class Budgets(RelationState):
    """A part of DocumentRelations: reads and moves on its state (`relation_state.py`)."""

    def money(self, block: Block, doc: Doc, sent: Sentence, anchors: list, text_f: str, programme: bool,
              nearest, wave: int | None = None) -> None:  # noqa: ANN001
        """Budgets: a sum is the EU's or the national share when a cue stands next to it,
        the total otherwise; "shared in equal parts" / "half each" splits the total. A sum
        of several factories ("together €1.5 billion") is the programme's, and "the EU pays
        half of it" then gives the programme's EU share."""
        r = sent.reading
        halves = r.halves
        sums = sent.of("money")
        if not (sums or halves or r.budget_cue or r.match):
            return  # no sum, no sum implied, no share of one given before
        if not sums and anchors and not programme and r.budget_cue:
            sums = self.implied_euros(doc, sent)
        if self.programme_sum and sums:
            programme = True
        n_out = len(self.out)
        for sp, (eu, nat) in zip(sums, self.sum_cues(doc, sent, sums)):
            value = sp.value or {}
            near = nearest(sp.start) if not programme else None
            if near is not None and near[1] in FALLBACKS and self.system_cost(doc, sent, text_f):
                continue  # "Daedalus, a machine with a budget of €41 million": the system's price
            if near is not None and value.get("amount", 0) > self.lex.limits["max_factory_budget_eur"]:
                continue  # no factory costs this much: a sum about something else
            round_of = self.round_total_of(value) if near is not None else None
            if round_of is not None:
                # "PIAST shares in the €485 million": no factory costs its whole round
                self.emit(None, "investment_total_eur", value, block, sp.start_char, sp.end_char,
                          "programme.investment_total_eur.round_total", wave=round_of)
                continue
            if near is not None:
                subj, how = near
                if halves and r.eu_cue and "amount" in value:
                    self.emit(subj, "budget_total_eur", value, block, sp.start_char, sp.end_char, f"budget_total_eur.{how}")
                    self.split_halves(subj, value, block, sp.start_char, sp.end_char, how)
                    continue
                attr = ("budget_eu_eur" if eu and not nat else "budget_national_eur" if nat and not eu
                        else "budget_total_eur")
                self.emit(subj, attr, value, block, sp.start_char, sp.end_char, f"{attr}.{how}")
                if attr == "budget_total_eur" and "amount" in value:
                    self.block_total[subj.text] = (self.block_index, value)
                    if value["amount"] > self.last_total.get(subj.text, {}).get("amount", 0):
                        self.last_total[subj.text] = value  # the largest total: parts come after it
            elif programme and self.about_programme:
                attr = "investment_eu_eur" if eu and not nat else "investment_total_eur"
                w = wave if wave is not None else self.wave_of(sent, text_f)
                self.emit(None, attr, value, block, sp.start_char, sp.end_char, f"programme.{attr}", wave=w)
                if attr == "investment_total_eur" and "amount" in value:
                    self.programme_total = (value, w)
        if halves and programme and self.about_programme and r.eu_cue \
                and self.programme_total is not None and \
                not any(st.attribute == "investment_eu_eur" for st in self.out[n_out:]):
            # "the EU pays half of this amount": the EU's share of the programme total just given
            total, w = self.programme_total
            self.emit(None, "investment_eu_eur", {**total, "amount": round(total["amount"] / 2)}, block,
                      sent.start_char, sent.end_char, "programme.investment_eu_eur.half_of_total", wave=w)
        self.matched_shares(block, sent, anchors, text_f, n_out)
        if not sums and halves and anchors and r.eu_cue:
            subj, how = anchors[0][1], anchors[0][2]
            # "half of it": the total of this paragraph, else the largest one given before
            here = self.block_total.get(subj.text)
            given = here[1] if here is not None and here[0] == self.block_index else self.last_total.get(subj.text)
            if given and "amount" in given:
                self.split_halves(subj, given, block, sent.start_char, sent.end_char, how)

    @staticmethod
    def round_total_of(value: dict) -> int | None:
        """The round whose announced total (knowledge/waves.yaml) this euro sum is, if any."""
        amount = value.get("amount")
        if not isinstance(amount, (int, float)) or value.get("currency") not in (None, "EUR"):
            return None
        for w in waves():
            total = w.get("investment_total_eur")
            if total and abs(amount - float(total)) <= 0.005 * float(total):
                return int(w["wave"])
        return None

    def matched_shares(self, block: Block, sent: Sentence, anchors: list, text_f: str, n_out: int) -> None:
        """`€45 million from the EU, matched by the state`, `Drugie tyle … w budżecie krajowym`:
        the other share is of the same amount as the one just given: in this sentence, or,
        when this one gives no sum, in the last sentence that gave one, in this paragraph or
        the one before. `last_shares` keeps, per factory, the shares of that sentence."""
        shares = {"budget_eu_eur": "budget_national_eur", "budget_national_eur": "budget_eu_eur"}
        here = [st for st in self.out[n_out:] if st.attribute in shares]
        for subject in {st.subject_text or "" for st in here}:
            mine = [st for st in here if (st.subject_text or "") == subject]
            self.last_shares[subject] = (self.block_index, mine[-1].attribute, [json.loads(st.value_json) for st in mine])
        if not sent.reading.match:
            return
        if here:
            given = {(st.subject_text, st.attribute) for st in here}
            for st in here:
                other = shares[st.attribute]
                if (st.subject_text, other) not in given:
                    subj = next((a[1] for a in anchors if a[1].text == st.subject_text), None)
                    if subj is not None:
                        self.emit(subj, other, json.loads(st.value_json), block, st.span_start, st.span_end,
                                  f"{other}.matched")
            return
        if not anchors:
            return
        subj, how = anchors[0][1], anchors[0][2]
        last = self.last_shares.get(subj.text)
        if last is None or last[0] not in (self.block_index, self.block_index - 1):
            return
        other = shares[last[1]]
        for value in last[2]:
            self.emit(subj, other, value, block, sent.start_char, sent.end_char, f"{other}.matched.{how}")

    def sum_cues(self, doc: Doc, sent: Sentence, sums: list[Mention]) -> list[tuple[bool, bool]]:
        """Per sum, whether an EU or a national cue stands next to it. The sentence alone
        decides: read once per sentence and kind of sum (written or implied), kept on its reading."""
        r = sent.reading
        written = sums is sent.of("money")
        known = r.sum_cues.get(written)
        if known is not None:
            return known
        lex, s0, s1 = self.lex, sent.start, sent.end
        found: list[tuple[bool, bool]] = []
        r.sum_cues[written] = found
        for sp in sums:
            before = fold(text_of(doc[max(s0, sp.start - 8):sp.start]))
            tail: list[str] = []
            for t in doc[sp.end:min(s1, sp.end + 8)]:
                if t.is_punct and not (t.text in DASHES and not tail):
                    break  # "€90 million, of which the EU ...": the cue belongs to the next clause
                if not t.is_punct:
                    tail.append(t.text)
            after = fold(" ".join(tail))
            eu = bool(contains_word(before, lex.eu_cues) or contains_word(after, lex.eu_cues))
            nat = bool(contains_word(before, lex.national_cues) or contains_word(after, lex.national_cues))
            if eu and nat:
                # "the state obtained €67.6 million in the EuroHPC call": the much nearer cue says
                # whose; cues side by side ("combined national and EU investment") make a total
                d_eu = self.cue_distance(doc, sp, s0, s1, lex.eu_cues)
                d_nat = self.cue_distance(doc, sp, s0, s1, lex.national_cues)
                if abs(d_eu - d_nat) >= 3:
                    eu, nat = d_eu < d_nat, d_nat < d_eu
            found.append((eu, nat))
        # "PLN 200 million – roughly EUR 50 million – from the EU": one share written in two
        # currencies; the cue of either is the cue of both
        for i in range(len(sums) - 1):
            a, b = sums[i], sums[i + 1]
            gap = doc[a.end:b.start]
            if len(gap) <= 4 and (a.value or {}).get("currency") != (b.value or {}).get("currency") \
                    and all(t.is_punct or fold(t.text) in lex.equivalence_words for t in gap):
                merged = (found[i][0] or found[i + 1][0], found[i][1] or found[i + 1][1])
                found[i] = found[i + 1] = merged
        return found

    def system_cost(self, doc: Doc, sent: Sentence, text_f: str) -> bool:
        """A sentence that names a machine but not the factory prices the machine; so does
        one that names neither after a passage about a machine (see `note_topic`), in a text
        that speaks of factories apart from machines."""
        award = self.award_block
        if award is not None and 0 <= self.block_index - award <= 1:
            return True
        if sent.of("supercomputer") or contains_word(text_f, self.lex.headers.get("supercomputer", ())):
            return True
        # after a passage about a machine, a sentence that says "the factory's budget" is not the machine's
        own = any(not (sp.value or {}).get("plural") for sp in sent.of("factory"))
        return self.system_topic and self.saw_factory_word and not own

    def implied_euros(self, doc: Doc, sent: Sentence) -> list[Mention]:
        """`kostet 85 Millionen`: a sum of millions after a cost word, with no currency
        written, is in euros in these texts; the span is marked so the rule shows it.
        Read once per sentence (kept on its reading, as its other mentions are)."""
        r = sent.reading
        if r.implied is None:
            r.implied = self._implied_euros(doc, sent)
        return r.implied

    def _implied_euros(self, doc: Doc, sent: Sentence) -> list[Mention]:
        out = []
        for n in find_numbers(sent.text, self.lex.lang):
            if n.scale and n.scale >= 1e6 and not n.percent:
                span = doc.char_span(sent.start_char + n.start, sent.start_char + n.end, label="MONEY",
                                     alignment_mode="expand")
                if span is not None:
                    out.append(Mention(span.start, span.end, span.start_char, span.end_char, "MONEY",
                                       {"amount": n.value, "qualifier": "exact"}, "money.implied_euro",
                                       text_of(span)))
        return out

    def split_halves(self, subj: Subject, total: dict, block: Block, start: int, end: int, how: str) -> None:
        half = {**total, "amount": round(total["amount"] / 2)}
        for attr in ("budget_eu_eur", "budget_national_eur"):
            self.emit(subj, attr, half, block, start, end, f"{attr}.half_of_total.{how}")
