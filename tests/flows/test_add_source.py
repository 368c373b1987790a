"""Issue 3, point 5: a source added with `aifacts sources add` is read by the next refresh,
with no code change."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app

pytestmark = pytest.mark.usefixtures("prefect_harness")

NEW_ROUND = (
    "EuroHPC announces a further AI Factory\n\n"
    "The NORDLYS AI Factory will be hosted by the Arctic Computing Centre in Tromsø, Norway. "
    "It will deploy a new AI-optimised supercomputer and is expected to be operational by 2027.\n"
)


def test_added_source_is_read_by_the_next_refresh(corpus_dir: Path, tmp_path: Path):
    shutil.copy(corpus_dir / "seed" / "000_df616fbb79ca9891.txt", tmp_path / "seed.txt")
    sources = tmp_path / "sources.yaml"
    sources.write_text("# my sources\nsources:\n  - name: seed\n    path: seed.txt\n    publisher: a news site\n"
                       "    trust: secondary\n    lang: en\n")
    wh = tmp_path / "w.duckdb"
    runner = CliRunner()
    first = runner.invoke(app, ["refresh", "-s", str(sources), "-w", str(wh), "--quiet"])
    assert first.exit_code == 0, first.output

    (tmp_path / "nordlys.txt").write_text(NEW_ROUND, encoding="utf-8")
    added = runner.invoke(app, ["sources", "add", "nordlys", "--path", "nordlys.txt", "--publisher", "EuroHPC JU",
                                "--trust", "official", "--lang", "en", "-s", str(sources)])
    assert added.exit_code == 0, added.output
    assert "# my sources" in sources.read_text()

    second = runner.invoke(app, ["refresh", "-s", str(sources), "-w", str(wh), "--quiet"])
    assert second.exit_code == 0, second.output
    con = duckdb.connect(str(wh), read_only=True)
    try:
        run = con.execute("select sources_total, fetched, unchanged from runs order by run_id desc limit 1").fetchone()
        names = {r[0] for r in con.execute("select name from factories").fetchall()}
        city = con.execute("select city, country_code from factories where name ilike '%NORDLYS%'").fetchall()
    finally:
        con.close()
    assert run == (2, 1, 1)
    assert any("NORDLYS" in n for n in names)
    assert city == [("Tromsø", "NO")]
