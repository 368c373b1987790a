"""What `aifacts serve` shows to people: the report page and a read-only view of the warehouse.

A small stdlib HTTP server on 127.0.0.1 (by default) in a thread beside Prefect's `serve`:

  /                 the report (flows/report.py), built fresh from the warehouse on each visit
  /warehouse        every table and view with its comment; /warehouse/NAME: columns and rows
  /sql?q=SELECT…    read-only SQL (the connection of `aifacts query`: no writes, files or extensions)

Every text is escaped: it comes from public documents or from the person asking. The
Prefect server that `--start-server` starts is told its own API URL, so its UI connects
whatever port it was given.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import parse_qs, quote, unquote, urlparse

DEFAULT_PORT = 8765
MAX_ROWS = 500  # rows a page shows of one table or query
PAGE_CSS = """
body { margin: 0; font: 14px/1.45 -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1d2733; }
.servebar { background: #1d2733; color: #dfe6ee; padding: 8px 32px; font-size: 13px; }
.servebar a { color: #fff; margin-right: 16px; text-decoration: none; font-weight: 600; }
.servebar .where { float: right; opacity: .7; }
main { padding: 12px 32px 40px; max-width: 1500px; }
h1 { font-size: 20px; margin: 10px 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #dde3ea; vertical-align: top; }
th { background: #f6f8fa; font-size: 12px; text-transform: uppercase; color: #5d6b7a; }
td.comment { color: #36404b; }
a { color: #2f5d8a; }
textarea { width: 100%; font: 13px monospace; padding: 6px; }
.error { color: #a8452f; font-weight: 600; }
.meta { color: #5d6b7a; font-size: 12px; }
"""


class ServeError(RuntimeError):
    """The Prefect server for `serve --start-server` could not be started (says why)."""


def _free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def start_prefect_server(timeout_s: float = 120) -> tuple[subprocess.Popen, str]:
    """A local Prefect server on a free port, its UI told that port's API URL (else the UI
    looks for http://127.0.0.1:4200/api and says it cannot connect)."""
    import httpx

    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = dict(os.environ, PREFECT_SERVER_UI_API_URL=url, PREFECT_SERVER_API_PORT=str(port),
               PREFECT_SERVER_API_HOST="127.0.0.1", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise ServeError("the Prefect server exited while starting; run `prefect server start` to see why")
        time.sleep(0.5)
    proc.terminate()
    raise ServeError(f"the Prefect server did not answer on {url} within {timeout_s:.0f} s")


def prefect_ui_url() -> str | None:
    """The Prefect UI of the configured server, if there is one."""
    api = os.environ.get("PREFECT_API_URL")
    return api.rstrip("/").removesuffix("/api") if api else None


def _table_html(columns: Sequence[str], rows: Sequence[Sequence[Any]], css: dict[str, str] | None = None) -> str:
    from flows.output import human

    css = css or {}
    head = "".join(f"<th>{escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f'<td class="{css.get(c, "")}">{escape(human(v))}</td>'
                                    for c, v in zip(columns, r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class Pages:
    """The pages, as functions of the warehouse; the HTTP handler only routes."""

    def __init__(self, warehouse: Path, prefect_ui: str | None = None) -> None:
        self.warehouse = Path(warehouse)
        self.prefect_ui = prefect_ui

    def bar(self) -> str:
        links = [("/", "Report"), ("/warehouse", "Warehouse tables"), ("/sql", "SQL (read-only)")]
        if self.prefect_ui:
            links.append((self.prefect_ui, "Prefect UI (runs)"))
        return ('<div class="servebar">' + "".join(f'<a href="{escape(h, quote=True)}">{escape(t)}</a>'
                                                   for h, t in links)
                + f'<span class="where">aifacts serve · {escape(str(self.warehouse))}</span></div>')

    def page(self, title: str, body: str) -> str:
        return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
                f"<style>{PAGE_CSS}</style></head><body>{self.bar()}<main>{body}</main></body></html>")

    def missing(self) -> str | None:
        if self.warehouse.is_file():
            return None
        return self.page("No warehouse yet", f'<h1>No warehouse yet</h1><p>{escape(str(self.warehouse))} does not '
                                             "exist: run <code>aifacts refresh</code> (the scheduled runs will too).</p>")

    def report(self) -> str:
        from flows.report import gather, render_html

        html = render_html(gather(self.warehouse))
        # the report is one inert file; served, it gets the bar on top (plus its style)
        return html.replace("<body>", f"<body><style>{PAGE_CSS}</style>{self.bar()}", 1)

    def tables(self) -> str:
        from warehouse.queries import table_comments

        columns, rows = table_comments(self.warehouse)
        linked = "".join(
            f'<tr><td><a href="/warehouse/{quote(str(r[0]))}">{escape(str(r[0]))}</a></td><td>{escape(str(r[1]))}</td>'
            f'<td>{"" if r[2] is None else r[2]}</td><td class="comment">{escape(str(r[3] or ""))}</td></tr>'
            for r in rows)
        return self.page("Warehouse tables", "<h1>The warehouse: tables and views</h1>"
                         '<p class="meta">What each holds, from the comments the migrations put on them '
                         "(<code>aifacts tables</code> prints the same).</p><table><thead><tr><th>name</th><th>kind"
                         f"</th><th>rows</th><th>comment</th></tr></thead><tbody>{linked}</tbody></table>")

    def table(self, name: str) -> str:
        from warehouse.queries import column_comments, run_query

        columns, rows = column_comments(self.warehouse, name)
        if not rows:
            return self.page("No such table", f'<p class="error">No table or view named {escape(name)}.</p>')
        ident = '"' + name.replace('"', '""') + '"'
        data_cols, data = run_query(self.warehouse, f"SELECT * FROM {ident} LIMIT {MAX_ROWS}")
        return self.page(name, f"<h1>{escape(name)}</h1><h2>Columns</h2>{_table_html(columns, rows, {'comment': 'comment'})}"
                         f"<h2>Rows (first {MAX_ROWS})</h2>{_table_html(data_cols, data)}")

    def sql(self, q: str) -> str:
        from warehouse.errors import WarehouseError
        from warehouse.queries import run_query

        form = ('<h1>Read-only SQL</h1><form method="get" action="/sql"><textarea name="q" rows="5">'
                f'{escape(q)}</textarea><br><button type="submit">Run</button> <span class="meta">writes, ATTACH, '
                "COPY, files and extensions are refused</span></form>")
        if not q.strip():
            return self.page("SQL", form)
        try:
            columns, rows = run_query(self.warehouse, q)
        except WarehouseError as exc:
            return self.page("SQL", form + f'<p class="error">{escape(str(exc))}</p>')
        shown = rows[:MAX_ROWS]
        note = f'<p class="meta">{len(rows)} rows' + (f", the first {MAX_ROWS} shown" if len(rows) > MAX_ROWS else "")
        return self.page("SQL", form + note + "</p>" + _table_html(columns, shown))


def _handler(pages: Pages) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "aifacts"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet: no line per request
            return

        def _send(self, status: int, html: str, kind: str = "text/html; charset=utf-8") -> None:
            body = html.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            from warehouse.errors import WarehouseError

            url = urlparse(self.path)
            if url.path == "/health":
                self._send(200, "ok", "text/plain; charset=utf-8")
                return
            missing = pages.missing()
            if missing:
                self._send(503, missing)
                return
            try:
                if url.path in ("/", "/report", "/index.html"):
                    self._send(200, pages.report())
                elif url.path == "/warehouse":
                    self._send(200, pages.tables())
                elif url.path.startswith("/warehouse/"):
                    self._send(200, pages.table(unquote(url.path.removeprefix("/warehouse/"))))
                elif url.path == "/sql":
                    self._send(200, pages.sql(parse_qs(url.query).get("q", [""])[0]))
                else:
                    self._send(404, pages.page("Not found", '<p class="error">No such page.</p>'))
            except (WarehouseError, OSError) as exc:
                self._send(503, pages.page("Warehouse unavailable", f'<p class="error">{escape(str(exc))}</p>'))

    return Handler


@dataclass
class PageServer:
    server: ThreadingHTTPServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def wait(self) -> None:
        """Until Ctrl-C."""
        try:
            while self.thread.is_alive():
                self.thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start(warehouse: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT, prefect_ui: str | None = None) -> PageServer:
    """Serve the pages in a daemon thread; OSError when the address is taken or invalid."""
    if not 0 <= port <= 65535:
        raise OSError(f"port {port} is not between 0 and 65535")
    server = ThreadingHTTPServer((host, port), _handler(Pages(warehouse, prefect_ui)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="aifacts-pages", daemon=True)
    thread.start()
    return PageServer(server, thread)
