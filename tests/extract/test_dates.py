"""Dates in English and Russian text at their real precision (mapapp.extract.dates): the issue's forms, table-driven;
years left out taken from the passage, never from today; generated dates read back exactly (hypothesis)."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapapp.extract.dates import find_dates
from mapapp.i18n import Lang
from mapapp.model.dates import MONTHS_LONG_EN

RU_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
               "ноября", "декабря")


def read(text: str, lang: Lang, year: int | None = None) -> list[tuple[str, str, str, str]]:
    return [(d.text, d.first.isoformat(), d.last.isoformat(), d.precision) for d in find_dates(text, lang, year)]


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("He was shot on 27 October 1937.", "en", [("27 October 1937", "1937-10-27", "1937-10-27", "day")]),
    ("between 27 October and 4 November 1937", "en",
     [("between 27 October and 4 November 1937", "1937-10-27", "1937-11-04", "day")]),
    ("The trial ran August 19 to 24, 1936.", "en", [("August 19 to 24, 1936", "1936-08-19", "1936-08-24", "day")]),
    ("19–24 August 1936", "en", [("19–24 August 1936", "1936-08-19", "1936-08-24", "day")]),
    ("in the summer of 1938", "en", [("the summer of 1938", "1938-06", "1938-08", "season")]),
    ("the winter of 1941–42", "en", [("the winter of 1941–42", "1941-12", "1942-02", "season")]),
    ("in 1937–38 the quotas rose", "en", [("1937–38", "1937", "1938", "year")]),
    ("Perm was Molotov from 1940 to 1957.", "en", [("from 1940 to 1957", "1940", "1957", "year")]),
    ("between 1937 and 1938", "en", [("between 1937 and 1938", "1937", "1938", "year")]),
    ("In October 1937 and in March of 1938", "en",
     [("October 1937", "1937-10", "1937-10", "month"), ("March of 1938", "1938-03", "1938-03", "month")]),
    ("from October 1937 to March 1938", "en", [("from October 1937 to March 1938", "1937-10", "1938-03", "month")]),
    ("Sept. 3, 1939", "en", [("Sept. 3, 1939", "1939-09-03", "1939-09-03", "day")]),
    ("1,500 prisoners and 1937 km", "en", []),
    ("Он был расстрелян 27 октября 1937 года.", "ru", [("27 октября 1937 года", "1937-10-27", "1937-10-27", "day")]),
    ("с 27 октября по 4 ноября 1937 г.", "ru", [("с 27 октября по 4 ноября 1937 г.", "1937-10-27", "1937-11-04", "day")]),
    ("с 19 по 24 августа 1936 года", "ru", [("с 19 по 24 августа 1936 года", "1936-08-19", "1936-08-24", "day")]),
    ("в 1937 году", "ru", [("1937 году", "1937", "1937", "year")]),
    ("летом 1938 года", "ru", [("летом 1938 года", "1938-06", "1938-08", "season")]),
    ("зимой 1941/42 года", "ru", [("зимой 1941/42 года", "1941-12", "1942-02", "season")]),
    ("с 1932 по 1990 год", "ru", [("с 1932 по 1990 год", "1932", "1990", "year")]),
    ("в 1937–38 годах", "ru", [("1937–38 годах", "1937", "1938", "year")]),
    ("в октябре 1937 года", "ru", [("октябре 1937 года", "1937-10", "1937-10", "month")]),
    ("с октября по декабрь 1937 года", "ru", [("с октября по декабрь 1937 года", "1937-10", "1937-12", "month")]),
])
def test_the_issues_forms_read_at_their_precision(text: str, lang: Lang, expected: list[tuple[str, ...]]) -> None:
    assert read(text, lang) == expected


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("In 1937 the camp grew. In October it was full.", "en",
     [("1937", "1937", "1937", "year"), ("October", "1937-10", "1937-10", "month")]),
    ("In 1937 it opened; the following year it closed, in the summer.", "en",
     [("1937", "1937", "1937", "year"), ("the following year", "1938", "1938", "year"),
      ("the summer", "1938-06", "1938-08", "season")]),
    ("В 1938 году лагерь вырос. В том же году, в октябре, его закрыли.", "ru",
     [("1938 году", "1938", "1938", "year"), ("В том же году", "1938", "1938", "year"),
      ("октябре", "1938-10", "1938-10", "month")]),
    ("В 1936 году. 5 мая пришли, летом ушли.", "ru",
     [("1936 году", "1936", "1936", "year"), ("5 мая", "1936-05-05", "1936-05-05", "day"),
      ("летом", "1936-06", "1936-08", "season")]),
])
def test_a_date_without_its_year_takes_the_passages(text: str, lang: Lang, expected: list[tuple[str, ...]]) -> None:
    assert read(text, lang) == expected
    relative = [d for d in find_dates(text, lang) if d.relative]
    assert relative and all("without its year" in d.reason for d in relative)


@pytest.mark.parametrize(("text", "lang"), [("In October they left.", "en"), ("the following year", "en"),
                                            ("в октябре они ушли", "ru"), ("в том же году", "ru")])
def test_without_a_year_in_the_passage_nothing_is_guessed(text: str, lang: Lang) -> None:
    assert find_dates(text, lang) == []  # never today's year, as dateparser's defaults would
    assert find_dates(text, lang, year=1937)[0].first.year in (1937, 1938)


@pytest.mark.parametrize(("text", "lang"), [("31 June 1937", "en"), ("30 февраля 1938 года", "ru")])
def test_a_day_that_does_not_exist_is_not_a_date(text: str, lang: Lang) -> None:
    assert all(d.precision != "day" for d in find_dates(text, lang))


days = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))


@given(days, st.sampled_from(["en", "ru"]))
def test_a_written_day_reads_back(day: date, lang: Lang) -> None:
    text = (f"It happened on {day.day} {MONTHS_LONG_EN[day.month - 1]} {day.year}." if lang == "en"
            else f"Это случилось {day.day} {RU_GENITIVE[day.month - 1]} {day.year} года.")
    [d] = find_dates(text, lang)
    assert (d.first.earliest(), d.last.latest(), d.precision) == (day, day, "day")
    assert text[d.start:d.end] == d.text


@given(days, days, st.sampled_from(["en", "ru"]))
def test_a_written_range_of_days_in_one_year_reads_back(a: date, b: date, lang: Lang) -> None:
    b = b.replace(year=a.year, day=min(b.day, calendar.monthrange(a.year, b.month)[1]))
    a, b = min(a, b), max(a, b)
    text = (f"between {a.day} {MONTHS_LONG_EN[a.month - 1]} and {b.day} {MONTHS_LONG_EN[b.month - 1]} {a.year}"
            if lang == "en" else f"с {a.day} {RU_GENITIVE[a.month - 1]} по {b.day} {RU_GENITIVE[b.month - 1]} "
                                 f"{a.year} года")
    [d] = find_dates(text, lang)
    assert (d.first.earliest(), d.last.latest()) == (a, b)


@given(st.text(alphabet=st.sampled_from(list("0123456789 –-/.,абвгдеиклмнопрстуяABCDEFGJMNOSaeinorstuy")),
               max_size=80), st.sampled_from(["en", "ru"]))
def test_any_text_gives_ordered_disjoint_mentions_and_never_raises(text: str, lang: Lang) -> None:
    found = find_dates(text, lang, year=1937)
    for d in found:
        assert text[d.start:d.end] == d.text
        assert d.first.earliest() <= d.last.latest()
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("between 4 November and 27 October 1937", "en", [("27 October 1937", "1937-10-27", "1937-10-27", "day")]),
    ("from 1957 to 1940", "en", [("1957", "1957", "1957", "year"), ("1940", "1940", "1940", "year")]),
    ("с 1990 по 1932 год", "ru", [("1990", "1990", "1990", "year"), ("1932 год", "1932", "1932", "year")]),
])
def test_a_range_written_backwards_is_not_a_range(text: str, lang: Lang, expected: list[tuple[str, ...]]) -> None:
    assert read(text, lang) == expected  # the years in it are still read, one by one
