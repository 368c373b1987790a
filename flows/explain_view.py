"""How `aifacts explain` reads on a terminal: per attribute, the choice, then the evidence."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flows.output import human


def _v(value: Any) -> str:
    """A value as people write it ("€112 m", "about €80 m", "by 2026"), markup-safe."""
    return escape(human(value))


def print_explain(result: dict, console: Console) -> None:
    console.print(f"[bold]{result.get('factory_id')}[/bold] {result.get('name') or ''}")
    for attr in result.get("attributes", []):
        console.print(f"\n[bold]{attr['attribute']}[/bold] = {_v(attr.get('chosen'))}")
        if attr.get("conflict"):
            console.print(f"  [dim]decision: {escape(str(attr['conflict']))}[/dim]")
        table = Table(show_header=True, expand=False)
        for col in ("", "value", "source", "trust", "published", "stated", "sentence"):
            table.add_column(col, overflow="fold")
        for c in attr.get("candidates", []):
            evidence = c.get("evidence") or [{}]
            for i, e in enumerate(evidence):
                table.add_row("*" if c.get("chosen") and i == 0 else "", _v(c.get("value")) if i == 0 else "",
                              str(e.get("source") or ""), str(e.get("trust") or ""), str(e.get("published_on") or ""),
                              escape(str(e.get("stated") or "")), escape(str(e.get("sentence") or "")))
            if c.get("reason") and not c.get("chosen"):
                table.add_row("", f"[dim]{escape(str(c['reason']))}[/dim]", "", "", "", "", "")
        console.print(table)
