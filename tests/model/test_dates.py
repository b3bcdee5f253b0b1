"""PartialDate: parsing, bounds and formatting at real precision."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapapp.model.dates import PartialDate, format_range


@pytest.mark.parametrize("text, parts, precision", [
    ("1937", (1937, None, None), "year"),
    ("1936-08", (1936, 8, None), "month"),
    ("1934-12-01", (1934, 12, 1), "day"),
    ("1940-02-29", (1940, 2, 29), "day"),
])
def test_parse_valid(text: str, parts: tuple, precision: str) -> None:
    d = PartialDate.parse(text)
    assert (d.year, d.month, d.day) == parts
    assert d.precision == precision
    assert d.isoformat() == text


@pytest.mark.parametrize("text, message", [
    ("1937-02-30", "'1937-02-30' is not a real date (day 30 does not exist in Feb 1937)"),
    ("1937-02-29", "'1937-02-29' is not a real date (day 29 does not exist in Feb 1937)"),
    ("1937-13", "'1937-13' is not a real date (month 13 does not exist)"),
    ("1937-00", "'1937-00' is not a real date (month 0 does not exist)"),
    ("0000", "'0000' is not a real date (year 0 is out of range 1..9999)"),
    ("37", "'37' is not a partial ISO date"),
    ("1937-1-5", "'1937-1-5' is not a partial ISO date"),
    ("1937/02/03", "'1937/02/03' is not a partial ISO date"),
    ("1937-02-03T00:00", "'1937-02-03T00:00' is not a partial ISO date"),
    ("", "'' is not a partial ISO date"),
    (" 1937", "' 1937' is not a partial ISO date"),
    ("١٩٣٧", "'١٩٣٧' is not a partial ISO date"),
])
def test_parse_rejects_with_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        PartialDate.parse(text)
    assert str(info.value) == message


@pytest.mark.parametrize("text, earliest, latest", [
    ("1937", date(1937, 1, 1), date(1937, 12, 31)),
    ("1936-08", date(1936, 8, 1), date(1936, 8, 31)),
    ("1940-02", date(1940, 2, 1), date(1940, 2, 29)),
    ("1934-12-01", date(1934, 12, 1), date(1934, 12, 1)),
])
def test_bounds(text: str, earliest: date, latest: date) -> None:
    d = PartialDate.parse(text)
    assert (d.earliest(), d.latest()) == (earliest, latest)


@pytest.mark.parametrize("text, approximate, en, ru", [
    ("1934-12-01", False, "1 Dec 1934", "1 дек. 1934"),
    ("1936-08", False, "Aug 1936", "авг. 1936"),
    ("1937", False, "1937", "1937"),
    ("1937", True, "c. 1937", "ок. 1937"),
    ("1945-05-09", False, "9 May 1945", "9 мая 1945"),
    ("1938-03", True, "c. Mar 1938", "ок. март 1938"),
])
def test_format_single(text: str, approximate: bool, en: str, ru: str) -> None:
    d = PartialDate.parse(text)
    assert d.format("en", approximate) == en
    assert d.format("ru", approximate) == ru
    assert format_range(d, None, "en", approximate) == en


@pytest.mark.parametrize("start, end, approximate, en, ru", [
    ("1936-08-19", "1936-08-24", False, "19–24 Aug 1936", "19–24 авг. 1936"),
    ("1937", "1938", False, "1937–1938", "1937–1938"),
    ("1937", "1938", True, "c. 1937–1938", "ок. 1937–1938"),
    ("1933-01", "1938-03", False, "Jan 1933 – Mar 1938", "янв. 1933 – март 1938"),
    ("1936-08-19", "1936-09-03", False, "19 Aug – 3 Sep 1936", "19 авг. – 3 сент. 1936"),
    ("1937-08", "1937-11", False, "Aug–Nov 1937", "авг.–нояб. 1937"),
    ("1936-08-19", "1937-03-02", False, "19 Aug 1936 – 2 Mar 1937", "19 авг. 1936 – 2 марта 1937"),
    ("1937", "1938-03", False, "1937 – Mar 1938", "1937 – март 1938"),
    ("1937", "1937", False, "1937", "1937"),
])
def test_format_range(start: str, end: str, approximate: bool, en: str, ru: str) -> None:
    s, e = PartialDate.parse(start), PartialDate.parse(end)
    assert format_range(s, e, "en", approximate) == en
    assert format_range(s, e, "ru", approximate) == ru


def test_format_range_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="unknown language 'de'"):
        format_range(PartialDate(1937), None, "de")  # type: ignore[arg-type]


def test_day_without_month_is_rejected() -> None:
    with pytest.raises(ValueError, match="a day needs a month"):
        PartialDate(1937, None, 5)


@given(st.text())
def test_parse_random_text_raises_only_value_error(text: str) -> None:
    try:
        d = PartialDate.parse(text)
    except ValueError as exc:
        assert str(exc), "the error must say what is wrong"
    else:
        assert d.isoformat() == text
        assert d.earliest() <= d.latest()


@given(st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", fullmatch=True))
def test_parse_iso_shaped_text_round_trips_or_explains(text: str) -> None:
    try:
        d = PartialDate.parse(text)
    except ValueError as exc:
        assert "is not a real date" in str(exc)
    else:
        assert d.isoformat() == text
        assert d.format("en") and d.format("ru")


@given(st.dates(min_value=date(1, 1, 1)))
def test_every_real_day_parses(day: date) -> None:
    d = PartialDate.parse(day.isoformat())
    assert d.earliest() == d.latest() == day


@pytest.mark.parametrize(("year", "ok"), [(0, False), (1, True), (9999, True), (10000, False)])
def test_years_run_from_1_to_9999(year: int, ok: bool) -> None:
    if ok:
        assert PartialDate(year).year == year
    else:
        with pytest.raises(ValueError):
            PartialDate(year)


@pytest.mark.parametrize(("start", "end", "en"), [
    ("1937", "1938", "1937–1938"),
    ("1937-08", "1937-09", "Aug–Sep 1937"),
    ("1937-08-19", "1937-09-03", "19 Aug – 3 Sep 1937"),
    ("1937", "1937-09", "1937 – Sep 1937"),
])
def test_ranges_in_one_year_at_each_precision(start: str, end: str, en: str) -> None:
    assert format_range(PartialDate.parse(start), PartialDate.parse(end)) == en
    assert format_range(PartialDate.parse(start), PartialDate.parse(end), approximate=False) == en
