"""Money in every language the sources use (issue 22): ranges, bounds, currencies from
CLDR, cents, "kr" by language, amounts in words. The cases are the team's own sentences.

Each case names its language first, so `pytest -v` counts passes per language."""

from __future__ import annotations

from typing import Any

import pytest

from extractors.money import find_money


def _one(text: str, lang: str) -> dict[str, Any]:
    found = find_money(text, lang)
    assert len(found) == 1, [(m.text, m.value) for m in found]
    assert text[found[0].start:found[0].end] == found[0].text
    return found[0].value


def _rng(lo: float, hi: float, cur: str | None = None) -> dict[str, Any]:
    v: dict[str, Any] = {"min": lo, "max": hi, "qualifier": "range"}
    if cur:
        v["currency"] = cur
    return v


def _amt(amount: float, qual: str = "exact", cur: str | None = None) -> dict[str, Any]:
    v: dict[str, Any] = {"amount": amount, "qualifier": qual}
    if cur:
        v["currency"] = cur
    return v


M = 1_000_000
B = 1_000_000_000

RANGES = [
    ("en", "The lab asks for €30–45 million in total.", _rng(30 * M, 45 * M)),
    ("en", "Tickets cost 10 - 20 euro at the door.", _rng(10, 20)),
    ("en", "Each rack costs 10 euro - 20 euro more.", _rng(10, 20)),
    ("en", "a grant of 5 to 8 million euros", _rng(5 * M, 8 * M)),
    ("en", "between $2 and $3 billion", _rng(2 * B, 3 * B, "USD")),
    ("de", "Das Land gibt 40 bis 60 Millionen Euro.", _rng(40 * M, 60 * M)),
    ("de", "von 3 bis 5 Mio. €", _rng(3 * M, 5 * M)),
    ("fr", "de 12 à 15 millions d'euros", _rng(12 * M, 15 * M)),
    ("fr", "entre 7 euros et 9 euros", _rng(7, 9)),
    ("it", "tra 20 e 25 milioni di euro", _rng(20 * M, 25 * M)),
    ("it", "da 4 a 6 milioni di euro", _rng(4 * M, 6 * M)),
    ("es", "entre 80 y 90 millones de euros", _rng(80 * M, 90 * M)),
    ("es", "de 2 a 3 millones de euros", _rng(2 * M, 3 * M)),
    ("ca", "entre 6 i 9 milions d'euros", _rng(6 * M, 9 * M)),
    ("nl", "tussen 15 en 18 miljoen euro", _rng(15 * M, 18 * M)),
    ("nl", "van 1 tot 2 miljard euro", _rng(1 * B, 2 * B)),
    ("pt", "entre 30 e 40 milhões de euros", _rng(30 * M, 40 * M)),
    ("ro", "între 5 și 7 milioane de euro", _rng(5 * M, 7 * M)),
    ("el", "από 10 έως 12 εκατ. ευρώ", _rng(10 * M, 12 * M)),
    ("pl", "od 100 do 120 mln zł", _rng(100 * M, 120 * M, "PLN")),
    ("cs", "od 2 do 3 miliard korun", _rng(2 * B, 3 * B, "CZK")),
    ("sv", "mellan 3 och 4 miljarder kronor", _rng(3 * B, 4 * B, "SEK")),
    ("da", "fra 200 til 300 millioner kroner", _rng(200 * M, 300 * M, "DKK")),
    ("no", "mellom 5 og 6 milliarder kroner", _rng(5 * B, 6 * B, "NOK")),
    ("fi", "10–12 miljoonaa euroa", _rng(10 * M, 12 * M)),
    ("bg", "от 50 до 70 млн. лева", _rng(50 * M, 70 * M, "BGN")),
    ("sl", "od 20 do 30 milijonov evrov", _rng(20 * M, 30 * M)),
    ("hr", "od 40 do 50 milijuna eura", _rng(40 * M, 50 * M)),
    ("uk", "від 10 до 15 мільйонів євро", _rng(10 * M, 15 * M)),
]

BOUNDS = [
    ("en", "lower than €7 per user", _amt(7, "less_than")),
    ("en", "under 300 million euros", _amt(300 * M, "less_than")),
    ("en", "greater than €2 billion", _amt(2 * B, "more_than")),
    ("en", "at least £40 million", _amt(40 * M, "at_least", "GBP")),
    ("en", "up to $9 million", _amt(9 * M, "up_to", "USD")),
    ("de", "weniger als 8 Mio. Euro", _amt(8 * M, "less_than")),
    ("de", "höchstens 12 Millionen Euro", _amt(12 * M, "up_to")),
    ("fr", "plus que 10 euros", _amt(10, "more_than")),
    ("fr", "moins de 6 millions d'euros", _amt(6 * M, "less_than")),
    ("it", "meno di 4 milioni di euro", _amt(4 * M, "less_than")),
    ("it", "non più di 3 milioni di euro", _amt(3 * M, "up_to")),
    ("es", "menos de 9 millones de euros", _amt(9 * M, "less_than")),
    ("es", "más de 70 millones de euros", _amt(70 * M, "more_than")),
    ("ca", "més de 12 milions d'euros", _amt(12 * M, "more_than")),
    ("nl", "lager dan 9€", _amt(9, "less_than")),
    ("nl", "minder dan 4 euros", _amt(4, "less_than")),
    ("nl", "hoger dan 50 miljoen euro", _amt(50 * M, "more_than")),
    ("pt", "menos de 5 milhões de euros", _amt(5 * M, "less_than")),
    ("pt", "até 8 milhões de euros", _amt(8 * M, "up_to")),
    ("ro", "mai puțin de 9 EUR", _amt(9, "less_than")),
    ("ro", "mai puţin de 9 EUR", _amt(9, "less_than")),
    ("ro", "sub opt euro", _amt(8, "less_than")),
    ("ro", "peste 20 de milioane de euro", _amt(20 * M, "more_than")),
    ("el", "λιγότερο από 3 εκατ. ευρώ", _amt(3 * M, "less_than")),
    ("pl", "mniej niż 30 mln zł", _amt(30 * M, "less_than", "PLN")),
    ("pl", "ponad 2 mld euro", _amt(2 * B, "more_than")),
    ("cs", "méně než 5 milionů korun", _amt(5 * M, "less_than", "CZK")),
    ("sv", "mindre än 8 miljoner kronor", _amt(8 * M, "less_than", "SEK")),
    ("sv", "minst 2 miljarder euro", _amt(2 * B, "at_least")),
    ("da", "mere end 4 mia. kr.", _amt(4 * B, "more_than", "DKK")),
    ("da", "op til 30 millioner euro", _amt(30 * M, "up_to")),
    ("no", "opptil 12 milliarder kroner", _amt(12 * B, "up_to", "NOK")),
    ("no", "under 5 millioner euro", _amt(5 * M, "less_than")),
    ("fi", "yli 30 miljoonaa euroa", _amt(30 * M, "more_than")),
    ("fi", "alle 5 miljoonaa euroa", _amt(5 * M, "less_than")),
    ("bg", "над 60 млн. евро", _amt(60 * M, "more_than")),
    ("bg", "поне 10 млн. лева", _amt(10 * M, "at_least", "BGN")),
    ("sl", "vsaj 40 milijonov evrov", _amt(40 * M, "at_least")),
    ("hr", "više od 70 milijuna eura", _amt(70 * M, "more_than")),
    ("sk", "najmenej 6 miliónov eur", _amt(6 * M, "at_least")),
    ("hu", "legalább 30 millió forint", _amt(30 * M, "at_least", "HUF")),
    ("hu", "több mint 2 milliárd forint", _amt(2 * B, "more_than", "HUF")),
    ("uk", "понад 100 мільйонів євро", _amt(100 * M, "more_than")),
    ("lt", "mažiau nei 8 mln. eurų", _amt(8 * M, "less_than")),
]

CURRENCIES = [
    # ISO codes, CLDR symbols and display names, singular and plural
    ("en", "a fee of 300 CHF a year", _amt(300, cur="CHF")),
    ("en", "it sold for 12 Hungarian forints", _amt(12, cur="HUF")),
    ("en", "worth 45 Swedish kronor", _amt(45, cur="SEK")),
    ("en", "R$ 2,50 per kilo", _amt(2.5, cur="BRL")),
    ("en", "US$ 14 per hour", _amt(14, cur="USD")),
    ("en", "700 ISK for a coffee", _amt(700, cur="ISK")),
    ("en", "it costs 9 pounds", _amt(9, cur="GBP")),
    ("de", "für 35 Schweizer Franken", _amt(35, cur="CHF")),
    ("de", "rund 30 Mio. Euro", _amt(30 * M, "about")),
    ("fr", "un prix de 8 francs suisses", _amt(8, cur="CHF")),
    ("fr", "un budget de 14 M€", _amt(14 * M)),
    ("fr", "neuf pounds", _amt(9, cur="GBP")),
    ("it", "costa 6 sterline", _amt(6, cur="GBP")),
    ("es", "unos 40 dólares estadounidenses", _amt(40, "about", "USD")),
    ("pt", "custa 15 reais", _amt(15, cur="BRL")),
    ("nl", "voor 12 Zwitserse frank", _amt(12, cur="CHF")),
    ("pl", "za 250 mln zł", _amt(250 * M, cur="PLN")),
    ("pl", "kosztuje 40 złotych", _amt(40, cur="PLN")),
    ("cs", "stojí 120 Kč", _amt(120, cur="CZK")),
    ("cs", "za 3 miliardy korun", _amt(3 * B, cur="CZK")),
    ("ro", "un bilet de 30 de lei", _amt(30, cur="RON")),
    ("sv", "kostar 99 kr", _amt(99, cur="SEK")),
    ("sv", "20 svenska kronor", _amt(20, cur="SEK")),
    ("da", "koster 75 kr.", _amt(75, cur="DKK")),
    ("da", "12 danske kroner", _amt(12, cur="DKK")),
    ("no", "koster 60 kr", _amt(60, cur="NOK")),
    ("no", "8 norske kroner", _amt(8, cur="NOK")),
    ("bg", "струва 15 лв.", _amt(15, cur="BGN")),
    ("hu", "ára 4 500 Ft", _amt(4500, cur="HUF")),
    ("uk", "коштує 200 гривень", _amt(200, cur="UAH")),
    ("hr", "stoji 30 eura", _amt(30)),
    ("fi", "maksaa 12 euroa", _amt(12)),
    ("el", "κοστίζει 25 ευρώ", _amt(25)),
    ("sl", "stane 18 evrov", _amt(18)),
    ("sk", "stojí 9 eur", _amt(9)),
    ("ca", "costa 8 francs suïssos", _amt(8, cur="CHF")),
    ("ca", "12 lliures esterlines", _amt(12, cur="GBP")),
]

SIMPLE_EUR = [
    ("en", "It costs 20 euros.", _amt(20)),
    ("es", "Cuesta 20 euros.", _amt(20)),
    ("fr", "Ça coûte 20 euros.", _amt(20)),
    ("it", "Costa 20 euro.", _amt(20)),
    ("nl", "Het kost 20 euros.", _amt(20)),
    ("nl", "Het kost 20 Euros.", _amt(20)),
    ("pt", "Custa 20 euros.", _amt(20)),
    ("ro", "Costă 20 de euro.", _amt(20)),
    ("sv", "Det kostar 20 euros.", _amt(20)),
    ("sv", "Det kostar 20 Euros.", _amt(20)),
    ("sv", "Det kostar 20 euro.", _amt(20)),
]

CENTS_AND_WORDS = [
    ("en", "it was 20 dollars and 43 cents", _amt(20.43, cur="USD")),
    ("en", "$20 and 43c", _amt(20.43, cur="USD")),
    ("en", "US$3 and fourteen", _amt(3.14, cur="USD")),
    ("en", "a dollar", _amt(1, cur="USD")),
    ("en", "eleven euros", _amt(11)),
    ("ro", "10 lei și 50 de bani", _amt(10.5, cur="RON")),
    ("fr", "13 euros et 45 centimes", _amt(13.45)),
    ("de", "5 Euro und 20 Cent", _amt(5.2)),
    ("de", "einen Euro", _amt(1)),
    ("es", "diez dollars", _amt(10, cur="USD")),
    ("es", "7 euros con 30 céntimos", _amt(7.3)),
    ("it", "4 euro e 50 centesimi", _amt(4.5)),
    ("pt", "3 euros e 20 cêntimos", _amt(3.2)),
    ("nl", "2 euro en 75 cent", _amt(2.75)),
    ("sv", "12 kronor och 50 öre", _amt(12.5, cur="SEK")),
    ("da", "9 kroner og 50 øre", _amt(9.5, cur="DKK")),
    ("it", "costa un euro", _amt(1)),
    ("fr", "pour un euro", _amt(1)),
    ("pt", "por um euro", _amt(1)),
    ("es", "veinte euros", _amt(20)),
    ("sv", "tjugo euro", _amt(20)),
    ("ro", "douăzeci de euro", _amt(20)),
]


def _ids(cases: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    return [f"{lang}-{i}" for i, (lang, _t, _v) in enumerate(cases)]


@pytest.mark.parametrize(("lang", "text", "value"), RANGES, ids=_ids(RANGES))
def test_range(lang: str, text: str, value: dict[str, Any]) -> None:
    assert _one(text, lang) == value


@pytest.mark.parametrize(("lang", "text", "value"), BOUNDS, ids=_ids(BOUNDS))
def test_bound(lang: str, text: str, value: dict[str, Any]) -> None:
    assert _one(text, lang) == value


@pytest.mark.parametrize(("lang", "text", "value"), CURRENCIES, ids=_ids(CURRENCIES))
def test_currency(lang: str, text: str, value: dict[str, Any]) -> None:
    assert _one(text, lang) == value


@pytest.mark.parametrize(("lang", "text", "value"), SIMPLE_EUR, ids=_ids(SIMPLE_EUR))
def test_simple_euro(lang: str, text: str, value: dict[str, Any]) -> None:
    assert _one(text, lang) == value


@pytest.mark.parametrize(("lang", "text", "value"), CENTS_AND_WORDS, ids=_ids(CENTS_AND_WORDS))
def test_cents_and_words(lang: str, text: str, value: dict[str, Any]) -> None:
    assert _one(text, lang) == value


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "ALL 20 PARTNERS SIGNED"),
    ("en", "the top 10 sites"),
    ("fr", "le 20 mars, la salle"),
    ("no", "de 7 som ble valgt"),
    ("en", "20 Croatian companies and 5 Swiss firms"),
    ("sv", "en fabrik för 30 forskare"),
    ("da", "to af de 12 partnere"),
    ("en", "a euro area country and a EUR-based fund"),
    ("it", "verso un euro digitale"),
])
def test_words_that_look_like_currencies_are_not_money(lang: str, text: str) -> None:
    assert find_money(text, lang) == []


def test_the_language_decides_what_kr_is() -> None:
    assert [_one("10 kr", lang).get("currency") for lang in ("sv", "da", "no", "nb")] == ["SEK", "DKK", "NOK", "NOK"]
