"""One warehouse built from the bundled samples, shared by the report, export and CLI tests.

Built with the refresh's plain functions (no Prefect server: the flow itself is tested
elsewhere), once per test session, in pytest's session temp folder.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_SOURCES = ROOT / "configs" / "sources.yaml"


@lru_cache(maxsize=None)
def sample_warehouse(base: Path) -> Path:
    from flows import steps
    from flows.settings import Settings

    settings = Settings.resolve(sources=SAMPLE_SOURCES, warehouse=base / "samples.duckdb", cache_dir=base / "raw")
    specs = steps.load_sources(settings)
    reads = [steps.read_one(spec, settings.cache_dir, None) for spec in specs]
    failed = [(r.source_name, r.error) for r in reads if r.status == "error"]
    assert not failed, f"bundled samples failed to read: {failed}"
    statements = steps.extract_batch([r.document for r in reads if r.document is not None])
    result = steps.write(settings, specs, reads, statements, None)
    assert result.summary.status == "ok", result.to_dict()
    return settings.warehouse
