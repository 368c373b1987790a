"""Where the data that steers ingestion lives, loaded once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from common import yaml_files
from common.paths import config_dir

@lru_cache(maxsize=None)
def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml_files.parse(fh) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def load_config(name: str) -> dict[str, Any]:
    """A YAML mapping from the configs directory, e.g. `load_config("ingest.yaml")`."""
    return _load(config_dir() / name)
