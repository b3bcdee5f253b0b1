"""What lies under the time control: the data per month, so a visitor sees where the events are.

Months are counted as the browser counts them (``year * 12 + month - 1``). Three kinds of series:

- ``events``: our events per month. An event known only to its year or month, or lasting months, is spread
  evenly over the months it may fall in (each adds 1 in all), so a date known to the year does not pile up in
  January.
- ``records``: a collection's dated records per month (people shot in Moscow); undated records are left out.
- ``level``: a collection's figure of a year (prisoners on 1 January), the same in each month of that year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from mapapp.model.collections import Collection
from mapapp.model.dates import month_index, month_of
from mapapp.model.records import Event

#: The period the map is about: the time control's track shows it first, the rest of the span one press away.
PURGE_PERIOD = ("1934-01", "1953-12")

Kind = Literal["events", "records", "level"]


@dataclass(frozen=True)
class Series:
    """One row of the histogram: a value per month from the histogram's first month."""

    id: str  # "events" or a collection's id
    kind: Kind
    values: tuple[float, ...]


def event_series(events: Iterable[Event], first: int, last: int) -> Series:
    """Events per month over months ``first``..``last``, each event spread over the months it may fall in."""
    values = [0.0] * (last - first + 1)
    for e in events:
        a, b = max(first, month_of(e.start_min)), min(last, month_of(e.end_max))
        if b < a:
            continue
        share = 1 / (month_of(e.end_max) - month_of(e.start_min) + 1)  # the share of the whole span, not the clip
        for m in range(a, b + 1):
            values[m - first] += share
    return Series("events", "events", tuple(round(v, 4) for v in values))


def record_series(c: Collection, first: int, last: int) -> Series:
    """A collection's dated records per month over ``first``..``last``."""
    values = [0.0] * (last - first + 1)
    for r in c.records():
        if r.date is None:
            continue
        m = month_index(r.date)
        if first <= m <= last:
            values[m - first] += 1
    return Series(c.id, "records", tuple(values))


def level_series(c: Collection, first: int, last: int) -> Series:
    """A collection's total of each year, repeated in the year's months; 0 outside its years."""
    values = [0.0] * (last - first + 1)
    for t in c.totals:
        for m in range(max(first, t.year * 12), min(last, t.year * 12 + 11) + 1):
            values[m - first] = float(t.total)
    return Series(c.id, "level", tuple(values))


def histogram(events: Iterable[Event], collections: Iterable[Collection], first: int, last: int) -> tuple[Series, ...]:
    """Every series of the time control: the events, then each collection with records or yearly figures."""
    out = [event_series(events, first, last)]
    for c in collections:
        if c.has_records:
            out.append(record_series(c, first, last))
        elif c.years is not None and any(t.total for t in c.totals):
            out.append(level_series(c, first, last))
    return tuple(out)
