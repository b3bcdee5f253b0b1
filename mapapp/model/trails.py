"""People's trails: where a person's events took them, as dated segments in date order.

Pure functions over a :class:`~mapapp.webmap.mapview.Dataset`; the map payload, the static export and
the tests all use :func:`trail_of`, so the browser and the printed map draw the same trail.

Rules (decided here, relied on by the tests):

* **Stops are real places.** Places of kind ``country`` or ``region`` (``ussr``, ``siberia``…)
  say where something happened only in general; they are skipped as trail stops, and so are
  place ids missing from the dataset.
* **Order.** A person's events are ordered by ``(latest possible start, start_min, end_max, id)``.
  An event known only to the month or year ("May 1937", "1929") thus comes *after* a day-dated
  event inside that month or year — the arrest on 22 May 1937 before the months in the Lubyanka,
  the expulsion in February 1929 before the years on Prinkipo. An approximate ("c.") date has no
  trustworthy latest start, so it sorts by its earliest (``start_min``).
* **Multi-place events** (``trotsky_expelled``: Odesa; Istanbul) contribute their places in the
  order listed.
* **Same place.** Consecutive steps at the same place merge into one stop that keeps the whole
  date span (first event's start to the latest end). A place visited again later is a new stop.
* **Segments** join stop *i* to stop *i+1*. ``date_from`` is the earlier stop's end (the label of
  its event that ends last), ``date_to`` the later stop's start (its first event's label).
  ``start`` (departure) is the earlier stop's end, but never after ``end`` (arrival: the later
  stop's first ``start_min``), so every segment goes forward in time; the map reveals a segment
  once the window reaches its ``start``. ``approximate`` is set when either date is approximate.
* Dates are required by the data schema, so every step has a date; no step is dropped for
  lack of one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING

from mapapp.model.records import Event

if TYPE_CHECKING:
    from mapapp.webmap.mapview import Dataset

#: Place kinds too broad to be a stop on a trail.
AREA_KINDS: frozenset[str] = frozenset({"country", "region"})


def _label(event: Event, lang: str) -> str:
    return event.date_label_ru if lang == "ru" else event.date_label_en


@dataclass(frozen=True)
class Stop:
    """One place on a trail, with the events there (consecutive ones merged) and their span."""

    place_id: str
    events: tuple[Event, ...]

    @property
    def first(self) -> Event:
        """The event that starts the stay."""
        return self.events[0]

    @property
    def last(self) -> Event:
        """The event that ends last (the stay's end)."""
        return max(self.events, key=lambda e: (e.end_max, e.start_min, e.id))

    @property
    def start(self) -> date:
        """Earliest day of the stay."""
        return min(e.start_min for e in self.events)

    @property
    def end(self) -> date:
        """Latest day of the stay."""
        return max(e.end_max for e in self.events)

    @property
    def approximate(self) -> bool:
        """Whether any of its dates is approximate."""
        return any(e.approximate for e in self.events)

    def label(self, lang: str = "en") -> str:
        """Its date label: the event's, or "first – last" for a merged stay."""
        first, last = _label(self.first, lang), _label(self.last, lang)
        return first if first == last or len(self.events) == 1 else f"{first} – {last}"


@dataclass(frozen=True)
class Segment:
    """A move from one stop to the next."""

    from_place: str
    to_place: str
    from_event: Event
    to_event: Event
    start: date  # departure: the earlier stop's end, never after ``end``
    end: date  # arrival: the later stop's start

    @property
    def approximate(self) -> bool:
        """Whether either of its dates is approximate."""
        return self.from_event.approximate or self.to_event.approximate

    def date_from(self, lang: str = "en") -> str:
        """The earlier stop's end, as a date label."""
        return _label(self.from_event, lang)

    def date_to(self, lang: str = "en") -> str:
        """The later stop's start, as a date label."""
        return _label(self.to_event, lang)

    def label(self, lang: str = "en") -> str:
        """"from → to", or one label when both dates read the same."""
        a, b = self.date_from(lang), self.date_to(lang)
        return a if a == b else f"{a} → {b}"


@dataclass(frozen=True)
class Trail:
    """A person's stops in date order and the segments between them."""

    person_id: str
    stops: tuple[Stop, ...]
    segments: tuple[Segment, ...]

    @property
    def place_ids(self) -> list[str]:
        """The stops' places in order (a place may recur)."""
        return [s.place_id for s in self.stops]

    def __bool__(self) -> bool:
        return len(self.stops) >= 2


def order_key(event: Event) -> tuple[date, date, date, str]:
    """Sort key of a step: latest possible start (earliest if approximate), then start_min, end_max, id."""
    latest = event.start_min if event.approximate else (event.start.latest() if event.start else event.start_min)
    return (max(latest, event.start_min), event.start_min, event.end_max, event.id)


def stops_of(events: Iterable[Event], is_stop: Callable[[str], bool] | None = None) -> tuple[Stop, ...]:
    """Stops of ``events`` (any order) under the rules above; ``is_stop(place_id)`` filters places."""
    steps: list[tuple[str, Event]] = []
    for event in sorted(events, key=order_key):
        for pid in event.place_ids:
            if is_stop is None or is_stop(pid):
                steps.append((pid, event))
    stops: list[tuple[str, list[Event]]] = []
    for pid, event in steps:
        if stops and stops[-1][0] == pid:
            if event not in stops[-1][1]:
                stops[-1][1].append(event)
        else:
            stops.append((pid, [event]))
    return tuple(Stop(pid, tuple(evs)) for pid, evs in stops)


def segments_of(stops: tuple[Stop, ...]) -> tuple[Segment, ...]:
    """Segments joining consecutive stops."""
    out = []
    for a, b in pairwise(stops):
        arrival = b.first.start_min
        out.append(Segment(a.place_id, b.place_id, a.last, b.first, min(a.end, arrival), arrival))
    return tuple(out)


def trail_of(ds: Dataset, person_id: str) -> Trail:
    """The trail of ``person_id`` (empty, and falsy, when they have fewer than two stops)."""
    def is_stop(pid: str) -> bool:
        place = ds.places.get(pid)
        return place is not None and place.kind not in AREA_KINDS

    stops = stops_of((e for e in ds.events if person_id in e.people), is_stop)
    return Trail(person_id, stops, segments_of(stops))


def people_with_trails(ds: Dataset) -> list[str]:
    """Ids of the people (of ``ds.people``) with at least two stops, by id."""
    return sorted(pid for pid in ds.people if trail_of(ds, pid))
