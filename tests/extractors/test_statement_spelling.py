"""A value's spelling is the same however often it is asked for (strings are remembered)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from extractors import statement
from extractors.statement import canonical_json


@given(st.one_of(st.text(), st.integers(), st.lists(st.text(max_size=3), max_size=3),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=3)))
def test_a_value_is_spelled_as_json_with_sorted_keys_every_time(value) -> None:
    expected = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert canonical_json(value) == expected
    assert canonical_json(value) == expected  # the remembered spelling is the same


def test_the_remembered_spellings_stay_bounded(monkeypatch) -> None:
    monkeypatch.setattr(statement, "_SPELLED_MAX", 10)
    statement._SPELLED.clear()
    for n in range(35):
        assert canonical_json(f"city {n}") == f'"city {n}"'
        assert len(statement._SPELLED) <= 10
