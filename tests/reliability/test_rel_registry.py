"""A broken sources file stops the run before it starts, saying where; paths and URLs
that could reach beyond the declared documents are refused."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from sources.errors import RegistryError
from sources.registry import load_registry
from tests.reliability.conftest import AIFACTS, entry, run, write_sources

BROKEN = {
    # case: (sources file text, line the message must name, words it must contain)
    "invalid_yaml": ("sources:\n- name: a\n  path: a.txt\n  publisher: P\n  trust: press\n"
                     "- name: b\n  path: [unclosed\n  publisher: P\n", 8, ["invalid yaml"]),
    "unknown_key": ("sources:\n- name: a\n  path: a.txt\n  publisher: P\n  trust: press\n"
                    "  colour: blue\n", 6, ["unknown key", "colour", "'a'"]),
}


def test_broken_sources_file_stops_the_cli_with_exit_2_and_the_line(tmp_path: Path, harness_env):
    """Both cases run at once: each is a full `aifacts refresh` process."""
    procs = {}
    for case, (text, _, _) in BROKEN.items():
        folder = tmp_path / case
        folder.mkdir()
        (folder / "sources.yaml").write_text(text, encoding="utf-8")
        procs[case] = subprocess.Popen(
            [*AIFACTS, "refresh", "--sources", str(folder / "sources.yaml"), "-w", str(folder / "w.duckdb")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=harness_env)
    for case, proc in procs.items():
        _, stderr = proc.communicate(timeout=180)
        _, line, words = BROKEN[case]
        assert proc.returncode == 2, (case, stderr[-2000:])
        message = " ".join(stderr.split())
        assert re.search(rf"sources\.yaml:{line}\b", message), (case, message)
        assert all(w in message.lower() for w in words), (case, message)
        assert not (tmp_path / case / "w.duckdb").exists()


@pytest.mark.parametrize("raw", ["../../etc/passwd", "../outside/secret.txt", "/etc/passwd"])
def test_path_escaping_the_folder_is_refused(raw: str, tmp_path: Path):
    folder = tmp_path / "src"
    folder.mkdir()
    sources = write_sources(folder, [entry("escape", path=raw)], good=False)
    with pytest.raises(RegistryError) as err:
        from sources.registry import load_registry
        load_registry(sources)
    assert err.value.entry == "escape" and err.value.line is not None
    assert "outside" in str(err.value) and "--allow-outside-paths" in str(err.value)


@pytest.mark.usefixtures("prefect_harness")
def test_outside_path_is_read_only_when_explicitly_allowed(env, src: Path, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("A private note kept beside the project.\n\nNot for the warehouse.\n",
                                        encoding="utf-8")
    sources = write_sources(src, [entry("beside", path="../outside/secret.txt", lang="en")])
    wh = tmp_path / "w.duckdb"
    with pytest.raises(RegistryError):
        run(sources, wh)
    assert not wh.exists(), "a refused sources file must not create or touch the warehouse"
    result = run(sources, wh, allow_outside=True)
    assert result.summary.failed == 0 and result.summary.fetched == 3


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/pub/report.pdf",
                                 "gopher://127.0.0.1/1", "FILE:///etc/hostname"])
def test_non_http_urls_are_refused_naming_the_entry(url: str, tmp_path: Path):
    from sources.registry import load_registry

    sources = write_sources(tmp_path, [entry("odd_scheme", url=url)])
    with pytest.raises(RegistryError) as err:
        load_registry(sources)
    assert err.value.entry == "odd_scheme" and err.value.line is not None
    assert "http" in str(err.value)


def test_url_in_a_path_field_is_refused(tmp_path: Path):
    from sources.registry import load_registry

    sources = write_sources(tmp_path, [entry("sneaky", path="file:///etc/passwd")])
    with pytest.raises(RegistryError) as err:
        load_registry(sources)
    assert err.value.entry == "sneaky"


def test_impossible_unquoted_date_is_reported_with_entry_and_line(tmp_path: Path):
    """YAML reads `2024-13-45` as a timestamp and its parser raised ValueError (a traceback
    with no line); the message now names the file, the line, the entry and the value."""
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n- name: a\n  path: a.txt\n  publisher: P\n  trust: press\n"
                       "  published: 2024-13-45\n", encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_registry(sources)
    message = str(caught.value)
    assert re.search(r"sources\.yaml:6\b", message) and "'a'" in message and "2024-13-45" in message, message


@pytest.mark.parametrize(("written", "day", "precision"), [
    ("2025", "2025-01-01", "year"), ("2025-06", "2025-06-01", "month"), ("'2025-06'", "2025-06-01", "month"),
    ("2025-06-03", "2025-06-03", "day"), ("'2025-06-03'", "2025-06-03", "day")])
def test_published_takes_year_month_or_day_and_keeps_the_precision(tmp_path: Path, written: str, day: str,
                                                                   precision: str):
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n- name: a\n  path: a.txt\n  publisher: P\n  trust: press\n"
                       f"  published: {written}\n", encoding="utf-8")
    spec = load_registry(sources)[0]
    assert (spec.published.isoformat(), spec.published_precision) == (day, precision)


def test_a_changed_date_precision_is_a_declared_change(tmp_path: Path):
    """`2025-06` and `2025-06-01` are the same first day but not the same statement."""
    fingerprints = []
    for written in ("2025-06", "2025-06-01"):
        sources = tmp_path / "sources.yaml"
        sources.write_text("sources:\n- name: a\n  path: a.txt\n  publisher: P\n  trust: press\n"
                           f"  published: {written}\n", encoding="utf-8")
        fingerprints.append(load_registry(sources)[0].declared())
    assert fingerprints[0] != fingerprints[1]
