"""The sources file: which documents to read, validated strictly, edited without losing comments.

Errors name the file, the entry and its line, because a typo in one entry should be fixed
in a minute, not discovered as a silently missing source weeks later.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sources.detect import kind_from_name
from sources.document import SOURCE_KINDS, TRUST_TIERS
from sources.errors import RegistryError
from sources.yaml_events import load_plain

# YAML 1.1 (PyYAML) and 1.2 (ruamel) differ only on words such as `no` and `on`, which the
# fast parser reads as booleans: those fail validation there and are read again by ruamel.
_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KEYS = ("name", "url", "path", "kind", "publisher", "trust", "lang", "published", "original_url")
REQUIRED = ("name", "publisher", "trust")
_LANG = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True, slots=True)
class SourceSpec:
    name: str
    url: str | None
    path: Path | None  # absolute, resolved against the sources file's directory
    kind: str | None  # None: inferred when read
    publisher: str
    trust: str
    lang: str | None = None  # None: detected when read
    published: date | None = None
    original_url: str | None = None
    published_precision: str | None = None  # "year" | "month" | "day" when `published` is set

    @property
    def location(self) -> str:
        return self.url if self.url is not None else str(self.path)

    def declared(self) -> str:
        """Fingerprint of what the sources file says about the source besides its bytes:
        when it changes (a new trust tier, a corrected date), the source is read again."""
        # where the bytes come from is not part of it: a moved project or a new mirror with the
        # same bytes is the same document
        fields = (self.kind, self.publisher, self.trust, self.lang,
                  self.published.isoformat() if self.published else None, self.original_url)
        if self.published_precision not in (None, "day"):  # a day keeps the fingerprints of before
            fields += (self.published_precision,)
        return hashlib.sha1(repr(fields).encode()).hexdigest()[:16]


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that leaves YAML timestamps as text: `published: 2024-13-45`
    is then reported by `_parse_date` with its entry and line, not raised by the parser."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _yaml() -> YAML:
    y = YAML()  # round-trip: keeps comments, order, and line numbers
    y.Constructor = _Constructor
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=2, offset=0)
    return y


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RegistryError(str(path), "sources file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(str(path), f"cannot read the sources file: {exc}") from exc
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise RegistryError(str(path), f"invalid YAML: {exc.problem or exc}", line=line) from exc
    except YAMLError as exc:
        raise RegistryError(str(path), f"invalid YAML: {exc}") from exc


def _read_fast(path: Path) -> Any:
    """The file through PyYAML's C parser (plain dicts and lists, no line numbers): a
    sources file of thousands of entries takes the round-trip parser seconds. None when
    the file does not parse; the round-trip parser then reports where."""
    try:
        text = path.read_text(encoding="utf-8")
        plain = load_plain(text)
        return plain if plain is not None else yaml.load(text, Loader=_FastLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError):
        # ValueError: a timestamp YAML accepts but no calendar has (2024-13-45); the
        # round-trip parser reads it as text and says where it is
        return None


def _key_line(data: Any, key: Any) -> int | None:
    """1-based line of `key` in a mapping read by the round-trip parser; None otherwise."""
    try:
        return data.lc.key(key)[0] + 1
    except (KeyError, AttributeError, TypeError):
        return None


def _entries(data: Any, file: str) -> list:
    if data is None:
        raise RegistryError(file, "the sources file is empty; expected a list under 'sources:'")
    if not isinstance(data, dict) or "sources" not in data:
        raise RegistryError(file, "expected a mapping with a 'sources:' list at the top level",
                            line=1)
    extra = [k for k in data if k not in ("sources", "root")]
    if extra:
        raise RegistryError(file, f"unknown top-level key {extra[0]!r} (only 'sources' and 'root')",
                            line=_key_line(data, extra[0]))
    entries = data["sources"]
    if entries is None:
        return CommentedSeq()
    if not isinstance(entries, list):
        raise RegistryError(file, "'sources' must be a list of entries", line=_key_line(data, "sources"))
    return entries


_PUBLISHED = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _parse_date(value: Any) -> tuple[date | None, str | None]:
    """`published` as given: YYYY, YYYY-MM or YYYY-MM-DD; the date (first day of the month
    or year when less is given) and its precision. ValueError when it is none of these."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return value.date(), "day"
    if isinstance(value, date):
        return value, "day"
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(value)
    m = _PUBLISHED.fullmatch(str(value).strip())
    if not m:
        raise ValueError(value)
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    return date(year, month, day), "day" if m[3] else "month" if m[2] else "year"


def _check_url(value: Any, key: str, fail) -> str:
    if not isinstance(value, str) or not value.strip():
        fail(f"{key!r} must be a non-empty string", key)
    parsed = urlparse(value.strip())
    if parsed.scheme.lower() not in ("http", "https"):
        fail(f"{key!r} {value!r} has scheme {parsed.scheme or '(none)'!r}; only http and https "
             f"URLs are read", key)
    if not parsed.netloc:
        fail(f"{key!r} {value!r} has no host", key)
    return value.strip()


def _spec(entry: Any, index: int, base: Path, file: str, allow_outside: bool,
          line: int | None, file_dir: Path | None = None) -> SourceSpec:
    file_dir = file_dir or Path(file).resolve().parent
    label = f"#{index + 1}"
    if not isinstance(entry, dict):
        raise RegistryError(file, f"entry {label} must be a mapping of keys", line=line)
    if isinstance(entry.get("name"), str) and entry["name"].strip():
        label = entry["name"].strip()

    def fail(problem: str, key: str | None = None) -> None:
        at = _key_line(entry, key) if key is not None and key in entry else None
        raise RegistryError(file, problem, entry=label, line=at or line)

    for key in entry:
        if key not in KEYS:
            fail(f"unknown key {key!r} (allowed: {', '.join(KEYS)})", key)
    for key in REQUIRED:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            fail(f"missing required key {key!r}" if value is None else f"{key!r} must be a "
                 f"non-empty string", key if key in entry else None)
    has_url, has_path = entry.get("url") is not None, entry.get("path") is not None
    if has_url == has_path:
        fail("give exactly one of 'url' or 'path'" + (" (both are set)" if has_url else ""))
    trust = entry["trust"].strip()
    if trust not in TRUST_TIERS:
        fail(f"unknown trust tier {trust!r} (one of {', '.join(TRUST_TIERS)})", "trust")
    kind = entry.get("kind")
    if kind is not None and kind not in SOURCE_KINDS:
        fail(f"unknown kind {kind!r} (one of {', '.join(SOURCE_KINDS)})", "kind")
    lang = entry.get("lang")
    if lang is not None and (not isinstance(lang, str) or not _LANG.match(lang)):
        fail(f"'lang' {lang!r} is not an ISO 639 code such as 'en'", "lang")
    try:
        published, precision = _parse_date(entry.get("published"))
    except ValueError:
        fail(f"'published' {str(entry.get('published'))!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
             "published")
    url = _check_url(entry["url"], "url", fail) if has_url else None
    original_url = entry.get("original_url")
    if original_url is not None:
        original_url = _check_url(original_url, "original_url", fail)
    path = None
    if has_path:
        raw = entry["path"]
        if not isinstance(raw, str) or not raw.strip():
            fail("'path' must be a non-empty string", "path")
        if "://" in raw:
            fail(f"'path' {raw!r} looks like a URL; use 'url' (http or https only)", "path")
        path = (file_dir / raw).resolve()
        if not allow_outside and not path.is_relative_to(base):
            fail(f"'path' {raw!r} leads outside {base} (the sources file's folder, or its 'root'); "
                 f"declare a 'root' or pass --allow-outside-paths to permit it", "path")
    return SourceSpec(name=label, url=url, path=path, kind=kind, publisher=entry["publisher"].strip(),
                      trust=trust, lang=lang, published=published, original_url=original_url,
                      published_precision=precision)


def _line_of(entries: CommentedSeq, index: int) -> int | None:
    """1-based line of an entry; None for an entry not read from a file (being added)."""
    try:
        return entries.lc.item(index)[0] + 1
    except (KeyError, AttributeError, TypeError):
        return None


def _root(data: Any, path: Path) -> Path:
    """The folder local paths resolve against and may not leave: the sources file's own
    folder, or the folder its top-level `root:` names (relative to the file). Declaring
    `root` is the file's explicit, visible way of reading files beside it."""
    base = path.resolve().parent
    root = data.get("root") if isinstance(data, dict) else None
    if root is None:
        return base
    if not isinstance(root, str) or not root.strip():
        raise RegistryError(str(path), "'root' must be a folder path", line=_key_line(data, "root"))
    resolved = (base / root).resolve()
    if not resolved.is_dir():
        raise RegistryError(str(path), f"'root' {root!r} is not a folder ({resolved})",
                            line=_key_line(data, "root"))
    return resolved


def _validate(entries: list, path: Path, allow_outside: bool, root: Path | None = None) -> list[SourceSpec]:
    base = root or path.resolve().parent
    file = str(path)
    specs: list[SourceSpec] = []
    seen: dict[str, int | None] = {}
    file_dir = path.resolve().parent
    for i, entry in enumerate(entries):
        line = _line_of(entries, i)
        spec = _spec(entry, i, base, file, allow_outside, line, file_dir)
        if spec.name in seen:
            raise RegistryError(file, f"duplicate name (first defined at line {seen[spec.name]})",
                                entry=spec.name, line=line)
        seen[spec.name] = line
        specs.append(spec)
    return specs


def load_registry(path: Path, *, allow_outside: bool = False) -> list[SourceSpec]:
    """All entries of a sources file, or RegistryError naming the first bad one and its line."""
    path = Path(path)
    fast = _read_fast(path)
    if fast is not None:
        try:
            return _validate(_entries(fast, str(path)), path, allow_outside, _root(fast, path))
        except RegistryError:
            pass  # found again below by the round-trip parser, which knows the lines
    data = _read(path)
    entries = _entries(data, str(path))
    return _validate(entries, path, allow_outside, _root(data, path))


def add_source(sources_file: Path, /, *, allow_outside: bool = False, **fields: Any) -> SourceSpec:
    """Append one entry (keeping the file's comments and order); creates the file if missing.

    `fields` are the entry's keys (name, url or path, publisher, trust, ...); a `path` is
    stored as given, i.e. relative to the sources file. The whole file is validated with the
    new entry before anything is written.
    """
    path = Path(sources_file)
    if path.exists():
        data = _read(path)
        entries = _entries(data, str(path)) if data is not None else CommentedSeq()
        if data is None:
            data = CommentedMap()
        if data.get("sources") is None:
            data["sources"] = entries
    else:
        entries = CommentedSeq()
        data = CommentedMap({"sources": entries})
    entry = CommentedMap()
    for key in KEYS:
        value = fields.pop(key, None)
        if value is not None:
            entry[key] = value.isoformat() if isinstance(value, date) else value
    if fields:
        raise RegistryError(str(path), f"unknown key {sorted(fields)[0]!r} (allowed: "
                                       f"{', '.join(KEYS)})", entry=entry.get("name"))
    entries.append(entry)
    specs = _validate(entries, path, allow_outside, _root(data, path) if path.exists() else None)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        _yaml().dump(data, fh)
    return specs[-1]


def describe(spec: SourceSpec) -> dict[str, Any]:
    """How a source would be read, for `aifacts sources check` (no network access)."""
    inferred = spec.kind or kind_from_name(spec.url or (str(spec.path) if spec.path else None))
    return {
        "name": spec.name,
        "from": "url" if spec.url else "path",
        "location": spec.location,
        "kind": inferred or "detected when read",
        "kind_declared": spec.kind is not None,
        "exists": spec.path.is_file() if spec.path is not None else None,
        "publisher": spec.publisher,
        "trust": spec.trust,
        "lang": spec.lang or "detected when read",
        "published": spec.published.isoformat() if spec.published else None,
    }
