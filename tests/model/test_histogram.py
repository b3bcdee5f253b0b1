"""What lies under the time control: events spread over the months they may fall in, records per month, a
collection's yearly figure as a level; and the payload that trims each series to its months."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapapp import GEODATA_DIR
from mapapp.model.collections import Collection, load_collections
from mapapp.model.dates import month_of
from mapapp.model.histogram import PURGE_PERIOD, event_series, histogram, level_series, record_series
from mapapp.webmap.mapview import histogram_json, load_dataset

from .test_timeline import _event

FIRST, LAST = month_of(date(1934, 1, 1)), month_of(date(1953, 12, 31))


def at(ym: str) -> int:
    """A month's place in a series that starts at FIRST."""
    y, m = ym.split("-")
    return int(y) * 12 + int(m) - 1 - FIRST


@pytest.mark.parametrize(("start", "end", "expected"), [
    # one day: all of it in its month (the window's first month, and its last)
    (date(1934, 1, 1), date(1934, 1, 1), {"1934-01": 1.0}),
    (date(1953, 12, 31), date(1953, 12, 31), {"1953-12": 1.0}),
    (date(1934, 12, 1), date(1934, 12, 1), {"1934-12": 1.0}),  # Kirov
    # a month known: all in that month; two months: half each
    (date(1937, 8, 1), date(1937, 8, 31), {"1937-08": 1.0}),
    (date(1937, 8, 5), date(1937, 9, 2), {"1937-08": 0.5, "1937-09": 0.5}),
    # a year known: a twelfth in each month, none piled in January
    (date(1937, 1, 1), date(1937, 12, 31), {f"1937-{m:02d}": round(1 / 12, 4) for m in range(1, 13)}),
    # partly outside: only the share inside is counted (a quarter of four months)
    (date(1953, 11, 1), date(1954, 2, 28), {"1953-11": 0.25, "1953-12": 0.25}),
    (date(1933, 12, 1), date(1934, 1, 31), {"1934-01": 0.5}),
    # wholly outside: nothing
    (date(1933, 1, 1), date(1933, 12, 31), {}),
    (date(1954, 1, 1), date(1954, 1, 1), {}),
])
def test_an_event_is_spread_over_its_months(start: date, end: date, expected: dict[str, float]) -> None:
    s = event_series([_event("e", start, end)], FIRST, LAST)
    assert s.kind == "events" and len(s.values) == LAST - FIRST + 1
    assert {k: v for k, v in enumerate(s.values) if v} == {at(ym): v for ym, v in expected.items()}


months = st.integers(min_value=FIRST, max_value=LAST)


@given(st.lists(st.tuples(months, st.integers(min_value=0, max_value=40)), max_size=30))
def test_events_inside_add_one_each(spans: list[tuple[int, int]]) -> None:
    events = []
    for k, (m, length) in enumerate(spans):
        end = min(LAST, m + length)
        events.append(_event(str(k), date(m // 12, m % 12 + 1, 1), date(end // 12, end % 12 + 1, 28)))
    s = event_series(events, FIRST, LAST)
    assert sum(s.values) == pytest.approx(len(events), abs=0.01 * max(1, len(events)))
    assert min(s.values) >= 0


@pytest.fixture(scope="module")
def collections() -> dict[str, Collection]:
    return {c.id: c for c in load_collections(GEODATA_DIR)}


def test_records_per_month_count_every_dated_record(collections: dict[str, Collection]) -> None:
    moscow = collections["moscow-executions"]
    s = record_series(moscow, FIRST, LAST)
    dated = [r.date for r in moscow.records() if r.date]
    inside = [d for d in dated if "1934-01-01" <= d <= "1953-12-31"]
    assert sum(s.values) == len(inside) > 10_000
    assert s.values[at("1937-08")] == sum(1 for d in dated if d.startswith("1937-08"))
    # a window of one month counts what the map counts for it
    assert s.values[at("1938-02")] == len(moscow.window_records(date(1938, 2, 1), date(1938, 2, 28)))


@pytest.mark.parametrize(("ym", "year"), [("1939-01", 1939), ("1939-12", 1939), ("1953-06", 1953), ("1934-01", 1934)])
def test_a_yearly_figure_is_a_level_over_its_year(collections: dict[str, Collection], ym: str, year: int) -> None:
    camps = collections["gulag-camps"]
    total = camps.total(year)
    assert total is not None
    assert level_series(camps, FIRST, LAST).values[at(ym)] == total.total


def test_a_level_is_zero_outside_the_collections_years(collections: dict[str, Collection]) -> None:
    camps = collections["gulag-camps"]
    assert camps.years is not None
    after = (camps.years[1] + 1) * 12
    s = level_series(camps, after - 2, after + 3)
    assert s.values[:2] != (0.0, 0.0) and s.values[2:] == (0.0,) * 4


def test_histogram_has_the_events_then_each_collection_with_figures(collections: dict[str, Collection]) -> None:
    series = histogram([], list(collections.values()), FIRST, LAST)
    assert [(s.id, s.kind) for s in series] == [("events", "events")] + sorted(
        [("gulag-camps", "level"), ("moscow-executions", "records")],
        key=lambda x: list(collections).index(x[0]))  # the sites of the Topography of Terror have no figure per time


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_payload_trims_each_series_and_names_it(lang: str) -> None:
    ds = load_dataset()
    out = histogram_json(ds, lang)  # type: ignore[arg-type]
    assert out["purge"] == {"start": PURGE_PERIOD[0], "end": PURGE_PERIOD[1]}
    by_id = {s["id"]: s for s in out["series"]}
    moscow = by_id["moscow-executions"]
    first_dated = min(r.date for r in ds.collections[[c.id for c in ds.collections].index("moscow-executions")]
                      .records() if r.date)
    assert moscow["first"] == first_dated[:7]  # trimmed: it starts at its first record's month
    assert moscow["values"][0] > 0 and moscow["values"][-1] > 0
    assert sum(moscow["values"]) == sum(1 for c in ds.collections if c.id == "moscow-executions"
                                        for r in c.records() if r.date)
    measure = {"en": "people shot per month", "ru": "расстрелянных в месяц"}[lang]
    assert moscow["label"] == measure
    assert by_id["events"]["label"] == {"en": "events per month", "ru": "событий в месяц"}[lang]


def test_an_event_outside_does_not_stop_the_count() -> None:
    before, inside = _event("a", date(1920, 1, 1), date(1920, 1, 1)), _event("b", date(1937, 8, 1), date(1937, 8, 1))
    assert event_series([before, inside], FIRST, LAST).values[at("1937-08")] == 1


def test_records_are_counted_in_a_windows_first_and_last_month(collections: dict[str, Collection]) -> None:
    moscow = collections["moscow-executions"]
    first, last = m_of("1937-08"), m_of("1938-11")
    s = record_series(moscow, first, last)
    assert len(s.values) == last - first + 1
    in_month = [sum(1 for r in moscow.records() if r.date and r.date.startswith(ym)) for ym in ("1937-08", "1938-11")]
    assert in_month[0] > 0 and in_month[1] > 0
    assert (s.values[0], s.values[-1]) == tuple(in_month)


def test_a_collection_whose_figures_are_all_zero_or_absent_has_no_lane(collections: dict[str, Collection]) -> None:
    camps = collections["gulag-camps"]
    empty = replace(camps, features=())  # its years, but no figure in any of them
    assert empty.years is not None and not any(t.total for t in empty.totals)
    assert [s.id for s in histogram([], [empty], FIRST, LAST)] == ["events"]


def m_of(ym: str) -> int:
    y, mo = ym.split("-")
    return int(y) * 12 + int(mo) - 1
