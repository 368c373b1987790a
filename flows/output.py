"""Printing result sets: a rich table for people, csv and json for scripts."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Sequence

from rich.console import Console
from rich.table import Table

FORMATS = ("table", "csv", "json")


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def human(value: Any) -> str:
    """A stored value as people write it: money as "€200 m" (with its qualifier, or its own
    currency), dates as stated ("2026-Q2", "by 2026"), lists joined, None as ''."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in "{[\"":
        try:
            return human(json.loads(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        if "amount" in value or "min" in value:
            return _money(value)
        if "value" in value:
            return " ".join(str(v) for v in (value.get("mod"), value["value"]) if v)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return ", ".join(human(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _money(value: dict) -> str:
    from flows.report_svg import money_label

    def one(amount: Any) -> str:
        currency = value.get("currency")
        if not isinstance(amount, (int, float)):
            return f"{amount} {currency or ''}".strip()
        return f"{amount:,.0f} {currency}" if currency and currency != "EUR" else money_label(float(amount))

    if value.get("amount") is None and value.get("min") is not None:
        text = one(value["min"]) + (f" to {one(value['max'])}" if value.get("max") is not None else " or more")
    else:
        text = one(value.get("amount"))
    qualifier = value.get("qualifier")
    if qualifier and qualifier not in ("exact", "range"):
        return f"{qualifier.replace('_', ' ')} {text}"
    return text


def decoded(value: Any) -> Any:
    """A `*_json` column's text as the JSON value it holds (for --format json: real values,
    not JSON inside JSON)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def render(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "table",
           title: str | None = None, console: Console | None = None) -> None:
    console = console or Console(soft_wrap=True)
    if fmt == "json":
        data = [{c: _plain(v) for c, v in zip(columns, row)} for row in rows]
        console.out(json.dumps(data, ensure_ascii=False, indent=1, default=str), highlight=False)
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else _plain(v) for v in row])
        console.out(buf.getvalue().rstrip("\n"), highlight=False)
    else:
        table = Table(title=title, show_lines=False)
        for c in columns:
            table.add_column(str(c), overflow="fold")
        for row in rows:
            table.add_row(*["" if v is None else str(_plain(v)) for v in row])
        console.print(table)
