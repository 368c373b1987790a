"""Table rows: each row is about the factory in its name column (or, in a table of
sites, the factory of its country); cells are read by the attribute of their column."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc

from extractors.cues import contains_word, fold, lexicon
from extractors.mentions import whole_block
from extractors.money import normalise_money_text
from extractors.subjects import Subject
from extractors.relation_state import RelationState, trait
from sources.document import Block


_PRIORITY = ("selected_on", "operational_by", "deployment", "budget_total_eur", "name", "host_org", "supercomputer",
             "location", "city", "country")


YEAR_CELL = re.compile(r"20\d\d")
NAME_AND_ACRONYM = re.compile(r"(\S.*?)\s*\(\s*([^()\s][^()]{0,15}?)\s*\)")
BARE_NUMBER = re.compile(r"([≈~])?\s*(\d{1,5}(?:[.,]\d+)?)")  # "85", "≈ 55": an amount without its unit
SITE_COLUMNS = {"city"}  # a table with a city column (or with names) lists factories, not rounds


@lru_cache(maxsize=4096)
def header_columns(lang: str, header: tuple[str, ...]) -> dict[int, str]:
    """The attribute each column of a table holds, by its header words. Every row of a
    table repeats its header, so the answer is kept per language and header (callers
    only read it)."""
    headers = lexicon(lang).headers
    out: dict[int, str] = {}
    for i, h in enumerate(header):
        hf = fold(h)
        for attr in _PRIORITY:
            if contains_word(hf, headers.get(attr, ())):
                out[i] = attr
                break
    return out


@trait
class TableRows(RelationState):
    """A part of DocumentRelations: reads and moves on its state (`relation_state.py`)."""

    def table_row(self, block: Block, doc: Doc) -> None:
        round_col = self.round_column(block.header) if block.header else None
        columns = self.classify_header(block.header) if block.header else {}
        sites = set(columns.values()) & SITE_COLUMNS or any(
            a == "name" and i < len(block.cells) and not block.cells[i].strip().isdigit()
            for i, a in columns.items())  # "AI Factories | 7" counts them: a table of rounds
        if round_col is not None and not sites:
            self.round_row(block, doc, round_col)
            return
        offsets = block.cell_offsets()
        if not columns or len(block.cells) < 2:
            self.sentence(block, doc, whole_block(doc))
            return
        if round_col is not None:
            # "Round | Country | City | AI Factory | Host": a table of sites whose rows say their round
            wave, date_value = self.row_round(block, doc, round_col)
            outer = self.section_wave
            self.section_wave = wave if wave is not None else outer
            try:
                subject = self.site_row(block, doc, columns, offsets)
            finally:
                self.section_wave = outer
            if subject is not None and date_value is not None and wave is not None:
                self.emit(subject, "selected_on", date_value[0], block, date_value[1], date_value[2],
                          "selected_on.table_round")
            return
        self.site_row(block, doc, columns, offsets)

    def site_row(self, block: Block, doc: Doc, columns: dict[int, str], offsets: list) -> Subject | None:
        """One factory a row: named in its name column, else found by its place or host."""
        subject = None
        host_cell = None  # a name column that holds a known organisation holds the host
        for i, (start, end) in enumerate(offsets):
            if columns.get(i) != "name":
                continue
            if not any(sp.label_ == "FACTORY" and sp.start_char >= start and sp.end_char <= end
                       for sp in self.spans(doc, "factory")) and any(
                    sp.start_char >= start and sp.end_char <= end and (sp.value or {}).get("key")
                    for sp in self.spans(doc, "org")):
                host_cell = (start, end)
                continue
            for sp in self.spans(doc, "factory"):
                if sp.label_ == "FACTORY" and sp.start_char >= start and sp.end_char <= end:
                    # "Luxembourg AI Factory (L-AIF)": every name the cell gives is the row's factory's
                    if subject is None:
                        subject = self.subject_for(doc, sp)
                        if subject:
                            self.emit_name(subject, doc, sp, block)
                    elif self.subject_for(doc, sp) is subject or not (sp.value or {}).get("key"):
                        self.emit_name(subject, doc, sp, block)
            if subject is None and any(c.isalnum() for c in block.cells[i]):
                cell = block.cells[i].strip()
                at = start + block.cells[i].find(cell)
                paren = NAME_AND_ACRONYM.fullmatch(cell)
                if paren:
                    # "NORDLYS (NAIF)": a name and its acronym, both the row's factory's
                    subject = self._subject_from_text(paren.group(1))
                    subject.forms.append(paren.group(2))
                    for g in (1, 2):
                        self.emit(subject, "name", paren.group(g), block, at + paren.start(g), at + paren.end(g),
                                  "name.table_column")
                else:
                    subject = self._subject_from_text(cell)
                    self.emit(subject, "name", cell, block, at, at + len(cell), "name.table_column")
        if subject is None:
            subject = self.unnamed_row_subject(block, doc, columns, offsets)
        if subject is None:
            return None
        self.last_subject = subject
        if host_cell is not None:
            self.systems_cell(subject, "host_org", block, doc, host_cell[0], host_cell[1])
        for i, (start, end) in enumerate(offsets):
            attr = columns.get(i)
            cell = block.cells[i]
            if attr in (None, "name") or not cell.strip():
                continue
            self.table_cell(subject, attr, block, doc, start, end,
                            scale=self.header_scale(block.header[i]) if i < len(block.header) else None)
        return subject

    def header_scale(self, header: str) -> int | None:
        """The scale a budget column's header gives its bare numbers ("Budget (€ m)")."""
        words = fold(header).replace("(", " ").replace(")", " ").replace(".", " ").split()
        return next((self.lex.table_scales[w] for w in words if w in self.lex.table_scales), None)

    def round_column(self, header: tuple[str, ...]) -> int | None:
        """The column of a table of selection rounds ("Round | Announced | Factories | Host
        countries"): its header is a round noun."""
        for i, h in enumerate(header):
            words = fold(h).split()
            if words and all(w in self.lex.round_nouns for w in words):
                return i
        return None

    def row_round(self, block: Block, doc: Doc, column: int,
                  date_inside: bool = True) -> tuple[int | None, tuple | None]:
        """The round a row is of (its number, ordinal or date) and the row's selection date:
        in a table of rounds a date of another cell, in a table of sites the round cell's own."""
        offsets = block.cell_offsets()
        cell = fold(block.cells[column]).strip(" .")
        known = {int(w["wave"]) for w in self.waves_known()}
        lead = cell.split()[0].strip("(.") if cell.split() else ""
        number = cell if cell.isdigit() else lead if lead.isdigit() else ""
        wave = int(number) if number and int(number) in known else self.lex.wave_ordinals.get(cell)
        date_value = None
        for sp in self.spans(doc, "date"):
            inside = offsets[column][0] <= sp.start_char < offsets[column][1]
            if sp.value and inside == date_inside:
                date_value = (sp.value, sp.start_char, sp.end_char)
                break
        if wave is None and date_value is not None:
            v = date_value[0].get("value", "")
            wave = next((int(w["wave"]) for w in self.waves_known()
                         if len(v) >= 7 and str(w["selected_on"]).startswith(v[:7])), None)
        return wave, date_value

    def round_row(self, block: Block, doc: Doc, column: int) -> None:
        """One selection round a row: its number, its date, its count, its investment and its host countries.
        The date is the round's and each listed country's factory of that round's; the count
        is the round's (a row without a round number, "Total", counts the network)."""
        offsets = block.cell_offsets()
        if column >= len(block.cells):
            return
        wave, date_value = self.row_round(block, doc, column, date_inside=False)
        if date_value is not None and wave is not None:
            self.emit(None, "selected_on", date_value[0], block, date_value[1], date_value[2],
                      "programme.selected_on.round_table", wave=wave)
        for i, (start, end) in enumerate(offsets):
            text = block.cells[i].strip()
            if i != column and text.isdigit() and 1 < int(text) < 100 and not any(
                    sp.start_char <= start + block.cells[i].find(text) < sp.end_char for sp in self.spans(doc, "date")):
                lead = start + block.cells[i].find(text)
                self.emit(None, "factory_count", int(text), block, lead, lead + len(text),
                          "programme.factory_count.round_table", wave=wave)
        for sp in self.spans(doc, "money"):
            if sp.value and (sp.value.get("amount") or sp.value.get("min") or 0) >= 1_000_000:
                # "1 | 10 December 2024 | 7 | EUR 1.5 billion": what the round invests (a bare
                # "485" under "EUR million" leaves its scale in the header: not read)
                self.emit(None, "investment_total_eur", sp.value, block, sp.start_char, sp.end_char,
                          "programme.investment_total_eur.round_table", wave=wave)
        if wave is None:
            return
        for p in self.spans(doc, "place"):
            if p.label_ != "COUNTRY":
                continue
            cc = (p.value or {}).get("country_code")
            if not cc:
                continue
            member = self.country_subject(cc, wave)
            self.emit(member, "country", cc, block, p.start_char, p.end_char, "country.round_table")
            if date_value is not None:
                self.emit(member, "selected_on", date_value[0], block, date_value[1], date_value[2],
                          "selected_on.round_table")

    @staticmethod
    def waves_known() -> tuple[dict, ...]:
        from extractors.cues import waves
        return waves()

    def unnamed_row_subject(self, block: Block, doc: Doc, columns: dict[int, str],
                            offsets: list[tuple[int, int]]) -> Subject | None:
        """A table of sites without a name column (city | country): each row is the factory
        of its country, when the document is about AI Factories at all."""
        if not self.saw_factory_word:
            return None
        places = [p for p in self.spans(doc, "place")
                  if any(columns.get(i) in ("location", "city", "country") and a <= p.start_char and p.end_char <= b
                         for i, (a, b) in enumerate(offsets))]
        codes = [(p.value or {}).get("country_code") for p in places if p.label_ == "COUNTRY"]
        codes = codes or [(p.value or {}).get("country_code") for p in places if p.label_ == "CITY"]
        found = [str(c) for c in codes if c]
        return self.country_subject(found[0]) if found else None

    def _subject_from_text(self, text: str) -> Subject:
        for s in self.subjects:
            if fold(text) in (fold(x) for x in s.forms):
                return s
        s = Subject(text=text, forms=[text])
        self.subjects.append(s)
        return s

    def table_cell(self, subject: Subject, attr: str, block: Block, doc: Doc, start: int, end: int,
                   scale: int | None = None) -> None:
        inside = lambda sp: sp.start_char >= start and sp.end_char <= end  # noqa: E731
        cell = block.text[start:end]
        if attr in ("selected_on", "operational_by"):
            for sp in self.spans(doc, "date"):
                value = self.resolve_date(sp.value or {}) if inside(sp) else None
                if value is not None:
                    self.emit(subject, attr, value, block, sp.start_char, sp.end_char, f"{attr}.table")
                    return
            year = cell.strip()
            if YEAR_CELL.fullmatch(year):
                # a bare year is a date only in a column of dates
                at = start + cell.find(year)
                self.emit(subject, attr, {"value": year}, block, at, at + len(year), f"{attr}.table_year")
            return
        if attr in ("location", "city", "country"):
            for p in self.spans(doc, "place"):
                if inside(p):
                    v = p.value or {}
                    if p.label_ == "CITY" and attr != "country":
                        self.emit(subject, "city", v.get("city") or p.text, block, p.start_char, p.end_char, "city.table")
                    elif p.label_ == "COUNTRY" and attr != "city":
                        self.emit(subject, "country", v.get("country_code"), block, p.start_char, p.end_char, "country.table")
            if attr in ("location", "city") and not any(inside(p) and p.label_ == "CITY" for p in self.spans(doc, "place")):
                first = cell.split(",")[0].strip()
                if first and first[0].isupper():
                    self.emit(subject, "city", first, block, start, start + len(first), "city.table_unknown")
            return
        if attr == "supercomputer":
            # "LUMI-AI (new)", "MareNostrum 5 (upgrade)", "new machine": the system column says which it is
            kind = self.deployment_word(cell)
            if kind:
                self.emit(subject, "deployment", kind, block, start, end, "deployment.table_system")
        if attr in ("host_org", "supercomputer"):
            self.systems_cell(subject, attr, block, doc, start, end)
            return
        if attr == "deployment":
            kind = self.deployment_word(cell)
            if kind:
                self.emit(subject, "deployment", kind, block, start, end, "deployment.table")
            return
        if attr.startswith("budget"):
            found = [sp for sp in self.spans(doc, "money") if inside(sp)]
            value = found[0].value if found else normalise_money_text(cell, self.lex.lang)
            if value and scale and 0 < (value.get("amount") or 0) < 100_000:
                value = {**value, "amount": value["amount"] * scale}  # "€85" under "Budget (€ m)"
            bare = BARE_NUMBER.fullmatch(cell.strip()) if not value and scale else None
            if bare and scale:
                # "85", "≈ 55" under "Budget (€ m)": the header gives the unit and the scale
                amount = float(bare.group(2).replace(",", "."))
                value = {"amount": int(round(amount * scale)), "qualifier": "about" if bare.group(1) else "exact"}
            if value:
                s, e = (found[0].start_char, found[0].end_char) if found else (start, end)
                self.emit(subject, attr, value, block, s, e, f"{attr}.table")

    def systems_cell(self, subject: Subject, attr: str, block: Block, doc: Doc, start: int, end: int) -> None:
        """A cell may hold a system, a host or both ("Daedalus, GRNET"): known names say which."""
        covered: list[tuple[int, int]] = []
        for kind, a in (("supercomputer", "supercomputer"), ("org", "host_org")):
            for sp in self.spans(doc, kind):
                if sp.start_char >= start and sp.end_char <= end:
                    covered.append((sp.start_char, sp.end_char))
                    before = block.text[start:sp.start_char]
                    if before.count("(") > before.count(")") and before.strip(" (").strip():
                        continue  # "Linköping University (NAISS responsible)": an aside, not the host
                    self.emit(subject, a, sp.text, block, sp.start_char, sp.end_char, f"{a}.table.{sp.rule}")
        places = {block.text[p.start_char:p.end_char] for p in self.spans(doc, "place")
                  if p.start_char >= start and p.end_char <= end}
        pos = start
        for part in re.split(r"[,;/]| and ", block.text[start:end]):
            p_start = block.text.find(part, pos)
            p_end = p_start + len(part)
            pos = p_end
            stripped = part.strip(" .")
            if not stripped or any(s < p_end and p_start < e for s, e in covered) or stripped in places:
                continue  # a town alone in the host column is where, not who
            if not stripped[0].isupper() and not stripped[0].isdigit():
                continue
            if attr == "supercomputer" and self.deployment_word(stripped):
                continue  # "New AI system": what is bought, not its name
            lead = p_start + part.find(stripped)
            self.emit(subject, attr, stripped, block, lead, lead + len(stripped), f"{attr}.table_column")

    def deployment_word(self, text: str) -> str | None:
        """`upgrade` or `new` as a cell's words say it (configs/lexicon/names: deployment_*)."""
        f = fold(text)
        return "upgrade" if contains_word(f, self.lex.upgrade_words) else \
            "new" if contains_word(f, self.lex.new_words) else None

    def classify_header(self, header: tuple[str, ...]) -> dict[int, str]:
        """The attribute each column holds, by its header (see `header_columns`)."""
        return header_columns(self.lex.lang, header)

    # -- driver ----------------------------------------------------------------------
