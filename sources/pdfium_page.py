"""One PDF page as pdfium reads it, in the shapes pdfplumber gives: chars, lines, rects, curves.

pdfium interprets a content stream in C, so a page costs a few milliseconds instead of the
tens that pdfminer's Python interpreter takes. The objects keep pdfminer's geometry, so the
layout rules of `sources.pdf` and pdfplumber's table finder read them unchanged:

- a char's box runs from its origin to origin + advance width (the font's /Widths), and from
  the baseline + the font's descent to that + the font size (pdfminer's LTChar), not
  pdfium's glyph box;
- a path is split at each move-to into sub-paths, and a sub-path is a line (one segment), a
  rect (a closed axis-aligned four-corner loop) or a curve (its end points), as pdfminer's
  `paint_path` does; Bézier control points are dropped.

`page_objects` returns None for a page these rules do not cover (rotated, mirrored or
skewed text, a char with no advance width); the caller reads that page with pdfplumber,
as it does a rotated page or one whose crop box is not its media box.
"""

from __future__ import annotations

import ctypes
from typing import Any

_DESCENT_FROM_AFM: dict[str, float] | None = None


def _afm_descents() -> dict[str, float]:
    """pdfminer's descents for the 14 standard fonts (from their AFM files)."""
    global _DESCENT_FROM_AFM
    if _DESCENT_FROM_AFM is None:
        from pdfminer.fontmetrics import FONT_METRICS
        _DESCENT_FROM_AFM = {name: float(desc.get("Descent", 0))
                             for name, (desc, _) in FONT_METRICS.items()}
    return _DESCENT_FROM_AFM


class _Font:
    """What the char boxes need from one pdfium font: descent and advance widths."""

    __slots__ = ("handle", "descent", "widths")

    def __init__(self, raw, handle) -> None:
        self.handle = handle
        value = ctypes.c_float()
        descent = None
        if not raw.FPDFFont_GetIsEmbedded(handle):  # one of the 14 standard fonts?
            descent = _afm_descents().get(_font_name(raw, handle).split("+", 1)[-1])
        if descent is None:  # the font descriptor's, as pdfium read it
            ok = raw.FPDFFont_GetDescent(handle, ctypes.c_float(1000.0), value)
            descent = value.value if ok else 0.0
        self.descent = -abs(float(descent)) / 1000.0  # per point of font size, as pdfminer
        self.widths: dict[str, float | None] = {}

    def width(self, raw, char: str) -> float | None:
        """Advance width per point of font size, or None when pdfium cannot map the char."""
        if char in self.widths:
            return self.widths[char]
        value = ctypes.c_float()
        ok = len(char) == 1 and raw.FPDFFont_GetGlyphWidth(self.handle, ord(char),
                                                           ctypes.c_float(1000.0), value)
        self.widths[char] = value.value / 1000.0 if ok else None
        return self.widths[char]


def _font_name(raw, handle) -> str:
    size = raw.FPDFFont_GetBaseFontName(handle, None, 0)
    if not size:
        return ""
    buf = ctypes.create_string_buffer(size)
    raw.FPDFFont_GetBaseFontName(handle, buf, size)
    return buf.value.decode("utf-8", "replace")


def page_objects(page, height: float) -> dict[str, list[dict[str, Any]]] | None:
    """The chars, lines, rects and curves of a pypdfium2 page in pdfplumber's coordinates
    (top-down from `height`, the media box's top), or None when the page needs pdfplumber.
    The caller checks the page boxes and rotation (pdfminer resolves their inheritance)."""
    import pypdfium2.raw as raw

    chars = _chars(raw, page.raw, height)
    if chars is None:
        return None
    objects: dict[str, list[dict[str, Any]]] = {"char": chars}
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    root = page.raw
    for index in range(raw.FPDFPage_CountObjects(root)):
        _walk(raw, raw.FPDFPage_GetObject(root, index), identity, height, objects)
    return {kind: items for kind, items in objects.items() if items}


_CALLS: tuple[Any, Any] | None = None


def _per_char_calls(raw) -> tuple[Any, Any]:
    """The two calls made for every char, typed with plain addresses: pypdfium2's own
    wrappers build a pointer object per result, which costs more than the call."""
    global _CALLS
    if _CALLS is None:
        address = ctypes.c_void_p
        get_object = ctypes.CFUNCTYPE(address, address, ctypes.c_int)(
            ctypes.cast(raw.FPDFText_GetTextObject, address).value)
        get_origin = ctypes.CFUNCTYPE(ctypes.c_int, address, ctypes.c_int, address, address)(
            ctypes.cast(raw.FPDFText_GetCharOrigin, address).value)
        _CALLS = (get_object, get_origin)
    return _CALLS


def _chars(raw, page, height: float) -> list[dict[str, Any]] | None:
    text_page = raw.FPDFText_LoadPage(page)
    try:
        count = raw.FPDFText_CountChars(text_page)
        if count <= 0:
            return []
        buffer = ctypes.create_string_buffer((count + 1) * 2)
        raw.FPDFText_GetText(text_page, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
        text = buffer.raw[: count * 2].decode("utf-16-le", errors="replace")
        if len(text) != count:
            return None
        get_object, get_origin = _per_char_calls(raw)
        handle = ctypes.cast(text_page, ctypes.c_void_p).value
        fonts: dict[int, _Font] = {}
        per_object: dict[int, tuple[dict[str, float | None], float, float, float, _Font]] = {}
        x, y = ctypes.c_double(), ctypes.c_double()
        x_at, y_at = ctypes.addressof(x), ctypes.addressof(y)
        matrix = raw.FS_MATRIX()
        out: list[dict[str, Any]] = []
        append = out.append
        current = None  # the text object of the previous char, and what it gives
        widths: dict[str, float | None] = {}
        size = advance = descent = 0.0
        font: _Font | None = None
        for index in range(count):
            obj = get_object(handle, index)
            if not obj:  # a space or line break pdfium generated: not in the content
                continue
            if obj != current:
                info = per_object.get(obj)
                if info is None:
                    raw.FPDFText_GetMatrix(text_page, index, matrix)
                    if matrix.b or matrix.c or matrix.a <= 0 or matrix.d <= 0:
                        return None  # rotated, mirrored or skewed text: pdfplumber's geometry
                    font_handle = raw.FPDFTextObj_GetFont(ctypes.cast(obj, raw.FPDF_PAGEOBJECT))
                    font_key = ctypes.cast(font_handle, ctypes.c_void_p).value or 0
                    font = fonts.get(font_key)
                    if font is None:
                        font = fonts[font_key] = _Font(raw, font_handle)
                    obj_size = float(raw.FPDFText_GetFontSize(text_page, index))
                    info = per_object[obj] = (font.widths, obj_size, obj_size * matrix.a,
                                              font.descent * obj_size, font)
                widths, size, advance, descent, font = info
                current = obj
            char = text[index]
            width = widths.get(char)
            if width is None:
                width = font.width(raw, char)  # type: ignore[union-attr]
                if width is None:
                    return None
            get_origin(handle, index, x_at, y_at)
            bottom = height - y.value - descent
            x0 = x.value
            top = bottom - size
            append({"text": char, "x0": x0, "x1": x0 + width * advance, "top": top,
                    "bottom": bottom, "doctop": top, "size": size, "upright": True})
        return out
    finally:
        raw.FPDFText_ClosePage(text_page)


def _multiply(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """m then n (PDF's row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _walk(raw, obj, outer: tuple[float, ...], height: float,
          objects: dict[str, list[dict[str, Any]]]) -> None:
    kind = raw.FPDFPageObj_GetType(obj)
    if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
        return
    fs = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, fs)
    matrix = _multiply((fs.a, fs.b, fs.c, fs.d, fs.e, fs.f), outer)
    if kind == raw.FPDF_PAGEOBJ_FORM:
        for index in range(raw.FPDFFormObj_CountObjects(obj)):
            _walk(raw, raw.FPDFFormObj_GetObject(obj, index), matrix, height, objects)
        return
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj, fill, stroke)
    if not fill.value and not stroke.value:
        return  # a clipping path: pdfminer paints nothing for it either
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[tuple[str, list[tuple[float, float]]]] = []
    shape, points = "", []
    bezier = 0
    for index in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, index)
        kind = raw.FPDFPathSegment_GetType(segment)
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            if shape:
                subpaths.append((shape, points))
            shape, points, bezier = "m", [point], 0
        elif kind == raw.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3 == 0:  # the end point of a curve segment; the others steer it
                shape += "c"
                points.append(point)
        else:
            shape += "l"
            points.append(point)
        if raw.FPDFPathSegment_GetClose(segment) and shape:
            shape += "h"
            points.append(points[0])
    if shape:
        subpaths.append((shape, points))
    for shape, points in subpaths:
        _add_path(shape, points, height, objects)


def _add_path(shape: str, pts: list[tuple[float, float]], height: float,
              objects: dict[str, list[dict[str, Any]]]) -> None:
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-1]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    base = {"x0": x0, "x1": x1, "y0": y0, "y1": y1, "top": height - y1, "bottom": height - y0,
            "doctop": height - y1, "width": x1 - x0, "height": y1 - y0}
    if shape in ("mlh", "ml"):
        objects.setdefault("line", []).append({"object_type": "line", **base,
                                               "pts": [(p[0], height - p[1]) for p in pts[:2]]})
        return
    if shape in ("mlllh", "mllll"):
        (ax, ay), (bx, by), (cx, cy), (dx, dy), _ = pts
        closed = pts[0] == pts[4]
        square = (ax == bx and by == cy and cx == dx and dy == ay) or \
                 (ay == by and bx == cx and cy == dy and dx == ax)
        if closed and square:
            objects.setdefault("rect", []).append({"object_type": "rect", **base})
            return
    objects.setdefault("curve", []).append({"object_type": "curve", **base,
                                            "pts": [(p[0], height - p[1]) for p in pts]})
