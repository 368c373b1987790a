"""How often Python's cycle collector runs while a batch is extracted.

Extraction makes and drops a great many small objects (tokens, matches, mentions, dicts),
nearly all freed at once by reference counting. The collector's default (a young-generation
pass every 700 net allocations, an older one every tenth of those) then spends its passes
walking the objects that live on, above all the annotated blocks the block cache keeps,
and finds almost nothing to free. Collecting less often inside a batch and as usual
outside it keeps that time (a fifth of extraction at 100x the dev corpus) for the rules.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

from extractors.config import ConfigError
from extractors.pipeline import pipeline_config


def batch_thresholds() -> tuple[int, ...] | None:
    """`gc_thresholds` of pipeline.yaml (the three `gc.set_threshold` values), or None to
    leave the collector as it is."""
    value = pipeline_config().get("gc_thresholds")
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 3 or not all(isinstance(v, int) and v >= 0 for v in value):
        raise ConfigError(f"pipeline.yaml gc_thresholds: expected three whole numbers, got {value!r}")
    return tuple(value)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The batch's thresholds while the block runs, the previous ones restored after it."""
    wanted = batch_thresholds()
    if wanted is None:
        yield
        return
    before = gc.get_threshold()
    gc.set_threshold(*wanted)
    try:
        yield
    finally:
        gc.set_threshold(*before)
