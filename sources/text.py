"""Plain text into blocks: encoding detection, title line, paragraphs, bullets, pipe tables."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from sources.errors import ParseError
from sources.parsed import BlockSink, ParsedContent, find_dateline
from sources.settings import load_config

_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def decode_text(content: bytes, *, source_name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16/32 by BOM, else the charset-normalizer guess."""
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if content.startswith(bom):
            try:
                return content.decode(enc)
            except UnicodeDecodeError as exc:
                raise ParseError(source_name, f"starts with a {enc} byte-order mark but is not "
                                              f"valid {enc}: {exc.reason}") from exc
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(content).best()
    if best is None:
        raise ParseError(source_name, "text encoding could not be determined (binary data?)")
    return str(best)


def check_is_text(text: str, *, source_name: str) -> None:
    """Refuse decoded binary garbage: control characters in bulk mean it was not text."""
    if not text.strip():
        raise ParseError(source_name, "the file is empty (no text)")
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    if bad > max(8, len(sample) // 50):
        raise ParseError(source_name, f"does not look like text ({bad} control or undecodable "
                                      f"characters in the first {len(sample)})")


@lru_cache(maxsize=1)
def _bullet_re() -> re.Pattern[str]:
    bullets = load_config("ingest.yaml")["text"]["bullets"]
    alts = "|".join(re.escape(b) for b in bullets)
    return re.compile(rf"^\s*(?:(?:{alts})|\d{{1,2}}[.)])\s+(?P<body>\S.*)$")


def _pipe_cells(line: str) -> list[str] | None:
    stripped = line.strip()
    if stripped.count("|") < 2 and not (stripped.startswith("|") or stripped.endswith("|")):
        return None
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|"):
        stripped = stripped[:-1]
    cells = [c.strip() for c in stripped.split("|")]
    return cells if len(cells) >= 2 else None


def _is_table(lines: list[str]) -> bool:
    """A group of lines is a pipe table when it has a separator row, or 2+ rows of equal width."""
    if any(_SEPARATOR_ROW.match(line) and "-" in line for line in lines):
        return len(lines) >= 2
    widths = {len(c) for c in (_pipe_cells(line) for line in lines) if c}
    return len(lines) >= 2 and all(_pipe_cells(line) for line in lines) and len(widths) == 1


def _groups(text: str) -> list[list[str]]:
    """Lines grouped by blank lines."""
    groups, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line.rstrip())
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _wrapped(line: str, widest: int) -> bool:
    """Hard-wrapped prose: lines run close to the group's widest line, which is itself long."""
    return widest >= 50 and len(line.strip()) >= 0.7 * widest


def parse_text(content: bytes, *, source_name: str) -> ParsedContent:
    """Plain text: first non-empty line is the title; blank lines separate paragraphs.

    Within a group, bullet lines become list items and pipe rows a table; other lines that
    are all short are read one per line (a header zone or a list without markers), long
    wrapped lines are joined into one paragraph.
    """
    text = decode_text(content, source_name=source_name)
    check_is_text(text, source_name=source_name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    sink = BlockSink()
    groups = _groups(text)
    title = groups[0][0].strip() if groups else None
    bullet = _bullet_re()
    for gi, group in enumerate(groups):
        for is_pipe, run in _runs(group):
            if is_pipe and _is_table(run):
                rows = [_pipe_cells(line) for line in run if not _SEPARATOR_ROW.match(line)]
                has_sep = any(_SEPARATOR_ROW.match(line) for line in run)
                sink.add_table([r for r in rows if r], header_row=True if has_sep else None)
            else:
                _add_lines(sink, gi, run, bullet)
    found = find_dateline(sink.blocks)
    return ParsedContent(title=title, published=found.value if found else None,
                         published_precision=found.precision if found else None,
                         blocks=sink.freeze())


def _runs(group: list[str]) -> list[tuple[bool, list[str]]]:
    """Consecutive lines split into runs of pipe rows and other lines."""
    runs: list[tuple[bool, list[str]]] = []
    for line in group:
        is_pipe = _pipe_cells(line) is not None or bool(_SEPARATOR_ROW.match(line) and "-" in line)
        if runs and runs[-1][0] == is_pipe:
            runs[-1][1].append(line)
        else:
            runs.append((is_pipe, [line]))
    return runs


def _add_lines(sink: BlockSink, group_no: int, lines: list[str], bullet: re.Pattern[str]) -> None:
    """Bullet lines become list items; wrapped lines join into paragraphs; the title stands alone."""
    paragraph: list[str] = []
    widest = max(len(line.strip()) for line in lines)

    def flush() -> None:
        if paragraph:
            kind = "heading" if group_no == 0 and not sink.blocks else "paragraph"
            sink.add(kind, " ".join(paragraph))
            paragraph.clear()

    for line in lines:
        m = bullet.match(line)
        if m:
            flush()
            sink.add("list_item", m["body"])
            continue
        paragraph.append(line.strip())
        if (group_no == 0 and not sink.blocks) or not _wrapped(line, widest):
            flush()
    flush()
