"""What every stage stands on: reading the project's own files the same way everywhere.

Every stage may import this package and it imports none of them, so `sources`, `extractors`,
`warehouse` and `flows` keep their one-way order above it.
"""
