"""The report page: built from a real warehouse, parsed back, and rendered by headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from flows.cli import app
from flows.report import anchor, sentence_html, write_report
from flows.report_svg import SERIES, date_interval
from tests.flows.sample_warehouse import ROOT, sample_warehouse

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "data" / "report.png"
FLAGGED_SHOT = ROOT / "data" / "report-flagged.png"
FLAG_REASON = "implausible: the EU share (€90 m) is above the total (€85 m)"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_warehouse(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def page(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(warehouse, tmp_path_factory.mktemp("report") / "report.html")


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def _factories(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT factory_id, name, budget_total_eur, budget_total_currency FROM factories").fetchall()
    finally:
        con.close()


def test_every_factory_is_a_row_and_every_link_reaches_its_evidence(warehouse: Path, page: Path):
    soup = _soup(page)
    factories = _factories(warehouse)
    rows = soup.select("#factories-table tbody tr")
    assert len(rows) == len(factories) > 0
    shown_ids = {r.select_one("span.id").get_text() for r in rows}
    assert shown_ids == {f[0] for f in factories}
    ids = {el["id"] for el in soup.select("[id]")}
    links = [a["href"][1:] for a in soup.select('a[href^="#"]')]
    assert links and not [t for t in links if t not in ids]
    # the evidence of a linked value names a source and marks the stated text in its sentence
    target = soup.find(id=rows[0].select_one("td a")["href"][1:])
    assert target.select_one(".src").get_text(strip=True)
    assert target.select_one("q mark").get_text(strip=True)


def test_page_is_self_contained(page: Path):
    soup = _soup(page)
    assert not soup.find_all(["script", "link", "iframe", "img"])
    assert not [el for el in soup.select("[src]")]
    assert "@import" not in page.read_text(encoding="utf-8")


def test_budget_bars_follow_the_curated_budgets(warehouse: Path, page: Path):
    soup = _soup(page)
    in_euro = [f for f in _factories(warehouse) if f[2] is not None and (f[3] or "EUR") == "EUR"]
    assert len(soup.select("#budget-chart rect.bar-total")) == len(in_euro)
    widths = {r.find("title").get_text().split(",")[0]: float(r["width"])
              for r in soup.select("#budget-chart rect.bar-total")}
    by_name = {f[1] or f[0]: f[2] for f in in_euro}
    biggest, smallest = max(by_name, key=by_name.get), min(by_name, key=by_name.get)
    assert widths[biggest] >= widths[smallest]


def test_timeline_has_a_mark_per_dated_event(warehouse: Path, page: Path):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        dates = [r[0] for r in con.execute("SELECT on_date FROM events").fetchall()]
    finally:
        con.close()
    soup = _soup(page)
    assert len(soup.select("#timeline-chart .event")) == len([d for d in dates if date_interval(str(d))])
    assert len(soup.select("#events-table tbody tr")) == len(dates)


def test_text_from_sources_is_escaped(warehouse: Path, tmp_path: Path):
    copy = tmp_path / "hostile.duckdb"
    shutil.copy(warehouse, copy)
    con = duckdb.connect(str(copy))
    fid = con.execute("SELECT factory_id FROM factories ORDER BY factory_id LIMIT 1").fetchall()[0][0]
    con.execute("UPDATE factories SET name = '<script>alert(1)</script>', city = '\"><img src=x>' "
                "WHERE factory_id = ?", [fid])
    con.execute("UPDATE blocks SET text = text || ' <b onmouseover=x>'")
    con.close()
    html = write_report(copy, tmp_path / "r.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "lxml")
    assert not soup.find_all(["script", "img"]) and not soup.select("[onmouseover]")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("text, first, last", [
    ("2024-12-10", "2024-12-10", "2024-12-10"), ("2025-02", "2025-02-01", "2025-02-28"),
    ("2026-Q2", "2026-04-01", "2026-06-30"), ("2026-H2", "2026-07-01", "2026-12-31"),
    ("2027", "2027-01-01", "2027-12-31")])
def test_date_interval_covers_the_stated_precision(text: str, first: str, last: str):
    lo, hi = date_interval(text)
    assert (lo.isoformat(), hi.isoformat()) == (first, last)


def test_date_interval_rejects_what_is_no_date():
    assert date_interval("late 2025") is None and date_interval("") is None


def test_sentence_window_marks_the_span_and_escapes():
    text = "x" * 400 + " <Bologna> " + "y" * 400
    start = text.index("<Bologna>")
    html = sentence_html(text, [start, start + len("<Bologna>")])
    assert "<mark>&lt;Bologna&gt;</mark>" in html and html.count("…") == 2 and len(html) < 500


def test_anchor_keeps_unlike_ids_apart():
    assert anchor("AI-AT", "city") != anchor("AI_AT", "city") != anchor("AI AT", "city")


def test_report_command_writes_the_page_and_refuses_a_missing_warehouse(warehouse: Path, tmp_path: Path):
    runner = CliRunner()
    out = tmp_path / "sub" / "page.html"
    result = runner.invoke(app, ["report", "--out", str(out), "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000
    missing = runner.invoke(app, ["report", "--out", str(out), "--warehouse", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium, installed here when missing (CI runs as root with apt)."""
    if not CHROMIUM.exists():
        if not shutil.which("apt-get"):
            pytest.skip("chromium is missing and apt-get is not available to install it")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        done = subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, text=True,
                              env=env, timeout=600)
        if done.returncode != 0:
            update = subprocess.run(["apt-get", "update", "-q"], capture_output=True, text=True, env=env, timeout=300)
            done = subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, text=True,
                                  env=env, timeout=600) if update.returncode == 0 else update
        if done.returncode != 0 or not CHROMIUM.exists():
            pytest.skip(f"chromium could not be installed with apt-get: {done.stderr.strip()[-300:]}")
    return CHROMIUM


def _headless(chromium: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(chromium), "--headless", "--no-sandbox", "--disable-gpu",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           "--no-first-run", f"--user-data-dir={profile}", "--window-size=1400,2000", *args],
                          capture_output=True, text=True, timeout=120)


def test_chromium_renders_the_table_and_the_chart(chromium: Path, warehouse: Path, page: Path, tmp_path: Path):
    from PIL import Image, ImageStat

    dom = _headless(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-500:]
    rendered = BeautifulSoup(dom.stdout, "lxml")
    assert len(rendered.select("#factories-table tbody tr")) == len(_factories(warehouse))
    assert rendered.select("svg#budget-chart rect.bar") and rendered.select("svg#timeline-chart")

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shot = _headless(chromium, tmp_path / "profile", f"--screenshot={SCREENSHOT}", page.as_uri())
    assert shot.returncode == 0 and SCREENSHOT.exists(), shot.stderr[-500:]
    image = Image.open(SCREENSHOT).convert("RGB")
    assert image.size == (1400, 2000)
    assert max(ImageStat.Stat(image).var) > 100, "the screenshot is blank"
    # the total-budget bars are painted in their own colour: the chart is on screen
    total_colour = tuple(int(SERIES[0][1][i:i + 2], 16) for i in (1, 3, 5))
    counts = {colour: n for n, colour in image.getcolors(maxcolors=image.width * image.height)}
    assert counts.get(total_colour, 0) > 200


def flagged_copy(warehouse: Path, folder: Path) -> Path:
    """The sample warehouse with one plausibility conflict (as warehouse/reconcile writes them)
    on HammerHAI's EU budget, and IT4LIA moved to round 2."""
    copy = folder / "flagged.duckdb"
    shutil.copy(warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("INSERT INTO conflicts (conflict_id, factory_id, attribute, candidates_json, chosen_json, reason, "
                    "status) VALUES ('plaus-1', 'HammerHAI', 'budget_eu_eur', '[]', "
                    "'{\"amount\": 90000000, \"qualifier\": \"exact\"}', ?, 'open')", [FLAG_REASON])
        con.execute("UPDATE factories SET wave = 2 WHERE factory_id = 'IT4LIA'")
    finally:
        con.close()
    return copy


def test_a_value_flagged_as_implausible_is_warned_beside_it(warehouse: Path, tmp_path: Path):
    page = write_report(flagged_copy(warehouse, tmp_path), tmp_path / "flagged.html")
    soup = _soup(page)
    rows = {r.select_one("span.id").get_text(): r for r in soup.select("#factories-table tbody tr")}
    heads = [th.get_text() for th in soup.select("#factories-table thead th")]
    eu_cell = rows["HammerHAI"].select("td")[heads.index("EU")]
    assert eu_cell.select_one(".flag").get_text() == "⚠ implausible"  # the gist; the whole in the tooltip
    assert eu_cell.select_one(".flag")["title"] == FLAG_REASON
    evidence = soup.find(id=anchor("HammerHAI", "budget_eu_eur"))
    assert evidence is not None and FLAG_REASON in evidence.select_one(".flag").get_text()
    assert len(eu_cell.select(".flag")) == 1
    # a conflict the policy decided (trust, agreement) is no doubt
    for decided in ("Budget total", "Host"):
        assert not rows["HammerHAI"].select("td")[heads.index(decided)].select(".flag"), decided
    plain = _soup(write_report(warehouse, tmp_path / "plain.html"))
    plain_rows = {r.select_one("span.id").get_text(): r for r in plain.select("#factories-table tbody tr")}
    assert not plain_rows["HammerHAI"].select_one("td:nth-of-type(%d) .flag" % (heads.index("EU") + 1))


def test_plausibility_doubts_are_read_from_reasons_and_rejected_candidates():
    from flows.report import plausibility_flags

    rejected = ('[{"value": {"amount": 9e7, "qualifier": "exact"}, "status": "rejected", "source": "s1", '
                '"note": "the EU share €90 m is above the factory\'s chosen total €85 m: a share cannot exceed the '
                'whole"}, {"value": {"amount": 4e7, "qualifier": "exact"}, "status": "chosen", "source": "s2"}]')
    flags = plausibility_flags([
        ("A", "budget_eu_eur", "decided by trust: trust tier official (s2) over trust tier press (s1)", rejected),
        ("B", "operational_by", "copied from a sentence about A ('…'): the same words give it to 3 factories",
         "[]"),
        ("C", "city", "decided by agreement: 2 agreeing sources over 1 agreeing sources", "[]")])
    assert flags[("A", "budget_eu_eur")] == ["€90 m rejected: the EU share €90 m is above the factory's chosen "
                                             "total €85 m: a share cannot exceed the whole"]
    assert list(flags) == [("A", "budget_eu_eur"), ("B", "operational_by")]


def test_round_column_and_filter(warehouse: Path, tmp_path: Path):
    soup = _soup(write_report(flagged_copy(warehouse, tmp_path), tmp_path / "rounds.html"))
    heads = [th.get_text() for th in soup.select("#factories-table thead th")]
    assert "Round" in heads
    rows = {r.select_one("span.id").get_text(): r for r in soup.select("#factories-table tbody tr")}
    assert "round-2" in rows["IT4LIA"]["class"] and "round-1" in rows["MIMER"]["class"]
    assert rows["IT4LIA"].select("td")[heads.index("Round")].get_text() == "2"
    buttons = {i["id"] for i in soup.select("input[type=radio][name=round]")}
    assert buttons == {"show-all", "show-round-1", "show-round-2"}
    css = soup.find("style").get_text()
    assert "#show-round-2:checked ~ .scroll #factories-table tbody tr:not(.round-2) { display: none; }" in css
    # the buttons and the table are siblings, as the CSS rule needs
    assert soup.find(id="show-round-2").parent is soup.select_one("#factories-table").find_parent("div").parent


def test_evidence_is_folded_per_factory(warehouse: Path, page: Path):
    soup = _soup(page)
    folded = soup.select(".evidence details.factory")
    assert len(folded) == len(_factories(warehouse))
    assert all(d.find("summary") and d.select(".attr") for d in folded)
    assert not [d for d in folded if d.has_attr("open")], "folded by default"


def test_chromium_shows_the_flagged_value(chromium: Path, warehouse: Path, tmp_path: Path):
    from PIL import Image

    page = write_report(flagged_copy(warehouse, tmp_path), tmp_path / "flagged.html")
    dom = _headless(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert dom.returncode == 0 and FLAG_REASON in dom.stdout, dom.stderr[-500:]
    FLAGGED_SHOT.parent.mkdir(parents=True, exist_ok=True)
    shot = _headless(chromium, tmp_path / "profile", f"--screenshot={FLAGGED_SHOT}", page.as_uri())
    assert shot.returncode == 0 and FLAGGED_SHOT.exists(), shot.stderr[-500:]
    image = Image.open(FLAGGED_SHOT).convert("RGB")
    counts = {colour: n for n, colour in image.getcolors(maxcolors=image.width * image.height)}
    assert counts.get((0xfd, 0xe8, 0xc8), 0) > 100, "the warning's colour is not on screen"
