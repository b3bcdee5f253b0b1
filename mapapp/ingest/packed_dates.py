"""Memorial's packed partial dates: one integer per date, where the day and the month may be unknown.

The export's layout: ``day = v & 31``, ``month = (v >> 5) & 15``, ``year = ((v >> 9) & 255) + 1800``; a day or a
month of 0 is unknown, and 0 (or an empty cell) is no date (so the year 1800 alone cannot be written). A register
of millions of rows is decoded in SQL (:data:`SQL_YEAR`, :data:`SQL_MONTH`, :data:`SQL_DAY`: the same arithmetic
in SQL any engine runs, DuckDB here, Spark for inputs past one machine); :func:`unpack` is the one-value form,
used for reports and the tests that hold the two together.
"""

from __future__ import annotations

import calendar

from mapapp.model.dates import PartialDate

FIRST_YEAR = 1800
LAST_YEAR = FIRST_YEAR + 255
FIX = ("a packed date is day + 32 × month + 512 × (year − 1800), with 0 for an unknown day or month, and 0 or "
       "an empty cell for no date")

#: The same decoding over a column ``v`` of an SQL table, in arithmetic every SQL engine has (``%`` and
#: ``floor``; DuckDB writes shifts as ``>>``, Spark SQL as ``shiftright()``): exact, as v < 2¹⁷.
SQL_DAY = "({v} % 32)"
SQL_MONTH = "(CAST(floor({v} / 32) AS INTEGER) % 16)"
SQL_YEAR = "(CAST(floor({v} / 512) AS INTEGER) % 256 + 1800)"


class PackedDateError(ValueError):
    """A packed value that is no partial date; the message says why."""


def pack(year: int, month: int | None = None, day: int | None = None) -> int:
    """The packed value of a partial date (the inverse of :func:`unpack`; the generator writes with it)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PackedDateError(f"year {year} is outside {FIRST_YEAR}..{LAST_YEAR}")
    if year == FIRST_YEAR and not month:
        raise PackedDateError("1800 alone packs to 0, which is no date")
    return ((year - FIRST_YEAR) << 9) | ((month or 0) << 5) | (day or 0)


def unpack(value: int | str | None) -> PartialDate | None:
    """The partial date packed in ``value`` (an int, or a cell's text); None for no date (0 or empty).

    Raises :class:`PackedDateError` for what no date packs to: a negative or over-wide value, a month over 12,
    a day without its month, a day past its month's end (31 April, 29 February 1937).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            raise PackedDateError("is not a whole number")
        value = int(text)
    if value == 0:
        return None
    if value < 0 or value >> 17:
        raise PackedDateError(f"is outside 0..{(1 << 17) - 1}")
    day, month, year = value & 31, (value >> 5) & 15, ((value >> 9) & 255) + FIRST_YEAR
    if month > 12:
        raise PackedDateError(f"packs month {month}")
    if day and not month:
        raise PackedDateError(f"packs day {day} without a month")
    if day and day > calendar.monthrange(year, month)[1]:
        raise PackedDateError(f"packs {day}.{month:02d}.{year}, not a real day")
    return PartialDate(year, month or None, day or None)
