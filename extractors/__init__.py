"""Rule-based extraction: spaCy blank pipelines with rule components, one per fact kind.

Importing a module here only defines things. Whether the compiled rules or their sources
run is decided by `extractors.native.install()`, which each entry point that extracts calls
before it imports the rules (flows/steps.py `extract_batch`, the extraction worker of
flows/runner_isolated.py, the bench, the tests' conftest).
"""
