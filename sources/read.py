"""One source in, one Document out: fetch, detect the kind, parse, fill the metadata.

`read_source` is the boundary the rest of aifacts calls; it never raises for a bad
source, so one broken page cannot stop a run: it returns status "error" and a message
that names the source and the problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sources.detect import detect_kind, detect_lang, sniff
from sources.document import Document
from sources.errors import ParseError, SourceError
from sources.fetch import CacheEntry, FetchResult, fetch
from sources.html import parse_html
from sources.parsed import ParsedContent
from sources.pdf import parse_pdf
from sources.registry import SourceSpec
from sources.text import parse_text

PARSERS = {"html": parse_html, "pdf": parse_pdf, "text": parse_text}


@dataclass(frozen=True, slots=True)
class SourceRead:
    source_name: str
    status: str  # "ok" | "unchanged" | "error"
    document: Document | None = None
    error: str | None = None
    cache: CacheEntry | None = None  # persist it and pass it back as `previous` next run
    kind: str | None = None
    published_precision: str | None = None
    notes: tuple[str, ...] = ()


def choose_kind(spec: SourceSpec, fetched: FetchResult) -> tuple[str, str | None]:
    """The parser to use and a note when the declarations and the bytes disagree."""
    kind, note = detect_kind(fetched.content_type, spec.url or str(spec.path), fetched.content)
    if spec.kind and spec.kind != kind:
        if sniff(fetched.content) == kind:
            note = f"the sources file says {spec.kind} but the bytes are {kind}; read as {kind}"
        else:
            kind = spec.kind
    return kind, (f"source {spec.name!r}: {note}" if note else None)


def parse_bytes(spec: SourceSpec, content: bytes, kind: str) -> ParsedContent:
    """Parse with the parser for `kind`; any failure becomes a ParseError naming the source."""
    try:
        return PARSERS[kind](content, source_name=spec.name)
    except SourceError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise ParseError(spec.name, f"{kind} too complex to parse ({type(exc).__name__})") from exc
    except Exception as exc:  # third-party parsers on hostile input: reported, never hidden
        raise ParseError(spec.name, f"{kind} parser failed ({type(exc).__name__}: {exc})") from exc


def read_source(spec: SourceSpec, cache_dir: Path, previous: CacheEntry | None = None,
                **fetch_options: Any) -> SourceRead:
    """Fetch and parse one source into a Document (status "ok"), or say why not."""
    fetched = fetch(spec, Path(cache_dir), previous, **fetch_options)
    if fetched.status == "error":
        return SourceRead(spec.name, "error", error=fetched.error, cache=previous)
    if fetched.status == "unchanged":
        return SourceRead(spec.name, "unchanged", cache=fetched.cache_entry())
    assert fetched.content is not None and fetched.sha256 is not None
    kind, note = choose_kind(spec, fetched)
    notes = (note,) if note else ()
    try:
        parsed = parse_bytes(spec, fetched.content, kind)
    except SourceError as exc:
        return SourceRead(spec.name, "error", error=str(exc), cache=fetched.cache_entry(),
                          kind=kind, notes=notes)
    lang, detected = spec.lang, False
    if not lang:
        lang = detect_lang(" ".join(b.text for b in parsed.blocks))
        detected = True
    url = spec.original_url or spec.url or (spec.path.as_uri() if spec.path else None)
    published = spec.published or parsed.published
    doc = Document(source_name=spec.name, url=url, publisher=spec.publisher, trust=spec.trust,
                   lang=lang, published_on=published, title=parsed.title, sha256=fetched.sha256,
                   kind=kind, blocks=parsed.blocks, lang_detected=detected)
    precision = spec.published_precision if spec.published else parsed.published_precision
    return SourceRead(spec.name, "ok", document=doc, cache=fetched.cache_entry(), kind=kind,
                      published_precision=precision, notes=notes + parsed.notes)
