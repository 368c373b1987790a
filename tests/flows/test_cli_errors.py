"""Every command, given bad input, fails with one line on stderr and its documented exit code,
never a traceback (README, "Exit codes")."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from flows.cli import app
from flows.cli_errors import classify
from tests.flows.sample_warehouse import ROOT, sample_warehouse

README = ROOT / "README.md"
AIFACTS = [sys.executable, "-m", "flows.cli"]


def _leaves(group, prefix: str = "") -> list[str]:  # noqa: ANN001
    names = []
    for name, command in sorted(getattr(group, "commands", {}).items()):
        sub = getattr(command, "commands", None)
        names += _leaves(command, f"{prefix}{name} ") if sub else [f"{prefix}{name}"]
    return names


LEAVES = _leaves(typer.main.get_command(app))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_warehouse(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("bad-input")
    notes = base / "notes.txt"
    notes.write_text("not a warehouse\n", encoding="utf-8")
    bad_gold = base / "bad-gold.jsonl"
    bad_gold.write_text('{"doc": "d1", "facts": [{"attribute": "selected_on", "value": {"value": "soon"}}]}\n'
                        "{not json\n", encoding="utf-8")
    broken = base / "broken.yaml"
    broken.write_text("sources:\n- name: a\n  path: [unclosed\n", encoding="utf-8")
    sources = base / "sources.yaml"
    sources.write_text("sources:\n  - name: gone\n    path: gone.txt\n    publisher: P\n    trust: press\n",
                       encoding="utf-8")
    return {"notes": notes, "bad_gold": bad_gold, "broken": broken, "sources": sources, "dir": base,
            "missing": base / "missing.duckdb"}


def cases(w: Path, f: dict[str, Path]) -> list[tuple[list[str], int, str]]:
    """(arguments, exit code, a word the one line must contain)."""
    notes, missing = str(f["notes"]), str(f["missing"])
    return [
        (["history", "--runs", "-1", "-w", str(w)], 2, "--runs"),
        (["history", "-w", notes], 2, "notes.txt"),
        (["eval", "missing.jsonl", "-w", str(w)], 2, "missing.jsonl"),
        (["eval", str(f["bad_gold"]), "-w", str(w)], 2, "bad-gold.jsonl"),
        (["query", "select 1", "-w", notes], 2, "notes.txt"),
        (["query", "DROP TABLE factories", "-w", str(w)], 1, "refused or failed"),
        (["query", "select 1", "-w", missing], 2, "aifacts refresh"),
        (["query", "select 1", "-w", str(w), "--format", "xml"], 2, "--format"),
        (["factories", "-w", missing], 2, "missing.duckdb"),
        (["factories", "-w", str(f["dir"])], 2, "folder"),
        (["conflicts", "-w", notes], 2, "notes.txt"),
        (["explain", "NO-SUCH-FACTORY", "-w", str(w)], 1, "aifacts factories"),
        (["explain", "MIMER", "no_such_attribute", "-w", str(w)], 1, "no_such_attribute"),
        (["tables", "no_such_table", "-w", str(w)], 1, "no_such_table"),
        (["tables", "-w", notes], 2, "notes.txt"),
        (["export", "--format", "xlsx", "--out", str(f["dir"] / "x"), "-w", str(w)], 2, "xlsx"),
        (["export", "--out", notes, "-w", str(w)], 2, "is a file"),
        (["report", "--out", str(f["dir"]), "-w", str(w)], 2, "folder"),
        (["report", "--out", str(f["dir"] / "r.html"), "-w", notes], 2, "notes.txt"),
        (["refresh", "-s", str(f["dir"] / "nosuch.yaml"), "-w", str(f["dir"] / "new.duckdb")], 2, "nosuch.yaml"),
        (["refresh", "-s", str(f["broken"]), "-w", str(f["dir"] / "new.duckdb")], 2, "broken.yaml:"),
        (["serve", "-w", str(w)], 2, "--start-server"),
        (["serve", "--no-schedule", "--port", "99999", "-w", str(w)], 2, "--port"),
        (["sources", "list", "-s", str(f["broken"])], 2, "broken.yaml"),
        (["sources", "check", "-s", str(f["sources"])], 2, "gone.txt"),
        (["sources", "add", "x", "--path", "nosuch.txt", "--publisher", "P", "--trust", "press",
          "-s", str(f["sources"])], 2, "nosuch.txt"),
        (["sources", "add", "x", "--url", "ftp://example.org/a", "--publisher", "P", "--trust", "press",
          "-s", str(f["sources"])], 2, "http"),
        (["sources", "add", "x", "--url", "https://example.org/a", "--publisher", "P", "--trust", "trusty",
          "-s", str(f["sources"])], 2, "trusty"),
        (["sources", "remove", "nosuch", "-s", str(f["sources"])], 2, "gone"),
        (["no-such-command"], 2, "no-such-command"),
        (["factories", "--no-such-option"], 2, "--no-such-option"),
    ]


def _one_line_no_traceback(stderr: str) -> str:
    assert "Traceback" not in stderr and 'File "' not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{stderr}"
    return lines[0]


def test_every_command_refuses_bad_input_in_one_line_with_its_exit_code(warehouse: Path, files: dict[str, Path],
                                                                         monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)  # `serve` without a server is one of the cases
    sources_before = files["sources"].read_text(encoding="utf-8")
    covered = set()
    runner = CliRunner()
    for args, code, word in cases(warehouse, files):
        result = runner.invoke(app, args)
        assert result.exit_code == code, (args, result.exit_code, result.stderr, result.exception)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        line = _one_line_no_traceback(result.stderr)
        assert line.startswith("aifacts"), (args, line)
        assert word in line, (args, line)
        covered.add(next((n for n in LEAVES if " ".join(args).startswith(n + " ") or " ".join(args) == n), None))
    assert set(LEAVES) <= covered, f"commands without a bad-input case: {sorted(set(LEAVES) - covered)}"
    assert files["sources"].read_text(encoding="utf-8") == sources_before, "a refused `sources` command wrote"
    assert not (files["dir"] / "new.duckdb").exists()


def test_a_refused_query_says_so_once(warehouse: Path):
    result = CliRunner().invoke(app, ["query", "DELETE FROM statements", "-w", str(warehouse)])
    line = _one_line_no_traceback(result.stderr)
    assert result.exit_code == 1 and line.count("refused or failed") == 1, line


def test_the_three_reported_errors_end_cleanly_in_a_real_process(warehouse: Path, files: dict[str, Path]):
    """Outside the test runner: the real interpreter, the real stderr."""
    env = dict(os.environ, AIFACTS_DEBUG="")
    env.pop("AIFACTS_DEBUG")
    runs = [(["history", "--runs", "-1", "-w", str(warehouse)], 2),
            (["eval", "missing.jsonl", "-w", str(warehouse)], 2),
            (["query", "select 1", "-w", str(files["notes"])], 2)]
    procs = [(subprocess.Popen([*AIFACTS, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True), code) for args, code in runs]
    for proc, code in procs:
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == code, (proc.args, stderr)
        _one_line_no_traceback(stderr)


def test_a_locked_warehouse_exits_3(warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import shutil

    copy = tmp_path / "locked.duckdb"
    shutil.copy(warehouse, copy)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               f"con = duckdb.connect({str(copy)!r}); print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("AIFACTS_READ_WAIT", "0.3")
        started = time.monotonic()
        result = CliRunner().invoke(app, ["factories", "-w", str(copy)])
        assert result.exit_code == 3, (result.stderr, result.exception)
        assert "locked" in _one_line_no_traceback(result.stderr)
        assert time.monotonic() - started < 20
    finally:
        holder.kill()
        holder.wait()


def test_an_unexpected_error_is_one_line_that_says_it_is_a_bug():
    code, line = classify(KeyError("budget"))
    assert code == 4 and "internal error" in line and "AIFACTS_DEBUG=1" in line
    assert classify(FileNotFoundError(2, "No such file or directory", "x.yaml")) == (2, "x.yaml: No such file or directory (check the path)")


def test_exit_codes_are_documented_in_the_readme():
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^### Exit codes\n(.*?)(?=^#)", text, flags=re.S | re.M)
    assert section, "README.md has no '### Exit codes' section"
    documented = {int(c) for c in re.findall(r"^\| `(\d)` \|", section.group(1), flags=re.M)}
    assert documented == {0, 1, 2, 3, 4}, documented


def test_version_and_plain_flags():
    runner = CliRunner()
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and re.match(r"aifacts \d", result.stdout)
    helped = runner.invoke(app, ["refresh", "--help"], env={"COLUMNS": "150"})
    assert "--full" in helped.stdout and "<bool>" not in helped.stdout


def test_serve_on_a_taken_port_says_so(warehouse: Path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--no-schedule", "--port", str(port), "-w", str(warehouse)])
    assert result.exit_code == 2, (result.stderr, result.exception)
    assert "--port" in _one_line_no_traceback(result.stderr)
