"""Date finder: formats per language, precision, modifiers, year cues, missing years."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from babel.dates import format_date
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.dates import _grammar, find_dates, normalise_date_text


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        ("en", "The board met on 3 March 2025 in Brussels.", {"value": "2025-03-03"}),
        # the accusative after an article, and the genitive article before the year
        ("el", "Η επιλογή έγινε τον Δεκέμβριο του 2024.", {"value": "2024-12"}),
        ("el", "Θα λειτουργεί από τον Μάιο 2026.", {"value": "2026-05"}),
        # a year-first month in a case ending: in, in (possessive), by
        ("hu", "A döntés 2024 decemberében született.", {"value": "2024-12"}),
        ("hu", "Az EuroHPC 2025 márciusában választotta ki.", {"value": "2025-03"}),
        ("hu", "A gép 2026 októberére készül el.", {"value": "2026-10"}),
        ("lt", "EuroHPC ją atrinko 2024 m. gruodį.", {"value": "2024-12"}),  # the accusative of time
        ("sl", "Izbrana je bila v decembru 2024.", {"value": "2024-12"}),  # the locative
        ("en", "It opened on March 3, 2025.", {"value": "2025-03-03"}),
        ("en", "Results came in February 2026.", {"value": "2026-02"}),
        ("en", "Deliveries start in Q3 2026.", {"value": "2026-Q3"}),
        ("en", "Tenders close in the first half of 2027.", {"value": "2027-H1"}),
        ("en", "It should run by mid-2026.", {"value": "2026", "mod": "mid"}),
        ("en", "The hall is ready by the end of 2027.", {"value": "2027", "mod": "end"}),
        ("en", "Testing begins in autumn 2025.", {"value": "2025", "mod": "autumn"}),
        ("en", "It goes live by June 2026.", {"value": "2026-06", "mod": "by"}),
        ("en", "A report dated 2025-11-04 says so.", {"value": "2025-11-04"}),
        ("en", "Signed 04/11/2025 in Rome.", {"value": "2025-11-04"}),
        ("de", "Der Vertrag wurde am 4. November 2025 unterzeichnet.", {"value": "2025-11-04"}),
        ("de", "Die Anlage läuft ab Mitte 2026.", {"value": "2026", "mod": "mid"}),
        ("de", "Geplant für das dritte Quartal 2026.", {"value": "2026-Q3"}),
        ("de", "Unterzeichnet am 04.11.2025.", {"value": "2025-11-04"}),
        ("fr", "Le contrat a été signé le 4 novembre 2025.", {"value": "2025-11-04"}),
        ("fr", "Mise en service prévue d'ici fin 2026.", {"value": "2026", "mod": "end"}),
        ("fr", "Lancement au premier trimestre 2027.", {"value": "2027-Q1"}),
        ("it", "Firmato il 4 novembre 2025 a Bologna.", {"value": "2025-11-04"}),
        ("it", "Operativo entro il 2026.", {"value": "2026", "mod": "by"}),
        ("es", "Se firmó el 4 de noviembre de 2025.", {"value": "2025-11-04"}),
        ("es", "Estará listo a finales de 2026.", {"value": "2026", "mod": "end"}),
        ("ca", "Es va signar el 4 de novembre de 2025.", {"value": "2025-11-04"}),
        ("el", "Υπογράφηκε στις 4 Νοεμβρίου 2025.", {"value": "2025-11-04"}),
        ("nl", "Getekend op 4 november 2025.", {"value": "2025-11-04"}),
        ("pt", "Assinado em 4 de novembro de 2025.", {"value": "2025-11-04"}),
    ],
)
def test_value(lang: str, text: str, value: dict) -> None:
    found = find_dates(text, lang)
    assert [d.value for d in found] == [value]
    assert text[found[0].start:found[0].end] == found[0].text


def test_bare_year_needs_a_cue() -> None:
    assert find_dates("The 2026 budget is set.", "en") == []
    assert find_dates("It costs 2026 euros.", "en") == []
    assert [d.value for d in find_dates("Work starts in 2026.", "en")] == [{"value": "2026"}]
    assert [d.value for d in find_dates("Start bis 2027 geplant", "de")] == [{"value": "2027", "mod": "by"}]


@pytest.mark.parametrize("lang, text, value, written", [
    ("en", "The rollout is planned for 2025-2026.", {"value": "2026", "mod": "by"}, "2025-2026"),
    ("de", "Der Aufbau ist für 2026–27 geplant.", {"value": "2027", "mod": "by"}, "2026–27"),
    ("fr", "Le déploiement est prévu en 2025/2026.", {"value": "2026", "mod": "by"}, "2025/2026"),
    ("en", "It opens in 2026 - 2027 at the earliest.", {"value": "2027", "mod": "by"}, "2026 - 2027"),
    ("en", "Work starts in 2026-2024.", {"value": "2026"}, "2026"),  # not a span: the second year is earlier
    ("en", "Work starts in 2026-2045.", {"value": "2026"}, "2026"),  # nor a span of decades
    ("en", "Work starts in 2026-12 as planned.", {"value": "2026-12"}, "2026-12"),
])
def test_a_span_of_years_is_read_as_by_its_last_year(lang: str, text: str, value: dict, written: str) -> None:
    found = find_dates(text, lang)
    assert [(d.value, d.text) for d in found] == [(value, written)]


@pytest.mark.parametrize("lang, text, value, written", [
    ("en", "All six are to be running by the end of next year.", {"value": "2026", "mod": "end"}, "by the end of next year"),
    ("de", "Der Betrieb beginnt im nächsten Jahr.", {"value": "2026"}, "nächsten Jahr"),
    ("fr", "Elle ouvrira l’année prochaine.", {"value": "2026"}, "l’année prochaine"),
    ("uk", "Фабрики мають запрацювати наступного року.", {"value": "2026"}, "наступного року"),
])
def test_a_year_ahead_counts_from_the_texts_date(lang: str, text: str, value: dict, written: str) -> None:
    found = find_dates(text, lang, dt.date(2025, 3, 20))
    assert [(d.value, d.text, d.year_left_out) for d in found] == [(value, written, True)]
    assert find_dates(text, lang) == []  # no date of the text, no year


def test_year_from_ref_or_flagged() -> None:
    (d,) = find_dates("The call closes on 12 June.", "en", dt.date(2025, 2, 1))
    assert d.value == {"value": "2025-06-12"} and not d.needs_year
    (d,) = find_dates("La convocatoria cierra el 12 de junio.", "es", None)
    assert d.value == {"value": "--06-12"} and d.needs_year


def test_invalid_day_is_dropped() -> None:
    assert find_dates("on 31 February 2025", "en") == []


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        # days written as words, before or after the month
        ("en", "It was signed on the fourth of July 1995.", {"value": "1995-07-04"}),
        ("en", "Signed on January first, 2000.", {"value": "2000-01-01"}),
        ("en", "Due the twenty-second of June 2017.", {"value": "2017-06-22"}),
        ("de", "Wir sind am ersten Januar 2018 zurück.", {"value": "2018-01-01"}),
        ("es", "Volvió el diez de octubre de 2018.", {"value": "2018-10-10"}),
        ("nl", "Op tweeëntwintig jan. 2018 begon het.", {"value": "2018-01-22"}),
        ("it", "Lunedì, ventidue gennaio, 2018.", {"value": "2018-01-22"}),
        ("fr", "Le 4e jour de juillet 1995.", {"value": "1995-07-04"}),
        # a numeric month between link words, an ordinal month
        ("es", "Se conocieron el 9 de 8 de 1971.", {"value": "1971-08-09"}),
        ("en", "They leave in the third month of 2021.", {"value": "2021-03"}),
        ("pt", "Saem no terceiro mês de 2021.", {"value": "2021-03"}),
        # named days: fixed, Easter-based, n-th weekday
        ("en", "Back at Christmas 2025.", {"value": "2025-12-25"}),
        ("en", "Back at Easter 2024.", {"value": "2024-03-31"}),
        ("de", "Wann ist Pfingsten 2022?", {"value": "2022-06-05"}),
        ("nl", "Ik kom terug met Pasen 2018.", {"value": "2018-04-01"}),
        ("en", "Sales start on Black Friday 2025.", {"value": "2025-11-28"}),
        ("de", "Heilige Drei Könige im Jahr 2020", {"value": "2020-01-06"}),
        # offsets, at the coarser precision of date and unit
        ("en", "It happened 2 weeks before May 13 1999.", {"value": "1999-04-29"}),
        ("fr", "Cela s'est produit 2 semaines avant le 13 mai 1999.", {"value": "1999-04-29"}),
        ("de", "zwei Wochen vor dem 13. Mai 1999", {"value": "1999-04-29"}),
        ("en", "Ready 1 month after 31 January 2024.", {"value": "2024-02-29"}),
        ("en", "Ready three months after March 2025.", {"value": "2025-06"}),
        ("es", "Estará lista dos años después de 2025.", {"value": "2027"}),
        # words after a date
        ("en", "We can leave in 2018 or later.", {"value": "2018", "mod": "after"}),
        ("nl", "Vertrek op 2018 of later.", {"value": "2018", "mod": "after"}),
    ],
)
def test_value_words_holidays_offsets(lang: str, text: str, value: dict) -> None:
    found = find_dates(text, lang)
    assert [d.value for d in found] == [value], [(d.text, d.value) for d in found]
    assert text[found[0].start:found[0].end] == found[0].text


def test_offsets_and_post_words_stay_careful() -> None:
    # a unit finer than the date: the text does not fix the day, the date stays as written
    assert [d.value for d in find_dates("two weeks after the year 2011", "en")] == [{"value": "2011"}]
    # "since" is mostly a duration
    assert [d.value for d in find_dates("It has run for 10 years since 2015.", "en")] == [{"value": "2015"}]
    # no offset or post word turns an amount into a date
    assert find_dates("It costs 2 years after 2025 euros.", "en") == []
    assert find_dates("We have 5000 or more GPUs and 2048 or later nodes", "en") == []
    # "or before 2000" opens the next date; it does not modify 2018
    found = find_dates("sales from 2010 to 2018 or before 2000", "en")
    assert [d.value for d in found] == [{"value": "2010"}, {"value": "2018"}, {"value": "2000", "mod": "before"}]
    # a list goes on after "but not"
    assert [d.value["value"] for d in find_dates("after 2010 but not 1998", "en")] == ["2010", "1998"]
    # a day word needs a year: "the first March" alone is no date (and no digit for the scan)
    assert find_dates("the first March meeting", "en") == []


def test_easter_is_a_spring_sunday() -> None:
    from extractors.dates import _easter

    for year in range(1900, 2100):
        day = _easter(year)
        assert day.weekday() == 6 and dt.date(year, 3, 22) <= day <= dt.date(year, 4, 25), year
    assert [_easter(y).isoformat() for y in (2000, 2019, 2024)] == ["2000-04-23", "2019-04-21", "2024-03-31"]


def test_every_holiday_rule_reads() -> None:
    from extractors.dates import DateLexiconError, _holiday_rule

    for lang in ("en", "de", "fr", "it", "es", "nl", "pt"):
        g = _grammar(lang)
        assert g.holidays, lang
        for rule in g.holidays.values():
            assert rule(2025).year == 2025
        assert all(1 <= n <= 31 for n in g.day_words.values()), lang
    assert _holiday_rule("x", "4thu-11")(2023) == dt.date(2023, 11, 23)
    with pytest.raises(DateLexiconError, match="unreadable rule"):
        _holiday_rule("x", "the day after")


def test_normalise_cell() -> None:
    assert normalise_date_text("2026", "en") == {"value": "2026"}
    assert normalise_date_text("Q2 2026", "en") == {"value": "2026-Q2"}
    assert normalise_date_text("tbd", "en") is None


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)),
       st.sampled_from(["en", "de", "fr", "it", "es", "nl", "pt", "el", "ca"]),
       st.sampled_from(["long", "medium"]))
def test_round_trip(day: dt.date, lang: str, style: str) -> None:
    """A date written by CLDR's own pattern for the language parses back to itself."""
    text = format_date(day, format=style, locale=lang)
    assert normalise_date_text(text, lang) == {"value": day.isoformat()}, text


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(["en", "de", "fr", "it", "es", "nl", "pt", "el", "xx"]),
       st.one_of(st.none(), st.dates()))
def test_never_raises(text: str, lang: str, ref: dt.date | None) -> None:
    for d in find_dates(text, lang, ref):
        assert 0 <= d.start < d.end <= len(text)
        assert isinstance(d.value["value"], str)


# ---------------------------------------------------------------- the anchored scan

_SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


def _corpus_texts() -> list[tuple[str, str]]:
    out = []
    for path in sorted((_SHARED / "peers").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            text = rec.get("text")
            if isinstance(text, str):
                out.append((rec.get("lang") or "en", text))
    dev = _SHARED / "corpus" / "dev"
    for entry in yaml.safe_load((dev / "sources.yaml").read_text(encoding="utf-8"))["sources"]:
        if str(entry.get("path", "")).endswith((".txt", ".html")):
            out.append((entry.get("lang") or "en", (dev / entry["path"]).read_text(encoding="utf-8")))
    return out


def _spans(matches) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in matches]


def test_anchored_scan_finds_what_a_full_scan_finds_on_real_texts() -> None:
    texts = _corpus_texts()
    assert len(texts) > 1000
    for lang, text in texts:
        for code in {lang, "en"}:
            g = _grammar(code)
            assert _spans(g.scan(text)) == _spans(g.core_re.finditer(text)), (code, text[:120])


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["2025", "12", "3.", "March", "mars", "Q", "Q2", "second", "quarter", "of", "the",
                                 "half", " ", "  ", "-", "/", ",", "\n", "x", "Reggio", "mid", "end", "in", "bis",
                                 "fourth", "twenty", "ersten", "diez", "de", "Easter", "Pfingsten", "month", "mois",
                                 "12025", "1er", "11er", "120", "20251", "3", "Q12025", "H22026", "7"]),
                max_size=40),
       st.sampled_from(["en", "de", "fr", "it", "es", "nl", "pt", "pl", "el", "ca"]))
def test_anchored_scan_equals_full_scan_on_generated_text(parts: list[str], lang: str) -> None:
    text = "".join(parts)
    g = _grammar(lang)
    assert _spans(g.scan(text)) == _spans(g.core_re.finditer(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 9-_.é٣²Ⅻ\n,'")), max_size=30))
def test_word_starts_read_off_the_starts_are_the_word_starts(text: str) -> None:
    import re

    from extractors.dates import _START, word_starts
    assert word_starts(text, [m.start() for m in _START.finditer(text)]) == \
        [m.start() for m in re.finditer(r"(?<![^\W_])[^\W_]", text)]


@pytest.mark.parametrize("lang, text", [
    ("en", "in quarter 3 2025 we"), ("de", "im Quartal 3 2025"), ("en", "in Q3 2025"), ("en", "H2 2026"),
    ("en", "spring 2026"), ("en", "Easter 2026"), ("en", "first quarter of 2026"), ("en", "March 2026"),
    ("en", "the twentieth of March 2026"), ("fr", "le premier semestre 2026"), ("en", "on 12/03/2025"),
    ("pl", "kwartał 3 2025"), ("el", "τρίμηνο 3 2025"), ("es", "trimestre 3 2025"),
    # inside a run of digits: a year that ends it, a word that opens with digits ("1er")
    ("en", "ref 12025 Q3"), ("en", "ref 42025-Q3"), ("fr", "le 41er trimestre 2025"),
])
def test_every_kind_of_date_opening_is_tried(lang: str, text: str) -> None:
    """Each way a date can open (a digit, a month, a day word, a quarter or half word or
    abbreviation, an ordinal, a season, a holiday) passes the scan's opener test."""
    g = _grammar(lang)
    found = _spans(g.core_re.finditer(text))
    assert found and _spans(g.scan(text)) == found
