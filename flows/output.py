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
