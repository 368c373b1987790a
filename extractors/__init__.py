"""Rule-based extraction: spaCy blank pipelines with rule components, one per fact kind."""

from extractors import native as _native

_native.install()  # the compiled relation rules, unless stale or turned off (extractors/native.py)
