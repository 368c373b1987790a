"""Reading sources: the registry, fetching bytes, parsing bytes into a `Document`."""

from sources.document import Block, Document

__all__ = ["Block", "Document"]
