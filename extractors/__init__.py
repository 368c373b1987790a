"""Rule-based extraction: spaCy blank pipelines with rule components, one per fact kind."""
