"""Memorial's packed partial dates: every partial form, every way a value is no date, and the SQL twin."""

from __future__ import annotations

import calendar

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapapp.ingest.packed_dates import SQL_DAY, SQL_MONTH, SQL_YEAR, PackedDateError, pack, unpack
from mapapp.model.dates import PartialDate


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    year = draw(st.integers(1800, 2055))
    form = draw(st.sampled_from(["year", "month", "day"]))
    if form == "year":
        return PartialDate(max(year, 1801))  # 1800 alone packs to 0, no date (test_1800_alone_cannot_be_packed)
    month = draw(st.integers(1, 12))
    if form == "month":
        return PartialDate(year, month)
    return PartialDate(year, month, draw(st.integers(1, calendar.monthrange(year, month)[1])))


@given(partial_dates())
def test_every_partial_form_round_trips(d: PartialDate) -> None:
    assert unpack(pack(d.year, d.month, d.day)) == d
    assert unpack(str(pack(d.year, d.month, d.day))) == d  # as a cell of the export


@pytest.mark.parametrize(("value", "expected"), [
    # the layout by hand: 1937 = 1800 + 137; 137 << 9 = 70144
    (70144, PartialDate(1937)),
    (70144 + (8 << 5), PartialDate(1937, 8)),
    (70144 + (8 << 5) + 5, PartialDate(1937, 8, 5)),
    (70144 + (12 << 5) + 31, PartialDate(1937, 12, 31)),  # the last day of a year
    (1 << 5 | 1, PartialDate(1800, 1, 1)),  # the first day the layout can hold
    ((255 << 9) + (12 << 5) + 31, PartialDate(2055, 12, 31)),  # and the last
    (0, None), ("0", None), ("", None), ("  ", None), (None, None),
])
def test_known_values(value: int | str | None, expected: PartialDate | None) -> None:
    assert unpack(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    (70144 + (13 << 5), "packs month 13"),
    (70144 + (15 << 5) + 1, "packs month 15"),
    (70144 + 5, "packs day 5 without a month"),
    (70144 + (4 << 5) + 31, "packs 31.04.1937, not a real day"),
    (70144 + (2 << 5) + 29, "packs 29.02.1937, not a real day"),
    (-1, "is outside 0..131071"),
    (1 << 17, "is outside 0..131071"),
    ("1937-08", "is not a whole number"),
    ("12a", "is not a whole number"),
])
def test_what_no_date_packs_to(value: int | str, message: str) -> None:
    with pytest.raises(PackedDateError) as err:
        unpack(value)
    assert str(err.value) == message


def test_a_leap_day_is_a_day() -> None:
    assert unpack(pack(1936, 2, 29)) == PartialDate(1936, 2, 29)


def test_1800_alone_cannot_be_packed() -> None:
    with pytest.raises(PackedDateError) as err:
        pack(1800)
    assert str(err.value) == "1800 alone packs to 0, which is no date"
    assert unpack(pack(1800, 1)) == PartialDate(1800, 1)


@pytest.mark.parametrize("year", [1799, 2056])
def test_pack_refuses_years_the_layout_cannot_hold(year: int) -> None:
    with pytest.raises(PackedDateError) as err:
        pack(year)
    assert str(err.value) == f"year {year} is outside 1800..2055"


@given(st.lists(partial_dates(), min_size=1, max_size=50))
def test_the_sql_decoding_is_the_python_decoding(dates: list[PartialDate]) -> None:
    values = [pack(d.year, d.month, d.day) for d in dates]
    with duckdb.connect() as con:
        con.execute("CREATE TABLE t (v INTEGER)")
        con.executemany("INSERT INTO t VALUES (?)", [(v,) for v in values])
        rows = con.execute(f"SELECT {SQL_YEAR.format(v='v')}, {SQL_MONTH.format(v='v')}, {SQL_DAY.format(v='v')} "
                       "FROM t ORDER BY rowid").fetchall()
    assert [(d.year, d.month or 0, d.day or 0) for d in dates] == [tuple(r) for r in rows]
