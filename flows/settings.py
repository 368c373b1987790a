"""Where a run reads and writes: flags, then environment, then defaults (DESIGN.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from common import paths

DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
DEFAULT_SOURCES = "configs/sources.yaml"


def default_warehouse() -> Path:
    return Path(os.environ.get("AIFACTS_WAREHOUSE") or DEFAULT_WAREHOUSE)


def default_sources() -> Path:
    return Path(os.environ.get("AIFACTS_SOURCES") or DEFAULT_SOURCES)


@dataclass(frozen=True)
class Settings:
    sources_file: Path
    warehouse: Path
    only: tuple[str, ...] = ()
    full: bool = False
    cache_dir: Path = field(default=Path("data/raw"))
    config_dir: Path = field(default_factory=paths.config_dir)
    batch_docs: int = 200
    lock_wait_s: float = 60.0
    allow_outside: bool = False

    @classmethod
    def resolve(cls, *, sources: str | Path | None = None, warehouse: str | Path | None = None,
                only: list[str] | tuple[str, ...] | None = None, full: bool = False,
                cache_dir: str | Path | None = None, lock_wait_s: float | None = None,
                allow_outside: bool = False) -> "Settings":
        wh = Path(warehouse) if warehouse else default_warehouse()
        cache = Path(cache_dir or os.environ.get("AIFACTS_CACHE") or wh.parent / "raw")
        return cls(sources_file=Path(sources) if sources else default_sources(), warehouse=wh,
                   only=tuple(only or ()), full=full, cache_dir=cache,
                   lock_wait_s=float(os.environ.get("AIFACTS_LOCK_WAIT", 60)) if lock_wait_s is None else lock_wait_s,
                   allow_outside=allow_outside)


# Where Prefect can find a PREFECT_API_URL besides the environment (Prefect 3's settings
# sources): the active profile, then files in the working directory.
_PREFECT_FILES = (".env", "prefect.toml", "pyproject.toml")


def prefect_api_url_set_without_prefect() -> bool | None:
    """Whether a Prefect API URL is configured, answered without importing Prefect (which
    costs seconds, more than a refresh in which nothing changed): True when the environment
    sets it, False when no file Prefect reads could set it, None when one might (the
    caller then asks Prefect)."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    profiles = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    for path in (profiles, *(Path.cwd() / name for name in _PREFECT_FILES)):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            return None
        if path.name == "pyproject.toml" and "tool.prefect" not in text:
            continue
        if path.name == "prefect.toml" or "API_URL" in text.upper() or "[tool.prefect" in text:
            return None
    return False
