"""Which factory a mention is about.

A mention is one subject as one document writes it. It joins a factory by, in order:
knowledge-base key, exact alias, case- and diacritic-folded alias, the country of a
known host organisation or supercomputer it names, then close spelling plus sound;
never across countries. A mention that matches nothing founds a new factory from a
proper name (names.py: not a phrase of common words) with enough evidence; its id is
made from that name, so it is the same on every run.

A mention with no proper name (an unnamed factory, "the Polish AI Factory", a phrase
taken for a name) is identified by its country and selection round: it joins the one
factory of that country in that round, never one of another round; when none is known
and the round has room (waves.yaml `count`), it founds the factory of that country and
round. Without a round it joins its country's factory only when the country has one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import AbstractSet, Sequence

from common.text import fold_words
from warehouse.knowledge import KnowledgeBase
from warehouse.policy import Policy
from warehouse.similarity import best_match


@dataclass(slots=True)
class Mention:
    doc_id: str
    source_name: str
    subject_text: str | None
    subject_key: str | None
    countries: AbstractSet[str] = frozenset()
    names: Sequence[str] = ()
    host_orgs: Sequence[str] = ()
    attributes: AbstractSet[str] = frozenset()
    waves: AbstractSet[int] = frozenset()
    lang: str | None = None
    cities: Sequence[str] = ()
    doc_waves: AbstractSet[int] = frozenset()  # the rounds the whole document's statements are about

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.doc_id, self.subject_text, self.subject_key)

    @property
    def label(self) -> str:
        return self.subject_text or (self.names[0] if self.names else self.subject_key or "")


@dataclass(frozen=True, slots=True)
class Link:
    factory_id: str | None
    method: str
    score: float | None
    reason: str


@dataclass(slots=True)
class FactoryEntry:
    """A factory that mentions can join: from the knowledge base or discovered now."""

    factory_id: str
    country: str | None
    names: list[str]
    origin: str  # knowledge_base | discovered (from a proper name) | country_round (from a country and a round)
    kb_name: str | None = None
    wave: int | None = None
    label: str | None = None  # the display name of a factory no text names


def _is_excluded(texts: list[str], policy: Policy) -> str | None:
    for text in texts:
        words = set(fold_words(text).split())
        hit = words & policy.excluded_words
        if hit:
            return sorted(hit)[0]
    return None


def _ascii_upper(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()


def core_words(name: str, policy: Policy) -> list[str]:
    """The distinctive words of a name: without 'AI', 'Factory' and the like."""
    return [t for t in re.split(r"\s+", name.strip())
            if t and fold_words(t) and fold_words(t) not in policy.generic_name_words]


def new_factory_id(name: str, policy: Policy) -> str:
    """Stable id of a discovered factory: its acronym-like token when it has one, else
    its distinctive words upper-cased ('GAIA AI Factory' -> 'GAIA')."""
    tokens = [t for t in re.split(r"\s+", name.strip()) if t]
    kept = core_words(name, policy)
    acronyms = [t for t in kept if sum(c.isupper() or c.isdigit() for c in t) >= 2
                and not any(c.islower() for c in t)]
    chosen = acronyms[:1] or kept or tokens
    ident = "-".join(re.sub(r"[^A-Z0-9+\-]", "", _ascii_upper(t)) for t in chosen).strip("-")
    return ident or _ascii_upper(fold_words(name)).replace(" ", "-") or "UNNAMED"


class Linker:
    def __init__(self, kb: KnowledgeBase, policy: Policy, gazetteer=None) -> None:  # noqa: ANN001
        self.kb = kb
        self.policy = policy
        self.gazetteer = gazetteer  # the countries of a mention's cities, when it states no country
        self._city_countries: dict[str, frozenset[str]] = {}
        self.entries: dict[str, FactoryEntry] = {
            f.key: FactoryEntry(f.key, f.country, list(f.names), "knowledge_base", f.name, f.wave)
            for f in kb.factories}
        self.name_verdicts: dict[str, str | None] = {}  # name -> why it is no proper name (None: it is one)
        self.sites: dict[str, set[str]] = {}  # factory id -> folded cities and hosts its linked mentions state

    def _note_site(self, m: Mention, link: Link | None) -> None:
        if link is not None and link.factory_id:
            self.sites.setdefault(link.factory_id, set()).update(fold_words(t) for t in (*m.cities, *m.host_orgs) if t)

    def name_verdict(self, name: str, lang: str | None) -> str | None:
        if name not in self.name_verdicts:
            self.name_verdicts[name] = self.policy.name_check.verdict(name, lang)
        return self.name_verdicts[name]

    def proper_names(self, m: Mention) -> list[str]:
        """The mention's stated names that are proper names (a factory may be founded from them)."""
        return [n for n in m.names if self.name_verdict(n, m.lang) is None]

    def _mention_countries(self, m: Mention) -> set[str]:
        countries = {c.upper() for c in m.countries if c}
        if not countries:
            for org in m.host_orgs:
                countries |= {o.country for o in self.kb.orgs_named(org) if o.country}
        if not countries and m.cities and self.gazetteer is not None:
            found: set[str] = set()
            for city in m.cities:
                if city not in self._city_countries:
                    self._city_countries[city] = frozenset(self.gazetteer.countries_of(city))
                found |= self._city_countries[city]
            if len(found) == 1:  # every city it names lies in one country (the gazetteer)
                countries = found
        return countries

    def _in_countries(self, entries: list[FactoryEntry], countries: set[str]) -> list[FactoryEntry]:
        return [e for e in entries if not countries or e.country in countries or e.country is None]

    def _link_known(self, m: Mention) -> Link | None:
        countries = self._mention_countries(m)
        texts = [t for t in [m.subject_text, *m.names] if t]
        cores = [" ".join(core_words(t, self.policy)) for t in texts]
        texts += [c for c in cores if c and c not in texts]  # 'Factoría de IA del BSC' -> 'BSC'
        if m.subject_key and m.subject_key in self.entries:
            return Link(m.subject_key, "kb_key", 1.0, f"extractor recognised knowledge-base key {m.subject_key}")
        for text in texts:
            hits = self._in_countries([self.entries[f.key] for f in self.kb.factories_exact(text)], countries)
            if len(hits) == 1:
                return Link(hits[0].factory_id, "exact_alias", 1.0, f"{text!r} is a knowledge-base alias")
        for text in texts:
            hits = self._in_countries([self.entries[f.key] for f in self.kb.factories_folded(text)], countries)
            if len(hits) == 1:
                return Link(hits[0].factory_id, "folded_alias", 1.0,
                            f"{text!r} equals a knowledge-base alias after case and diacritic folding")
        for text in texts:
            link = self._link_via_named_thing(text, countries)
            if link:
                return link
        return None

    def wave_room(self, wave: int) -> tuple[bool, str]:
        """Whether round `wave` may get one more factory (waves.yaml `count`)."""
        known = self.kb.wave(wave)
        if known is None:
            return False, f"round {wave} is not in waves.yaml"
        used = sorted(e.factory_id for e in self.entries.values() if e.wave == wave)
        if known.count is not None and len(used) >= known.count:
            return False, f"round {wave} has its {known.count} factories already (waves.yaml): {', '.join(used)}"
        return True, ""

    def _same_site(self, m: Mention, candidates: list[FactoryEntry]) -> tuple[FactoryEntry | None, str]:
        mine = {fold_words(t) for t in (*m.cities, *m.host_orgs) if t}
        same = [e for e in candidates if mine & self.sites.get(e.factory_id, set())]
        if len(same) != 1:
            return None, ""
        return same[0], ", ".join(sorted(mine & self.sites[same[0].factory_id]))

    def _link_by_country(self, m: Mention, create: bool) -> tuple[Link | None, str]:
        """A mention without a proper name ("the AI factory in Slovenia", a table row of
        city and country, "Polish AI Factory") is the factory of its country in its round:
        the one known there (never another round's), else one founded from that
        identification when `create` and the round has room. A mention that states no
        round takes its document's, when the document speaks of one round only, unless
        other mentions place one of its country's factories at its city or host. Without
        any round, the country's factory when it has only one."""
        countries = self._mention_countries(m)
        if len(countries) != 1:
            return None, ("no country" if not countries else f"several countries ({', '.join(sorted(countries))})")
        cc = next(iter(countries))
        pool = sorted((e for e in self.entries.values() if e.country == cc), key=lambda e: e.factory_id)
        waves, whose = m.waves, ""
        if not waves:
            e, where = self._same_site(m, pool)
            if e is not None:
                return Link(e.factory_id, "country_site", 1.0,
                            f"no proper name; of the factories in {cc}, only {e.factory_id} is placed at {where} "
                            f"by other mentions"), ""
            if len(m.doc_waves) == 1:
                waves, whose = m.doc_waves, " (the document's round)"
        if waves:
            local = [e for e in pool if e.wave in waves] or \
                [e for e in pool if e.wave is None and e.origin != "knowledge_base"]
            rounds = "round " + "/".join(str(w) for w in sorted(waves)) + whose
        else:
            local, rounds = pool, "any round"
        if len(local) == 1:
            e = local[0]
            return Link(e.factory_id, "country_round" if m.waves else "country_factory", 1.0,
                        f"no proper name; the factory in {cc} of {rounds}: {e.factory_id} is the only one"), ""
        if local:
            e, where = self._same_site(m, local)
            if e is not None:
                return Link(e.factory_id, "country_site", 1.0,
                            f"no proper name; of the {len(local)} factories in {cc} of {rounds}, only "
                            f"{e.factory_id} is placed at {where} by other mentions"), ""
            return None, f"{len(local)} factories in {cc} of {rounds} ({', '.join(e.factory_id for e in local)})"
        if not waves:
            return None, f"no factory known in {cc} and the text gives no round"
        if len(waves) != 1 or not create:
            return None, f"no factory known in {cc} of {rounds}"
        wave = next(iter(waves))
        if not self.kb.can_host(cc):
            return None, f"{cc} is not among the countries that host AI Factories (waves.yaml host_countries)"
        room, why = self.wave_room(wave)
        if not room:
            return None, f"no factory known in {cc} of round {wave}, and {why}"
        fid = f"AIF-{cc}-{wave}"
        others = ", ".join(e.factory_id for e in pool) or "none"
        self.entries[fid] = FactoryEntry(fid, cc, [], "country_round", wave=wave,
                                         label=f"AI Factory {cc} (round {wave})")
        return Link(fid, "new_country_round", None,
                    f"no proper name; no factory known in {cc} of round {wave}{whose} (other rounds: {others}); "
                    f"founded from the country and the round"), ""

    def _link_via_named_thing(self, text: str, countries: set[str]) -> Link | None:
        """A host organisation's or supercomputer's name used as the subject: the factory
        is the one known in that organisation's or system's country, when only one is."""
        for method, things, kb_file in (("kb_org", self.kb.orgs_named(text), "host_orgs.yaml"),
                                        ("kb_system", self.kb.systems_named(text), "supercomputers.yaml")):
            site_countries = {t.country for t in things if t.country}
            if countries:
                site_countries &= countries
            if len(site_countries) != 1:
                continue
            cc = next(iter(site_countries))
            local = [e for e in self.entries.values() if e.origin == "knowledge_base" and e.country == cc]
            if len(local) == 1:
                return Link(local[0].factory_id, method, 1.0,
                            f"{text!r} names a known {'host organisation' if method == 'kb_org' else 'supercomputer'} "
                            f"({kb_file}) in {cc}, whose only factory is {local[0].factory_id}")
        return None

    def _link_fuzzy(self, m: Mention, origin: str | None = None) -> tuple[Link | None, str]:
        countries = self._mention_countries(m)
        pool = [e for e in self.entries.values() if origin is None or e.origin == origin]
        if countries:
            pool = [e for e in pool if e.country in countries]
        why = "no candidate in the mention's country"
        for text in [t for t in [m.subject_text, *m.names] if t]:
            match, why = best_match(text, [(e, e.names) for e in pool], self.policy.identity,
                                    country_known=bool(countries))
            if match is not None:
                entry: FactoryEntry = match.item  # type: ignore[assignment]
                return Link(entry.factory_id, "fuzzy", match.spelling,
                            f"{text!r} is close to {match.name!r} in {entry.country}: {why}"), why
        return None, why

    def _has_evidence(self, m: Mention) -> bool:
        if not self.proper_names(m):
            return False
        return any(a in m.attributes for a in self.policy.new_factory_evidence) or \
            ("country" in self.policy.new_factory_evidence and bool(self._mention_countries(m)))

    def _found(self, m: Mention) -> Link:
        name = self.proper_names(m)[0]
        countries = sorted(self._mention_countries(m))
        country = countries[0] if len(countries) == 1 else None
        wave = next(iter(m.waves)) if len(m.waves) == 1 else None
        if country and not self.kb.can_host(country):
            return Link(None, "unlinked", None,
                        f"{name!r} is in {country}, not among the countries that host AI Factories "
                        f"(waves.yaml host_countries)")
        if wave is not None:
            room, why = self.wave_room(wave)
            if not room:
                return Link(None, "unlinked", None, f"{name!r} matches no factory of round {wave}, and {why}")
        fid = new_factory_id(name, self.policy)
        existing = self.entries.get(fid)
        if existing is not None and existing.country != country:
            fid = f"{fid}-{country}" if country else f"{fid}-X"
        entry = self.entries.setdefault(fid, FactoryEntry(fid, country, [], "discovered", wave=wave))
        for t in [m.subject_text, *m.names, " ".join(core_words(name, self.policy))]:
            if t and t not in entry.names:
                entry.names.append(t)
        return Link(fid, "new", None,
                    f"no known factory matches {name!r}; founded from a proper name with "
                    f"{'country ' + country if country else 'a host organisation'}"
                    f"{f' in round {wave}' if wave is not None else ''}")

    def link_all(self, mentions: list[Mention]) -> dict[tuple, Link]:
        """Link every mention. Known factories first, then discovered ones in a stable
        order, so that the result does not depend on the order sources were read."""
        links: dict[tuple, Link] = {}
        rest: list[Mention] = []
        for m in sorted(mentions, key=lambda x: (x.doc_id, x.subject_text or "", x.subject_key or "")):
            texts = [t for t in [m.subject_text, *m.names] if t]
            if not texts and not m.subject_key:
                links[m.key] = Link(None, "unlinked", None, "factory statement without a subject")
                continue
            word = _is_excluded(texts, self.policy)
            if word:
                links[m.key] = Link(None, "excluded", None,
                                    f"{m.label!r} contains {word!r}: antennas and gigafactories are not factories")
                continue
            link = self._link_known(m) or self._link_fuzzy(m, origin="knowledge_base")[0]
            if link:
                links[m.key] = link
                self._note_site(m, link)
            else:
                rest.append(m)
        for m in rest:  # a proper name with evidence: a factory discovered now, unless its round has it
            if m.key not in links and self._has_evidence(m):
                found = self._link_discovered(m)[0] or self._same_round(m) or self._found(m)
                links[m.key] = found
                self._note_site(m, found)
        unnamed = [m for m in rest if m.key not in links]
        # the rest by name among the discovered ones, else by country and round: those that
        # state a round first (they may found their round's factory), then those that do not
        # (they join their country's factory only when, after that, it has just one)
        whys: dict[tuple, str] = {}
        for m in unnamed:
            if self.proper_names(m) or not m.names:
                found, whys[m.key] = self._link_discovered(m)
                if found is not None:
                    links[m.key] = found
                    self._note_site(m, found)
        def kind(m: Mention) -> int:  # a stated round, the document's round, none
            return 0 if m.waves else (1 if len(m.doc_waves) == 1 else 2)

        for step in (0, 1, 2):
            for m in unnamed:
                if m.key in links or kind(m) != step or self.proper_names(m):
                    continue
                found, why = self._link_by_country(m, create=True)
                if found is not None:
                    links[m.key] = found
                else:
                    whys[m.key] = why
        for m in unnamed:
            if m.key in links:
                continue
            names = [n for n in m.names if n not in self.proper_names(m)]
            not_proper = f"; {self.name_verdicts[names[0]]}" if names else ""
            evidence = "" if self.proper_names(m) else " and has no proper name to found one"
            links[m.key] = Link(None, "unlinked", None,
                                f"{m.label!r} matches no factory ({whys.get(m.key) or 'no match'}){evidence}{not_proper}")
        return links

    def _same_round(self, m: Mention) -> Link | None:
        """A new name stated with a country and a round whose factory there is known: a round
        selects one factory per country, so the name is another form of that one's."""
        countries = self._mention_countries(m)
        if len(countries) != 1 or len(m.waves) != 1:
            return None
        cc, wave = next(iter(countries)), next(iter(m.waves))
        local = [e for e in self.entries.values() if e.country == cc and e.wave == wave]
        if len(local) != 1:
            return None
        name = self.proper_names(m)[0]
        return Link(local[0].factory_id, "country_round", 1.0,
                    f"{name!r} matches no known name, but round {wave}'s factory in {cc} is "
                    f"{local[0].factory_id}, the only one")

    def _link_discovered(self, m: Mention) -> tuple[Link | None, str]:
        """A factory discovered in this run that the mention names (folded, then fuzzy)."""
        texts = [t for t in [m.subject_text, *m.names] if t]
        for text in texts:
            hits = [e for e in self.entries.values() if e.origin == "discovered"
                    and any(fold_words(n) == fold_words(text) for n in e.names)]
            hits = self._in_countries(hits, self._mention_countries(m))
            if len(hits) == 1:
                return Link(hits[0].factory_id, "folded_alias", 1.0,
                            f"{text!r} names the factory discovered as {hits[0].factory_id}"), ""
        return self._link_fuzzy(m, origin="discovered")
