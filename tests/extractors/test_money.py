"""Money finder: currencies before/after, scales, qualifiers, ranges, other currencies."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import pytest

from extractors.money import find_money, normalise_money_text


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        ("en", "The ministry pledged at least €600 million to it.", {"amount": 600_000_000, "qualifier": "at_least"}),
        ("en", "It will cost EUR 3.2 billion overall.", {"amount": 3_200_000_000, "qualifier": "exact"}),
        ("en", "a €2.5bn plan", {"amount": 2_500_000_000, "qualifier": "exact"}),
        ("en", "worth some €40m", {"amount": 40_000_000, "qualifier": "about"}),
        ("en", "funding of up to 75 million euros", {"amount": 75_000_000, "qualifier": "up_to"}),
        ("en", "more than €1 billion", {"amount": 1_000_000_000, "qualifier": "more_than"}),
        ("en", "nearly €90 million", {"amount": 90_000_000, "qualifier": "about"}),
        ("en", "a grant of €300–400 million", {"min": 300_000_000, "max": 400_000_000, "qualifier": "range"}),
        ("en", "between 50 and 70 million euros", {"min": 50_000_000, "max": 70_000_000, "qualifier": "range"}),
        ("en", "a 12 billion CZK investment", {"amount": 12_000_000_000, "qualifier": "exact", "currency": "CZK"}),
        ("de", "Der Bund gibt mindestens 2,4 Mrd. Euro.", {"amount": 2_400_000_000, "qualifier": "at_least"}),
        ("de", "Kosten von rund 45 Mio. Euro", {"amount": 45_000_000, "qualifier": "about"}),
        ("de", "bis zu 700 Millionen Euro", {"amount": 700_000_000, "qualifier": "up_to"}),
        ("de", "zwischen 20 und 30 Mio. €", {"min": 20_000_000, "max": 30_000_000, "qualifier": "range"}),
        ("fr", "un budget de 3,4 milliards d'euros", {"amount": 3_400_000_000, "qualifier": "exact"}),
        ("fr", "près de 250 millions d’euros", {"amount": 250_000_000, "qualifier": "about"}),
        ("fr", "au moins 12 M€", {"amount": 12_000_000, "qualifier": "at_least"}),
        ("it", "un costo di 310 milioni di euro", {"amount": 310_000_000, "qualifier": "exact"}),
        ("it", "oltre 2 miliardi di euro", {"amount": 2_000_000_000, "qualifier": "more_than"}),
        ("es", "una inversión de 175 millones de euros", {"amount": 175_000_000, "qualifier": "exact"}),
        ("es", "al menos 60 millones de euros", {"amount": 60_000_000, "qualifier": "at_least"}),
        ("ca", "uns 35 milions d'euros", {"amount": 35_000_000, "qualifier": "about"}),
        ("el", "ύψους 48 εκατ. ευρώ", {"amount": 48_000_000, "qualifier": "exact"}),
        ("el", "τουλάχιστον 2 δισ. ευρώ", {"amount": 2_000_000_000, "qualifier": "at_least"}),
        ("nl", "ten minste 80 miljoen euro", {"amount": 80_000_000, "qualifier": "at_least"}),
        ("pl", "co najmniej 5 mln euro", {"amount": 5_000_000, "qualifier": "at_least"}),
        ("pt", "pelo menos 9 milhões de euros", {"amount": 9_000_000, "qualifier": "at_least"}),
        ("cs", "nejméně 4 miliardy korun", {"amount": 4_000_000_000, "qualifier": "at_least", "currency": "CZK"}),
        ("lt", "ne mažiau kaip 7 mln. eurų", {"amount": 7_000_000, "qualifier": "at_least"}),
        ("ro", "cel puțin 3 milioane euro", {"amount": 3_000_000, "qualifier": "at_least"}),
    ],
)
def test_value(lang: str, text: str, value: dict) -> None:
    found = find_money(text, lang)
    assert [m.value for m in found] == [value]
    m = found[0]
    assert text[m.start:m.end] == m.text


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The machine has 2,000 nodes and 40 racks."),
        ("en", "The EU pays 50% of the cost."),
        ("de", "Im Jahr 2026 gehen 300 Forscher ans Werk."),
        ("fr", "Il y a 7 usines pour cent projets."),
    ],
)
def test_no_money_without_currency(lang: str, text: str) -> None:
    assert find_money(text, lang) == []


def test_qualifier_is_in_span() -> None:
    (m,) = find_money("they expect at least €5 million", "en")
    assert m.text == "at least €5 million"


def test_normalise_cell() -> None:
    assert normalise_money_text("€ 120 M", "en") == {"amount": 120_000_000, "qualifier": "exact"}
    assert normalise_money_text("n/a", "en") is None


def _format(amount_millions: int, decimals: int, lang: str) -> tuple[str, float]:
    """Write an amount the way a newspaper of that language would."""
    whole = amount_millions
    frac = decimals
    styles = {
        "en": (f"€{whole}.{frac} million", 1e6),
        "de": (f"{whole},{frac} Mio. Euro", 1e6),
        "fr": (f"{whole},{frac} millions d'euros", 1e6),
        "it": (f"{whole},{frac} milioni di euro", 1e6),
        "es": (f"{whole},{frac} millones de euros", 1e6),
        "nl": (f"{whole},{frac} miljoen euro", 1e6),
        "el": (f"{whole},{frac} εκατ. ευρώ", 1e6),
        "pl": (f"{whole},{frac} mln euro", 1e6),
    }
    text, scale = styles[lang]
    return text, (whole + frac / 10) * scale


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 999), st.integers(0, 9), st.sampled_from(["en", "de", "fr", "it", "es", "nl", "el", "pl"]))
def test_round_trip(whole: int, frac: int, lang: str) -> None:
    text, expected = _format(whole, frac, lang)
    value = normalise_money_text(f"Budget: {text}.", lang)
    assert value is not None and abs(value["amount"] - expected) < 1


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(["en", "de", "fr", "it", "es", "nl", "pt", "el", "ca", "xx"]))
def test_never_raises(text: str, lang: str) -> None:
    for m in find_money(text, lang):
        assert 0 <= m.start < m.end <= len(text)
        assert m.value["qualifier"] in {"exact", "about", "at_least", "more_than", "up_to", "less_than", "range"}


def test_currency_pre_check_never_skips_a_text_with_a_currency() -> None:
    """`find_money` skips a text whose word pieces hold no currency head; that is only
    safe if every text the full currency pattern matches has such a piece."""
    import json
    from pathlib import Path

    from extractors.money import _grammar

    shared = Path(__file__).resolve().parents[2] / ".." / "shared"
    texts = []
    for path in sorted((shared / "peers").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text")
            if isinstance(text, str):
                texts.append(text)
    checked = 0
    for lang in ("en", "de", "fr", "it", "es", "nl", "pt", "pl", "el", "ro", "cs", "lt"):
        g = _grammar(lang)
        for text in texts:
            if g.search_currency(text):
                checked += 1
                assert g.has_currency(text), (lang, text)
    assert checked > 500


_LEFT_WORDS = ["about", "some", "over", "up to", "at least", "rund", "mindestens", "bis zu", "environ", "près de",
               "circa", "oltre", "unos", "más de", "ruim", "€", "EUR", "eur", "USD", "$", "£", "CHF", "zł", "Kč",
               "ca.", "approx.", "d'", "l’", "x", "AI", "7", "-", "(", ",", "  ", "\n", "ſ", "Ω"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_LEFT_WORDS), max_size=5).map(" ".join), st.sampled_from(["", " ", "  "]),
       st.sampled_from(["en", "de", "fr", "it", "es", "nl", "pt", "pl", "el", "cs"]))
def test_the_left_context_is_searched_wherever_it_can_match(before: str, gap: str, lang: str) -> None:
    """Before a number the qualifier-and-currency search is skipped when the character
    before it cannot end one; skipping must never lose a match the search would find."""
    from extractors.money import _WINDOW, _grammar, _may_end_left

    g = _grammar(lang)
    text = before + gap + "42 million"
    end = len(before + gap)
    lo = max(0, end - _WINDOW)
    left = g.left_re.search(text, lo, end)
    if left is not None and (left.group("qual") or left.group("cur")):
        assert _may_end_left(text, lo, end, g.left_ends), (lang, text)
