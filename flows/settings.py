"""Where a run reads and writes: flags, then environment, then defaults (DESIGN.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
DEFAULT_SOURCES = "configs/sources.yaml"


def default_warehouse() -> Path:
    return Path(os.environ.get("AIFACTS_WAREHOUSE") or DEFAULT_WAREHOUSE)


def default_sources() -> Path:
    return Path(os.environ.get("AIFACTS_SOURCES") or DEFAULT_SOURCES)


def default_config_dir() -> Path:
    return Path(os.environ.get("AIFACTS_CONFIG_DIR") or Path(__file__).resolve().parents[1] / "configs")


@dataclass(frozen=True)
class Settings:
    sources_file: Path
    warehouse: Path
    only: tuple[str, ...] = ()
    full: bool = False
    cache_dir: Path = field(default=Path("data/raw"))
    config_dir: Path = field(default_factory=default_config_dir)
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
