"""Budgets: a sum is the EU's or the national share when a cue stands next to it, the
total otherwise; "in equal parts" splits a total into the two shares."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from extractors.cues import contains_word, fold
from extractors.numbers import find_numbers
from extractors.subjects import Subject
from sources.document import Block


class Budgets:
    """Mixed into DocumentRelations: uses its subjects, lexicon (`self.lex`) and `emit`."""

    def money(self, block: Block, doc: Doc, sent: Span, anchors: list, text_f: str, programme: bool,
              nearest) -> None:  # noqa: ANN001
        """Budgets: a sum is the EU's or the national share when a cue stands next to it,
        the total otherwise; "shared in equal parts" / "half each" splits the total."""
        lex = self.lex
        s0, s1 = sent.start, sent.end
        halves = contains_word(text_f, lex.half_words)
        sums = [sp for sp in doc.spans.get("money", []) if sp.start >= s0 and sp.end <= s1]
        if not sums and anchors and not programme and contains_word(text_f, lex.budget_cues):
            sums = self.implied_euros(doc, sent)
        for sp in sums:
            before = fold(doc[max(s0, sp.start - 8):sp.start].text)
            tail = []
            for t in doc[sp.end:min(s1, sp.end + 5)]:
                if t.is_punct:
                    break  # "€90 million, of which the EU ...": the cue belongs to the next clause
                tail.append(t.text)
            after = fold(" ".join(tail))
            eu = bool(contains_word(before, lex.eu_cues) or contains_word(after, lex.eu_cues))
            nat = bool(contains_word(before, lex.national_cues) or contains_word(after, lex.national_cues))
            value = sp._.value or {}
            near = nearest(sp.start)
            if near is not None and not programme:
                subj, how = near
                if halves and contains_word(text_f, lex.eu_cues) and "amount" in value:
                    self.emit(subj, "budget_total_eur", value, block, sp.start_char, sp.end_char, f"budget_total_eur.{how}")
                    self.split_halves(subj, value, block, sp.start_char, sp.end_char, how)
                    continue
                attr = ("budget_eu_eur" if eu and not nat else "budget_national_eur" if nat and not eu
                        else "budget_total_eur")
                self.emit(subj, attr, value, block, sp.start_char, sp.end_char, f"{attr}.{how}")
                if attr == "budget_total_eur" and "amount" in value and \
                        value["amount"] > self.last_total.get(subj.text, {}).get("amount", 0):
                    self.last_total[subj.text] = value  # the largest total: parts come after it
            elif programme and self.about_programme:
                attr = "investment_eu_eur" if eu and not nat else "investment_total_eur"
                self.emit(None, attr, value, block, sp.start_char, sp.end_char, f"programme.{attr}",
                          wave=self.wave_of(sent, text_f))
        if not sums and halves and anchors and contains_word(text_f, lex.eu_cues):
            subj, how = anchors[0][1], anchors[0][2]
            total = self.last_total.get(subj.text)
            if total and "amount" in total:
                self.split_halves(subj, total, block, sent.start_char, sent.end_char, how)

    def implied_euros(self, doc: Doc, sent: Span) -> list[Span]:
        """`kostet 85 Millionen`: a sum of millions after a cost word, with no currency
        written, is in euros in these texts; the span is marked so the rule shows it."""
        out = []
        for n in find_numbers(sent.text, self.lex.lang):
            if n.scale and n.scale >= 1e6 and not n.percent:
                span = doc.char_span(sent.start_char + n.start, sent.start_char + n.end, label="MONEY",
                                     alignment_mode="expand")
                if span is not None:
                    span._.value = {"amount": n.value, "qualifier": "exact"}
                    span._.rule = "money.implied_euro"
                    out.append(span)
        return out

    def split_halves(self, subj: Subject, total: dict, block: Block, start: int, end: int, how: str) -> None:
        half = {**total, "amount": round(total["amount"] / 2)}
        for attr in ("budget_eu_eur", "budget_national_eur"):
            self.emit(subj, attr, half, block, start, end, f"{attr}.half_of_total.{how}")
