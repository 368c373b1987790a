"""The real refresh flow, end to end, under Prefect's test harness, on a temporary warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows.refresh import refresh

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_refresh_flow_on_the_seed_repairs_the_translation_errors(corpus_dir: Path, tmp_path: Path):
    wh = tmp_path / "seed.duckdb"
    result = refresh(sources=str(corpus_dir / "seed" / "sources.yaml"), warehouse=str(wh))
    assert result.summary.status == "ok"
    con = duckdb.connect(str(wh), read_only=True)
    rows = {r[0]: r[1:] for r in con.execute(
        "select country_code, city, supercomputer, host_org from factories order by 1").fetchall()}
    assert set(rows) == {"DE", "ES", "FI", "GR", "IT", "LU", "SE"}
    assert rows["LU"][0] == "Bissen" and rows["LU"][1] == "MeluXina"
    assert rows["FI"][0] == "Kajaani"
    assert rows["SE"][0] == "Linköping"
    assert rows["ES"][2] == "Barcelona Supercomputing Center"
    lu_city = con.execute(
        "select candidates_json, reason from conflicts c join factories f using (factory_id) "
        "where f.country_code = 'LU' and c.attribute = 'city'").fetchall()
    assert lu_city and "Busan" in lu_city[0][0] and lu_city[0][1]
    runs = con.execute("select status, sources_total, fetched from runs").fetchall()
    assert runs[-1] == ("ok", 1, 1)


def test_second_refresh_finds_nothing_changed(corpus_dir: Path, tmp_path: Path):
    src = tmp_path / "src"
    shutil.copytree(corpus_dir / "seed", src)
    wh = tmp_path / "w.duckdb"
    refresh(sources=str(src / "sources.yaml"), warehouse=str(wh))
    second = refresh(sources=str(src / "sources.yaml"), warehouse=str(wh))
    s = second.summary
    assert (s.unchanged, s.fetched, s.statements_new, s.values_changed) == (1, 0, 0, 0)
