"""What kind of document some bytes are, and what language a text is in."""

from __future__ import annotations

from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import urlparse

from sources.settings import load_config

CONTENT_TYPES = {
    "text/html": "html", "application/xhtml+xml": "html",
    "application/pdf": "pdf", "application/x-pdf": "pdf",
    "text/plain": "text", "text/markdown": "text", "text/x-markdown": "text",
}
EXTENSIONS = {".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf",
              ".txt": "text", ".text": "text", ".md": "text", ".markdown": "text"}


def sniff(content: bytes | None) -> str | None:
    """The kind the bytes themselves announce (magic bytes), if any."""
    if not content:
        return None
    head = content[:1024]
    if b"%PDF-" in head:
        return "pdf"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")) or \
            b"<html" in probe[:512]:
        return "html"
    return None


def kind_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())


def kind_from_name(path_or_url: str | None) -> str | None:
    if not path_or_url:
        return None
    path = urlparse(path_or_url).path if "://" in path_or_url else path_or_url
    return EXTENSIONS.get(PurePosixPath(path).suffix.lower())


def detect_kind(content_type: str | None, path_or_url: str | None,
                content: bytes | None) -> tuple[str, str | None]:
    """(kind, mismatch note or None).

    Trust order: declared content type, then extension, then magic bytes. The one exception
    is a PDF signature: bytes that are a PDF cannot be read as anything else, so they win,
    and the disagreement is reported.
    """
    by_type = kind_from_content_type(content_type)
    by_name = kind_from_name(path_or_url)
    by_magic = sniff(content)
    declared = by_type or by_name
    kind = declared or by_magic or "text"
    note = None
    if by_magic and declared and by_magic != declared:
        origin = f"content type {content_type!r}" if by_type else f"extension of {path_or_url!r}"
        if by_magic == "pdf" or (declared == "pdf" and by_magic == "html"):
            kind = by_magic
            note = f"{origin} says {declared} but the bytes are {by_magic}; read as {by_magic}"
        else:
            note = f"{origin} says {declared} but the bytes look like {by_magic}; read as {declared}"
    elif by_type and by_name and by_type != by_name:
        note = f"content type {content_type!r} says {by_type} but {path_or_url!r} suggests {by_name}"
    return kind, note


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(load_config("ingest.yaml")["languages"]["detect"])
    return ident


def detect_lang(text: str) -> str:
    """ISO 639-1 code among the EU languages (+ca); "und" when the text is too short to say."""
    sample = " ".join(text.split())[:20000]
    if len(sample) < int(load_config("ingest.yaml")["languages"]["min_chars"]):
        return "und"
    lang, _ = _identifier().classify(sample)
    return str(lang)
