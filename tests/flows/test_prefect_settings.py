"""`prefect_api_url_set_without_prefect`: the no-change refresh asks whether runs go to a
Prefect server without importing Prefect; its answer never contradicts Prefect's own."""

from __future__ import annotations

import pytest

from flows.settings import prefect_api_url_set_without_prefect


def _prefects_answer() -> bool:
    from prefect.settings import Settings

    return bool(Settings().api.url)


@pytest.fixture()
def bare(tmp_path, monkeypatch):
    """No API URL anywhere: an empty PREFECT_HOME and a working directory with no files."""
    for name in ("PREFECT_API_URL", "PREFECT_PROFILES_PATH", "PREFECT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


def test_nothing_configured_is_answered_without_prefect(bare):
    assert prefect_api_url_set_without_prefect() is False
    assert _prefects_answer() is False
    (bare / "work" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert prefect_api_url_set_without_prefect() is False


def test_the_environment_is_enough(bare, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert prefect_api_url_set_without_prefect() is True


@pytest.mark.parametrize("where", ["profile", "dotenv", "prefect.toml", "pyproject"])
def test_a_file_that_may_set_it_defers_to_prefect(bare, where):
    url = "http://127.0.0.1:4999/api"
    home = bare / "home"
    home.mkdir()
    if where == "profile":
        (home / "profiles.toml").write_text(
            f'active = "x"\n\n[profiles.x]\nPREFECT_API_URL = "{url}"\n')
    elif where == "dotenv":
        (bare / "work" / ".env").write_text(f"PREFECT_API_URL={url}\n")
    elif where == "prefect.toml":
        (bare / "work" / "prefect.toml").write_text(f'[api]\nurl = "{url}"\n')
    else:
        (bare / "work" / "pyproject.toml").write_text(f'[tool.prefect.api]\nurl = "{url}"\n')
    assert prefect_api_url_set_without_prefect() is None
    assert _prefects_answer() is True
