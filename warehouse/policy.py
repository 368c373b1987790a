"""The declared reconciliation policy (configs/policy.yaml) and curator overrides
(configs/overrides.yaml), loaded and checked once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from common import yaml_files
from common.paths import config_dir
from extractors.statement import FACTORY_ATTRIBUTES, canonical_json
from warehouse.errors import ConfigError
from warehouse.names import NameCheck

CRITERIA = ("override", "knowledge_base", "trust", "agreement", "specificity", "recency", "mentions")
REPAIRS = ("other_source", "supercomputer_site", "host_org_site", "phonetic")


@dataclass(frozen=True)
class Thresholds:
    fuzzy_min: float
    phonetic_min: float
    fuzzy_strong: float
    fuzzy_no_country: float = 101.0


@dataclass(frozen=True)
class Policy:
    identity: Thresholds
    supercomputer: Thresholds
    excluded_words: frozenset[str]
    generic_name_words: frozenset[str]
    new_factory_evidence: tuple[str, ...]
    name_check: NameCheck
    repair_order: tuple[str, ...]
    phonetic_place_min: float
    trust_tiers: tuple[str, ...]
    default_order: tuple[str, ...]
    attribute_order: dict[str, tuple[str, ...]]
    open_when_decided_by: frozenset[str]

    def order_for(self, attribute: str) -> tuple[str, ...]:
        return self.attribute_order.get(attribute, self.default_order)

    def trust_rank(self, trust: str | None) -> int:
        """Higher is more trusted; an unknown tier ranks below every declared one."""
        if trust in self.trust_tiers:
            return len(self.trust_tiers) - self.trust_tiers.index(trust)
        return 0


@dataclass(frozen=True)
class Override:
    factory: str
    attribute: str
    value: Any
    reason: str

    @property
    def value_json(self) -> str:
        return canonical_json(self.value)


def _section(data: dict, key: str, path: Path) -> Any:
    if key not in data:
        raise ConfigError(f"{path}: missing key {key!r}")
    return data[key]


def _thresholds(raw: dict, path: Path, name: str) -> Thresholds:
    try:
        return Thresholds(**{k: float(v) for k, v in raw.items() if k in Thresholds.__dataclass_fields__})
    except TypeError as exc:
        raise ConfigError(f"{path}: section {name!r} is incomplete: {exc}") from exc


@lru_cache(maxsize=8)
def _load_policy(directory: str) -> Policy:
    path = Path(directory) / "policy.yaml"
    try:
        data = yaml_files.parse(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read policy {path}: {exc}") from exc
    ident = _section(data, "identity", path)
    values = _section(data, "values", path)
    places = _section(data, "places", path)
    orders = {a: tuple(o) for a, o in (values.get("attributes") or {}).items()}
    default = tuple(_section(values, "default_order", path))
    for attr, order in [("default", default), *orders.items()]:
        bad = [c for c in order if c not in CRITERIA]
        if bad:
            raise ConfigError(f"{path}: order for {attr!r} has unknown criteria {bad}; known: {CRITERIA}")
    repairs = tuple(_section(places, "repair_order", path))
    if any(r not in REPAIRS for r in repairs):
        raise ConfigError(f"{path}: places.repair_order must use {REPAIRS}, got {repairs}")
    generic = frozenset(w.casefold() for w in ident.get("generic_name_words") or ())
    check = _section(ident, "name_check", path)
    try:
        name_check = NameCheck(languages=tuple(check["languages"]), common_zipf_own=float(check["common_zipf_own"]),
                               common_zipf_any=float(check["common_zipf_any"]),
                               plural_heads=frozenset(w.casefold() for w in check.get("plural_heads") or ()),
                               generic_words=generic,
                               places_dir=Path(directory) / "lexicon" / "places")
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: identity.name_check is incomplete or malformed: {exc!r}") from exc
    return Policy(
        identity=_thresholds(ident, path, "identity"),
        supercomputer=_thresholds(_section(data, "supercomputer", path), path, "supercomputer"),
        excluded_words=frozenset(w.casefold() for w in ident.get("excluded_words") or ()),
        generic_name_words=generic,
        new_factory_evidence=tuple(ident.get("new_factory_evidence") or ("country", "host_org")),
        name_check=name_check,
        repair_order=repairs,
        phonetic_place_min=float(places.get("phonetic_min_score", 0.85)),
        trust_tiers=tuple(_section(data, "trust_tiers", path)),
        default_order=default,
        attribute_order=orders,
        open_when_decided_by=frozenset(values.get("open_when_decided_by") or ()),
    )


def load_policy(directory: str | Path | None = None) -> Policy:
    return _load_policy(str(config_dir(directory)))


@lru_cache(maxsize=8)
def _load_overrides(directory: str) -> tuple[Override, ...]:
    path = Path(directory) / "overrides.yaml"
    if not path.exists():
        return ()
    try:
        data = yaml_files.parse(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"overrides file {path} is not valid YAML: {exc}") from exc
    out = []
    for i, item in enumerate(data.get("overrides") or []):
        missing = [k for k in ("factory", "attribute", "value", "reason") if not isinstance(item, dict) or k not in item]
        if missing:
            raise ConfigError(f"{path}: override #{i + 1} lacks {missing}")
        unknown = set(item) - {"factory", "attribute", "value", "reason"}
        if unknown:
            raise ConfigError(f"{path}: override #{i + 1} has unknown keys {sorted(unknown)}")
        if item["attribute"] not in FACTORY_ATTRIBUTES:
            raise ConfigError(f"{path}: override #{i + 1} names unknown attribute {item['attribute']!r}")
        if not str(item["reason"]).strip():
            raise ConfigError(f"{path}: override #{i + 1} has an empty reason")
        out.append(Override(str(item["factory"]), item["attribute"], item["value"], str(item["reason"])))
    return tuple(out)


def load_overrides(directory: str | Path | None = None) -> tuple[Override, ...]:
    return _load_overrides(str(config_dir(directory)))
