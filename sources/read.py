"""One source in, one Document out: fetch, detect the kind, parse, fill the metadata.

`read_source` is the boundary the rest of aifacts calls; it never raises for a bad
source, so one broken page cannot stop a run: it returns status "error" and a message
that names the source and the problem.

Blocks leave here bounded (`text_limits` in ingest.yaml): a block longer than
`max_block_chars` is split at sentence ends or spaces into blocks of at most that many
characters (spaCy refuses texts over a million characters, and the rules' time grows
faster than a block's length), and text beyond `max_document_chars` is not read; each
cut is a note of the read, naming the source.
"""

from __future__ import annotations

import importlib
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from sources.detect import detect_kind, detect_lang, sniff
from sources.document import Block, Document
from sources.errors import ParseError, SourceError
from sources.fetch import CacheEntry, FetchResult, fetch
from sources.parsed import ParsedContent
from sources.registry import SourceSpec
from sources.settings import load_config

log = logging.getLogger(__name__)

# each parser's module (bs4, pdfplumber, charset detection) is imported when a source of its kind is
# parsed: a run in which nothing changed parses nothing
PARSERS = {"html": "sources.html:parse_html", "pdf": "sources.pdf:parse_pdf", "text": "sources.text:parse_text"}


def parser(kind: str) -> Callable[..., ParsedContent]:
    module, name = PARSERS[kind].split(":")
    return getattr(importlib.import_module(module), name)


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
        return parser(kind)(content, source_name=spec.name)
    except SourceError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise ParseError(spec.name, f"{kind} too complex to parse ({type(exc).__name__})") from exc
    except Exception as exc:  # third-party parsers on hostile input: reported, never hidden
        raise ParseError(spec.name, f"{kind} parser failed ({type(exc).__name__}: {exc})") from exc


_BREAK = re.compile(r"(?<=[.!?;])\s+|\n+")


def _pieces(text: str, limit: int) -> list[str]:
    """`text` cut into pieces of at most `limit` characters: after the last sentence end
    in the second half of each window, else at its last space, else hard at the limit."""
    out = []
    while len(text) > limit:
        window = text[:limit]
        cut = 0
        for m in _BREAK.finditer(window, limit // 2):
            cut = m.end()
        if not cut:
            cut = window.rfind(" ", limit // 2) + 1
        if cut <= 0:
            cut = limit
        piece, text = window[:cut].strip(), text[cut:].lstrip()
        if piece:
            out.append(piece)
    if text.strip():
        out.append(text.strip())
    return out


def bound_blocks(name: str, blocks: tuple[Block, ...] | list[Block], max_block: int,
                 max_document: int) -> tuple[tuple[Block, ...], tuple[str, ...]]:
    """The blocks with none longer than `max_block` characters and none beyond the first
    `max_document` characters of the document (indices renumbered), and a note per cut."""
    if all(len(b.text) <= max_block for b in blocks) and sum(len(b.text) for b in blocks) <= max_document:
        return tuple(blocks), ()
    out: list[Block] = []
    split, total, dropped = 0, 0, 0
    for b in blocks:
        if total >= max_document:
            dropped += 1
            continue
        parts = [b.text] if len(b.text) <= max_block else _pieces(b.text, max_block)
        split += len(b.text) > max_block
        short = False
        for text in parts:
            room = max_document - total
            if room <= 0 or len(text) > room:
                text, short = text[:max(room, 0)], True
            if not text.strip():
                break
            total += len(text)
            if text == b.text:
                out.append(replace(b, index=len(out)))
            else:  # a cut table row is read as text: its cells no longer add up to it
                out.append(Block(index=len(out), kind="paragraph" if b.kind == "table_row" else b.kind,
                                 text=text, page=b.page))
            if short:
                break
        dropped += short
    notes = []
    if split:
        notes.append(f"source {name!r}: {split} block(s) longer than {max_block} characters split into "
                     f"shorter ones")
    if dropped:
        notes.append(f"source {name!r}: text beyond the first {max_document} characters not read "
                     f"({dropped} block(s) cut or left out)")
    for note in notes:
        log.warning(note)
    return tuple(out), tuple(notes)


def text_limits() -> tuple[int, int]:
    cfg = load_config("ingest.yaml").get("text_limits") or {}
    return int(cfg.get("max_block_chars", 10_000)), int(cfg.get("max_document_chars", 5_000_000))


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
    blocks, cut = bound_blocks(spec.name, parsed.blocks, *text_limits())
    lang, detected = spec.lang, False
    if not lang:
        lang = detect_lang(" ".join(b.text for b in blocks))
        detected = True
    url = spec.original_url or spec.url or (spec.path.as_uri() if spec.path else None)
    published = spec.published or parsed.published
    precision = spec.published_precision if spec.published else parsed.published_precision
    doc = Document(source_name=spec.name, url=url, publisher=spec.publisher, trust=spec.trust,
                   lang=lang, published_on=published, title=parsed.title, sha256=fetched.sha256,
                   kind=kind, blocks=blocks, lang_detected=detected, published_precision=precision)
    return SourceRead(spec.name, "ok", document=doc, cache=fetched.cache_entry(), kind=kind,
                      published_precision=precision, notes=notes + parsed.notes + cut)
