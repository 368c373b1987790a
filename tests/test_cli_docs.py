"""The command line documents itself: help everywhere, every command in the README and
in `aifacts --help`, and `--json` on every command that prints a table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
import typer
from typer.testing import CliRunner

from flows.cli import app

ROOT = Path(__file__).resolve().parents[1]
DESIGN = ROOT / ".." / "shared" / "DESIGN.md"
EXTRA_COMMANDS = ("report",)  # added after DESIGN.md's table was written


def _commands(group: click.Command, prefix: str = "") -> dict[str, click.Command]:
    """Every command by its full name, e.g. 'sources' and 'sources list'. Typer may bring
    its own copy of click, so groups are recognised by their `commands` mapping."""
    found: dict[str, click.Command] = {}
    for name, command in sorted(getattr(group, "commands", {}).items()):
        full = f"{prefix}{name}"
        found[full] = command
        found.update(_commands(command, full + " "))
    return found


COMMANDS = _commands(typer.main.get_command(app))
LEAVES = {n: c for n, c in COMMANDS.items() if not getattr(c, "commands", None)}


def design_commands() -> list[str]:
    """The first word after `aifacts` in each row of DESIGN.md's CLI table."""
    text = DESIGN.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("|")]
    names = [n for row in rows for n in re.findall(r"`aifacts ([a-z][a-z-]*)", row)]
    assert names, f"no CLI table found in {DESIGN}"
    return sorted(set(names))


def undocumented(readme: str) -> list[str]:
    """Commands that no `aifacts <command>` in the README names."""
    return [name for name in LEAVES if not re.search(rf"aifacts {re.escape(name)}(?![\w-])", readme)]


def test_every_command_is_in_the_readme():
    readme = ROOT / "README.md"
    assert readme.exists(), "README.md is missing: it must document every command"
    missing = undocumented(readme.read_text(encoding="utf-8"))
    assert not missing, f"commands missing from README.md: {', '.join(missing)}"


def test_undocumented_finds_a_missing_command():
    text = "\n".join(f"aifacts {name} --help" for name in LEAVES if name != "sources add")
    assert undocumented(text) == ["sources add"]
    assert "export" in undocumented("aifacts exports")


def test_help_lists_every_design_command():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    listed = set(re.findall(r"^│ ([a-z][a-z-]*) {2,}", result.stdout, flags=re.M))
    wanted = set(design_commands()) | set(EXTRA_COMMANDS)
    assert {"refresh", "sources", "query", "factories", "conflicts", "explain", "history", "eval", "serve",
            "export"} <= wanted
    assert wanted <= listed, f"missing from aifacts --help: {sorted(wanted - listed)}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_option_has_help(name: str):
    command = COMMANDS[name]
    assert (command.help or "").strip(), f"`aifacts {name}` has no help text"
    for param in command.params:
        if param.name == "help":
            continue
        assert (getattr(param, "help", None) or "").strip(), f"`aifacts {name}`: {param.name} has no help"
    result = CliRunner().invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout


def test_every_table_command_offers_json():
    tabular = [n for n, c in LEAVES.items() if any("--format" in p.opts and p.default == "table" for p in c.params)]
    assert {"query", "factories", "conflicts", "history", "sources list"} <= set(tabular)
    lacking = [n for n in tabular if not any("--json" in p.opts for p in LEAVES[n].params)]
    assert not lacking, f"table commands without --json: {lacking}"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.flows.sample_warehouse import sample_warehouse

    return sample_warehouse(tmp_path_factory.getbasetemp())


@pytest.mark.parametrize("args", [["factories"], ["conflicts", "--all"], ["history"],
                                  ["query", "SELECT factory_id, city FROM factories"], ["explain", "MIMER", "city"],
                                  ["sources", "list"], ["sources", "check"]])
def test_json_output_parses(args: list[str], warehouse: Path):
    uses_warehouse = args[0] != "sources"
    extra = ["--warehouse", str(warehouse)] if uses_warehouse else ["--sources", str(ROOT / "configs" / "sources.yaml")]
    result = CliRunner().invoke(app, [*args, *extra, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data, f"`aifacts {' '.join(args)} --json` printed an empty result"


def sql_blocks(readme: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```sql\n(.*?)```", readme, flags=re.S)]


def test_readme_sql_examples_run_on_a_real_warehouse(warehouse: Path):
    from warehouse.queries import run_query

    readme = ROOT / "README.md"
    assert readme.exists(), "README.md is missing: it must show example queries"
    blocks = sql_blocks(readme.read_text(encoding="utf-8"))
    assert len(blocks) >= 5, f"README.md shows {len(blocks)} ```sql examples; the warehouse section needs 5"
    for sql in blocks:
        columns, _ = run_query(warehouse, sql)  # raises QueryError naming the query's problem
        assert columns, sql
