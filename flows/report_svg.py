"""Charts for the report page, drawn as inline SVG on the server.

The page must work offline and without scripts, so the charts are plain SVG strings;
every label goes through `html.escape` because factory names come from public texts.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Sequence

SERIES = (("total", "#3b6fb6"), ("EU", "#e0a526"), ("national", "#4f9d69"))
EVENT_COLOURS = {"selection": "#3b6fb6", "operation": "#c0504d"}
OTHER_EVENT_COLOUR = "#7a7a7a"
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-([QH])([1-4]))?$")


@dataclass(frozen=True)
class BudgetBar:
    """One factory's budget by scope, in euros; None where no source stated it."""

    label: str
    total: float | None
    eu: float | None
    national: float | None
    qualifier: str | None = None


@dataclass(frozen=True)
class TimelineEvent:
    label: str
    kind: str
    on_date: str


def date_interval(value: str) -> tuple[date, date] | None:
    """The days a date string of any precision covers (`2026`, `2026-H2`, `2026-Q2`,
    `2025-03`, `2024-12-10`); None for strings that are no such date."""
    m = _DATE.match(value.strip()) if value else None
    if not m:
        return None
    year = int(m.group(1))
    if m.group(3):
        d = date(year, int(m.group(2)), int(m.group(3)))
        return d, d
    if m.group(2):
        month = int(m.group(2))
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if m.group(4):
        months = 6 if m.group(4) == "H" else 3
        part = int(m.group(5))
        first = (part - 1) * months + 1
        last = first + months - 1
        return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])
    return date(year, 1, 1), date(year, 12, 31)


def money_label(amount: float) -> str:
    """Short euro amounts for labels: €1.5 bn, €430 m, €12,000."""
    for scale, unit, digits in ((1e9, "bn", 2), (1e6, "m", 1)):
        if abs(amount) >= scale:
            number = f"{amount / scale:.{digits}f}".rstrip("0").rstrip(".")
            return f"€{number} {unit}"
    return f"€{amount:,.0f}"


def budget_chart(bars: Sequence[BudgetBar], width: int = 860) -> str:
    """Horizontal grouped bars: one group per factory, one bar per scope."""
    rows = [b for b in bars if any(v for v in (b.total, b.eu, b.national))]
    if not rows:
        return '<p class="empty">No budget stated by any source yet.</p>'
    label_w, value_w, bar_h, gap = 190, 90, 11, 12
    group_h = bar_h * len(SERIES) + gap
    top = 28
    height = top + group_h * len(rows) + 8
    plot_w = width - label_w - value_w
    peak = max(v for b in rows for v in (b.total, b.eu, b.national) if v)
    parts = [f'<svg class="chart" id="budget-chart" role="img" aria-label="Budgets per AI Factory" '
             f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">']
    x = label_w
    for name, colour in SERIES:
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 17}" y="16" class="legend">{escape(name)}</text>')
        x += 110
    for i, b in enumerate(rows):
        y0 = top + i * group_h
        label = b.label if len(b.label) <= 28 else b.label[:27] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y0 + bar_h * 1.5 + 4:.0f}" text-anchor="end" class="label">'
                     f'<title>{escape(b.label)}</title>{escape(label)}</text>')
        for j, (name, colour) in enumerate(SERIES):
            value = (b.total, b.eu, b.national)[j]
            if not value:
                continue
            w = max(1.0, plot_w * value / peak)
            y = y0 + j * bar_h
            about = " (about)" if name == "total" and b.qualifier and b.qualifier != "exact" else ""
            text = money_label(value) + ("~" if about else "")
            parts.append(f'<rect class="bar bar-{escape(name)}" x="{label_w}" y="{y}" width="{w:.1f}" '
                         f'height="{bar_h - 1}" fill="{colour}"><title>{escape(b.label)}, {escape(name)}: '
                         f'{escape(money_label(value))}{escape(about)}</title></rect>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 2}" class="value">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def timeline_chart(events: Sequence[TimelineEvent], width: int = 860) -> str:
    """One row per factory; a dot for a day, a bar for a month, quarter, half or year."""
    placed = [(e, date_interval(e.on_date)) for e in events]
    placed = [(e, iv) for e, iv in placed if iv]
    if not placed:
        return '<p class="empty">No dated selections or starts yet.</p>'
    labels = sorted({e.label for e, _ in placed}, key=lambda lb: min(iv[0] for e, iv in placed if e.label == lb))
    first_year = min(iv[0].year for _, iv in placed)
    last_year = max(iv[1].year for _, iv in placed)
    start, end = date(first_year, 1, 1), date(last_year + 1, 1, 1)
    span = (end - start).days
    label_w, row_h, top = 190, 22, 50
    plot_w = width - label_w - 20
    height = top + row_h * len(labels) + 10

    def xpos(d: date) -> float:
        return label_w + plot_w * (d - start).days / span

    parts = [f'<svg class="chart" id="timeline-chart" role="img" aria-label="Selections and starts" '
             f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">']
    x = label_w
    for kind, colour in EVENT_COLOURS.items():
        parts.append(f'<circle cx="{x + 6}" cy="12" r="5" fill="{colour}"/>'
                     f'<text x="{x + 16}" y="16" class="legend">{escape(kind)}</text>')
        x += 110
    for year in range(first_year, last_year + 2):
        gx = xpos(date(year, 1, 1))
        parts.append(f'<line x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" y2="{height - 6}" class="grid"/>')
        if year <= last_year:
            parts.append(f'<text x="{gx + 3:.1f}" y="{top - 10}" class="axis">{year}</text>')
    for i, label in enumerate(labels):
        cy = top + i * row_h + row_h / 2
        parts.append(f'<text x="{label_w - 8}" y="{cy + 4:.0f}" text-anchor="end" class="label">{escape(label)}</text>')
        for e, (lo, hi) in ((e, iv) for e, iv in placed if e.label == label):
            colour = EVENT_COLOURS.get(e.kind, OTHER_EVENT_COLOUR)
            tip = f"<title>{escape(label)}: {escape(e.kind)} {escape(e.on_date)}</title>"
            if lo == hi:
                parts.append(f'<circle class="event" cx="{xpos(lo):.1f}" cy="{cy:.1f}" r="5" fill="{colour}">{tip}</circle>')
            else:
                x0, x1 = xpos(lo), xpos(hi)
                parts.append(f'<rect class="event" x="{x0:.1f}" y="{cy - 5:.1f}" width="{max(x1 - x0, 4):.1f}" '
                             f'height="10" rx="5" fill="{colour}" fill-opacity="0.75">{tip}</rect>')
    parts.append("</svg>")
    return "".join(parts)
