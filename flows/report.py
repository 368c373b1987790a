"""The report page: the warehouse as one self-contained HTML file.

People who never open a terminal still need to see what the sources say and why a value
was chosen. The page loads nothing at view time (inline CSS, server-side SVG, no
scripts), so it can be mailed or archived; every text from the warehouse is escaped
because it comes from public documents.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import escape
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any, Iterable, Sequence

from flows.output import human
from flows.report_svg import BudgetBar, TimelineEvent, budget_chart, money_label, timeline_chart
from warehouse.queries import FACTORIES_SQL, explain, open_readonly

# (column of `factories`, attribute in `factory_values`, heading)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("name", "name", "Factory"),
    ("wave", "wave", "Round"),
    ("country_code", "country", "Country"),
    ("city", "city", "City"),
    ("host_org", "host_org", "Host"),
    ("supercomputer", "supercomputer", "Supercomputer"),
    ("deployment", "deployment", "Deployment"),
    ("budget_total_eur", "budget_total_eur", "Budget total"),
    ("budget_eu_eur", "budget_eu_eur", "EU"),
    ("budget_national_eur", "budget_national_eur", "National"),
    ("selected_on", "selected_on", "Selected"),
    ("operational_by", "operational_by", "Operational"),
    ("partner_countries", "partner_countries", "Partners"),
)
MONEY_COLUMNS = {"budget_total_eur", "budget_eu_eur", "budget_national_eur"}
RUN_COLUMNS = ("run_id", "started_at", "finished_at", "status", "sources_total", "fetched", "unchanged",
               "failed", "statements_new", "statements_retired", "values_changed")
CONTEXT_CHARS = 180
# A plausibility doubt, read from any conflict row (any status): its reason, or the note of a
# candidate it rejected, calls the value implausible, or ends as warehouse/plausibility.py's
# reasons do (a share above the total, an operation before the selection, a round's figure
# given to one factory, a fact copied from a sentence about another). The value, or the
# empty cell left by a rejected one, gets a warning beside it wherever the page shows it.
FLAGGED = re.compile(r"implausib|not plausible|cannot exceed the whole|cannot be smaller than its part"
                     r"|not of one factory|not of this factory|copied from a sentence about", re.I)
TEMPLATE_NAME = "report_template.html"


class ReportError(RuntimeError):
    """The report cannot be built from this warehouse (the message names it and why)."""


@dataclass
class ReportData:
    """Everything the page shows, read in one pass over a read-only warehouse."""

    warehouse: str
    factories: list[dict[str, Any]]
    evidence: dict[str, dict[str, Any]]
    events: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    programme: list[dict[str, Any]] = field(default_factory=list)
    # (factory_id, attribute) -> the reasons a plausibility check gave
    flags: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def flag(self, factory_id: str, attribute: str, short: bool = False) -> str:
        """The warning beside a flagged value (escaped HTML), or ''. `short`: the first words
        of each doubt, the whole of it in the tooltip (for the table's narrow cells)."""
        reasons = self.flags.get((factory_id, attribute))
        if not reasons:
            return ""
        text = "; ".join(reasons)
        shown = "; ".join(_gist(r) for r in reasons) if short else text
        return f' <span class="flag" title="{escape(text, quote=True)}">⚠ {escape(shown)}</span>'


def _dicts(con: Any, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def _gist(reason: str, limit: int = 48) -> str:
    """A doubt's first words: up to its first colon or bracket, at most `limit` characters."""
    cut = min([i for i in (reason.find(":"), reason.find(" (")) if i > 0] or [len(reason)])
    text = reason[:cut].strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def gather(warehouse: str | Path, runs: int = 10) -> ReportData:
    """Reads the curated tables and, per factory, the evidence of every value."""
    import duckdb

    con = open_readonly(warehouse)
    try:
        factories = _dicts(con, FACTORIES_SQL)
        events = _dicts(con, """SELECT e.*, coalesce(f.name, e.factory_id) AS factory_name
                                FROM events e LEFT JOIN factories f USING (factory_id)
                                ORDER BY e.on_date, e.factory_id, e.kind""")
        conflicts = _dicts(con, """SELECT c.*, f.name AS factory_name FROM conflicts c
                                   LEFT JOIN factories f USING (factory_id)
                                   WHERE c.status = 'open' ORDER BY c.factory_id NULLS FIRST, c.attribute""")
        run_rows = _dicts(con, f"SELECT * FROM runs ORDER BY run_id DESC LIMIT {int(runs)}")
        programme = _dicts(con, "SELECT * FROM programme_facts ORDER BY attribute, wave NULLS FIRST")
        reasons = con.execute("""SELECT factory_id, attribute, reason, candidates_json FROM conflicts
                                 WHERE factory_id IS NOT NULL ORDER BY factory_id, attribute, reason""").fetchall()
    except duckdb.CatalogException as exc:
        raise ReportError(f"warehouse {warehouse} lacks a curated table ({exc}); run `aifacts refresh` on it") from exc
    finally:
        con.close()
    evidence = {f["factory_id"]: explain(warehouse, f["factory_id"]) for f in factories}
    if programme and "chosen" in programme[0]:
        programme = [p for p in programme if p["chosen"]]
    return ReportData(str(warehouse), factories, evidence, events, conflicts, run_rows, programme,
                      plausibility_flags(reasons))


def plausibility_flags(rows: Iterable[Sequence[Any]]) -> dict[tuple[str, str], list[str]]:
    """(factory, attribute) -> the doubts, from conflict rows (factory_id, attribute, reason,
    candidates_json): a reason that is a doubt, and each candidate rejected for one."""
    flags: dict[tuple[str, str], list[str]] = {}

    def add(key: tuple[str, str], text: str) -> None:
        if text not in flags.setdefault(key, []):
            flags[key].append(text)

    for fid, attribute, reason, candidates in rows:
        if reason and FLAGGED.search(reason):
            add((fid, attribute), reason)
        for cand in _candidates(candidates):
            note = str(cand.get("note") or "")
            if cand.get("status") == "rejected" and FLAGGED.search(note) and note not in (reason or ""):
                add((fid, attribute), f"{show(cand.get('value'))} rejected: {note}")
    return {k: v for k, v in flags.items() if v}


def anchor(*parts: str) -> str:
    """An HTML id from factory ids and attributes: unlike characters are spelled out in
    hex so `AI-AT` and `AI_AT` cannot collide."""
    return "ev-" + "--".join(re.sub(r"[^A-Za-z0-9-]", lambda m: f"_{ord(m.group()):x}", p) for p in parts)


def show(value: Any) -> str:
    """A stored value as a reader writes it (money with its qualifier, dates with their modifier)."""
    return human(value)


def _cell(row: dict[str, Any], column: str) -> str:
    value = row.get(column)
    if column in MONEY_COLUMNS and isinstance(value, (int, float)):
        currency = row.get(column.replace("_eur", "_currency"))
        text = f"{value:,.0f} {currency}" if currency and currency != "EUR" else money_label(float(value))
        qualifier = row.get(column.replace("_eur", "_qualifier"))
        return f"{qualifier} {text}" if qualifier and qualifier != "exact" else text
    return show(value)


def _table(headings: Sequence[str], rows: Iterable[Sequence[str]], css_id: str = "",
           row_classes: Sequence[str] = ()) -> str:
    """Rows are already escaped HTML; `row_classes` are css classes, one per row."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    rows = list(rows)
    classes = list(row_classes) or [""] * len(rows)
    body = "".join((f'<tr class="{escape(k)}">' if k else "<tr>") + "".join(f"<td>{c}</td>" for c in r) + "</tr>"
                   for r, k in zip(rows, classes))
    ident = f' id="{css_id}"' if css_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def round_of(row: dict[str, Any]) -> str:
    """The css class of a factory's round: round-1, round-2, ... or round-none."""
    wave = row.get("wave")
    return f"round-{int(wave)}" if isinstance(wave, (int, float)) else "round-none"


def round_filter(data: ReportData) -> tuple[str, str]:
    """(the radio buttons above the factories table, the CSS that hides other rounds'
    rows): a filter without scripts, so the page stays one inert file."""
    rounds = sorted({round_of(f) for f in data.factories}, key=lambda r: (r == "round-none", r))
    if len(rounds) < 2:
        return "", ""
    label = {r: ("no round" if r == "round-none" else "round " + r.split("-")[1]) for r in rounds}
    buttons = ['<span class="meta">Show:</span><input type="radio" name="round" id="show-all" checked>'
               '<label for="show-all">all rounds</label>']
    css = []
    for r in rounds:
        count = sum(1 for f in data.factories if round_of(f) == r)
        buttons.append(f'<input type="radio" name="round" id="show-{r}"><label for="show-{r}">{label[r]} '
                       f'({count})</label>')
        css.append(f"#show-{r}:checked ~ .scroll #factories-table tbody tr:not(.{r}) {{ display: none; }}")
    return "".join(buttons), "\n".join(css)


def factories_table(data: ReportData) -> str:
    columns = [c for c in COLUMNS if not data.factories or c[0] in data.factories[0]]
    rows, classes = [], []
    for f in data.factories:
        fid = f["factory_id"]
        known = {a["attribute"] for a in data.evidence.get(fid, {}).get("attributes", [])}
        cells = []
        for column, attribute, _ in columns:
            text = _cell(f, column)
            if not text:  # no value kept; a doubt may say why
                cells.append('<span class="missing">–</span>' + data.flag(fid, attribute, short=True))
                continue
            html = escape(text)
            if column == "wave":
                html = escape(text)
            elif attribute in known:
                html = f'<a href="#{anchor(fid, attribute)}" title="evidence for {escape(attribute)}">{html}</a>'
            if column == "name":
                html += f'<span class="id">{escape(fid)}</span>'
            elif column in ("selected_on", "operational_by", *MONEY_COLUMNS):
                html = f'<span class="nowrap">{html}</span>'  # "2024-12-10", "about €80 m" on one line
            cells.append(html + data.flag(fid, attribute, short=True))
        cells.append(escape(show(f.get("n_sources"))))
        rows.append(cells)
        classes.append(round_of(f))
    return _table([h for _, _, h in columns] + ["Sources"], rows, "factories-table", classes)


def budget_bars(data: ReportData) -> tuple[list[BudgetBar], list[str]]:
    """Bars for euro amounts; amounts in another currency come back as notes instead."""
    bars, notes = [], []
    for f in data.factories:
        values = {}
        for column in ("budget_total_eur", "budget_eu_eur", "budget_national_eur"):
            value = f.get(column)
            currency = f.get(column.replace("_eur", "_currency"))
            if value is not None and currency and currency != "EUR":
                notes.append(f"{f.get('name') or f['factory_id']}: {column.split('_')[1]} {value:,.0f} {currency}")
                value = None
            values[column] = float(value) if value is not None else None
        bars.append(BudgetBar(f.get("name") or f["factory_id"], values["budget_total_eur"], values["budget_eu_eur"],
                              values["budget_national_eur"], f.get("budget_total_qualifier")))
    return bars, notes


def events_table(data: ReportData) -> str:
    rows = [[escape(show(e["on_date"])), escape(str(e["kind"])), escape(str(e.get("precision") or "")),
             f'<a href="#{anchor(e["factory_id"])}">{escape(str(e["factory_name"]))}</a>'
             if e["factory_id"] in data.evidence else escape(str(e["factory_name"]))]
            for e in data.events]
    return _table(["Date", "Event", "Precision", "Factory"], rows, "events-table") if rows else ""


def programme_section(data: ReportData) -> str:
    if not data.programme:
        return ""
    rows = [[escape(str(p["attribute"])), escape(show(p.get("wave"))), escape(show(json.loads(p["value_json"])))]
            for p in data.programme]
    return '<h3>The programme</h3>' + _table(["Fact", "Wave", "Value"], rows, "programme-table")


def _candidates(raw: str | None) -> list[dict[str, Any]]:
    """A conflict's candidates, each (source, stated, value, status) once."""
    seen, out = set(), []
    for c in json.loads(raw or "[]"):
        key = (c.get("source"), json.dumps(c.get("stated"), sort_keys=True, ensure_ascii=False),
               json.dumps(c.get("value"), sort_keys=True, ensure_ascii=False), c.get("status"))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def conflicts_section(data: ReportData) -> str:
    if not data.conflicts:
        return '<p class="empty">No open conflicts.</p>'
    rows = []
    for c in data.conflicts:
        items, notes_seen = [], set()
        for cand in _candidates(c.get("candidates_json")):
            status = str(cand.get("status") or "")
            stated = cand.get("stated")
            said = f' <span class="meta">stated “{escape(show(stated))}”</span>' \
                if stated is not None and show(stated) != show(cand.get("value")) else ""
            note = ""
            if cand.get("note") and cand["note"] not in notes_seen:
                notes_seen.add(cand["note"])
                note = f'<div class="meta">{escape(str(cand["note"]))}</div>'
            items.append(f'<li><span class="tag {escape(status)}">{escape(status)}</span> '
                         f'{escape(show(cand.get("value")))}{said} <span class="meta">— '
                         f'{escape(str(cand.get("source") or "?"))}, {escape(str(cand.get("trust") or ""))}'
                         f'{", " + escape(str(cand["published_on"])) if cand.get("published_on") else ""}</span>'
                         f'{note}</li>')
        fid = c.get("factory_id")
        who = escape(str(c.get("factory_name") or fid)) if fid else "programme"
        if fid and fid in data.evidence:
            who = f'<a href="#{anchor(fid, c["attribute"])}">{who}</a>'
        wave = f" (wave {escape(show(c['wave']))})" if c.get("wave") is not None else ""
        chosen = json.loads(c["chosen_json"]) if c.get("chosen_json") else None
        rows.append([who, escape(str(c["attribute"])) + wave, f'<b>{escape(show(chosen))}</b>',
                     f'<ul class="ev">{"".join(items)}</ul>', escape(str(c.get("reason") or ""))])
    return _table(["Factory", "Attribute", "Chosen", "Candidates", "Reason"], rows, "conflicts-table")


def runs_table(data: ReportData) -> str:
    if not data.runs:
        return '<p class="empty">No runs recorded.</p>'
    columns = [c for c in RUN_COLUMNS if c in data.runs[0]]
    rows = []
    for r in data.runs:
        cells = []
        for c in columns:
            v = r[c]
            text = escape(v.isoformat(sep=" ", timespec="seconds") if isinstance(v, datetime) else show(v))
            cells.append(f'<span class="status-{escape(text)}">{text}</span>' if c == "status" else text)
        rows.append(cells)
    return _table([c.replace("_", " ") for c in columns], rows, "runs-table")


def sentence_html(sentence: str | None, span: Sequence[int | None] | None) -> str:
    """The block text around the stated span, the span marked; long blocks are cut
    to a window so the page stays readable."""
    if not sentence:
        return ""
    start, end = (span or (None, None))[:2] if span else (None, None)
    if start is None or end is None or not 0 <= start <= end <= len(sentence):
        text = sentence if len(sentence) <= 2 * CONTEXT_CHARS else sentence[: 2 * CONTEXT_CHARS] + "…"
        return f"<q>{escape(text)}</q>"
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(sentence), end + CONTEXT_CHARS)
    before = ("…" if lo else "") + sentence[lo:start]
    after = sentence[end:hi] + ("…" if hi < len(sentence) else "")
    return f"<q>{escape(before)}<mark>{escape(sentence[start:end])}</mark>{escape(after)}</q>"


def _evidence_items(evidence: list[dict[str, Any]]) -> str:
    items = []
    for ev in evidence:
        src = escape(str(ev.get("source") or "?"))
        if ev.get("url") and str(ev["url"]).startswith(("http://", "https://")):
            src = f'<a href="{escape(ev["url"], quote=True)}" rel="noreferrer">{src}</a>'
        meta = ", ".join(escape(str(x)) for x in (ev.get("trust"), ev.get("published_on")) if x)
        items.append(f'<li><span class="src">{src}</span> <span class="meta">{meta}</span><br>'
                     f'{sentence_html(ev.get("sentence"), ev.get("span"))}</li>')
    return f'<ul class="ev">{"".join(items)}</ul>' if items else '<p class="empty">no statement kept</p>'


def evidence_section(data: ReportData) -> str:
    sections = []
    for f in data.factories:
        fid = f["factory_id"]
        attrs = []
        for a in data.evidence.get(fid, {}).get("attributes", []):
            chosen = [c for c in a["candidates"] if c.get("chosen")]
            others = [c for c in a["candidates"] if not c.get("chosen")]
            reason = chosen[0].get("reason") if chosen else (a.get("conflict") or "")
            body = "".join(_evidence_items(c["evidence"]) for c in chosen)
            if others:
                body += (f"<details><summary>{len(others)} other candidate(s)</summary>" + "".join(
                    f'<div><b>{escape(show(c["value"]))}</b> <span class="reason">{escape(str(c.get("reason") or ""))}'
                    f'</span>{_evidence_items(c["evidence"])}</div>' for c in others) + "</details>")
            attrs.append(f'<div class="attr" id="{anchor(fid, a["attribute"])}"><span class="meta">'
                         f'{escape(a["attribute"])}</span> = <span class="chosen">{escape(show(a.get("chosen")))}'
                         f'</span>{data.flag(fid, a["attribute"])} <span class="reason">{escape(str(reason or ""))}'
                         f'</span>{body}</div>')
        n_flags = sum(1 for (flagged_fid, _) in data.flags if flagged_fid == fid)
        flagged = f' <span class="flag">⚠ {n_flags} flagged</span>' if n_flags else ""
        # folded per factory: a link to one of its values opens it (the browser expands a
        # <details> that holds the fragment's target)
        sections.append(f'<details class="factory {round_of(f)}" id="{anchor(fid)}"><summary><h3>'
                        f'{escape(str(f.get("name") or fid))} <span class="meta">{escape(fid)} · '
                        f'{len(attrs)} attributes</span>{flagged}</h3></summary>{"".join(attrs)}</details>')
    return "".join(sections) or '<p class="empty">No factories yet.</p>'


def stats_html(data: ReportData) -> str:
    countries = {f.get("country_code") for f in data.factories if f.get("country_code")}
    sources = max((r.get("sources_total") or 0 for r in data.runs[:1]), default=0)
    figures = [(len(data.factories), "AI Factories"), (len(countries), "countries"), (sources, "sources (last run)"),
               (len(data.conflicts), "open conflicts"), (len(data.events), "dated events")]
    return '<div class="stats">' + "".join(
        f'<div class="stat"><b>{n}</b><span>{escape(label)}</span></div>' for n, label in figures) + "</div>"


@lru_cache(maxsize=1)
def _template() -> Template:
    """The page skeleton and its CSS, shipped beside this module."""
    path = Path(__file__).with_name(TEMPLATE_NAME)
    try:
        return Template(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"report template {path} cannot be read: {exc}") from exc


def render_html(data: ReportData, generated_at: datetime | None = None) -> str:
    template = _template()
    bars, notes = budget_bars(data)
    events = [TimelineEvent(str(e["factory_name"]), str(e["kind"]), str(e["on_date"])) for e in data.events]
    when = (generated_at or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    last = data.runs[0] if data.runs else {}
    subtitle = f"Built from the warehouse {data.warehouse} on {when}" + (
        f"; last run {last.get('run_id')} ({last.get('status')})" if last else "")
    buttons, round_css = round_filter(data)
    return template.substitute(
        title="AI Factories: the curated facts",
        round_filter=buttons,
        round_css=round_css,
        subtitle=escape(subtitle),
        stats=stats_html(data),
        factories_table=factories_table(data),
        budget_chart=budget_chart(bars),
        budget_note=('<p class="meta">Not in euros: ' + "; ".join(escape(n) for n in notes) + "</p>") if notes else "",
        timeline_chart=timeline_chart(events),
        events_table=events_table(data),
        programme=programme_section(data),
        conflicts=conflicts_section(data),
        runs_table=runs_table(data),
        evidence=evidence_section(data),
        footer=escape(f"aifacts report · {len(data.factories)} factories · generated {when}"),
    )


def write_report(warehouse: str | Path, out: str | Path) -> Path:
    """Builds the page from `warehouse` and writes it to `out` (folders created)."""
    out = Path(out)
    html = render_html(gather(warehouse))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
