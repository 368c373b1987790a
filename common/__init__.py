"""What every stage stands on, the same way everywhere: where the configs and caches are
(`paths`), reading YAML (`yaml_files`), folding text for comparison (`text`) and the one
GeoNames index of places (`geonames`).

Every stage may import this package and it imports none of them, so `sources`, `extractors`,
`warehouse` and `flows` keep their one-way order above it.
"""
