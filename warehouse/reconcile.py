"""From the current statements to the curated marts, by the declared policy.

Reads `v_current_statements`, links mentions to factories (identity.py), turns each
factory's statements into candidates per attribute (normalising names against the
knowledge base, checking places with the gazetteer), chooses one value per attribute
(choice.py) and writes `mention_links`, `factory_registry`, `factory_values`,
`conflicts` and `programme_facts`. Nothing is resolved silently: every rejected,
repaired or competing value leaves a conflict row with its reason.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterator

import duckdb
import pyarrow as pa

from common.text import fold_words
from extractors.statement import canonical_json
from warehouse import curation
from warehouse.choice import Candidate, Decision, Support, choose
from warehouse.errors import ConfigError
from warehouse.identity import FactoryEntry, Link, Linker, Mention
from warehouse.knowledge import KBSystem, KnowledgeBase
from warehouse.places import GazetteerLike, check_city
from warehouse.plausibility import (BUDGETS, SHARES, apply_doubts, copied_statements, programme_totals,
                                    reject_before_selection, reject_programme_totals, reject_shares_above,
                                    reject_totals_below)
from warehouse.policy import Override, Policy
from warehouse.similarity import best_match
from warehouse.tables import STR_LIST, insert_rows, registered

ATTRIBUTE_ORDER = ("name", "country", "host_org", "supercomputer", "city")
MART_TABLES = ("mention_links", "factory_registry", "factory_values", "conflicts", "programme_facts")


@dataclass(slots=True)
class Row:
    statement_id: str
    doc_id: str
    source_name: str
    scope: str
    subject_text: str | None
    subject_key: str | None
    attribute: str
    value_json: str
    value_text: str | None
    wave: int | None
    trust: str | None
    published_on: object

    @property
    def value(self):
        return json.loads(self.value_json)

    def support(self, original: str | None = None) -> Support:
        return Support(self.statement_id, self.source_name, self.trust, self.published_on,
                       original if original is not None else self.value_json)


@dataclass(slots=True)
class Outcome:
    """What a reconcile produced: the chosen value per (factory, attribute)."""

    chosen: dict[tuple[str, str], str] = field(default_factory=dict)
    factories: int = 0
    conflicts: int = 0


class _Candidates:
    def __init__(self) -> None:
        self.by_value: dict[str, Candidate] = {}

    def add(self, value, support: Support | None = None, *, note: str | None = None,
            rejected: str | None = None, repaired: bool = False, from_kb: bool = False) -> Candidate:
        vj = canonical_json(value)
        c = self.by_value.setdefault(vj, Candidate(vj))
        if support is not None:
            c.supports.append(support)
        if note and note not in c.notes:
            c.notes.append(note)
        if rejected:
            c.rejected = rejected
        c.repaired |= repaired
        c.from_kb |= from_kb
        return c

    def all(self) -> list[Candidate]:
        return list(self.by_value.values())


_ROW_COLUMNS = """s.statement_id, s.doc_id, s.source_name, s.scope, s.subject_text, s.subject_key,
                  s.attribute, s.value_json, s.value_text, s.wave, s.trust, s.published_on"""
_SAME_MENTION = """s.doc_id = l.doc_id AND s.subject_text IS NOT DISTINCT FROM l.subject_text
                   AND s.subject_key IS NOT DISTINCT FROM l.subject_key"""
_CHUNK = 10_000
_VALUE_COLUMNS = ("factory_id", "attribute", "value_json", "chosen", "reason", "statement_ids")
_CONFLICT_COLUMNS = ("conflict_id", "factory_id", "attribute", "candidates_json", "chosen_json", "reason",
                     "status", "wave")
_CONFLICT_TYPES = {"factory_id": pa.string(), "chosen_json": pa.string(), "wave": pa.int32()}


def _stream_rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Iterator[tuple]:
    """Rows of `sql` (its first columns `_ROW_COLUMNS`, then any extra) read in chunks, with
    the few distinct values of the repetitive columns shared rather than copied."""
    cur = con.execute(sql, params or [])
    shared: dict = {}
    one = shared.setdefault
    while batch := cur.fetchmany(_CHUNK):
        for sid, doc, src, scope, subj, key, attr, vj, vt, wave, trust, pub, *extra in batch:
            yield Row(sid, one(doc, doc), one(src, src), one(scope, scope), one(subj, subj), one(key, key),
                      one(attr, attr), vj, vt, wave, one(trust, trust), one(pub, pub)), extra


def _rows_by_factory(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[str, list[Row]]]:
    """The linked statements (after `statements.factory_id` is set) one factory at a time:
    at a thousand-fold corpus, holding every statement at once was most of a refresh's
    memory. Each factory's rows are read whole before the next factory's, so between two
    factories the connection is free to write what was decided."""
    fids = [f for (f,) in con.execute("""SELECT DISTINCT factory_id FROM v_current_statements
                                         WHERE scope = 'factory' AND factory_id IS NOT NULL ORDER BY 1""").fetchall()]
    for fid in fids:
        yield fid, [r for r, _ in _stream_rows(
            con, f"""SELECT {_ROW_COLUMNS} FROM v_current_statements s
                     WHERE s.scope = 'factory' AND s.factory_id = ? ORDER BY s.statement_id""", [fid])]


_MENTION_SQL = """
    SELECT s.doc_id, s.source_name, s.subject_text, s.subject_key, s.attribute, s.wave,
           CASE WHEN s.attribute IN ('country', 'name', 'host_org', 'city') THEN s.value_json END, d.lang
    FROM v_current_statements s JOIN documents d ON d.doc_id = s.doc_id WHERE s.scope = 'factory'
    ORDER BY s.doc_id, s.subject_text NULLS FIRST, s.subject_key NULLS FIRST, s.statement_id"""


def _mentions(con: duckdb.DuckDBPyConnection) -> dict[tuple, Mention]:
    """One mention per document and subject, read in that order (only the columns a link
    needs). Each mention's sets and lists are frozen and shared with every equal one: at
    scale most mentions repeat a few shapes, and containers of their own were most of
    the linker's memory."""
    out: dict[tuple, Mention] = {}
    shared: dict = {}

    def frozen(m: Mention) -> None:
        for name in ("countries", "attributes", "waves"):
            value = frozenset(getattr(m, name))
            setattr(m, name, shared.setdefault(value, value))
        for name in ("names", "host_orgs", "cities"):
            value = tuple(getattr(m, name))
            setattr(m, name, shared.setdefault(value, value))

    cur = con.execute(_MENTION_SQL)
    m: Mention | None = None
    one = shared.setdefault
    while batch := cur.fetchmany(_CHUNK):
        for doc_id, source, subject_text, subject_key, attribute, wave, value_json, lang in batch:
            key = (doc_id, subject_text, subject_key)
            if m is None or m.key != key:
                if m is not None:
                    frozen(m)
                m = out[key] = Mention(one(doc_id, doc_id), one(source, source), one(subject_text, subject_text),
                                       one(subject_key, subject_key), set(), [], [], set(), set(), one(lang, lang),
                                       [])
            m.attributes.add(one(attribute, attribute))
            if wave is not None:
                m.waves.add(int(wave))
            v = json.loads(value_json) if value_json is not None else None
            if attribute == "country" and isinstance(v, str):
                m.countries.add(v.upper())
            elif attribute == "name" and isinstance(v, str) and v not in m.names:
                m.names.append(v)
            elif attribute == "host_org" and isinstance(v, str):
                m.host_orgs.append(v)
            elif attribute == "city" and isinstance(v, str) and v not in m.cities:
                m.cities.append(v)
    if m is not None:
        frozen(m)
    doc_waves = {doc: frozenset(int(w) for w in waves) for doc, waves in con.execute(
        "SELECT doc_id, list(DISTINCT wave) FROM v_current_statements WHERE wave IS NOT NULL GROUP BY doc_id").fetchall()}
    for mention in out.values():
        waves = doc_waves.get(mention.doc_id)
        if waves:
            mention.doc_waves = shared.setdefault(waves, waves)
    return out


class Reconciler:
    def __init__(self, kb: KnowledgeBase, policy: Policy, overrides: tuple[Override, ...],
                 gazetteer: GazetteerLike) -> None:
        self.kb, self.policy, self.overrides, self.gazetteer = kb, policy, overrides, gazetteer
        self.wave_dates: dict[int, Candidate] = {}
        self.name_verdicts: dict[str, str | None] = {}
        self.doubts: dict[str, str] = {}  # statement id -> why its value is not this factory's
        self.totals: list[tuple[float, str]] = []  # programme and round totals

    # --- per attribute candidate builders -------------------------------------------------
    def _names(self, fid: str, entry: FactoryEntry, rows: list[Row], derived: dict) -> _Candidates:
        cands = _Candidates()
        kb_f = self.kb.factory(fid) if entry.origin == "knowledge_base" else None
        own = {fold_words(n) for n in entry.names}
        for r in rows:
            v = r.value
            if not isinstance(v, str):
                continue
            is_own_canonical = kb_f is not None and fold_words(v) == fold_words(kb_f.name)
            orgs, systems = self.kb.orgs_named(v), self.kb.systems_named(v)
            if not is_own_canonical and (orgs or systems):
                kind, kb_file, attr = (("host organisation", "host_orgs.yaml", "host_org") if orgs
                                       else ("supercomputer", "supercomputers.yaml", "supercomputer"))
                cands.add(v, r.support(), rejected=f"{v!r} is a known {kind} ({kb_file}), not a factory name; "
                                                   f"kept as the factory's {attr}")
                derived[attr].append((r, v))
            elif kb_f is not None and fold_words(v) in own and v != kb_f.name:
                cands.add(kb_f.name, r.support(), note=f"{v!r} is an alias of {kb_f.name!r} (factories.yaml)")
            elif kb_f is None and self.name_verdicts.get(v):
                cands.add(v, r.support(), rejected=self.name_verdicts[v])
            else:
                cands.add(v, r.support())
        if kb_f is not None:
            cands.add(kb_f.name, from_kb=True)
        elif entry.label and not any(not c.rejected for c in cands.all()):
            cands.add(entry.label, note="no text names this factory: it is known by its country and round")
        elif not any(not c.rejected for c in cands.all()):
            # every name the texts gave is some other thing's name: the factory keeps its
            # id as its name, so it is never nameless (and the conflict row says why)
            cands.add(fid, note="every stated name is another thing's name; the factory id stands in")
        return cands

    def _country(self, fid: str, entry: FactoryEntry, rows: list[Row]) -> _Candidates:
        cands = _Candidates()
        for r in rows:
            if isinstance(r.value, str):
                cands.add(r.value.upper(), r.support())
        if entry.origin == "knowledge_base" and entry.country:
            cands.add(entry.country, from_kb=True)
        elif entry.country and not cands.all():
            cands.add(entry.country, note="no text states the country: the one its host or its cities lie in")
        return cands

    def _host_orgs(self, rows: list[tuple[Row, str]], country: str | None) -> _Candidates:
        """Names of one known organisation count together; the value shown is the form
        the sources use most (ties: the knowledge base's name), e.g. 'CSC' over its long name."""
        cands = _Candidates()
        by_org: dict[str, list[tuple[Row, str]]] = defaultdict(list)
        for r, v in rows:
            orgs = [o for o in self.kb.orgs_named(v) if not country or not o.country or o.country == country]
            if len(orgs) == 1:
                by_org[orgs[0].name].append((r, v))
            else:
                cands.add(v, r.support())
        for kb_name, group in by_org.items():
            counts = Counter(v for _, v in group)
            shown = sorted(counts, key=lambda v: (-counts[v], v != kb_name, v))[0]
            for r, v in group:
                note = None if v == shown else f"{v!r} names the same organisation as {shown!r} (host_orgs.yaml)"
                cands.add(shown, r.support(canonical_json(v)), note=note)
        return cands

    def _supercomputers(self, rows: list[tuple[Row, str]], country: str | None) -> _Candidates:
        cands = _Candidates()
        local = [s for s in self.kb.supercomputers if country and s.country == country]
        for r, v in rows:
            named = [s for s in self.kb.systems_named(v) if not country or not s.country or s.country == country]
            if len(named) == 1:
                note = None if named[0].name == v else f"{v!r} is an alias of {named[0].name!r} (supercomputers.yaml)"
                cands.add(named[0].name, r.support(canonical_json(v)), note=note)
                continue
            match, why = best_match(v, [(s, s.names) for s in local], self.policy.supercomputer)
            if match is not None:
                system: KBSystem = match.item  # type: ignore[assignment]
                reason = (f"{v!r} is not a known supercomputer name; normalised to {system.name!r}, the known "
                          f"system in {country} (supercomputers.yaml; {why})")
                cands.add(v, r.support(), rejected=reason)
                cands.add(system.name, r.support(canonical_json(v)), note=reason, repaired=True)
            else:
                cands.add(v, r.support())
        return cands

    def _cities(self, rows: list[Row], country: str | None, system: KBSystem | None,
                org: KBSystem | None) -> _Candidates:
        cands = _Candidates()
        # values decoded once, and one verdict per (city, source): a corpus that states the
        # same city in many documents must not cost rows x rows checks
        stated = [(r, r.value) for r in rows]
        stated = [(r, v) for r, v in stated if isinstance(v, str)]
        verdicts: dict[tuple[str, str], object] = {}
        settled: dict[str, object] = {}  # a city that lies in the country needs no other source
        for r, v in stated:
            key = (v, r.source_name)
            if key not in verdicts:
                if not country or self.gazetteer.lies_in(v, country):
                    if v not in settled:
                        settled[v] = check_city(v, country, self.gazetteer, self.policy,
                                                supercomputer=system, host_org=org)
                    verdicts[key] = settled[v]
                else:  # only a city to repair looks at what the other sources say
                    others = [(ov, o.source_name) for o, ov in stated if o.source_name != r.source_name]
                    verdicts[key] = check_city(v, country, self.gazetteer, self.policy, other_values=others,
                                               supercomputer=system, host_org=org)
            verdict = verdicts[key]
            if verdict.status in ("ok", "unchecked"):
                cands.add(v, r.support())
            elif verdict.status == "rejected":
                cands.add(v, r.support(), rejected=verdict.reason)
            else:
                cands.add(v, r.support(), rejected=verdict.reason)
                cands.add(verdict.value, r.support(canonical_json(v)), note=verdict.reason, repaired=True)
        return cands

    # --- one factory ------------------------------------------------------------------------
    def factory(self, fid: str, entry: FactoryEntry, rows: list[Row]) -> dict[str, tuple[list[Candidate], Decision]]:
        by_attr: dict[str, list[Row]] = defaultdict(list)
        for r in rows:
            by_attr[r.attribute].append(r)
        derived: dict[str, list[tuple[Row, str]]] = defaultdict(list)
        result: dict[str, tuple[list[Candidate], Decision]] = {}

        def decide(attr: str, cands: _Candidates) -> Decision:
            self._apply_overrides(fid, entry, attr, cands)
            lst = cands.all()
            if not lst:
                return Decision(None, "none", "")
            apply_doubts(lst, self.doubts)
            if attr in BUDGETS:
                reject_programme_totals(lst, self.totals)
            decision = choose(lst, attr, self.policy)
            result[attr] = (lst, decision)
            return decision

        if entry.wave is None and entry.origin != "knowledge_base":
            entry.wave = self._stated_round(rows)

        decide("name", self._names(fid, entry, by_attr.get("name", []), derived))
        country_d = decide("country", self._country(fid, entry, by_attr.get("country", [])))
        country = country_d.chosen.value if country_d.chosen else None
        org_rows = [(r, r.value) for r in by_attr.get("host_org", []) if isinstance(r.value, str)]
        org_d = decide("host_org", self._host_orgs(org_rows + derived["host_org"], country))
        sys_rows = [(r, r.value) for r in by_attr.get("supercomputer", []) if isinstance(r.value, str)]
        sys_d = decide("supercomputer", self._supercomputers(sys_rows + derived["supercomputer"], country))
        system = _pick(self.kb.systems_named(sys_d.chosen.value), country) if sys_d.chosen else None
        org = _pick(self.kb.orgs_named(org_d.chosen.value), country) if org_d.chosen else None
        decide("city", self._cities(by_attr.get("city", []), country, system, org))
        wave_date = self.wave_dates.get(entry.wave) if entry.wave is not None else None
        known_wave = self.kb.wave(entry.wave)
        placed = sorted({r.source_name for r in rows if r.wave is not None and r.wave == entry.wave})
        round_date = known_wave.selected_on if known_wave and (placed or entry.origin != "discovered") else None
        extra = {"selected_on"} if wave_date or round_date else set()
        for attr in sorted(set(by_attr) | extra | {o.attribute for o in self._overrides_for(fid, entry)}):
            if attr in ATTRIBUTE_ORDER:
                continue
            cands = _Candidates()
            for r in by_attr.get(attr, []):
                v = r.value
                cands.add(sorted(v) if isinstance(v, list) else v, r.support())
            if attr == "selected_on" and wave_date:
                for sup in wave_date.supports:
                    cands.add(wave_date.value, sup, note=f"the selection date of wave {entry.wave} "
                                                         f"(programme fact; factories.yaml gives the wave)")
            if attr == "selected_on" and round_date:
                where = (f"{', '.join(placed[:3])}{' and others' if len(placed) > 3 else ''} place the factory "
                         f"in round {entry.wave}") if placed else (
                    f"factories.yaml places it in round {entry.wave}" if entry.origin == "knowledge_base"
                    else f"it was identified as round {entry.wave}'s factory of {entry.country}")
                cands.add({"value": round_date}, from_kb=True,
                          note=f"the selection date of round {entry.wave} (waves.yaml); {where}")
            decide(attr, cands)
        self._check_together(result)
        return result

    def _stated_round(self, rows: list[Row]) -> int | None:
        """The round the texts place a discovered factory in: a selection date that is a
        round's date (waves.yaml) says it first, else the round its statements are about."""
        dated = set()
        for r in rows:
            v = r.value if r.attribute == "selected_on" else None
            if isinstance(v, dict) and isinstance(v.get("value"), str) and len(v["value"]) >= 7:
                dated |= {w.wave for w in self.kb.waves if w.selected_on and w.selected_on.startswith(v["value"][:7])}
        if len(dated) == 1:
            return next(iter(dated))
        stated = {r.wave for r in rows if r.wave is not None}
        return next(iter(stated)) if len(stated) == 1 else None

    def _check_together(self, result: dict[str, tuple[list[Candidate], Decision]]) -> None:
        """Checks of one value against another chosen one: a share above the total, an
        operation before the selection. A rejected value is chosen no longer."""
        def redo(attr: str) -> None:
            lst, _ = result[attr]
            result[attr] = (lst, choose(lst, attr, self.policy))

        shares = {a: result[a][1].chosen.value for a in SHARES if a in result and result[a][1].chosen}
        if "budget_total_eur" in result and result["budget_total_eur"][1].chosen and \
                reject_totals_below(result["budget_total_eur"][0], shares):
            redo("budget_total_eur")
        total = result.get("budget_total_eur")
        for share in SHARES:
            if total and total[1].chosen and share in result:
                reject_shares_above(result[share][0], total[1].chosen.value, share)
                redo(share)
        selected = result.get("selected_on")
        if selected and selected[1].chosen and "operational_by" in result:
            reject_before_selection(result["operational_by"][0], selected[1].chosen.value)
            redo("operational_by")

    def _overrides_for(self, fid: str, entry: FactoryEntry) -> list[Override]:
        keys = {fold_words(fid), *(fold_words(n) for n in entry.names), fold_words(entry.kb_name or "")}
        return [o for o in self.overrides if fold_words(o.factory) in keys]

    def _apply_overrides(self, fid: str, entry: FactoryEntry, attr: str, cands: _Candidates) -> None:
        for o in self._overrides_for(fid, entry):
            if o.attribute == attr:
                c = cands.add(o.value)
                c.override = o.reason
                c.rejected = None

    # --- everything -----------------------------------------------------------------------
    def run(self, con: duckdb.DuckDBPyConnection) -> Outcome:
        # pass 1: the mentions (one per document and subject), not the statements themselves
        mentions = _mentions(con)
        linker = Linker(self.kb, self.policy, self.gazetteer)
        links = linker.link_all(list(mentions.values()))
        self.name_verdicts = linker.name_verdicts
        self._check_overrides(linker.entries, links)
        for table in MART_TABLES:
            con.execute(f"DELETE FROM {table}")
        _write_links(con, mentions, links)
        keys = list(mentions)
        fids = pa.table({
            "doc_id": pa.array([k[0] for k in keys], pa.string()),
            "subject_text": pa.array([k[1] for k in keys], pa.string()),
            "subject_key": pa.array([k[2] for k in keys], pa.string()),
            "factory_id": pa.array([links[k].factory_id if k in links else None for k in keys], pa.string())})
        # into a table of DuckDB's own (it can spill): a registered stream is read once, a join may read twice
        with registered(con, "_mention_fid_in", fids):
            con.execute("CREATE OR REPLACE TEMP TABLE _mention_fid AS SELECT * FROM _mention_fid_in")
        # that table is all pass 2 needs of them: the objects' memory goes back to the
        # allocator for the factories' statements instead of adding to them
        del mentions, links, keys, fids
        try:
            self._link_statements(con)
        finally:
            con.execute("DROP TABLE IF EXISTS _mention_fid")
        self.doubts = copied_statements(con, {fid: e.names for fid, e in linker.entries.items()},
                                        self.policy.name_check.plural_heads)
        outcome = self._decide_all(con, linker)
        curation.record(con, self.kb.directory)
        return outcome

    @staticmethod
    def _link_statements(con: duckdb.DuckDBPyConnection) -> None:
        """Each current factory statement gets the factory its mention was linked to."""
        con.execute(f"""UPDATE statements SET factory_id = x.factory_id
                        FROM (SELECT s.statement_id, l.factory_id FROM v_current_statements s
                              LEFT JOIN _mention_fid l ON {_SAME_MENTION} WHERE s.scope = 'factory') x
                        WHERE statements.statement_id = x.statement_id
                          AND statements.factory_id IS DISTINCT FROM x.factory_id""")

    def _decide_all(self, con: duckdb.DuckDBPyConnection, linker: Linker) -> Outcome:
        """Pass 2: every factory's values from its statements, read one factory at a time."""
        out = Outcome()
        conflicts, registry = [], []
        programme = self._programme([r for r, _ in _stream_rows(
            con, f"SELECT {_ROW_COLUMNS} FROM v_current_statements s WHERE s.scope = 'programme' "
                 "ORDER BY s.statement_id")], conflicts)
        for fid, rows in _rows_by_factory(con):
            entry = linker.entries[fid]
            decided = self.factory(fid, entry, rows)
            values = []
            for attr, (cands, decision) in decided.items():
                values.extend(_value_rows(fid, attr, cands, decision))
                if decision.chosen is not None:
                    out.chosen[(fid, attr)] = decision.chosen.value_json
                conflict = _conflict_row(fid, attr, None, cands, decision, self.policy)
                if conflict:
                    conflicts.append(conflict)
            rejected_names = {s.original for attr_c in decided.get("name", ([], None))[0] if attr_c.rejected
                              for s in attr_c.supports}
            surface = sorted({t for r in rows for t in
                              ([r.subject_text] + ([r.value] if r.attribute == "name" else []))
                              if isinstance(t, str) and canonical_json(t) not in rejected_names
                              and canonical_json(t) != out.chosen.get((fid, "name"))})
            registry.append((fid, entry.origin, entry.kb_name, entry.wave, surface,
                             len({r.source_name for r in rows})))
            # written factory by factory: at scale a factory's values and conflicts carry one
            # statement id and one evidence entry per supporting statement
            insert_rows(con, "factory_values", _VALUE_COLUMNS, values, {"statement_ids": STR_LIST})
            out.conflicts += insert_rows(con, "conflicts", _CONFLICT_COLUMNS, conflicts, _CONFLICT_TYPES)
            conflicts.clear()
        insert_rows(con, "factory_registry", ["factory_id", "origin", "kb_name", "wave", "aliases", "n_sources"],
                    registry, {"kb_name": pa.string(), "wave": pa.int32(), "aliases": STR_LIST})
        insert_rows(con, "programme_facts", ["attribute", "wave", "value_json", "statement_ids", "chosen", "reason"],
                    programme, {"wave": pa.int32(), "statement_ids": STR_LIST})
        out.conflicts += insert_rows(con, "conflicts", _CONFLICT_COLUMNS, conflicts, _CONFLICT_TYPES)
        out.factories = len(registry)
        return out

    def _check_overrides(self, entries: dict[str, FactoryEntry], links: dict[tuple, Link]) -> None:
        linked = {l.factory_id for l in links.values() if l.factory_id}
        for o in self.overrides:
            if not any(o in self._overrides_for(fid, entries[fid]) for fid in linked):
                raise ConfigError(f"overrides.yaml: override for factory {o.factory!r} ({o.attribute}) names no "
                                  f"factory present in the warehouse")

    def _programme(self, rows: list[Row], conflicts: list) -> list[tuple]:
        groups: dict[tuple[str, int | None], _Candidates] = defaultdict(_Candidates)
        for r in rows:
            groups[(r.attribute, r.wave)].add(r.value, r.support())
        out = []
        for (attr, wave), cands in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
            lst = cands.all()
            decision = choose(lst, attr, self.policy)
            for c in lst:
                chosen = c is decision.chosen
                out.append((attr, wave, c.value_json, [s.statement_id for s in c.supports], chosen,
                            decision.reason if chosen else f"not chosen ({', '.join(c.sources)})"))
            conflict = _conflict_row(None, attr, wave, lst, decision, self.policy)
            if conflict:
                conflicts.append(conflict)
            if attr == "selected_on" and wave is not None and decision.chosen is not None:
                self.wave_dates[wave] = decision.chosen
        self.totals = programme_totals(self.kb, [(attr, wave, json.loads(vj)) for attr, wave, vj, _, chosen, _ in out
                                                 if chosen])
        return out


def _pick(items: list[KBSystem], country: str | None) -> KBSystem | None:
    local = [i for i in items if not country or i.country == country]
    return local[0] if len(local) == 1 else None


def _value_rows(fid: str, attr: str, cands: list[Candidate], decision: Decision) -> list[tuple]:
    rows = []
    for c in cands:
        chosen = c is decision.chosen
        if chosen:
            reason = "; ".join([*c.notes, decision.reason])
        elif c.rejected:
            reason = f"rejected: {c.rejected}"
        else:
            reason = "; ".join([*c.notes, f"not chosen: {decision.reason}"])
        if c.from_kb and not c.supports:
            reason += " (value from the knowledge base)"
        rows.append((fid, attr, c.value_json, chosen, reason, sorted({s.statement_id for s in c.supports})))
    return rows


def _conflict_row(fid: str | None, attr: str, wave: int | None, cands: list[Candidate], decision: Decision,
                  policy: Policy) -> tuple | None:
    if len(cands) < 2 and not any(c.rejected or c.repaired or c.override for c in cands):
        return None
    entries = []
    for c in cands:
        status = "chosen" if c is decision.chosen else ("rejected" if c.rejected else "candidate")
        note = c.rejected or "; ".join(c.notes) or None
        if c.override:
            entries.append({"value": c.value, "source": "overrides.yaml", "trust": "override",
                            "published_on": None, "status": status, "note": c.override})
        if c.from_kb and not c.supports:
            entries.append({"value": c.value, "source": "knowledge base", "trust": None,
                            "published_on": None, "status": status, "note": note})
        for s in c.supports:
            entries.append({"value": c.value, "source": s.source_name, "trust": s.trust,
                            "published_on": s.published_on.isoformat() if s.published_on else None,
                            "stated": json.loads(s.original), "status": status, "note": note})
    evidence = []
    for c in cands:
        if c.rejected and c.rejected not in evidence:
            evidence.append(c.rejected)
        for n in c.notes:
            if c.repaired and n not in evidence:
                evidence.append(n)
    reason = "; ".join([*evidence, decision.reason])
    status = "open" if decision.chosen is None or decision.decided_by in policy.open_when_decided_by else "resolved"
    cid = hashlib.sha1(f"{fid}\0{attr}\0{wave}".encode()).hexdigest()[:16]
    return (cid, fid, attr, canonical_json(entries), decision.chosen.value_json if decision.chosen else None,
            reason, status, wave)


def _write_links(con: duckdb.DuckDBPyConnection, mentions: dict[tuple, Mention], links: dict[tuple, Link]) -> None:
    rows = [(m.doc_id, m.subject_text, m.subject_key, links[k].factory_id, links[k].method, links[k].score,
             links[k].reason) for k, m in sorted(mentions.items(), key=lambda kv: tuple(str(x) for x in kv[0]))]
    insert_rows(con, "mention_links", ["doc_id", "subject_text", "subject_key", "factory_id", "method", "score",
                                       "reason"], rows,
                {"subject_text": pa.string(), "subject_key": pa.string(), "factory_id": pa.string(),
                 "score": pa.float64()})

