"""Is a stated city in the stated country, and if not, what does the evidence say?

The repair evidence is tried in the order of `places.repair_order` in policy.yaml:
another source's value for the same factory that does lie in the country, the known
site of the factory's supercomputer or host organisation (knowledge base), then the
closest-sounding place of that country in the gazetteer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Protocol

from common.text import fold_words
from warehouse.knowledge import KBSystem
from warehouse.policy import Policy


class GazetteerLike(Protocol):
    def lies_in(self, city: str, cc: str) -> bool: ...
    def canonical(self, city: str, cc: str) -> str | None: ...
    def phonetic_candidates(self, city: str, cc: str, limit: int = 5) -> list[tuple[str, float]]: ...
    def countries_of(self, city: str) -> set[str]: ...


@dataclass(frozen=True, slots=True)
class PlaceVerdict:
    original: str
    value: str | None      # the city to use; None when rejected without repair
    status: str            # ok | canonicalised | repaired | rejected | unchecked
    reason: str


def check_city(city: str, country: str | None, gazetteer: GazetteerLike, policy: Policy, *,
               other_values: list[tuple[str, str]] = (), supercomputer: KBSystem | None = None,
               host_org: KBSystem | None = None) -> PlaceVerdict:
    """`other_values` are (city, source_name) pairs stated for the same factory by other
    sources; `supercomputer`/`host_org` are the factory's chosen ones from the KB."""
    if not country:
        return PlaceVerdict(city, city, "unchecked", "no country to check the city against")
    if gazetteer.lies_in(city, country):
        canonical = gazetteer.canonical(city, country) or city
        if canonical != city:
            return PlaceVerdict(city, canonical, "canonicalised",
                                f"{city!r} is spelled {canonical!r} in the gazetteer (GeoNames) for {country}")
        return PlaceVerdict(city, city, "ok", f"{city!r} lies in {country} (gazetteer)")
    problem = f"{city!r} does not lie in {country} (gazetteer)"
    for evidence in policy.repair_order:
        fixed = _repair(evidence, city, country, gazetteer, policy, other_values, supercomputer, host_org)
        if fixed:
            value, how = fixed
            value = gazetteer.canonical(value, country) or value
            return PlaceVerdict(city, value, "repaired", f"{problem}; repaired to {value!r} by {how}")
    return PlaceVerdict(city, None, "rejected", f"{problem}; no evidence repairs it")


SOURCES_NAMED = 5


def _repair(evidence: str, city: str, country: str, gazetteer: GazetteerLike, policy: Policy,
            other_values: list[tuple[str, str]], supercomputer: KBSystem | None,
            host_org: KBSystem | None) -> tuple[str, str] | None:
    if evidence == "other_source":
        good = [(v, s) for v, s in other_values if fold_words(v) != fold_words(city) and gazetteer.lies_in(v, country)]
        if good:
            counts = Counter(v for v, _ in good)
            value = sorted(counts, key=lambda v: (-counts[v], v))[0]
            sources = sorted({s for v, s in good if v == value})
            # the note goes to every candidate of the conflict: a few sources name the evidence,
            # a count says the rest (listing them all grew the row with the square of the sources)
            shown = ", ".join(sources[:SOURCES_NAMED]) + (f" and {len(sources) - SOURCES_NAMED} more"
                                                         if len(sources) > SOURCES_NAMED else "")
            return value, f"another source's consistent value (source {shown})"
    if evidence == "supercomputer_site" and supercomputer and supercomputer.city \
            and supercomputer.country == country:
        return supercomputer.city, f"the known site of supercomputer {supercomputer.name} (supercomputers.yaml)"
    if evidence == "host_org_site" and host_org and host_org.city and host_org.country == country:
        return host_org.city, f"the known site of host organisation {host_org.name} (host_orgs.yaml)"
    if evidence == "phonetic":
        candidates = [(p, s) for p, s in gazetteer.phonetic_candidates(city, country, limit=5)
                      if s >= policy.phonetic_place_min]
        if candidates:
            place, score = max(candidates, key=lambda c: c[1])
            return place, f"the closest-sounding place in {country} (gazetteer, score {score:.2f})"
    return None
