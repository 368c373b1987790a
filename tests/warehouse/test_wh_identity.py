"""Linking mentions to factories: KB key, aliases, folding, fuzzy+phonetic, never across
countries, host organisation names, exclusions and new factories with stable ids."""

from __future__ import annotations

from warehouse.identity import Linker, Mention, new_factory_id
from warehouse.knowledge import load_knowledge
from warehouse.policy import load_policy


def _link(config_dir, *mentions: Mention):
    linker = Linker(load_knowledge(config_dir), load_policy(config_dir))
    links = linker.link_all(list(mentions))
    return [links[m.key] for m in mentions]


def m(text, *, key=None, countries=(), names=None, attrs=("name",), doc="d1", hosts=()):
    return Mention(doc, "src", text, key, set(countries), list(names if names is not None else [text]),
                   list(hosts), set(attrs))


def test_link_order_key_exact_folded(config_dir):
    by_key, exact, folded = _link(config_dir, m("whatever", key="AURORA"), m("Aurora AIF"), m("aurora-aif", doc="d2"))
    assert (by_key.factory_id, by_key.method) == ("AURORA", "kb_key")
    assert (exact.factory_id, exact.method) == ("AURORA", "exact_alias")
    assert (folded.factory_id, folded.method) == ("AURORA", "folded_alias")


def test_fuzzy_and_phonetic_within_country_only(config_dir):
    same, other, none = _link(config_dir, m("Kestral", countries={"LU"}, doc="a"),
                              m("Kestral", countries={"FI"}, doc="b"), m("Kestral", doc="c"))
    assert (same.factory_id, same.method) == ("KESTREL", "fuzzy")
    assert "spelling" in same.reason and "sound" in same.reason
    assert other.factory_id != "KESTREL"      # never across countries
    assert none.factory_id != "KESTREL"       # no country: needs a near-identical spelling


def test_host_org_name_links_through_its_country(config_dir):
    es, de = _link(config_dir, m("Orca Computing Institute", countries={"ES"}),
                   m("Orca Computing Institute", countries={"DE"}, doc="d2"))
    assert (es.factory_id, es.method) == ("ORCA-AIF", "kb_org")
    assert "host_orgs.yaml" in es.reason
    assert de.factory_id != "ORCA-AIF"


def test_antennas_and_gigafactories_never_become_factories(config_dir):
    a, g = _link(config_dir, m("Aurora AI Factory Antenna", countries={"FI"}),
                 m("Northern AI Gigafactory", countries={"FI"}, doc="d2"))
    assert (a.factory_id, a.method) == (None, "excluded")
    assert (g.factory_id, g.method) == (None, "excluded")


def test_new_factory_needs_evidence_and_gets_stable_id(config_dir):
    found, weak, joined = _link(config_dir,
                                m("GLIMMER AI Factory", countries={"PT"}, attrs=("name", "country")),
                                m("Some Project", attrs=("budget_total_eur",), names=[], doc="d2"),
                                m("Glimmer", countries={"PT"}, attrs=("city",), names=[], doc="d3"))
    assert (found.factory_id, found.method) == ("GLIMMER", "new")
    assert (weak.factory_id, weak.method) == (None, "unlinked")
    assert joined.factory_id == "GLIMMER"
    again = _link(config_dir, m("GLIMMER AI Factory", countries={"PT"}, attrs=("name", "country"), doc="zz"))
    assert again[0].factory_id == found.factory_id


def test_new_factory_ids():
    class P:  # only the field new_factory_id reads
        generic_name_words = frozenset({"ai", "factory"})
    assert new_factory_id("QX-9 AI Factory", P()) == "QX-9"
    assert new_factory_id("Ostrava AI Factory", P()) == "OSTRAVA"
    assert new_factory_id("AI Factory Baltic Sea", P()) == "BALTIC-SEA"
