"""Run parse + extract + load on a sources file without Prefect (for quality tests).

Usable as a module (`extract_corpus`) and as a script, so a test can run it in a fresh
process with another config directory (`AIFACTS_CONFIG_DIR`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from flows import steps
from flows.settings import Settings


def extract_corpus(sources: Path, warehouse: Path, cache: Path) -> dict[str, list]:
    settings = Settings.resolve(sources=sources, warehouse=warehouse, full=True, cache_dir=cache)
    specs = steps.load_sources(settings)
    reads = [steps.read_one(spec, settings.cache_dir, None) for spec in specs]
    statements = steps.extract_batch([r.document for r in reads if r.document is not None])
    steps.write(settings, specs, reads, statements, None)
    by_source: dict[str, list] = {}
    for r in reads:
        if r.document is not None:
            by_source[r.source_name] = statements.get(r.document.doc_id, [])
    return by_source


if __name__ == "__main__":  # python -m tests.extractors.corpus_run SOURCES WAREHOUSE CACHE
    found = extract_corpus(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    out = {name: sorted({s.subject_text for s in sts if s.subject_text} |
                        {s.value for s in sts if s.attribute == "name"})
           for name, sts in found.items()}
    print(json.dumps(out))
