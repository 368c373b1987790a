"""HTML into blocks: the article's own content, without the page furniture around it.

Boilerplate is recognised by general signals kept in `configs/html_boilerplate.yaml`
(tags, ARIA roles, class/id tokens), then the article container is chosen (<article>,
<main>, role=main, or the densest text). The walk over the tree is iterative, so a page
nested thousands of levels deep cannot exhaust the recursion limit.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Iterator

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import Doctype, ProcessingInstruction

from sources.dates import FoundDate, parse_iso_like
from sources.errors import ParseError
from sources.parsed import BlockSink, ParsedContent, find_dateline
from sources.settings import load_config

HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCK_TAGS = HEADING_TAGS | {
    "p", "li", "ul", "ol", "dl", "dt", "dd", "table", "caption", "figcaption", "figure",
    "blockquote", "pre", "div", "section", "article", "main", "header", "footer", "aside",
    "nav", "address", "hr", "br", "tr", "td", "th", "thead", "tbody", "tfoot", "form",
    "details", "summary", "center", "body", "html",
}
PROTECTED = {"html", "body", "main", "article"}
CONTENT_MARKERS = ["article", "main", "[role=main]", "[itemprop=articleBody]"]
META_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "date",
    "pubdate", "publishdate", "publish-date", "publish_date", "dc.date", "dc.date.issued",
    "dcterms.date", "dcterms.issued", "citation_publication_date", "parsely-pub-date",
    "sailthru.date", "article.published",
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    cfg = load_config("html_boilerplate.yaml")
    return {
        "tags": set(cfg["drop_tags"]),
        "roles": set(cfg["drop_roles"]),
        "tokens": {t.lower() for t in cfg["drop_tokens"]},
        "selectors": list(cfg["content_selectors"]),
        "header_outside": bool(cfg.get("drop_header_outside_content", True)),
        "min_chars": int(cfg.get("min_content_chars", 40)),
    }


def _tokens(el: Tag) -> set[str]:
    values: list[str] = []
    cls = el.get("class")
    if isinstance(cls, list):
        values.extend(cls)
    elif isinstance(cls, str):
        values.extend(cls.split())
    if isinstance(el.get("id"), str):
        values.append(el["id"])
    out: set[str] = set()
    for value in values:
        out.add(value.lower())
        for part in re.split(r"[-_\s]+", _CAMEL.sub("-", value)):
            if part:
                out.add(part.lower())
    return out


def _is_hidden(el: Tag) -> bool:
    style = str(el.get("style") or "").replace(" ", "").lower()
    return (el.has_attr("hidden") or str(el.get("aria-hidden") or "").lower() == "true"
            or "display:none" in style or "visibility:hidden" in style)


def _holds_content(el: Tag) -> bool:
    return any(el.select_one(sel) is not None for sel in CONTENT_MARKERS)


def _strip_boilerplate(root: Tag, *, by_tokens: bool) -> None:
    """Drop furniture top-down (a dropped element's subtree is not visited: linear time)."""
    rules = _rules()
    doomed: list[Tag] = []
    stack: list[Tag] = [root]
    while stack:
        el = stack.pop()
        for child in el.children:
            if isinstance(child, (Comment, Doctype, ProcessingInstruction)):
                doomed.append(child)
                continue
            if not isinstance(child, Tag):
                continue
            if _droppable(child, rules, by_tokens):
                doomed.append(child)
            else:
                stack.append(child)
    for el in doomed:
        if isinstance(el, Tag):
            el.decompose()
        else:
            el.extract()


def _droppable(el: Tag, rules: dict[str, Any], by_tokens: bool) -> bool:
    name = el.name.lower()
    if name in PROTECTED:
        return False
    role = str(el.get("role") or "").lower()
    if name in rules["tags"] or role in rules["roles"] or _is_hidden(el):
        return True
    return by_tokens and bool(_tokens(el) & rules["tokens"]) and not _holds_content(el)


def _text_len(el: Tag) -> int:
    return len("".join(el.get_text(" ").split()))


def _choose_container(soup: BeautifulSoup) -> Tag:
    """The element holding the article: the first configured selector that matches, taking the
    candidate with the most text; an <article> inside a much larger <main> loses to the main."""
    body = soup.body or soup
    for sel in _rules()["selectors"]:
        candidates = [c for c in soup.select(sel) if _text_len(c) > 0]
        if not candidates:
            continue
        best = max(candidates, key=_text_len)
        outer = best.find_parent(["main"]) or best.find_parent(attrs={"role": "main"})
        if outer is not None and _text_len(best) < 0.5 * _text_len(outer):
            return outer
        return best
    return _densest(body)


def _densest(body: Tag) -> Tag:
    """The container whose direct paragraph-like children carry the most text."""
    best, best_score = body, 0
    for el in body.find_all(["div", "section", "td", "body"]):
        score = sum(_text_len(c) for c in el.find_all(["p", "h1", "h2", "h3", "li", "table"],
                                                       recursive=False))
        if score > best_score:
            best, best_score = el, score
    return best


def _text(el: Tag, skip: frozenset[str] = frozenset()) -> str:
    """Visible text of `el`: inline markup adds no space, a block boundary does; the text of
    descendants named in `skip` (e.g. a nested list) is left out."""
    parts: list[str] = []
    last_block: Tag | None = None
    for s in el.find_all(string=True):
        if isinstance(s, (Comment, Doctype, ProcessingInstruction)):
            continue
        block, skipped = el, False
        parent = s.parent
        while parent is not None and parent is not el:
            if parent.name in skip:
                skipped = True
                break
            if block is el and parent.name in BLOCK_TAGS:
                block = parent
            parent = parent.parent
        if skipped:
            continue
        if last_block is not None and block is not last_block:
            parts.append(" ")
        parts.append(str(s))
        last_block = block
    return " ".join("".join(parts).split())


def _block_holders(container: Tag) -> set[int]:
    """ids of the elements that are, or contain, a block element: one pass in reverse document
    order (children before parents), so deep nesting costs linear, not quadratic, time."""
    holders: set[int] = set()
    for el in reversed(container.find_all(True)):
        if el.name in BLOCK_TAGS or any(id(c) in holders for c in el.children if isinstance(c, Tag)):
            holders.add(id(el))
    return holders


def _table_rows(table: Tag) -> Iterator[tuple[list[str], bool]]:
    """(cells, is_header) for the rows of this table (not of tables nested in it)."""
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = [c for c in tr.find_all(["td", "th"], recursive=False)]
        if not cells:
            continue
        texts = [_text(c) for c in cells]
        in_head = tr.find_parent("thead") is not None
        all_th = all(c.name == "th" for c in cells) and len(cells) > 1
        yield texts, in_head or all_th


def _walk(container: Tag, sink: BlockSink) -> None:
    """Emit blocks in document order; iterative (explicit stack), never recursive."""
    stack: list[Iterator[Any]] = [iter(list(container.children))]
    inline: list[str] = []
    holders = _block_holders(container)

    def flush() -> None:
        if inline:
            sink.add("paragraph", " ".join(inline))
            inline.clear()

    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            flush()
            continue
        if isinstance(child, (Comment, Doctype, ProcessingInstruction)):
            continue
        if isinstance(child, NavigableString):
            if child.strip():
                inline.append(str(child).strip())
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower()
        if id(child) not in holders:
            text = _text(child)
            if text:
                inline.append(text)
            continue
        flush()
        if name in HEADING_TAGS:
            sink.add("heading", _text(child))
        elif name in ("p", "pre", "dt", "dd", "address", "summary") and not _has_block_children(child):
            sink.add("paragraph", _text(child))
        elif name in ("caption", "figcaption"):
            sink.add("caption", _text(child))
        elif name == "li":
            sink.add("list_item", _text(child, frozenset({"ul", "ol", "table"})))
            nested = [c for c in child.find_all(["ul", "ol", "table"]) if c.find_parent("li") is child]
            if nested:
                stack.append(iter(nested))
        elif name == "table":
            caption = child.find("caption")
            if caption is not None and caption.find_parent("table") is child:
                sink.add("caption", _text(caption))
            rows = list(_table_rows(child))
            _emit_table(rows, sink)
        elif name in ("br", "hr"):
            continue
        else:
            stack.append(iter(list(child.children)))
    flush()


def _has_block_children(el: Tag) -> bool:
    return any(isinstance(c, Tag) and c.name in ("p", "div", "ul", "ol", "table", "section")
               for c in el.children)


def _emit_table(rows: list[tuple[list[str], bool]], sink: BlockSink) -> None:
    if not rows:
        return
    table = sink.new_table()
    header: tuple[str, ...] = ()
    for i, (cells, is_header) in enumerate(rows):
        if is_header and (i == 0 or not header):
            sink.add_row(cells, table=table)
            header = tuple(cells)
        else:
            sink.add_row(cells, table=table, header=header)


def _meta_date(soup: BeautifulSoup) -> FoundDate | None:
    found: dict[str, FoundDate] = {}
    for meta in soup.find_all("meta"):
        key = str(meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        value = meta.get("content")
        if key in META_DATE_KEYS and isinstance(value, str) and key not in found:
            d = parse_iso_like(value)
            if d:
                found[key] = d
    for key in META_DATE_KEYS:
        if key in found:
            return found[key]
    return None


def _jsonld_date(soup: BeautifulSoup) -> FoundDate | None:
    for script in soup.find_all("script", attrs={"type": re.compile("ld\\+json", re.I)}):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                value = item.get("datePublished")
                if isinstance(value, str):
                    d = parse_iso_like(value)
                    if d:
                        return d
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return None


def _time_date(container: Tag) -> FoundDate | None:
    """A <time> element in the article's head (before the first long paragraph)."""
    for el in container.find_all(["time", "p", "div"]):
        if el.name == "p" and _text_len(el) > 200:
            break
        if el.name != "time":
            continue
        value = el.get("datetime") or el.get_text(" ")
        d = parse_iso_like(str(value)) if value else None
        if d:
            return d
    return None


def _title(soup: BeautifulSoup, container: Tag) -> str | None:
    h1 = container.find("h1") or soup.find("h1")
    if h1 is not None and h1.get_text(strip=True):
        return " ".join(h1.get_text(" ").split())
    for key in ("og:title", "twitter:title"):
        meta = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
        if meta is not None and isinstance(meta.get("content"), str) and meta["content"].strip():
            return " ".join(meta["content"].split())
    if soup.title is not None and soup.title.get_text(strip=True):
        return " ".join(soup.title.get_text(" ").split())
    return None


def _check_bytes(content: bytes, source_name: str) -> None:
    if not content.strip():
        raise ParseError(source_name, "the file is empty (no HTML)")
    head = content[:65536]
    if head.lstrip().startswith(b"%PDF-"):
        raise ParseError(source_name, "declared HTML but the bytes are a PDF")
    if not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")):
        controls = sum(1 for b in head if b < 9 or 13 < b < 32)
        if controls > max(8, len(head) // 100):
            raise ParseError(source_name, f"declared HTML but the bytes are binary "
                                          f"({controls} control bytes in the first {len(head)})")
        if b"<" not in head:
            raise ParseError(source_name, "declared HTML but contains no markup")


def parse_html(content: bytes, *, source_name: str) -> ParsedContent:
    """The main content of an HTML page as blocks, with its title and published date."""
    _check_bytes(content, source_name)
    try:
        soup = BeautifulSoup(content, "lxml")
    except (ValueError, RecursionError, UnicodeError) as exc:
        raise ParseError(source_name, f"HTML could not be parsed: {exc}") from exc
    published = _meta_date(soup) or _jsonld_date(soup)
    sink, container = _blocks(soup, by_tokens=True)
    if sum(len(b.text) for b in sink.blocks) < _rules()["min_chars"]:
        soup = BeautifulSoup(content, "lxml")
        sink, container = _blocks(soup, by_tokens=False)
    if published is None:
        published = _time_date(container)
    if published is None:
        published = find_dateline(sink.blocks)
    if not sink.blocks:
        raise ParseError(source_name, "the HTML page has no readable text")
    return ParsedContent(title=_title(soup, container),
                         published=published.value if published else None,
                         published_precision=published.precision if published else None,
                         blocks=sink.freeze())


def _blocks(soup: BeautifulSoup, *, by_tokens: bool) -> tuple[BlockSink, Tag]:
    """Strip boilerplate, choose the container, walk it. Mutates `soup`."""
    for br in list(soup.find_all("br")):
        br.replace_with(" ")
    _strip_boilerplate(soup, by_tokens=by_tokens)
    container = _choose_container(soup)
    if _rules()["header_outside"]:
        for header in list(soup.find_all("header")):
            if header is not container and not any(p is container for p in header.parents):
                header.decompose()
        if container.name in ("body", "html", "[document]"):
            for header in list(container.find_all("header")):
                if header.find("h1") is None:
                    header.decompose()
    sink = BlockSink()
    _walk(container, sink)
    return sink, container
