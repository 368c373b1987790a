"""YAML read with libyaml when PyYAML was built with it.

The configs are read at every start (lexicons, knowledge, policy: about fifty files for a
run in seven languages) and the pure-Python parser is most of that time; libyaml builds the
same values, and its errors are the same `yaml.YAMLError`s with line and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str | bytes | IO[str]) -> Any:
    """The one document in `text` (a string or an open file), as `yaml.safe_load` reads it."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader


def read(path: str | Path) -> Any:
    """The one document in the UTF-8 file at `path`."""
    return parse(Path(path).read_text(encoding="utf-8"))
