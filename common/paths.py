"""Where the project's configuration and caches live, for every stage alike.

`AIFACTS_CONFIG_DIR` points a run (a test, a deployment) at another configs folder and
`AIFACTS_CACHE_DIR` at another cache; without them, the configs beside the packages and
`~/.cache/aifacts`.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def config_dir(explicit: str | Path | None = None) -> Path:
    """The configs folder: `explicit` when given, else the environment's, else the project's."""
    if explicit is not None:
        return Path(explicit)
    return Path(os.environ.get("AIFACTS_CONFIG_DIR") or PACKAGE_CONFIGS)


def cache_dir() -> Path:
    """The folder for derived data kept between runs (indexes built from the configs)."""
    return Path(os.environ.get("AIFACTS_CACHE_DIR") or Path.home() / ".cache" / "aifacts")
