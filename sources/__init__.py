"""Reading sources: the registry, fetching bytes, parsing bytes into a `Document`."""

from importlib import import_module
from typing import Any

from sources.document import Block, Document

# Heavier parts (httpx, bs4, pdfplumber) load on first use, so `import sources.document`
# from the extractors stays cheap.
_LAZY = {
    "SourceSpec": "sources.registry", "load_registry": "sources.registry",
    "add_source": "sources.registry", "describe": "sources.registry",
    "CacheEntry": "sources.fetch", "FetchResult": "sources.fetch", "fetch": "sources.fetch",
    "SourceRead": "sources.read", "read_source": "sources.read",
    "SourceError": "sources.errors", "RegistryError": "sources.errors",
    "FetchError": "sources.errors", "ParseError": "sources.errors",
    "UnsupportedSourceError": "sources.errors",
}

__all__ = ["Block", "Document", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sources' has no attribute {name!r}")
