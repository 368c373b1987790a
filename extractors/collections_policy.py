"""How often Python's cycle collector runs while a batch is read and extracted.

Reading and extraction make and drop a great many small objects (parse trees, tokens,
matches, mentions), nearly all freed at once by reference counting or in one pass over
the young objects. The collector's default (a young-generation pass every 700 net
allocations, an older one every tenth of those) spends its passes walking what lives on:
a parse tree still in use, the annotated blocks the block cache keeps, the pipelines and
their gazetteers. At 100x the dev corpus that was a fifth of extraction and, while
sources were parsed, about a quarter of a worker's CPU. So:

- from a process's first batch on, the collector runs less often (`gc_thresholds` of
  pipeline.yaml). Python's thresholds are not restored after a batch: the next allocation
  would then collect everything the batch left alive (the blocks the block cache took in,
  the statements on their way to the writer), and every tenth batch an older generation
  with it; at 100x that was 0.04 ms per document, against 0.007 with the thresholds kept.
  Larger thresholds only delay the collection of reference cycles (reference counting
  frees everything else), by at most the first threshold's number of allocations;
- what a process builds once and keeps (a language's pipeline, its word lists and
  gazetteer: hundreds of thousands of objects) is moved out of the collector's sight once
  built (`gc.freeze`, after a full collection, so no garbage is kept with it). Such
  objects are still freed by reference counting; only a cycle among them would outlive
  its use, and they live as long as the process.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

from extractors.config import ConfigError, load_yaml


def batch_thresholds() -> tuple[int, ...] | None:
    """`gc_thresholds` of pipeline.yaml (the three `gc.set_threshold` values), or None to
    leave the collector as it is."""
    value = load_yaml("pipeline.yaml").get("gc_thresholds")
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 3 or not all(isinstance(v, int) and v >= 0 for v in value):
        raise ConfigError(f"pipeline.yaml gc_thresholds: expected three whole numbers, got {value!r}")
    return tuple(value)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The batch thresholds for the block, and kept after it (see above)."""
    wanted = batch_thresholds()
    if wanted is not None and gc.get_threshold() != wanted:
        gc.set_threshold(*wanted)
    yield


def keep_built() -> bool:
    """Moves every object alive now out of the collector's sight, after a full collection
    (`gc_freeze_built` of pipeline.yaml, on unless set to false). Called once a pipeline is
    built; returns whether it froze."""
    value = load_yaml("pipeline.yaml").get("gc_freeze_built", True)
    if not isinstance(value, bool):
        raise ConfigError(f"pipeline.yaml gc_freeze_built: expected true or false, got {value!r}")
    if not value:
        return False
    gc.collect()
    gc.freeze()
    return True
