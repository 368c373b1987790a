"""Builds one spaCy pipeline per language from `configs/pipeline.yaml`.

Pipelines are blank (`spacy.blank`) plus rule components: nothing is downloaded, and
building is deferred to first use, never done at import time.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import spacy
from spacy.language import Language

import extractors.names  # noqa: F401  (registers aifacts_factories)
import extractors.places  # noqa: F401  (registers aifacts_places)
import extractors.rulers  # noqa: F401  (registers aifacts_money, aifacts_dates)
import extractors.sentences  # noqa: F401  (registers aifacts_sentence_starts)
import extractors.systems  # noqa: F401  (registers aifacts_systems)
from extractors.collections_policy import keep_built
from extractors.config import load_yaml

log = logging.getLogger(__name__)

WARM_UP_TEXT = "On 1 March 2025, EUR 10 million went to the AI Factory in Paris."


def pipeline_config() -> dict:
    return load_yaml("pipeline.yaml")


def _multilingual(lang: str) -> Language:
    """The multilingual tokenizer under the language's own code (Maltese): the components read
    their word lists by `nlp.lang`, so the language's lists are used, not the shared ones."""
    from spacy.lang.xx import MultiLanguage

    return type(f"MultiLanguage_{lang}", (MultiLanguage,), {"lang": lang})()


@lru_cache(maxsize=None)
def build_pipeline(lang: str) -> Language:
    """The pipeline for `lang`; a language spaCy does not know runs on the multilingual tokenizer."""
    cfg = pipeline_config()
    if lang not in cfg.get("languages", []):
        log.info("language %r has no word lists of its own: shared lists are used", lang)
    try:
        nlp = spacy.blank((cfg.get("spacy_languages") or {}).get(lang, lang))
    except (ImportError, KeyError, ValueError):
        log.warning("spaCy has no tokenizer for %r: using the multilingual one", lang)
        nlp = _multilingual(lang) if lang in cfg.get("languages", []) else spacy.blank("xx")
    for name in cfg.get("components", []):
        nlp.add_pipe(name)
    # the components build their patterns and gazetteers on first use: one short text has
    # them built now, and what is built lives as long as the process, so the collector need
    # not walk it again
    nlp(WARM_UP_TEXT)
    keep_built()
    return nlp
