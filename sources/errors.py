"""Errors raised while reading sources.

Every error carries the name of the source it concerns, so a failed run can say which
entry to fix without the caller having to thread the name through.
"""

from __future__ import annotations


class SourceError(Exception):
    """Base class: something is wrong with one source (or with the registry file)."""

    def __init__(self, source_name: str | None, problem: str) -> None:
        self.source_name = source_name
        self.problem = problem
        prefix = f"source {source_name!r}: " if source_name else ""
        super().__init__(prefix + problem)


class RegistryError(SourceError):
    """The sources file is invalid; names the file, the entry and its line when known."""

    def __init__(self, file: str, problem: str, *, entry: str | None = None,
                 line: int | None = None) -> None:
        self.file = file
        self.entry = entry
        self.line = line
        where = file + (f":{line}" if line is not None else "")
        what = f"entry {entry!r}: " if entry else ""
        SourceError.__init__(self, None, f"{where}: {what}{problem}")
        self.source_name = entry


class FetchError(SourceError):
    """The bytes could not be obtained (network, HTTP status, size, missing file)."""


class ParseError(SourceError):
    """The bytes were obtained but cannot be turned into a document."""


class UnsupportedSourceError(SourceError):
    """The source is of a kind (scheme, format) that aifacts does not read."""
