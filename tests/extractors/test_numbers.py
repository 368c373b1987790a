"""Number finder: separators per language, scale words, number words, fallback."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.lexicon import load_lexicon
from extractors.numbers import find_numbers, parse_digits


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "The hall seats 1,234.5 people", 1234.5),
        ("en", "roughly 2,1 per cent higher", 2.1),
        ("de", "Es sind 1.234,5 Tonnen", 1234.5),
        ("de", "Das Budget liegt bei 1.5 Milliarden", 1_500_000_000),
        ("fr", "On compte 12 500 visiteurs", 12500),
        ("fr", "soit 2,1 milliards", 2_100_000_000),
        ("it", "circa 430 milioni", 430_000_000),
        ("es", "unos 198 millones", 198_000_000),
        ("nl", "ruim 1,7 miljard", 1_700_000_000),
        ("pl", "około 2 mln", 2_000_000),
        ("el", "περίπου 30 εκατ.", 30_000_000),
        ("de", "rund 30 Mio. Besucher", 30_000_000),
        ("en", "a budget of 1.5bn", 1_500_000_000),
        ("en", "half a billion", 500_000_000),
        ("en", "two hundred and five thousand", 205_000),
        ("de", "dreihundertzwölf Gäste", 312),
        ("fr", "quatre-vingt-dix-neuf ans", 99),
        ("es", "dos mil millones", 2_000_000_000),
        ("it", "tre milioni e mezzo", 3_500_000),
        ("pt", "dois milhões e meio", 2_500_000),
        ("nl", "anderhalf miljoen", 1_500_000),
    ],
)
def test_finds_value(lang: str, text: str, expected: float) -> None:
    values = [m.value for m in find_numbers(text, lang)]
    assert any(abs(v - expected) <= 1e-9 * max(1, expected) for v in values), values


def test_span_covers_scale_word() -> None:
    text = "It costs 2,1 milliards today"
    (m,) = find_numbers(text, "fr")
    assert text[m.start:m.end] == "2,1 milliards"
    assert m.scale == 1e9


def test_percent_is_flagged() -> None:
    (m,) = find_numbers("a share of 50 % of the cost", "en")
    assert m.percent and m.value == 50


def test_range_parts_stay_apart() -> None:
    values = [m.value for m in find_numbers("between 100 and 200 million", "en")]
    assert values == [100, 200_000_000]


def test_dates_are_not_one_number() -> None:
    assert parse_digits("10.12.2024", ",") is None
    assert parse_digits("1.234.567", ",") == 1234567
    assert parse_digits("1,5", ".") == parse_digits("1.5", ",")


def test_articles_alone_are_not_numbers() -> None:
    assert find_numbers("un projet et une usine", "fr") == []
    assert find_numbers("ein Projekt", "de") == []


def test_language_without_list_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    load_lexicon.cache_clear()
    with caplog.at_level(logging.WARNING):
        lex = load_lexicon("numbers", "is")
    assert lex.fallback is True
    assert "is" in caplog.text
    assert load_lexicon("numbers", "de").fallback is False
    assert load_lexicon("numbers", "sv").fallback is False
    values = [m.value for m in find_numbers("alls 30 Mio", "is")]
    assert values == [30_000_000]


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(["en", "de", "fr", "it", "es", "nl", "pt", "el", "xx"]))
def test_never_raises(text: str, lang: str) -> None:
    for m in find_numbers(text, lang):
        assert 0 <= m.start < m.end <= len(text)
