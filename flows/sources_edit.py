"""What `aifacts sources add` and `sources remove` check and change in a sources file.

`add` refuses a path that names no file and a URL that is not http(s) with a host, before
the file is touched (the registry validates everything else); `remove` takes one entry out,
keeping the comments and the order of the others (the round-trip parser of the registry).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

from sources import registry


class SourceCheckError(ValueError):
    """A source to add names no file, or a URL that cannot be fetched as given."""


def checked_location(sources_file: Path, path: str | None, url: str | None) -> tuple[str | None, str | None]:
    """(path as stored: relative to the sources file, url) or SourceCheckError naming the problem.

    A relative path is looked up from the current folder first (what a person types at the
    prompt), then from the sources file's folder (what the file stores)."""
    if path and url:
        raise SourceCheckError("give --url or --path, not both")
    if not path and not url:
        raise SourceCheckError("give --url URL or --path FILE")
    if url:
        parsed = urlparse(url.strip())
        if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
            raise SourceCheckError(f"--url {url!r} is not an http(s) URL with a host (e.g. https://example.org/page)")
        return None, url.strip()
    folder = Path(sources_file).resolve().parent
    here = Path(path).expanduser()
    if here.is_absolute():
        found = here if here.is_file() else None
    else:
        found = next((p for p in (Path.cwd() / here, folder / here) if p.is_file()), None)
    if found is None:
        where = str(here) if here.is_absolute() else f"{here} (looked in {Path.cwd()} and {folder})"
        raise SourceCheckError(f"--path {where}: no such file; give the path of the saved text, HTML or PDF")
    return os.path.relpath(found.resolve(), folder), None


def remove_source(sources_file: Path, name: str) -> None:
    """Take the entry `name` out of the sources file; the rest is validated and kept as written."""
    path = Path(sources_file)
    if not path.is_file():
        raise SourceCheckError(f"sources file {path} does not exist (pass --sources)")
    data = registry._read(path)
    entries = registry._entries(data, str(path))
    names = [e.get("name") if isinstance(e, dict) else None for e in entries]
    if name not in names:
        known = ", ".join(str(n) for n in names if n) or "none"
        raise SourceCheckError(f"{path} has no source named {name!r} (sources: {known})")
    del entries[names.index(name)]
    # the rest must still be a valid file (RegistryError otherwise); nothing is written before
    registry._validate(entries, path, allow_outside=True, root=registry._root(data, path))
    with path.open("w", encoding="utf-8") as fh:
        registry._yaml().dump(data, fh)
