"""Where the extractors find their data, and how word lists fall back across languages."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from common import yaml_files
from common.paths import config_dir

log = logging.getLogger(__name__)


class ConfigError(Exception):
    """A config file is missing or malformed; the message names the file."""


@lru_cache(maxsize=None)
def load_yaml(relpath: str) -> Any:
    path = config_dir() / relpath
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml_files.parse(fh) or {}
    except FileNotFoundError:
        return {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc


@lru_cache(maxsize=None)
def word_lists(kind: str, lang: str) -> dict[str, list[str]]:
    """Merge `configs/lexicon/<kind>/common.yaml` with the language's own file.

    Lists are unioned (common words such as "AI Factory" apply everywhere); a language
    with no file of its own runs on the shared lists, and we log that once.
    """
    common = load_yaml(f"lexicon/{kind}/common.yaml") or {}
    own = load_yaml(f"lexicon/{kind}/{lang}.yaml")
    if not own:
        log.info("no %s word lists for language %r: using the shared lists", kind, lang)
        own = {}
    merged: dict[str, list[str]] = {}
    for key in set(common) | set(own):
        values = list(common.get(key) or []) + list(own.get(key) or [])
        if values and isinstance(values[0], dict):
            merged[key] = values  # type: ignore[assignment]
        else:
            merged[key] = list(dict.fromkeys(str(v) for v in values))
    return merged
