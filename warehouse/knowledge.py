"""The knowledge base (configs/knowledge/*.yaml): known factories, supercomputers, host
organisations. Identity linking, name rejection and place repair all read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from common import yaml_files
from common.paths import config_dir
from common.text import fold_words
from warehouse.errors import ConfigError


@dataclass(frozen=True, slots=True)
class KBFactory:
    key: str
    name: str
    country: str | None
    wave: int | None
    aliases: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.key, self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class KBSystem:
    """A supercomputer or a host organisation: a named thing with a known site."""

    name: str
    aliases: tuple[str, ...]
    country: str | None
    city: str | None
    host_org: str | None = None
    short: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.name, self.short, *self.aliases) if n)


@dataclass(frozen=True, slots=True)
class KBWave:
    """A selection round (waves.yaml): its date, how many factories it selected and, when
    known, the round's total investment (a factory's budget never equals it)."""

    wave: int
    selected_on: str | None
    count: int | None
    investment_total_eur: float | None = None


@dataclass(frozen=True)
class KnowledgeBase:
    factories: tuple[KBFactory, ...] = ()
    supercomputers: tuple[KBSystem, ...] = ()
    host_orgs: tuple[KBSystem, ...] = ()
    waves: tuple[KBWave, ...] = ()
    # countries that can host an AI Factory (waves.yaml `host_countries`); empty: any
    host_countries: frozenset[str] = frozenset()
    directory: str | None = field(default=None, compare=False)  # the config directory it was read from
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        idx: dict[str, dict] = {"factory_key": {}, "factory_exact": {}, "factory_fold": {},
                                "system_fold": {}, "org_fold": {}}
        for f in self.factories:
            idx["factory_key"][f.key] = f
            for n in f.names:
                idx["factory_exact"].setdefault(n, []).append(f)
                idx["factory_fold"].setdefault(fold_words(n), []).append(f)
        for s in self.supercomputers:
            for n in s.names:
                idx["system_fold"].setdefault(fold_words(n), []).append(s)
        for o in self.host_orgs:
            for n in o.names:
                idx["org_fold"].setdefault(fold_words(n), []).append(o)
        self._index.update(idx)

    def wave(self, number: int | None) -> KBWave | None:
        return next((w for w in self.waves if w.wave == number), None) if number is not None else None

    def can_host(self, country: str | None) -> bool:
        return bool(country) and (not self.host_countries or country in self.host_countries)

    def factory(self, key: str | None) -> KBFactory | None:
        return self._index["factory_key"].get(key) if key else None

    def factories_exact(self, text: str) -> list[KBFactory]:
        return _unique(self._index["factory_exact"].get(text, []))

    def factories_folded(self, text: str) -> list[KBFactory]:
        return _unique(self._index["factory_fold"].get(fold_words(text), []))

    def systems_named(self, text: str) -> list[KBSystem]:
        return _unique(self._index["system_fold"].get(fold_words(text), []))

    def orgs_named(self, text: str) -> list[KBSystem]:
        return _unique(self._index["org_fold"].get(fold_words(text), []))


def _unique(items: list) -> list:
    seen, out = set(), []
    for it in items:
        if id(it) not in seen:
            seen.add(id(it))
            out.append(it)
    return out


def _read(path: Path, top: str) -> list[dict]:
    if not path.exists():
        return []
    try:
        data = yaml_files.parse(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"knowledge file {path} is not valid YAML: {exc}") from exc
    items = data.get(top) if isinstance(data, dict) else None
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ConfigError(f"knowledge file {path}: {top!r} must be a list of mappings")
    return items


def _need(item: dict, key: str, path: Path) -> str:
    value = item.get(key)
    if not value:
        raise ConfigError(f"knowledge file {path}: entry {item!r} lacks {key!r}")
    return str(value)


def _opt(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


@lru_cache(maxsize=8)
def _load(directory: str) -> KnowledgeBase:
    base = Path(directory) / "knowledge"
    fpath, spath, opath = base / "factories.yaml", base / "supercomputers.yaml", base / "host_orgs.yaml"
    factories = tuple(
        KBFactory(key=_need(i, "key", fpath), name=_need(i, "name", fpath), country=_opt(i.get("country")),
                  wave=int(i["wave"]) if i.get("wave") is not None else None,
                  aliases=tuple(str(a) for a in i.get("aliases") or ()))
        for i in _read(fpath, "factories"))
    systems = tuple(
        KBSystem(name=_need(i, "name", spath), aliases=tuple(str(a) for a in i.get("aliases") or ()),
                 country=_opt(i.get("country")), city=_opt(i.get("city")), host_org=_opt(i.get("host_org")))
        for i in _read(spath, "supercomputers"))
    orgs = tuple(
        KBSystem(name=_need(i, "name", opath), aliases=tuple(str(a) for a in i.get("aliases") or ()),
                 country=_opt(i.get("country")), city=_opt(i.get("city")), short=_opt(i.get("short")))
        for i in _read(opath, "host_orgs"))
    wpath = base / "waves.yaml"
    waves = tuple(
        KBWave(wave=int(_need(i, "wave", wpath)), selected_on=_opt(i.get("selected_on")),
               count=int(i["count"]) if i.get("count") is not None else None,
               investment_total_eur=float(i["investment_total_eur"]) if i.get("investment_total_eur") else None)
        for i in _read(wpath, "waves"))
    hosts = yaml_files.parse(wpath.read_text(encoding="utf-8")).get("host_countries") if wpath.exists() else None
    if hosts is not None and not (isinstance(hosts, list) and all(isinstance(h, str) for h in hosts)):
        raise ConfigError(f"knowledge file {wpath}: 'host_countries' must be a list of country codes")
    return KnowledgeBase(factories=factories, supercomputers=systems, host_orgs=orgs, waves=waves,
                         host_countries=frozenset(h.upper() for h in hosts or ()), directory=directory)


def load_knowledge(directory: str | Path | None = None) -> KnowledgeBase:
    return _load(str(config_dir(directory)))
