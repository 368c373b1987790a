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
        console.print(f"\n[bold]{attr['attribute']}[/bold] = {_v(attr.get('chosen'))}")
        if attr.get("conflict"):
            console.print(f"  [dim]decision: {attr['conflict']}[/dim]")
        table = Table(show_header=True, expand=False)
        for col in ("", "value", "source", "trust", "published", "stated", "sentence"):
            table.add_column(col, overflow="fold")
        for c in attr.get("candidates", []):
            evidence = c.get("evidence") or [{}]
            for i, e in enumerate(evidence):
                table.add_row("*" if c.get("chosen") and i == 0 else "", _v(c.get("value")) if i == 0 else "",
                              str(e.get("source") or ""), str(e.get("trust") or ""), str(e.get("published_on") or ""),
                              str(e.get("stated") or ""), str(e.get("sentence") or ""))
            if c.get("reason") and not c.get("chosen"):
                table.add_row("", f"[dim]{c['reason']}[/dim]", "", "", "", "", "")
        console.print(table)
