"""How the command line fails: one line on stderr that names the thing and the fix, and an exit code.

Exit codes (README, "Exit codes"):
  0  done
  1  a partial or failed run, a refused or failed query, nothing found to explain
  2  a usage or config error: a bad option, a missing or unreadable file, an invalid sources or gold file
  3  the warehouse is locked by another refresh
  4  an internal error (a bug): the line says so; AIFACTS_DEBUG=1 shows the traceback
  130 interrupted (Ctrl-C)

Errors are recognised by their class names along the MRO, so this module imports no stage
(the CLI's start-up stays light) and a new subclass of a known error is mapped like its parent.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any, Sequence

from typer import _click
from typer.core import TyperGroup
from typer.exceptions import Abort, Exit

OK, PARTIAL, USAGE, LOCKED, INTERNAL = 0, 1, 2, 3, 4

# class name -> exit code; the first name found along the exception's MRO wins
CODES: dict[str, int] = {
    "WarehouseLocked": LOCKED, "WarehouseBusy": LOCKED,
    "QueryError": PARTIAL, "ExplainError": PARTIAL, "ContractError": PARTIAL, "EvaluationError": PARTIAL,
    "ServeError": PARTIAL,
    "NotAWarehouse": USAGE, "RegistryError": USAGE, "ConfigError": USAGE, "MigrationError": USAGE,
    "GoldFormatError": USAGE, "ScheduleError": USAGE, "ReportError": USAGE, "SourceCheckError": USAGE,
    "WarehouseError": PARTIAL,
    "FileNotFoundError": USAGE, "IsADirectoryError": USAGE, "NotADirectoryError": USAGE,
    "PermissionError": USAGE, "UnicodeDecodeError": USAGE, "OSError": USAGE,
    "Error": PARTIAL,  # duckdb.Error and its subclasses, when a command did not wrap them
}
# what to do next, by class name, when the message itself does not say
FIXES: dict[str, str] = {
    "WarehouseLocked": "wait for the other refresh to finish, then try again",
    "WarehouseBusy": "wait for the running refresh to finish, then try again",
    "FileNotFoundError": "check the path",
    "PermissionError": "check the file's permissions",
    "IsADirectoryError": "name a file, not a folder",
    "UnicodeDecodeError": "the file must be UTF-8 text",
}


def one_line(text: str) -> str:
    """Any message on one line: DuckDB's multi-line errors and wrapped texts joined."""
    return re.sub(r"\s*\n\s*", " ", str(text)).strip()


def classify(exc: BaseException) -> tuple[int, str]:
    """(exit code, the line to print) for an exception a command let through."""
    names = [c.__name__ for c in type(exc).__mro__]
    code = next((CODES[n] for n in names if n in CODES), INTERNAL)
    if isinstance(exc, OSError) and exc.strerror:  # "x.yaml: No such file or directory", not "[Errno 2] ..."
        message = f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    else:
        message = one_line(str(exc)) or type(exc).__name__
    fix = next((FIXES[n] for n in names if n in FIXES), None)
    if fix and fix not in message:
        message = f"{message} ({fix})"
    if code == INTERNAL:
        message = (f"internal error, {type(exc).__name__}: {message} (a bug: rerun with AIFACTS_DEBUG=1 "
                   "for the traceback and report it)")
    return code, message


def say(prog: str, message: str) -> None:
    """One line on stderr, prefixed by the command that speaks."""
    sys.stderr.write(f"{prog}: {one_line(message)}\n")
    sys.stderr.flush()


class AifactsGroup(TyperGroup):
    """The top-level group: maps what a command raised to one line and an exit code, and
    prints click's usage errors on one line too (typer's default is a framed panel)."""

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (Exit, Abort, _click.exceptions.ClickException):
            raise
        except BrokenPipeError:  # the reader went away (`| head`): nothing to say
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so the exit's flush cannot fail again
            raise Exit(PARTIAL) from None
        except Exception as exc:  # every other failure: one line, the documented code
            if os.environ.get("AIFACTS_DEBUG"):
                raise
            code, message = classify(exc)
            say(_deepest(ctx), message)
            raise Exit(code) from None

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        prog_name = "aifacts"  # also under `python -m flows.cli` and test runners
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _click.exceptions.NoArgsIsHelpError as exc:
            sys.stdout.write(exc.ctx.get_help() + "\n" if exc.ctx else "")
            sys.exit(0)
        except _click.exceptions.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "aifacts"
            say(where, f"{exc.format_message()} (see `{where} --help`)")
            sys.exit(USAGE)
        except _click.exceptions.ClickException as exc:
            say(prog_name, exc.format_message())
            sys.exit(exc.exit_code)
        except Abort:
            say(prog_name, "aborted")
            sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else OK)


def _deepest(ctx: Any) -> str:
    """The command that ran, e.g. 'aifacts sources add': each group (the top one and
    `sources`) is an AifactsGroup, so the innermost group names its subcommand."""
    return " ".join(p for p in (ctx.command_path, ctx.invoked_subcommand) if p)
