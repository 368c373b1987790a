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
