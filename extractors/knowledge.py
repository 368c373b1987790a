"""What extraction knows in advance: the names of known factories, systems and hosts.

Only surface forms are used here (to recognise names); where things are located is
reconciliation's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from common.text import fold
from extractors.config import load_yaml


@dataclass(frozen=True, slots=True)
class KnownName:
    key: str  # factory key, supercomputer name or host org name
    kind: str  # "factory" | "supercomputer" | "org"
    surface: str
    country: str | None


@lru_cache(maxsize=1)
def factory_keys() -> dict[str, str]:
    """Every known form of a factory's name, case- and accent-folded, with the factory's key."""
    return {fold(k.surface): k.key for k in known_names() if k.kind == "factory"}


@lru_cache(maxsize=1)
def known_names() -> tuple[KnownName, ...]:
    out: list[KnownName] = []
    for f in (load_yaml("knowledge/factories.yaml") or {}).get("factories", []):
        for s in {f["name"], *f.get("aliases", [])}:
            out.append(KnownName(f["key"], "factory", s, f.get("country")))
    for s in (load_yaml("knowledge/supercomputers.yaml") or {}).get("supercomputers", []):
        for form in {s["name"], *(s.get("aliases") or [])}:
            out.append(KnownName(s["name"], "supercomputer", form, s.get("country")))
    for o in (load_yaml("knowledge/host_orgs.yaml") or {}).get("host_orgs", []):
        if o.get("role") == "agency":
            continue
        forms = {o["name"], *(o.get("aliases") or [])}
        if o.get("short"):
            forms.add(o["short"])
        for form in forms:
            out.append(KnownName(o["name"], "org", form, o.get("country")))
    return tuple(out)


@lru_cache(maxsize=1)
def known_sites() -> frozenset[str]:
    """Folded names of the towns where known systems and hosts stand: a city the texts
    name there needs no other cue to be read as a place."""
    out: set[str] = set()
    for s in (load_yaml("knowledge/supercomputers.yaml") or {}).get("supercomputers", []):
        if s.get("city"):
            out.add(fold(s["city"]))
    for o in (load_yaml("knowledge/host_orgs.yaml") or {}).get("host_orgs", []):
        for c in [o.get("city"), *(o.get("sites") or [])]:
            if c:
                out.add(fold(c))
    return frozenset(out)


@lru_cache(maxsize=1)
def known_countries() -> dict[tuple[str, str], str | None]:
    """(kind, key) -> country, for factories, systems and hosts of the knowledge base."""
    return {(k.kind, k.key): k.country for k in known_names()}


@lru_cache(maxsize=1)
def known_waves() -> dict[str, int]:
    """Factory key -> the selection round it came in."""
    return {f["key"]: int(f["wave"]) for f in (load_yaml("knowledge/factories.yaml") or {}).get("factories", [])
            if f.get("wave") is not None}


@lru_cache(maxsize=1)
def complete_rounds() -> dict[int, frozenset[str]]:
    """Round -> the countries of its factories, for each round whose factories the knowledge
    base holds all of (as many as `waves.yaml` counts): such a round has no factory elsewhere."""
    from extractors.cues import waves

    by_round: dict[int, list[str]] = {}
    for key, wave in known_waves().items():
        by_round.setdefault(wave, []).append(known_countries().get(("factory", key)) or "")
    return {int(w["wave"]): frozenset(by_round.get(int(w["wave"]), ()))
            for w in waves() if len(by_round.get(int(w["wave"]), ())) == int(w["count"])}
