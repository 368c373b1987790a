"""Where the data that steers ingestion lives, loaded once per process."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from common import yaml_files


_PACKAGE_CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def config_dir() -> Path:
    """The configs directory (env `AIFACTS_CONFIG_DIR` wins, for tests and deployments);
    asked once per source read, so the default is resolved once per process."""
    return Path(os.environ.get("AIFACTS_CONFIG_DIR") or _PACKAGE_CONFIGS)


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
