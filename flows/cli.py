"""The `aifacts` command line: one verb per job, each with help."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from flows.output import render
from flows.settings import Settings, default_sources, default_warehouse

app = typer.Typer(help="aifacts: a fact warehouse of the EU's AI Factories, built from public texts.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
sources_app = typer.Typer(help="Show, add and validate the sources a refresh reads.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
err = Console(stderr=True)
# piped or captured output gets a wide table instead of an 80-column squeeze
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)

WarehouseOpt = typer.Option(None, "--warehouse", "-w", help="DuckDB file (default data/warehouse.duckdb, env AIFACTS_WAREHOUSE).")
SourcesOpt = typer.Option(None, "--sources", "-s", help="Sources file (default configs/sources.yaml, env AIFACTS_SOURCES).")
FormatOpt = typer.Option("table", "--format", "-f", help="Output format: table, csv or json.")
JsonOpt = typer.Option(False, "--json", help="Print JSON (same as --format json).")


def _wh(path: Optional[Path]) -> Path:
    return path or default_warehouse()


def _fmt(fmt: str, as_json: bool) -> str:
    if as_json:
        return "json"
    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter(f"unknown format {fmt!r}: use table, csv or json", param_hint="--format")
    return fmt


def _need_warehouse(path: Path) -> None:
    if not path.exists():
        err.print(f"[red]no warehouse at {path}[/red]: run `aifacts refresh` first (or pass --warehouse)")
        raise typer.Exit(2)


def _quiet_prefect() -> None:
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@app.command()
def refresh(sources: Optional[Path] = SourcesOpt, warehouse: Optional[Path] = WarehouseOpt,
            only: list[str] = typer.Option([], "--only", help="Refresh only this source (repeatable)."),
            full: bool = typer.Option(False, "--full", help="Re-read and re-extract every source, changed or not."),
            quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the one-line summary."),
            as_json: bool = JsonOpt,
            allow_outside: bool = typer.Option(False, "--allow-outside-paths",
                                               help="Let the sources file name files outside its own folder.")) -> None:
    """Run one refresh: read the sources, extract facts, reconcile, print a summary."""
    _quiet_prefect()
    from flows.guard import WarehouseLocked
    from flows.runner import refresh_now
    from sources.errors import RegistryError

    from sources.registry import load_registry
    from warehouse.errors import WarehouseError

    settings = Settings.resolve(sources=sources, warehouse=warehouse, only=only, full=full,
                                allow_outside=allow_outside)
    try:
        # a broken sources file stops the run before anything starts (Prefect included)
        load_registry(settings.sources_file, allow_outside=settings.allow_outside)
        result = refresh_now(settings, progress=not quiet and sys.stderr.isatty())
    except RegistryError as exc:
        err.print(f"[red]sources file error:[/red] {exc}")
        raise typer.Exit(2)
    except WarehouseLocked as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(3)
    except (WarehouseError, OSError) as exc:
        err.print(f"[red]the refresh failed; the warehouse keeps its last good state:[/red] {exc}")
        raise typer.Exit(1)
    if as_json:
        out.out(json.dumps(result.to_dict(), default=str, indent=1), highlight=False)
        return
    s = result.summary
    out.print(f"run {s.run_id} {s.status}: {s.sources_total} sources, {s.fetched} read, {s.unchanged} unchanged, "
              f"{s.failed} failed; {s.statements_new} new statements, {s.statements_retired} retired, "
              f"{s.values_changed} values changed")
    for name, error in result.failures:
        err.print(f"  [yellow]failed[/yellow] {name}: {error}")
    if not quiet:
        for f, a, o, n in s.changed_values[:50]:
            out.print(f"  {f}.{a}: {o} -> {n}")
    if s.status == "failed":
        raise typer.Exit(1)


@app.command()
def query(sql: str = typer.Argument(..., help="A read-only SQL query."), warehouse: Optional[Path] = WarehouseOpt,
          fmt: str = FormatOpt, as_json: bool = JsonOpt) -> None:
    """Run read-only SQL on the warehouse (writes, ATTACH, COPY and extensions are refused)."""
    from warehouse.queries import QueryError, run_query

    wh = _wh(warehouse)
    _need_warehouse(wh)
    try:
        columns, rows = run_query(wh, sql)
    except QueryError as exc:
        err.print(f"[red]query refused or failed:[/red] {exc}")
        raise typer.Exit(1)
    render(columns, rows, _fmt(fmt, as_json), console=out)


@app.command()
def factories(warehouse: Optional[Path] = WarehouseOpt, fmt: str = FormatOpt, as_json: bool = JsonOpt) -> None:
    """Print the curated factories table (one row per AI Factory, the chosen values)."""
    from warehouse.queries import factories_rows

    wh = _wh(warehouse)
    _need_warehouse(wh)
    columns, rows = factories_rows(wh)
    fmt = _fmt(fmt, as_json)
    if fmt == "table":
        columns, rows = _readable_factories(columns, rows)
    render(columns, rows, fmt, title="AI Factories", console=out)


def _readable_factories(columns: list[str], rows: list) -> tuple[list[str], list[tuple]]:
    """The terminal view: the columns people read first, budgets as '€85 m (exact)'.
    csv and json keep every column as stored."""
    def money(amount, qualifier) -> str:  # noqa: ANN001
        if amount is None:
            return ""
        return f"€{float(amount) / 1e6:,.0f} m" + (f" ({qualifier})" if qualifier and qualifier != "exact" else "")

    keep = ["factory_id", "name", "country_code", "city", "host_org", "supercomputer", "deployment",
            "budget", "selected_on", "operational_by", "n_sources"]
    out_rows = []
    for row in rows:
        r = dict(zip(columns, row))
        r["budget"] = money(r.get("budget_total_eur"), r.get("budget_total_qualifier"))
        out_rows.append(tuple(r.get(c) for c in keep))
    return ["id", "name", "country", "city", "host", "supercomputer", "new/upgrade", "budget", "selected",
            "operational by", "sources"], out_rows


@app.command()
def conflicts(warehouse: Optional[Path] = WarehouseOpt, show_all: bool = typer.Option(False, "--all", help="Include resolved conflicts."),
              fmt: str = FormatOpt, as_json: bool = JsonOpt) -> None:
    """Print the conflicts between sources: candidates, the decision and its reason."""
    from warehouse.queries import conflict_rows

    wh = _wh(warehouse)
    _need_warehouse(wh)
    columns, rows = conflict_rows(wh, show_all)
    render(columns, rows, _fmt(fmt, as_json), title="Conflicts", console=out)


@app.command()
def explain(factory: str = typer.Argument(..., help="Factory id or name (case-insensitive)."),
            attribute: Optional[str] = typer.Argument(None, help="One attribute, e.g. city or budget_total_eur."),
            warehouse: Optional[Path] = WarehouseOpt, as_json: bool = JsonOpt) -> None:
    """Show the chosen value of each attribute, every candidate, its source and sentence."""
    from warehouse.queries import ExplainError, explain as explain_q

    wh = _wh(warehouse)
    _need_warehouse(wh)
    try:
        result = explain_q(wh, factory, attribute)
    except ExplainError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)
    if as_json:
        out.out(json.dumps(result, default=str, ensure_ascii=False, indent=1), highlight=False)
        return
    from flows.explain_view import print_explain
    print_explain(result, out)


@app.command()
def history(warehouse: Optional[Path] = WarehouseOpt, runs: int = typer.Option(5, "--runs", "-n", help="How many recent runs."),
            fmt: str = FormatOpt, as_json: bool = JsonOpt) -> None:
    """Show what changed in the last runs (values, and the runs themselves)."""
    from warehouse.queries import history as history_q

    wh = _wh(warehouse)
    _need_warehouse(wh)
    columns, rows = history_q(wh, runs)
    render(columns, rows, _fmt(fmt, as_json), title=f"Changes in the last {runs} runs", console=out)


@app.command(name="eval")
def eval_cmd(gold: list[Path] = typer.Argument(..., help="Gold JSONL file(s) (see GOLD_FORMAT.md)."),
             sources: Optional[Path] = SourcesOpt, warehouse: Optional[Path] = WarehouseOpt,
             refresh_first: bool = typer.Option(False, "--refresh", help="Refresh --sources into --warehouse before scoring."),
             max_misses: int = typer.Option(30, "--max-misses", help="How many misses and false positives to list."),
             as_json: bool = JsonOpt) -> None:
    """Score the warehouse's statements against gold files: precision, recall, F1 per attribute."""
    from flows.runner import refresh_now
    from warehouse.db import connect
    from warehouse.evaluate import format_report, score

    wh = _wh(warehouse)
    if refresh_first or (sources is not None and not wh.exists()):
        _quiet_prefect()
        refresh_now(Settings.resolve(sources=sources or default_sources(), warehouse=wh), progress=False)
    _need_warehouse(wh)
    con = connect(wh, read_only=True)
    try:
        report = score(con, list(gold))
    finally:
        con.close()
    if as_json:
        out.out(json.dumps(report.to_dict(), default=str, indent=1), highlight=False)
    else:
        out.out(format_report(report, max_misses=max_misses), highlight=False)


@app.command()
def serve(sources: Optional[Path] = SourcesOpt, warehouse: Optional[Path] = WarehouseOpt,
          cron: Optional[str] = typer.Option(None, "--cron", help="Override the cron schedule of configs/schedule.yaml."),
          interval: Optional[int] = typer.Option(None, "--interval", help="Run every N seconds instead of a cron schedule."),
          start_server: bool = typer.Option(False, "--start-server", help="Start a local Prefect server if none is configured.")) -> None:
    """Serve the refresh flow on its schedule (needs a Prefect server: PREFECT_API_URL)."""
    from flows.schedule import serve_refresh

    serve_refresh(sources=sources, warehouse=warehouse, cron=cron, interval=interval, start_server=start_server)


@app.command()
def export(fmt: str = typer.Option("parquet", "--format", help="parquet or csv."),
           out_dir: Path = typer.Option(..., "--out", help="Directory to write the files to."),
           warehouse: Optional[Path] = WarehouseOpt) -> None:
    """Write every curated table and v_statements as files."""
    from warehouse.export import export_tables

    wh = _wh(warehouse)
    _need_warehouse(wh)
    if fmt not in ("parquet", "csv"):
        raise typer.BadParameter("use parquet or csv", param_hint="--format")
    for name, path, n in export_tables(wh, out_dir, fmt):
        out.print(f"{name}: {n} rows -> {path}")


@app.command()
def report(out_file: Path = typer.Option(..., "--out", "-o", help="HTML file to write (folders are created)."),
           warehouse: Optional[Path] = WarehouseOpt) -> None:
    """Write one self-contained HTML page: factories with evidence, budgets, timeline, conflicts, runs."""
    from flows.report import ReportError, write_report
    from warehouse.errors import WarehouseError

    wh = _wh(warehouse)
    _need_warehouse(wh)
    try:
        path = write_report(wh, out_file)
    except (ReportError, WarehouseError) as exc:
        err.print(f"[red]no report:[/red] {exc}")
        raise typer.Exit(1)
    out.print(f"report written to {path}")


@sources_app.command("list")
def sources_list(sources: Optional[Path] = SourcesOpt, fmt: str = FormatOpt, as_json: bool = JsonOpt) -> None:
    """List the declared sources."""
    from sources.errors import RegistryError
    from sources.registry import load_registry

    path = sources or default_sources()
    try:
        specs = load_registry(path, allow_outside=True)
    except RegistryError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)
    rows = [(s.name, s.kind or "", s.url or str(s.path), s.publisher, s.trust, s.lang or "", s.published or "")
            for s in specs]
    render(["name", "kind", "where", "publisher", "trust", "lang", "published"], rows, _fmt(fmt, as_json), console=out)


@sources_app.command("add")
def sources_add(name: str = typer.Argument(..., help="A unique name for the source."),
                url: Optional[str] = typer.Option(None, "--url", help="http(s) URL to fetch."),
                path: Optional[str] = typer.Option(None, "--path", help="Local file (relative to the sources file)."),
                publisher: str = typer.Option(..., "--publisher", help="Who published it."),
                trust: str = typer.Option(..., "--trust", help="official, press or secondary."),
                lang: Optional[str] = typer.Option(None, "--lang", help="ISO 639-1 code; detected when absent."),
                published: Optional[str] = typer.Option(None, "--published", help="Publication date, YYYY-MM-DD."),
                kind: Optional[str] = typer.Option(None, "--kind", help="html, pdf or text; inferred when absent."),
                original_url: Optional[str] = typer.Option(None, "--original-url", help="Where a local copy came from."),
                sources: Optional[Path] = SourcesOpt) -> None:
    """Add a source to the sources file (validated; comments and order kept)."""
    from sources.errors import RegistryError
    from sources.registry import add_source

    file = sources or default_sources()
    if path and Path(path).exists() and not Path(path).is_absolute():
        # a path typed at the prompt is relative to here; the file stores it relative to itself
        path = os.path.relpath(Path(path).resolve(), file.resolve().parent)
    fields = {k: v for k, v in dict(url=url, path=path, publisher=publisher, trust=trust, lang=lang,
                                      published=published, kind=kind, original_url=original_url).items() if v}
    try:
        add_source(file, name=name, **fields)
    except RegistryError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)
    out.print(f"added {name} to {file}; the next `aifacts refresh` reads it")


@sources_app.command("check")
def sources_check(sources: Optional[Path] = SourcesOpt, fmt: str = FormatOpt, as_json: bool = JsonOpt) -> None:
    """Validate the sources file and show what each source would be read as."""
    from sources.errors import RegistryError
    from sources.registry import describe, load_registry

    path = sources or default_sources()
    try:
        specs = load_registry(path)
    except RegistryError as exc:
        err.print(f"[red]invalid:[/red] {exc}")
        raise typer.Exit(2)
    rows = [describe(s) for s in specs]
    columns = list(rows[0].keys()) if rows else ["name"]
    render(columns, [[r.get(c) for c in columns] for r in rows], _fmt(fmt, as_json), console=out)
    err.print(f"{len(specs)} sources valid in {path}")


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
