"""How `aifacts explain` reads on a terminal: per attribute, the choice, then the evidence."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table


def _v(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def print_explain(result: dict, console: Console) -> None:
    console.print(f"[bold]{result.get('factory_id')}[/bold] {result.get('name') or ''}")
    for attr in result.get("attributes", []):
        console.print(f"\n[bold]{attr['attribute']}[/bold] = {_v(attr.get('chosen'))}  [dim]({attr.get('reason')})[/dim]")
        table = Table(show_header=True, expand=False)
        for col in ("", "value", "source", "trust", "published", "evidence"):
            table.add_column(col, overflow="fold")
        for c in attr.get("candidates", []):
            table.add_row("*" if c.get("chosen") else "", _v(c.get("value")), str(c.get("source_name") or ""),
                          str(c.get("trust") or ""), str(c.get("published_on") or ""), str(c.get("sentence") or ""))
        console.print(table)
