"""Partial ISO dates (``1937``, ``1936-08``, ``1934-12-01``) kept at their real precision.

A date known only to the month is never given an invented day: it is a span
(:meth:`PartialDate.earliest` .. :meth:`PartialDate.latest`) and is formatted as such
("Aug 1936", "авг. 1936").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Precision = Literal["year", "month", "day"]
Lang = Literal["en", "ru"]

_PATTERN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")

def month_of(day: date) -> int:
    """``day``'s month as the browser counts months (``year * 12 + month - 1``, as ``monthIndex`` in mapapp.js)."""
    return day.year * 12 + day.month - 1


def month_index(iso: str) -> int:
    """The month of an ISO date string (``1937-08-05``, ``1937-08``), counted as :func:`month_of` counts it."""
    return int(iso[:4]) * 12 + int(iso[5:7]) - 1


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Russian month abbreviations standing alone ("авг. 1936") ...
#: Month names in full, standing alone: what the time control reads aloud ("November 1952", "ноябрь 1952").
MONTHS_LONG_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December")
MONTHS_LONG_RU = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
                  "ноябрь", "декабрь")
MONTHS_RU = ("янв.", "февр.", "март", "апр.", "май", "июнь", "июль", "авг.", "сент.", "окт.", "нояб.", "дек.")
#: ... and after a day number, in the genitive ("1 дек. 1934", "9 мая 1945").
MONTHS_RU_GEN = ("янв.", "февр.", "марта", "апр.", "мая", "июня", "июля", "авг.", "сент.", "окт.", "нояб.", "дек.")
APPROX = {"en": "c. ", "ru": "ок. "}
EN_DASH = "–"

#: What to tell a curator whose date does not parse.
DATE_FIX = "use YYYY, YYYY-MM or YYYY-MM-DD with a valid day"


@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range 1..9999")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} does not exist")
        if self.day is not None:
            assert self.month is not None
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValueError(f"day {self.day} does not exist in {MONTHS_EN[self.month - 1]} {self.year}")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

        Raises :class:`ValueError` whose message says what is wrong, e.g.
        ``'1937-02-30' is not a real date (day 30 does not exist in Feb 1937)``.
        """
        if not isinstance(text, str):
            raise ValueError(f"{text!r} is not a date string")
        match = _PATTERN.fullmatch(text)
        if match is None:
            raise ValueError(f"'{text}' is not a partial ISO date")
        year, month, day = (int(g) if g is not None else None for g in match.groups())
        assert year is not None
        try:
            return cls(year, month, day)
        except ValueError as exc:
            raise ValueError(f"'{text}' is not a real date ({exc})") from exc

    @property
    def precision(self) -> Precision:
        """``'year'``, ``'month'`` or ``'day'``."""
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    def earliest(self) -> date:
        """The first day the date can stand for (1 Jan for ``1937``)."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """The last day the date can stand for (31 Dec for ``1937``)."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    def isoformat(self) -> str:
        """The partial ISO form it was written in: ``1937``, ``1936-08``, ``1934-12-01``."""
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
        if self.day is not None:
            out += f"-{self.day:02d}"
        return out

    def __str__(self) -> str:
        return self.isoformat()

    def format(self, lang: Lang = "en", approximate: bool = False) -> str:
        """Human form at real precision: "1 Dec 1934", "Aug 1936", "1937", "c. 1937"."""
        prefix = APPROX[lang] if approximate else ""
        return prefix + _format_parts(self, lang, with_month=True, with_year=True)


def _month_name(month: int, lang: Lang, after_day: bool) -> str:
    if lang == "en":
        return MONTHS_EN[month - 1]
    return (MONTHS_RU_GEN if after_day else MONTHS_RU)[month - 1]


def _format_parts(d: PartialDate, lang: Lang, *, with_month: bool, with_year: bool) -> str:
    """Format ``d`` leaving out the month and/or year when a range shares them."""
    parts: list[str] = []
    if d.day is not None:
        parts.append(str(d.day))
    if d.month is not None and with_month:
        parts.append(_month_name(d.month, lang, after_day=d.day is not None))
    if with_year:
        parts.append(str(d.year))
    return " ".join(parts)


def format_range(start: PartialDate, end: PartialDate | None = None, lang: Lang = "en",
                 approximate: bool = False) -> str:
    """Format a date or a span at real precision.

    "19–24 Aug 1936", "19 Aug – 3 Sep 1936", "Aug–Sep 1936", "1937–1938",
    "Jan 1933 – Mar 1938"; with ``approximate`` the whole is prefixed "c. " / "ок. ".
    """
    if lang not in APPROX:
        raise ValueError(f"unknown language '{lang}' (use 'en' or 'ru')")
    if end is None or end == start:
        return start.format(lang, approximate)
    prefix = APPROX[lang] if approximate else ""
    same_precision = start.precision == end.precision
    if same_precision and start.year == end.year and start.precision != "year":
        if start.precision == "day" and start.month == end.month:
            # 19–24 Aug 1936
            return f"{prefix}{start.day}{EN_DASH}{_format_parts(end, lang, with_month=True, with_year=True)}"
        # 19 Aug – 3 Sep 1936 / Aug–Sep 1936
        left = _format_parts(start, lang, with_month=True, with_year=False)
        right = _format_parts(end, lang, with_month=True, with_year=True)
        sep = f" {EN_DASH} " if start.precision == "day" else EN_DASH
        return f"{prefix}{left}{sep}{right}"
    if same_precision and start.precision == "year":
        return f"{prefix}{start.year}{EN_DASH}{end.year}"
    return f"{prefix}{start.format(lang)} {EN_DASH} {end.format(lang)}"
