"""The event-built reader of sources files must read exactly what `yaml.safe_load` reads."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.yaml_events import load_plain

SAMPLES = [
    "sources:\n- name: a\n  published: 2024-12-10\n  trust: official\n- {name: b, trust: press, lang: de}\n",
    "a: 1\nb: [1, 2.5, null, true, no, on, 2025-03-12, '2025-03-12']\nc: {x: y, z: [[], {}]}\n",
    "x: '012'\ny: 012\nz: 0x1f\nw: ~\nv: |\n  two\n  lines\n",
    "- 1\n- - 2\n  - 3\n",
    "",
    "just a scalar\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_reads_what_safe_load_reads(text: str) -> None:
    assert load_plain(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", [
    "base: &b {trust: press}\nother: *b\n",                   # anchor and alias
    "base: &b {trust: press}\nother:\n  <<: *b\n  name: x\n",  # merge key
    "a: !!str 12\n",                                            # explicit tag
    "? [a, b]\n: complex key\n",                                # a key that is not a scalar
])
def test_leaves_anchors_tags_and_complex_keys_to_the_full_loader(text: str) -> None:
    assert load_plain(text) is None


def test_invalid_yaml_raises_like_pyyaml() -> None:
    with pytest.raises(yaml.YAMLError):
        load_plain("sources:\n  - name: a\n - name: b\n")


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                     st.floats(allow_nan=False, allow_infinity=False),
                     st.text(max_size=20), st.dates(min_value=date(1900, 1, 1)))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(_values, st.sampled_from([False, True]))
def test_any_dumped_document_reads_back_equal(value, flow: bool) -> None:
    text = yaml.safe_dump({"sources": value}, allow_unicode=True, default_flow_style=flow)
    assert load_plain(text) == yaml.safe_load(text)
