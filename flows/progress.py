"""Progress bars for the slow steps of a refresh (fetch, extraction).

A person at a terminal wants to see that a long run moves; a CI log or a script wants
no redrawn lines. So bars show only on a terminal, never under CI, never under
`--quiet`; the CLI states its wish once with `configure`, the flow just calls `track`.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")

_wanted: bool | None = None  # None: decide from the terminal and the environment
_session = None  # the command's one live display (rich Progress), while `session` runs


def configure(enabled: bool | None) -> None:
    """True forces bars on (if stderr is a terminal), False off, None back to automatic."""
    global _wanted
    _wanted = enabled


@contextmanager
def configured(enabled: bool | None) -> Iterator[None]:
    """`configure` for the length of a block; restores the previous wish afterwards."""
    global _wanted
    before = _wanted
    _wanted = enabled
    try:
        yield
    finally:
        _wanted = before


def active(enabled: bool | None = None) -> bool:
    """Whether bars would be drawn: an explicit `enabled` wins over `configure`; CI
    (env CI set) and a non-terminal stderr always switch them off."""
    wish = _wanted if enabled is None else enabled
    if wish is False or os.environ.get("CI") or os.environ.get("AIFACTS_NO_PROGRESS"):
        return False
    return sys.stderr.isatty()


def _columns() -> tuple:
    from rich.progress import BarColumn, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.text import Text

    class Count(ProgressColumn):
        """'3/10' for a counted task, nothing for the spinner line."""

        def render(self, task) -> Text:  # noqa: ANN001
            return Text("" if task.total is None else f"{task.completed:.0f}/{task.total:.0f}")

    return (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), Count(), TimeElapsedColumn())


@contextmanager
def session(description: str, enabled: bool | None = None) -> Iterator[None]:
    """One live display on stderr for a whole command, from its first second: a spinner line
    with the elapsed time (while Prefect starts, sources are read, the writer runs); the
    bars that `track` opens inside it join the same display. Off where `active` says so."""
    global _session
    if not active(enabled) or _session is not None:
        yield
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(*_columns(), console=Console(stderr=True), transient=True) as bar:
        bar.add_task(description, total=None)
        _session = bar
        try:
            yield
        finally:
            _session = None


def advance(description: str, n: int = 1, total: int | None = None) -> None:
    """One step of a named task inside the command's `session` (e.g. a source read, for a
    bar that moves per source rather than per batch); nothing outside a session. The task
    appears at its first step; `total` sets its length."""
    shared = _session
    if shared is None:
        return
    tasks = {t.description: t.id for t in shared.tasks}
    if description not in tasks:
        tasks[description] = shared.add_task(description, total=total)
    elif total is not None:
        shared.update(tasks[description], total=total)
    shared.advance(tasks[description], n)


def track(iterable: Iterable[T], description: str, enabled: bool | None = None, total: int | None = None,
          size: Callable[[T], int] | None = None) -> Iterator[T]:
    """Yields the items of `iterable` unchanged, advancing a bar on stderr when `active`.
    `size` weighs an item (a batch counts as its documents); `total` is in those units
    and defaults to len(iterable) when it has one."""
    if total is None and size is None and hasattr(iterable, "__len__"):
        total = len(iterable)  # type: ignore[arg-type]
    shared = _session
    if shared is not None and enabled is not False:
        task = shared.add_task(description, total=total)
        try:
            for item in iterable:
                yield item
                shared.advance(task, size(item) if size else 1)
        finally:
            shared.remove_task(task)
        return
    if not active(enabled):
        yield from iterable
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(*_columns(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        for item in iterable:
            yield item
            bar.advance(task, size(item) if size else 1)
