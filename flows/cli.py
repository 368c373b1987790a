"""The `aifacts` command line: one verb per job, each with help.

Failures are one line on stderr with a documented exit code (flows/cli_errors.py): 0 done,
1 a partial run or a refused query, 2 a usage or config error, 3 the warehouse is locked.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from typer.core import TyperCommand

from flows.cli_errors import LOCKED, PARTIAL, USAGE, AifactsGroup, say
from flows.output import decoded, human, render
from flows.settings import Settings, default_sources, default_warehouse


def _plain_flags(params: list) -> list:
    """Flags show in --help without a type (typer would print `<bool>` beside --full)."""
    for p in params:
        if getattr(p, "is_flag", False) and getattr(p, "metavar", None) is None:
            p.metavar = ""
    return params


class AifactsCommand(TyperCommand):
    def get_params(self, ctx):  # noqa: ANN001, ANN201
        return _plain_flags(super().get_params(ctx))


class _Group(AifactsGroup):
    def get_params(self, ctx):  # noqa: ANN001, ANN201
        return _plain_flags(super().get_params(ctx))


app = typer.Typer(help="aifacts: a fact warehouse of the EU's AI Factories, built from public texts.\n\n"
                       "Exit codes: 0 done; 1 a partial or failed run, a refused query; 2 a usage or config error; "
                       "3 the warehouse is locked by another refresh; 4 a bug.",
                  cls=_Group, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
sources_app = typer.Typer(help="Show, add, remove and validate the sources a refresh reads.",
                          cls=_Group, no_args_is_help=True)
app.add_typer(sources_app, name="sources")
err = Console(stderr=True, soft_wrap=True)
# piped or captured output gets a wide table instead of an 80-column squeeze
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)

WarehouseOpt = typer.Option(None, "--warehouse", "-w", help="DuckDB file (default data/warehouse.duckdb, env AIFACTS_WAREHOUSE).")
SourcesOpt = typer.Option(None, "--sources", "-s", help="Sources file (default configs/sources.yaml, env AIFACTS_SOURCES).")
FormatOpt = typer.Option("table", "--format", "-f", metavar="table|csv|json", help="Output format: table, csv or json.")
JsonOpt = typer.Option(False, "--json", help="Print JSON (same as --format json).")
SHOWN_CHANGES = 20  # changed values a refresh prints before "… and N more"


def command(*args: Any, **kwargs: Any):  # noqa: ANN201
    return app.command(*args, cls=AifactsCommand, **kwargs)


def sources_command(*args: Any, **kwargs: Any):  # noqa: ANN201
    return sources_app.command(*args, cls=AifactsCommand, **kwargs)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(f"aifacts {version('aifacts')}")
        except PackageNotFoundError:
            print("aifacts (not installed as a package)")
        raise typer.Exit(0)


@app.callback()
def _main(show_version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                            help="Print the version and exit.")) -> None:
    """aifacts: a fact warehouse of the EU's AI Factories, built from public texts.

    Exit codes: 0 done; 1 a partial or failed run, a refused query; 2 a usage or config
    error; 3 the warehouse is locked by another refresh."""


def fail(command_name: str, message: str, code: int) -> typer.Exit:
    """Print one line for `aifacts COMMAND` and return the Exit to raise."""
    say(f"aifacts {command_name}", message)
    return typer.Exit(code)


def _wh(path: Optional[Path]) -> Path:
    return path or default_warehouse()


def _fmt(fmt: str, as_json: bool) -> str:
    if as_json:
        return "json"
    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter(f"unknown format {fmt!r}: use table, csv or json", param_hint="--format")
    return fmt


def _need_warehouse(path: Path, command_name: str) -> None:
    if not path.exists():
        raise fail(command_name, f"no warehouse at {path}: run `aifacts refresh` first (or pass --warehouse)", USAGE)
    if path.is_dir():
        raise fail(command_name, f"{path} is a folder: pass --warehouse the DuckDB file a refresh wrote", USAGE)


def _need_sources(path: Path, command_name: str) -> None:
    if not path.is_file():
        raise fail(command_name, f"no sources file at {path}: pass --sources FILE (or set AIFACTS_SOURCES), or run "
                                 "from the project folder", USAGE)


def _quiet_prefect() -> None:
    """Prefect's start-up banner, its telemetry notice and its analytics stay off unless the
    user set them."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def _print_json(data: Any) -> None:
    out.out(json.dumps(data, default=str, ensure_ascii=False, indent=1), highlight=False)


@command()
def refresh(sources: Optional[Path] = SourcesOpt, warehouse: Optional[Path] = WarehouseOpt,
            only: list[str] = typer.Option([], "--only", metavar="NAME", help="Refresh only this source (repeatable)."),
            full: bool = typer.Option(False, "--full", help="Re-read and re-extract every source, changed or not."),
            quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the one-line summary."),
            fmt: str = FormatOpt, as_json: bool = JsonOpt,
            allow_outside: bool = typer.Option(False, "--allow-outside-paths",
                                               help="Let the sources file name files outside its own folder.")) -> None:
    """Run one refresh: read the sources, extract facts, reconcile, print a summary.

    Exits 1 when the run ended partial (a source failed) or failed."""
    fmt = _fmt(fmt, as_json)
    _quiet_prefect()
    from flows import progress
    from flows.guard import WarehouseLocked
    from sources.errors import RegistryError
    from sources.registry import load_registry
    from warehouse.errors import WarehouseError

    settings = Settings.resolve(sources=sources, warehouse=warehouse, only=only, full=full,
                                allow_outside=allow_outside)
    _need_sources(settings.sources_file, "refresh")
    try:
        # a broken sources file stops the run before anything starts (Prefect, the extractors)
        specs = load_registry(settings.sources_file, allow_outside=settings.allow_outside)
        if settings.full or not settings.warehouse.exists():  # surely a flow run: its worker starts building now
            from flows.runner_isolated import prestart_for

            prestart_for(specs)
        from flows.runner import refresh_now

        bars = not quiet and progress.active()
        with progress.session(f"refreshing {len(specs)} sources from {settings.sources_file}", bars):
            result = refresh_now(settings, progress=bars)
    except RegistryError as exc:
        raise fail("refresh", f"sources file error: {exc}", USAGE)
    except WarehouseLocked as exc:
        raise fail("refresh", str(exc), LOCKED)
    except (WarehouseError, OSError) as exc:
        raise fail("refresh", f"the refresh failed; the warehouse keeps its last good state: {exc}", PARTIAL)
    s = result.summary
    if fmt == "json":
        _print_json(result.to_dict())
    elif fmt == "csv":
        render(["factory", "attribute", "old", "new"],
               [(f, a, json.dumps(o, ensure_ascii=False) if o is not None else None,
                 json.dumps(n, ensure_ascii=False) if n is not None else None) for f, a, o, n in s.changed_values],
               "csv", console=out)
    else:
        for line in run_lines(s, warehouse, quiet):
            out.print(line, highlight=False, markup=False)
    if fmt == "table":  # what the run brought for a curator: new factories, unlinked mentions, changed knowledge
        for line in _curation_notes(settings.warehouse, s.run_id, quiet):
            out.print(line, highlight=False, markup=False)
    for name, error in result.failures:
        say("aifacts refresh", f"source {name} failed: {error}")
    if s.status in ("partial", "failed"):
        raise typer.Exit(PARTIAL)


def run_lines(s: Any, warehouse: Optional[Path] = None, quiet: bool = False) -> list[str]:
    """What `refresh` prints for people: the summary, then the first changed values as people
    write them ("€200 m", "2026-Q2"), then how many more and where to see them all."""
    lines = [f"run {s.run_id} {s.status}: {s.sources_total} sources, {s.fetched} read, {s.unchanged} unchanged, "
             f"{s.failed} failed; {s.statements_new} new statements, {s.statements_retired} retired, "
             f"{s.values_changed} values changed"]
    if quiet:
        return lines
    changes = s.changed_values
    lines += [f"  {f}.{a}: {human(o) or '(none)'} -> {human(n) or '(none)'}" for f, a, o, n in changes[:SHOWN_CHANGES]]
    if len(changes) > SHOWN_CHANGES:
        lines.append(f"  … and {len(changes) - SHOWN_CHANGES} more (all of them: aifacts history --runs 1"
                     f"{'' if warehouse is None else f' -w {warehouse}'})")
    return lines


def _curation_notes(warehouse: Path, run_id: int, quiet: bool) -> list[str]:
    """warehouse/curation.py's lines for the run; when quiet, only their headings on one line."""
    from warehouse.curation import run_notes
    from warehouse.queries import open_readonly

    con = open_readonly(warehouse)
    try:
        lines = run_notes(con, run_id)
    finally:
        con.close()
    if quiet:
        heads = [line.rstrip(":") for line in lines if not line.startswith("  ")]
        return ["; ".join(heads) + " (aifacts factories --new)"] if heads else []
    return lines


@command()
def query(sql: str = typer.Argument(..., help="A read-only SQL query."), warehouse: Optional[Path] = WarehouseOpt,
          fmt: str = FormatOpt, as_json: bool = JsonOpt) -> None:
    """Run read-only SQL on the warehouse (writes, ATTACH, COPY and extensions are refused)."""
    from warehouse.queries import run_query

    fmt = _fmt(fmt, as_json)
    wh = _wh(warehouse)
    _need_warehouse(wh, "query")
    columns, rows = run_query(wh, sql)  # QueryError: one line, exit 1 (cli_errors)
    render(columns, rows, fmt, console=out)


@command()
def factories(warehouse: Optional[Path] = WarehouseOpt, fmt: str = FormatOpt, as_json: bool = JsonOpt,
              new: bool = typer.Option(False, "--new", help="What curators look at after a new round: the factories "
                                       "not in the knowledge base and the mentions linked to no factory.")) -> None:
    """Print the curated factories table (one row per AI Factory, the chosen values).

    csv and json have every column of the export (`aifacts export`); the table shows the
    columns people read first, budgets as written ("about €200 m"). `--new` lists what a
    curator checks after a refresh instead (warehouse/curation.py)."""
    from warehouse.queries import factories_rows

    fmt = _fmt(fmt, as_json)
    wh = _wh(warehouse)
    _need_warehouse(wh, "factories")
    if new:
        from warehouse.curation import NEW_COLUMNS, UNLINKED_COLUMNS, new_factories, unlinked_mentions
        from warehouse.queries import open_readonly

        con = open_readonly(wh)
        try:
            found, unlinked = new_factories(con), unlinked_mentions(con)
        finally:
            con.close()
        if fmt == "json":
            _print_json({"new_factories": [dict(zip(NEW_COLUMNS, r)) for r in found],
                         "unlinked_mentions": [dict(zip(UNLINKED_COLUMNS, r)) for r in unlinked]})
            return
        render(NEW_COLUMNS, found, fmt, title="Factories not in the knowledge base", console=out)
        render(UNLINKED_COLUMNS, unlinked, fmt, title="Mentions linked to no factory", console=out)
        return
    columns, rows = factories_rows(wh)
    if fmt == "table":
        columns, rows = _readable_factories(columns, rows)
    render(columns, rows, fmt, title="AI Factories", console=out)


def _readable_factories(columns: list[str], rows: list) -> tuple[list[str], list[tuple]]:
    """The terminal view: the columns people read first, budgets as '€85 m' or 'about €80 m'."""
    def money(r: dict, scope: str) -> str:
        amount = r.get(f"budget_{scope}_eur")
        if amount is None:
            return ""
        value = {"amount": amount, "qualifier": r.get(f"budget_{scope}_qualifier"),
                 "currency": r.get(f"budget_{scope}_currency")}
        return human(value)

    heads = [("factory_id", "id"), ("name", "name"), ("wave", "round"), ("country_code", "country"),
             ("city", "city"), ("host_org", "host"), ("supercomputer", "supercomputer"),
             ("deployment", "new/upgrade"), ("budget", "budget"), ("eu", "EU"), ("national", "national"),
             ("selected_on", "selected"), ("operational_by", "operational by"), ("n_sources", "sources")]
    out_rows = []
    for row in rows:
        r = dict(zip(columns, row))
        r["budget"], r["eu"], r["national"] = money(r, "total"), money(r, "eu"), money(r, "national")
        out_rows.append(tuple(r.get(c) for c, _ in heads))
    return [h for _, h in heads], out_rows


@command()
def conflicts(warehouse: Optional[Path] = WarehouseOpt, show_all: bool = typer.Option(False, "--all", help="Include resolved conflicts."),
              fmt: str = FormatOpt, as_json: bool = JsonOpt) -> None:
    """Print the conflicts between sources: candidates, the decision and its reason."""
    from warehouse.queries import conflict_rows

    fmt = _fmt(fmt, as_json)
    wh = _wh(warehouse)
    _need_warehouse(wh, "conflicts")
    columns, rows = conflict_rows(wh, show_all)
    at = columns.index("chosen")
    if fmt == "json":
        rows = [(*r[:at], decoded(r[at]), *r[at + 1:]) for r in rows]
    elif fmt == "table":
        rows = [(*r[:at], human(r[at]), *r[at + 1:]) for r in rows]
    render(columns, rows, fmt, title="Conflicts", console=out)


@command()
def explain(factory: str = typer.Argument(..., help="Factory id or name (case-insensitive)."),
            attribute: Optional[str] = typer.Argument(None, help="One attribute, e.g. city or budget_total_eur."),
            warehouse: Optional[Path] = WarehouseOpt, fmt: str = FormatOpt, as_json: bool = JsonOpt) -> None:
    """Show the chosen value of each attribute, every candidate, its source and sentence."""
    from warehouse.queries import explain as explain_q

    fmt = _fmt(fmt, as_json)
    wh = _wh(warehouse)
    _need_warehouse(wh, "explain")
    result = explain_q(wh, factory, attribute)  # ExplainError: one line, exit 1
    if fmt == "json":
        _print_json(result)
        return
    if fmt == "csv":
        rows = [(result["factory_id"], a["attribute"], bool(c.get("chosen")), json.dumps(c.get("value"), ensure_ascii=False),
                 c.get("reason"), e.get("source"), e.get("trust"), e.get("published_on"), e.get("stated"),
                 e.get("sentence"))
                for a in result["attributes"] for c in a["candidates"] for e in (c.get("evidence") or [{}])]
        render(["factory_id", "attribute", "chosen", "value", "reason", "source", "trust", "published_on", "stated",
                "sentence"], rows, "csv", console=out)
        return
    from flows.explain_view import print_explain
    print_explain(result, out)


@command()
def history(warehouse: Optional[Path] = WarehouseOpt,
            runs: int = typer.Option(5, "--runs", "-n", min=1, help="How many recent runs (1 or more)."),
            fmt: str = FormatOpt, as_json: bool = JsonOpt) -> None:
    """Show what changed in the last runs: every value a run changed, old and new."""
    from warehouse.queries import history as history_q

    fmt = _fmt(fmt, as_json)
    wh = _wh(warehouse)
    _need_warehouse(wh, "history")
    columns, rows = history_q(wh, runs)
    at = [columns.index(c) for c in ("old", "new") if c in columns]
    convert = decoded if fmt == "json" else human if fmt == "table" else None
    if convert:
        rows = [tuple(convert(v) if i in at else v for i, v in enumerate(r)) for r in rows]
    last = "the last run" if runs == 1 else f"the last {runs} runs"
    if fmt == "table" and not rows:
        out.print(f"no value changed in {last}", highlight=False)
        return
    render(columns, rows, fmt, title=f"Changes in {last}", console=out)


@command(name="eval")
def eval_cmd(gold: list[Path] = typer.Argument(..., help="Gold JSONL file(s) (see GOLD_FORMAT.md)."),
             sources: Optional[Path] = SourcesOpt, warehouse: Optional[Path] = WarehouseOpt,
             refresh_first: bool = typer.Option(False, "--refresh", help="Refresh --sources into --warehouse before scoring."),
             max_misses: int = typer.Option(30, "--max-misses", min=0, help="How many misses and false positives to list."),
             fmt: str = FormatOpt, as_json: bool = JsonOpt) -> None:
    """Score the warehouse's statements against gold files: precision, recall, F1 per attribute."""
    fmt = _fmt(fmt, as_json)
    for path in gold:
        if not path.is_file():
            raise fail("eval", f"gold file {path} does not exist (give a JSONL file, see GOLD_FORMAT.md)", USAGE)
    from warehouse.evaluate import format_report, score
    from warehouse.queries import open_readonly

    wh = _wh(warehouse)
    if refresh_first or (sources is not None and not wh.exists()):
        from flows.runner import refresh_now  # the extraction stack, only when a refresh is asked for

        _quiet_prefect()
        refresh_now(Settings.resolve(sources=sources or default_sources(), warehouse=wh), progress=False)
    _need_warehouse(wh, "eval")
    con = open_readonly(wh)
    try:
        report = score(con, list(gold))  # GoldFormatError: one line naming file and line, exit 2
    finally:
        con.close()
    if fmt == "json":
        _print_json(report.to_dict())
    elif fmt == "csv":
        scores = [("overall", report.overall), *sorted(report.per_attribute.items())]
        keys = ["tp", "fp", "fn", "support", "precision", "recall", "f1"]
        render(["attribute", *keys], [(name, *(s.to_dict()[k] for k in keys)) for name, s in scores], "csv",
               console=out)
    else:
        out.out(format_report(report, max_misses=max_misses), highlight=False)


@command()
def serve(sources: Optional[Path] = SourcesOpt, warehouse: Optional[Path] = WarehouseOpt,
          cron: Optional[str] = typer.Option(None, "--cron", help="Override the cron schedule of configs/schedule.yaml."),
          interval: Optional[int] = typer.Option(None, "--interval", min=1, help="Run every N seconds instead of a cron schedule."),
          start_server: bool = typer.Option(False, "--start-server", help="Start a local Prefect server if none is configured."),
          host: str = typer.Option("127.0.0.1", "--host", help="Address of the report page (default: this machine only)."),
          port: Optional[int] = typer.Option(None, "--port", min=0, max=65535,
                                             help="Port of the report page (default 8765, or any free port when "
                                                  "8765 is taken; 0: any free port)."),
          no_schedule: bool = typer.Option(False, "--no-schedule", help="Serve only the report page and the read-only "
                                                                        "warehouse, no scheduled runs.")) -> None:
    """Serve the refresh flow on its schedule (Prefect), and the report and a read-only warehouse on 127.0.0.1:8765.

    The pages: / the report, /warehouse the tables with their comments, /sql read-only SQL."""
    from flows import serve_page

    wh = _wh(warehouse)
    if not no_schedule and not os.environ.get("PREFECT_API_URL") and not start_server:
        raise fail("serve", "scheduled runs need a Prefect server (schedules never fire in Prefect's ephemeral mode): "
                            "pass --start-server, or run `prefect server start` and export "
                            "PREFECT_API_URL=http://127.0.0.1:4200/api; --no-schedule serves only the page", USAGE)
    _quiet_prefect()
    prefect_server = None
    try:
        if not no_schedule and not os.environ.get("PREFECT_API_URL"):
            prefect_server, api_url = serve_page.start_prefect_server()
            os.environ["PREFECT_API_URL"] = api_url
            err.print(f"Prefect server and UI: {api_url.removesuffix('/api')} (stops with this command)",
                      highlight=False)
        try:
            page = serve_page.start(wh, host=host, port=serve_page.DEFAULT_PORT if port is None else port,
                                    prefect_ui=serve_page.prefect_ui_url())
        except OSError as exc:
            if port is not None:
                raise fail("serve", f"cannot serve the page on {host}:{port}: {exc.strerror or exc} "
                                    "(pick another --port, or 0 for any free one)", USAGE)
            page = serve_page.start(wh, host=host, port=0, prefect_ui=serve_page.prefect_ui_url())
        err.print(f"report page and read-only warehouse: {page.url}", highlight=False)
        if no_schedule:
            page.wait()
            return
        from flows.schedule import serve_refresh

        serve_refresh(sources=sources, warehouse=warehouse, cron=cron, interval=interval, start_server=False)
    finally:
        if prefect_server is not None:
            prefect_server.terminate()
            prefect_server.wait(timeout=30)


@command()
def export(fmt: str = typer.Option("parquet", "--format", help="parquet or csv."),
           out_dir: Path = typer.Option(..., "--out", help="Directory to write the files to."),
           warehouse: Optional[Path] = WarehouseOpt) -> None:
    """Write every curated table and v_statements as files."""
    from warehouse.export import export_tables

    wh = _wh(warehouse)
    _need_warehouse(wh, "export")
    if fmt not in ("parquet", "csv"):
        raise typer.BadParameter(f"unknown format {fmt!r}: use parquet or csv", param_hint="--format")
    if out_dir.exists() and not out_dir.is_dir():
        raise fail("export", f"--out {out_dir} is a file: name a folder", USAGE)
    for name, path, n in export_tables(wh, out_dir, fmt):
        out.print(f"{name}: {n} rows -> {path}", highlight=False)


@command()
def report(out_file: Path = typer.Option(..., "--out", "-o", help="HTML file to write (folders are created)."),
           warehouse: Optional[Path] = WarehouseOpt) -> None:
    """Write one self-contained HTML page: factories with evidence, budgets, timeline, conflicts, runs."""
    from flows.report import write_report

    wh = _wh(warehouse)
    _need_warehouse(wh, "report")
    if out_file.is_dir():
        raise fail("report", f"--out {out_file} is a folder: name the HTML file to write", USAGE)
    path = write_report(wh, out_file)  # ReportError: one line, exit 2
    out.print(f"report written to {path}", highlight=False)


@command()
def tables(name: Optional[str] = typer.Argument(None, help="A table or view: list its columns and what they hold."),
           warehouse: Optional[Path] = WarehouseOpt, fmt: str = FormatOpt, as_json: bool = JsonOpt) -> None:
    """What the warehouse holds: every table and view with its comment, or one table's columns."""
    from warehouse.queries import column_comments, table_comments

    fmt = _fmt(fmt, as_json)
    wh = _wh(warehouse)
    _need_warehouse(wh, "tables")
    if name:
        columns, rows = column_comments(wh, name)
        if not rows:
            raise fail("tables", f"no table or view named {name!r} (see `aifacts tables`)", PARTIAL)
        render(columns, rows, fmt, title=name, console=out)
    else:
        columns, rows = table_comments(wh)
        render(columns, rows, fmt, title="Tables and views", console=out)


@sources_command("list")
def sources_list(sources: Optional[Path] = SourcesOpt, fmt: str = FormatOpt, as_json: bool = JsonOpt) -> None:
    """List the declared sources."""
    from sources.registry import load_registry

    fmt = _fmt(fmt, as_json)
    path = sources or default_sources()
    _need_sources(path, "sources list")
    specs = load_registry(path, allow_outside=True)  # RegistryError: one line, exit 2
    rows = [(s.name, s.kind or "", s.url or str(s.path), s.publisher, s.trust, s.lang or "", s.published or "")
            for s in specs]
    render(["name", "kind", "where", "publisher", "trust", "lang", "published"], rows, fmt, console=out)


def _next_refresh(file: Path, name: str | None = None) -> str:
    """The command that reads the changed sources file."""
    default = default_sources()
    same = file.resolve() == default.resolve() if default.exists() and file.exists() else file == default
    return "aifacts refresh" + ("" if same else f" -s {file}") + (f" --only {name}" if name else "")


@sources_command("add")
def sources_add(name: str = typer.Argument(..., help="A unique name for the source."),
                url: Optional[str] = typer.Option(None, "--url", help="http(s) URL to fetch."),
                path: Optional[str] = typer.Option(None, "--path", help="Local file (relative to here or absolute; "
                                                                        "stored relative to the sources file)."),
                publisher: str = typer.Option(..., "--publisher", help="Who published it."),
                trust: str = typer.Option(..., "--trust", help="official, press or secondary."),
                lang: Optional[str] = typer.Option(None, "--lang", help="ISO 639-1 code; detected when absent."),
                published: Optional[str] = typer.Option(None, "--published", help="Publication date, YYYY-MM-DD."),
                kind: Optional[str] = typer.Option(None, "--kind", help="html, pdf or text; inferred when absent."),
                original_url: Optional[str] = typer.Option(None, "--original-url", help="Where a local copy came from."),
                sources: Optional[Path] = SourcesOpt,
                allow_outside: bool = typer.Option(False, "--allow-outside-paths",
                                                   help="Let the source's path lie outside the sources file's folder "
                                                        "(refresh and check then need the flag too).")) -> None:
    """Add a source to the sources file (validated: the file must exist, the URL must be http(s)).

    Comments and order of the file are kept; the line printed says which refresh reads it."""
    from flows.sources_edit import checked_location
    from sources.registry import add_source

    file = sources or default_sources()
    path, url = checked_location(file, path, url)  # SourceCheckError: one line, exit 2
    fields = {k: v for k, v in dict(url=url, path=path, publisher=publisher, trust=trust, lang=lang,
                                      published=published, kind=kind, original_url=original_url).items() if v}
    add_source(file, allow_outside=allow_outside, name=name, **fields)  # RegistryError: one line, exit 2
    then = _next_refresh(file, name) + (" --allow-outside-paths" if allow_outside else "")
    out.print(f"added {name} to {file}; next: {then}", highlight=False, markup=False)


@sources_command("remove")
def sources_remove(name: str = typer.Argument(..., help="The name of the source to remove."),
                   sources: Optional[Path] = SourcesOpt) -> None:
    """Remove a source from the sources file (comments and order of the others kept).

    The next refresh retires its statements; the warehouse keeps them as history."""
    from flows.sources_edit import remove_source

    file = sources or default_sources()
    remove_source(file, name)  # RegistryError / SourceCheckError: one line, exit 2
    out.print(f"removed {name} from {file}; next: {_next_refresh(file)}", highlight=False, markup=False)


@sources_command("check")
def sources_check(sources: Optional[Path] = SourcesOpt, fmt: str = FormatOpt, as_json: bool = JsonOpt,
                  allow_outside: bool = typer.Option(False, "--allow-outside-paths",
                                                     help="Let the sources file name files outside its own folder.")
                  ) -> None:
    """Validate the sources file and show what each source would be read as (a missing file is an error)."""
    from sources.registry import describe, load_registry

    fmt = _fmt(fmt, as_json)
    path = sources or default_sources()
    _need_sources(path, "sources check")
    specs = load_registry(path, allow_outside=allow_outside)  # RegistryError: one line, exit 2
    rows = [describe(s) for s in specs]
    columns = list(rows[0].keys()) if rows else ["name"]
    render(columns, [[r.get(c) for c in columns] for r in rows], fmt, console=out)
    missing = [f"{s.name} ({s.path})" for s in specs if s.path is not None and not s.path.is_file()]
    if missing:
        raise fail("sources check", f"{len(missing)} of {len(specs)} sources name no file: {', '.join(missing)} "
                                    "(fix the path, or `aifacts sources remove NAME`)", USAGE)
    err.print(f"{len(specs)} sources valid in {path}", highlight=False)


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
