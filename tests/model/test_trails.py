"""People's trails (mapapp.model.trails): order, merging, segment dates, area places, robustness."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapapp.model.dates import PartialDate
from mapapp.model.records import Event
from mapapp.model.trails import Trail, people_with_trails, segments_of, stops_of, trail_of
from mapapp.webmap.mapview import Dataset, load_dataset


@pytest.fixture(scope="module")
def real() -> Dataset:
    return load_dataset()


@pytest.mark.parametrize("person, places", [
    ("mandelstam", ["moscow", "cherdyn", "voronezh", "samatikha", "butyrka", "vtoraya_rechka"]),
    ("tukhachevsky", ["safonovo", "moscow", "leningrad", "berlin", "prague", "samara", "lubyanka",
                      "military_collegium"]),
    ("jankowski", ["pruszkow", "lubyanka", "house_of_unions"]),
    ("okulicki", ["pruszkow", "lubyanka", "house_of_unions", "butyrka"]),
    ("trotsky", ["moscow", "almaty", "odesa", "istanbul", "buyukada", "coyoacan"]),
])
def test_real_trails_are_in_date_order(real: Dataset, person: str, places: list[str]) -> None:
    trail = trail_of(real, person)
    assert trail.place_ids == places
    assert len(trail.segments) == len(places) - 1
    assert [(s.from_place, s.to_place) for s in trail.segments] == list(pairwise(places))


@pytest.mark.parametrize("person, index, date_from, date_to, start, end, approximate", [
    ("mandelstam", 0, "16–17 May 1934", "Jun 1934", "1934-05-17", "1934-06-01", False),
    ("mandelstam", 2, "Jun 1934 – May 1937", "May 1938", "1937-05-31", "1938-05-01", False),
    ("mandelstam", 4, "2 Aug 1938", "27 Dec 1938", "1938-08-02", "1938-12-27", False),
    ("jankowski", 0, "c. Feb–Mar 1945", "Mar–Jun 1945", "1945-03-01", "1945-03-01", True),
    ("trotsky", 2, "Feb 1929", "Feb 1929", "1929-02-01", "1929-02-01", False),
])
def test_segment_dates(real: Dataset, person: str, index: int, date_from: str, date_to: str, start: str,
                       end: str, approximate: bool) -> None:
    seg = trail_of(real, person).segments[index]
    assert (seg.date_from(), seg.date_to()) == (date_from, date_to)
    assert (seg.start.isoformat(), seg.end.isoformat()) == (start, end)
    assert seg.approximate is approximate
    assert seg.label() == (date_from if date_from == date_to else f"{date_from} → {date_to}")


def test_russian_labels(real: Dataset) -> None:
    seg = trail_of(real, "mandelstam").segments[-1]
    assert "дек" in seg.date_to("ru").lower()


def test_same_place_steps_merge_and_keep_the_span(real: Dataset) -> None:
    stops = trail_of(real, "tukhachevsky").stops
    collegium = stops[-1]
    assert [e.id for e in collegium.events] == ["military_case_trial", "military_case_execution",
                                                "military_rehabilitation"]
    assert (collegium.start, collegium.end) == (date(1937, 6, 11), date(1957, 1, 31))
    assert collegium.label() == "11 Jun 1937 – 31 Jan 1957"
    pruszkow = trail_of(real, "jankowski").stops[0]
    assert [e.id for e in pruszkow.events] == ["polish_invitation", "pruszkow_arrests"]


def test_area_places_are_not_stops(real: Dataset) -> None:
    areas = {pid for pid, p in real.places.items() if p.kind in ("country", "region")}
    assert {"ussr", "siberia"} <= areas
    for person in people_with_trails(real):
        assert not set(trail_of(real, person).place_ids) & areas


def test_people_with_trails(real: Dataset) -> None:
    people = people_with_trails(real)
    assert {"mandelstam", "tukhachevsky", "trotsky", "okulicki", "jankowski"} <= set(people)
    assert all(len(trail_of(real, p).stops) >= 2 for p in people)
    assert not trail_of(real, "nobody_at_all")


def _event(eid: str, start: str, places: tuple[str, ...], end: str | None = None, approximate: bool = False) -> Event:
    s = PartialDate.parse(start)
    e = PartialDate.parse(end) if end else None
    return Event(id=eid, title_en=eid, title_ru=eid, start=s, end=e, approximate=approximate,
                 start_min=s.earliest(), end_max=(e or s).latest(), date_label_en=start, date_label_ru=start,
                 category="arrest", place_ids=places, people=("p",), people_names_en=("P",),
                 people_names_ru=("П",), summary_en="", summary_ru="", source="general", source_lines=None,
                 citation_en="", citation_ru="", note=None, coordinates=())


@pytest.mark.parametrize("events, expected", [
    # a month-dated stay comes after a day-dated event inside that month
    ([_event("stay", "1937-05", ("b",), "1937-06"), _event("arrest", "1937-05-22", ("a",))], ["a", "b"]),
    # ... but an approximate one sorts by its earliest day
    ([_event("stay", "1937-05", ("b",), "1937-06", approximate=True), _event("arrest", "1937-05-22", ("a",))],
     ["b", "a"]),
    # consecutive same-place steps merge; a later return is a new stop
    ([_event("e1", "1930", ("a",)), _event("e2", "1931", ("a",)), _event("e3", "1932", ("b",)),
      _event("e4", "1933", ("a",))], ["a", "b", "a"]),
    # multi-place events keep their listed order
    ([_event("x", "1929-02", ("odesa", "istanbul"))], ["odesa", "istanbul"]),
    # same day: shorter first, then by id
    ([_event("z", "1930-01-01", ("z",)), _event("y", "1930-01-01", ("y",), "1930-02-01")], ["z", "y"]),
])
def test_ordering_rules(events: list[Event], expected: list[str]) -> None:
    assert [s.place_id for s in stops_of(events)] == expected


DAY0 = date(1900, 1, 1)


@st.composite
def events(draw: st.DrawFn) -> list[Event]:
    out = []
    for i in range(draw(st.integers(0, 8))):
        a = DAY0 + timedelta(days=draw(st.integers(0, 30000)))
        b = a + timedelta(days=draw(st.integers(0, 4000)))
        precision = draw(st.sampled_from(["day", "month", "year"]))
        fmt = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[precision]
        places = tuple(draw(st.lists(st.sampled_from("abcd"), min_size=1, max_size=3)))
        ev = _event(f"e{i}", a.strftime(fmt), places, b.strftime(fmt) if draw(st.booleans()) else None,
                    approximate=draw(st.booleans()))
        if ev.end_max < ev.start_min:
            ev = replace(ev, end=None, end_max=ev.start.latest())
        out.append(ev)
    return out


@settings(max_examples=200, deadline=None)
@given(events())
def test_random_events_never_crash_and_segments_go_forward(evs: list[Event]) -> None:
    from mapapp.model.trails import segments_of

    stops = stops_of(evs)
    for a, b in pairwise(stops):
        assert a.place_id != b.place_id
    for seg in segments_of(stops):
        assert seg.start <= seg.end
        assert seg.from_place != seg.to_place
        assert seg.label()


def _ru(eid: str, start: str, place: str, en: str, ru: str, end: str | None = None) -> Event:
    return replace(_event(eid, start, (place,), end), date_label_en=en, date_label_ru=ru)


@pytest.mark.parametrize(("lang", "stop", "segment"), [
    ("en", "Jan 1930 – Mar 1931", "Mar 1931 → 5 May 1932"),
    ("ru", "янв. 1930 – март 1931", "март 1931 → 5 мая 1932"),
])
def test_stop_and_segment_labels_in_each_language(lang: str, stop: str, segment: str) -> None:
    events = [_ru("a1", "1930-01", "a", "Jan 1930", "янв. 1930"), _ru("a2", "1931-03", "a", "Mar 1931", "март 1931"),
              _ru("b1", "1932-05-05", "b", "5 May 1932", "5 мая 1932")]
    stops = stops_of(events)
    trail = Trail("p", stops, segments_of(stops))
    assert stops[0].label(lang) == stop
    assert trail.segments[0].label(lang) == segment
    assert trail.segments[0].date_from(lang) == segment.split(" → ")[0]


def test_a_stop_of_one_event_has_its_label_even_when_it_spans_months() -> None:
    one = stops_of([_ru("a", "1930-01", "a", "Jan–Mar 1930", "янв.–март 1930", end="1930-03")])[0]
    assert one.label() == "Jan–Mar 1930" and one.label("ru") == "янв.–март 1930"
    twice = stops_of([_ru("a", "1930-01", "a", "Jan 1930", "янв. 1930"), _ru("b", "1930-01", "a", "Jan 1930",
                                                                           "янв. 1930")])[0]
    assert twice.label() == "Jan 1930"  # two events, one date: said once


def test_two_stops_make_a_trail_and_one_does_not() -> None:
    two = stops_of([_event("a", "1930", ("a",)), _event("b", "1931", ("b",))])
    assert bool(Trail("p", two, segments_of(two))) is True
    assert bool(Trail("p", two[:1], ())) is False


def test_a_trail_belongs_to_its_person(real: Dataset) -> None:
    assert trail_of(real, "mandelstam").person_id == "mandelstam"
