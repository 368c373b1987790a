"""Word lists for the number, money and date finders, read from `configs/lexicon/<kind>/`.

Each kind has a `common.yaml` (symbols, codes and abbreviations that many languages
share) and one file per language. A language without its own file still works on the
common list; the returned `Lexicon` says so (`fallback=True`) and a warning is logged,
so a silent drop in recall can be traced to a missing word list.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from common import yaml_files
from common.paths import config_dir

log = logging.getLogger(__name__)

KINDS = ("numbers", "money", "dates")


class LexiconError(ValueError):
    """A word-list file is missing, unreadable or has the wrong shape."""


@dataclass(frozen=True)
class Lexicon:
    """The merged word lists of one kind for one language."""

    kind: str
    lang: str
    data: dict[str, Any] = field(repr=False)
    fallback: bool = False

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml_files.parse(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: not valid YAML ({exc})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: expected a mapping at top level, got {type(data).__name__}")
    return data


def _merge(base: Any, over: Any) -> Any:
    """Language entries extend the common ones: maps merge (language wins), lists
    concatenate without duplicates, scalars are replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    if isinstance(base, list) and isinstance(over, list):
        return base + [item for item in over if item not in base]
    return over


@lru_cache(maxsize=None)
def load_lexicon(kind: str, lang: str) -> Lexicon:
    """Merged `common.yaml` + `<lang>.yaml` of one kind (numbers, money, dates)."""
    if kind not in KINDS:
        raise LexiconError(f"unknown lexicon kind {kind!r}; known: {', '.join(KINDS)}")
    folder = config_dir() / "lexicon" / kind
    common_path = folder / "common.yaml"
    if not common_path.is_file():
        raise LexiconError(f"{common_path}: missing shared word list for {kind}")
    data = _read(common_path)
    lang = (lang or "").lower().split("-")[0].split("_")[0]
    own = folder / f"{lang}.yaml"
    fallback = not own.is_file()
    if fallback:
        log.warning("lexicon %s: no word list for language %r, using common.yaml only", kind, lang)
    else:
        data = _merge(data, _read(own))
    return Lexicon(kind=kind, lang=lang, data=data, fallback=fallback)


def languages(kind: str) -> list[str]:
    """Languages that have their own word list of this kind."""
    folder = config_dir() / "lexicon" / kind
    return sorted(p.stem for p in folder.glob("*.yaml") if p.stem != "common")
