"""`aifacts serve`'s pages: the report, the warehouse's tables with their comments, read-only
SQL, served on 127.0.0.1 by the real command and opened in headless Chromium; and the
Prefect server it starts tells its UI the port it took."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.flows.sample_warehouse import ROOT, sample_warehouse
from tests.flows.test_report import _headless, chromium  # noqa: F401 - the fixture that installs chromium
from warehouse.queries import CONTRACT_TABLES

SERVE_SHOT = ROOT / "data" / "serve.png"
TABLES_SHOT = ROOT / "data" / "serve-tables.png"
URL_LINE = re.compile(r"report page and read-only warehouse: (http://127\.0\.0\.1:\d+/)")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_warehouse(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def served(warehouse: Path):
    """The real `aifacts serve --no-schedule --port 0`: its URL, while it runs."""
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--no-schedule", "--port", "0",
                             "-w", str(warehouse)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    found: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in proc.stderr:
            m = URL_LINE.search(line)
            if m and not found:
                found.append(m.group(1))
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(120) and found, f"serve printed no URL (exit {proc.poll()})"
        yield found[0]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_binds_this_machine_only_and_answers(served: str):
    assert served.startswith("http://127.0.0.1:")
    assert httpx.get(served + "health", timeout=10).text == "ok"
    page = BeautifulSoup(httpx.get(served, timeout=60).text, "lxml")
    assert page.select_one(".servebar a[href='/warehouse']") and page.select("#factories-table tbody tr")


def test_the_tables_page_shows_every_contract_table_with_its_comment(served: str):
    soup = BeautifulSoup(httpx.get(served + "warehouse", timeout=30).text, "lxml")
    comments = {tr.select_one("td a").get_text(): tr.select_one("td.comment").get_text(strip=True)
                for tr in soup.select("tbody tr")}
    assert set(CONTRACT_TABLES) <= set(comments)
    assert all(comments[t] for t in CONTRACT_TABLES), {t: comments[t] for t in CONTRACT_TABLES}
    columns = BeautifulSoup(httpx.get(served + "warehouse/factories", timeout=30).text, "lxml")
    assert "first day of the stated period" in columns.get_text()


def test_sql_is_read_only_and_escaped(served: str):
    ok = httpx.get(served + "sql", params={"q": "SELECT '<b>x</b>' AS tag, count(*) AS n FROM factories"},
                   timeout=30).text
    assert "&lt;b&gt;x&lt;/b&gt;" in ok and "<b>x</b>" not in ok
    refused = httpx.get(served + "sql", params={"q": "DROP TABLE factories"}, timeout=30).text
    assert "refused or failed" in refused
    again = httpx.get(served + "sql", params={"q": "SELECT count(*) FROM factories"}, timeout=30).text
    assert re.search(r"<td[^>]*>[1-9]\d*</td>", again)


def test_chromium_opens_the_served_page(chromium: Path, served: str, tmp_path: Path):  # noqa: F811
    from PIL import Image, ImageStat

    dom = _headless(chromium, tmp_path / "profile", "--dump-dom", served + "warehouse")
    assert dom.returncode == 0, dom.stderr[-500:]
    assert "v_statements" in dom.stdout and "Warehouse tables" in dom.stdout
    SERVE_SHOT.parent.mkdir(parents=True, exist_ok=True)
    shot = _headless(chromium, tmp_path / "profile", f"--screenshot={SERVE_SHOT}", served)
    assert shot.returncode == 0 and SERVE_SHOT.exists(), shot.stderr[-500:]
    image = Image.open(SERVE_SHOT).convert("RGB")
    assert max(ImageStat.Stat(image).var) > 100, "the screenshot is blank"
    # the serve bar is painted across the top in its dark colour
    top = image.crop((0, 0, image.width, 12)).getcolors(maxcolors=image.width * 12)
    assert max(top)[1] == (0x1d, 0x27, 0x33), max(top)
    tables = _headless(chromium, tmp_path / "profile", f"--screenshot={TABLES_SHOT}", served + "warehouse")
    assert tables.returncode == 0 and TABLES_SHOT.exists(), tables.stderr[-500:]
    assert max(ImageStat.Stat(Image.open(TABLES_SHOT).convert("RGB")).var) > 100


def test_started_prefect_server_tells_its_ui_the_port_it_took():
    from flows.serve_page import start_prefect_server

    proc, api_url = start_prefect_server(timeout_s=240)
    try:
        ui_base = api_url.removesuffix("/api")
        settings = httpx.get(f"{ui_base}/ui-settings", timeout=30).json()
        assert settings["api_url"] == api_url, settings
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_pages_say_when_there_is_no_warehouse(tmp_path: Path):
    from flows.serve_page import start

    page = start(tmp_path / "none.duckdb", port=0)
    try:
        answer = httpx.get(page.url, timeout=10)
        assert answer.status_code == 503 and "aifacts refresh" in answer.text
    finally:
        page.stop()
