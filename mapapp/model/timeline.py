"""Questions about time: which events fall in a window, what a place was called on a day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Literal

from mapapp.model.records import Event, Place


def events_in_window(events: Iterable[Event], start: date, end: date) -> list[Event]:
    """Events whose span [start_min, end_max] overlaps [start, end] (inclusive), by start then id."""
    if end < start:
        raise ValueError(f"the window ends ({end}) before it starts ({start})")
    hits = [e for e in events if e.start_min <= end and e.end_max >= start]
    return sorted(hits, key=lambda e: (e.start_min, e.id))


def events_at(events: Iterable[Event], when: date) -> list[Event]:
    """Events whose span contains the day ``when``."""
    return events_in_window(events, when, when)


def name_at(place: Place, when: date, lang: Literal["en", "ru"] = "en") -> str:
    """The name ``place`` had on ``when``.

    Periods are [from, to); a date known only to the year or month counts from its first
    day (a renaming "in 1939" applies from 1 Jan 1939). Before the first period, the first
    name; a place without periods has its own name throughout.
    """
    if lang not in ("en", "ru"):
        raise ValueError(f"unknown language '{lang}' (use 'en' or 'ru')")
    periods = sorted(place.names, key=lambda p: (p.start is not None, p.start.earliest() if p.start else None))
    if not periods:
        return place.name_en if lang == "en" else place.name_ru
    chosen = periods[0]
    for period in periods:
        if period.start is not None and when < period.start.earliest():
            break
        if period.end is None or when < period.end.earliest():
            chosen = period
            break
        chosen = period
    return chosen.name_en if lang == "en" else chosen.name_ru
