"""Progress bars: drawn on a terminal, silent in CI, in pipes and when switched off."""

from __future__ import annotations

import io

import pytest

from flows import progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> FakeTerminal:
    """A stderr that claims to be a terminal. pytest re-installs its own capture at the
    start of the call phase, so the swap happens on first use inside the test."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("AIFACTS_NO_PROGRESS", raising=False)
    fake = FakeTerminal()
    original = progress.track

    def track(*args, **kwargs):  # noqa: ANN002, ANN003
        monkeypatch.setattr("sys.stderr", fake)
        return original(*args, **kwargs)

    monkeypatch.setattr(progress, "track", track)
    return fake


def test_bar_is_drawn_on_a_terminal_and_items_pass_unchanged(terminal: FakeTerminal):
    items = list(progress.track(range(5), "extracting documents"))
    assert items == [0, 1, 2, 3, 4]
    assert "extracting documents" in terminal.getvalue()


@pytest.mark.parametrize("switch", ["ci", "quiet", "configured-off", "pipe"])
def test_bar_stays_off(switch: str, terminal: FakeTerminal, monkeypatch: pytest.MonkeyPatch):
    enabled = None
    if switch == "ci":
        monkeypatch.setenv("CI", "true")
    elif switch == "quiet":
        enabled = False
    elif switch == "pipe":
        monkeypatch.setattr(terminal, "isatty", lambda: False)
    with progress.configured(False if switch == "configured-off" else None):
        assert list(progress.track(iter("abc"), "fetching", enabled)) == ["a", "b", "c"]
    assert terminal.getvalue() == ""


def test_batches_advance_by_their_size(terminal: FakeTerminal):
    batches = [[1, 2, 3], [4, 5]]
    assert list(progress.track(batches, "extracting", total=5, size=len)) == batches
    assert "5/5" in terminal.getvalue()


def test_a_session_shows_a_line_from_the_start_and_takes_steps(terminal: FakeTerminal, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("sys.stderr", terminal)
    with progress.session("refreshing 3 sources", True):
        progress.advance("reading sources", total=3)
        progress.advance("reading sources", 2)
        assert list(progress.track([1, 2], "extracting")) == [1, 2]
        tasks = {t.description: (t.completed, t.total) for t in progress._session.tasks}
    assert tasks["reading sources"] == (3, 3) and tasks["refreshing 3 sources"] == (0, None)
    assert "extracting" not in tasks, "a bar of `track` leaves the session when its items are done"
    assert "refreshing 3 sources" in terminal.getvalue()
    progress.advance("after the session")  # a no-op, no error
    assert progress._session is None


def test_a_session_stays_off_in_ci(terminal: FakeTerminal, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setenv("CI", "true")
    with progress.session("refreshing", True):
        progress.advance("reading sources")
        assert progress._session is None
    assert terminal.getvalue() == ""
