"""The map state: validation of every field, and the browser's untrusted reports."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapapp.model.viewstate import MapState, month_first, month_last, parse_month


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"lang": "de"}, "unknown language 'de' (use en or ru)"),
    ({"mode": "forever"}, "unknown mode 'forever' (use window or asof)"),
    ({"start": "1938-01", "end": "1937-12"}, "the window ends (1937-12) before it starts (1938-01)"),
    ({"start": "1937-13"}, "'1937-13' is not a month (use YYYY-MM)"),
    ({"end": "1937"}, "'1937' is not a month (use YYYY-MM)"),
    ({"layers": ("killing", "bogus")}, "unknown layer(s) 'bogus'"),
    ({"view": "mars"}, "unknown view 'mars'"),
])
def test_bad_state_is_refused_with_a_clear_message(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=None) as info:
        MapState(**kwargs)
    assert message in str(info.value)


@pytest.mark.parametrize(("text", "first", "last"), [
    ("1937-02", date(1937, 2, 1), date(1937, 2, 28)),
    ("1936-02", date(1936, 2, 1), date(1936, 2, 29)),
    ("1953-12", date(1953, 12, 1), date(1953, 12, 31)),
])
def test_month_bounds(text: str, first: date, last: date) -> None:
    assert (month_first(text), month_last(text)) == (first, last)


def test_window_and_as_of() -> None:
    assert MapState(start="1937-08", end="1938-11").window(date(1918, 9, 5)) == (date(1937, 8, 1), date(1938, 11, 30))
    assert MapState(end="1938-11", mode="asof").window(date(1918, 9, 5)) == (date(1918, 9, 5), date(1938, 11, 30))


def test_a_valid_report_updates_the_state() -> None:
    report = json.dumps({"start": "1937-01", "end": "1937-06", "mode": "asof", "layers": ["nkvd"], "view": "moscow"})
    state = MapState().with_report(report)
    assert (state.start, state.end, state.mode, state.layers, state.view) == ("1937-01", "1937-06", "asof",
                                                                              ("nkvd",), "moscow")


@pytest.mark.parametrize("report", [
    None, "", "not json", "[]", "{}", '{"start": "1937-01"}',
    '{"start": "1938-01", "end": "1937-01", "mode": "window", "layers": []}',
    '{"start": "1937-01", "end": "1937-02", "mode": "window", "layers": "killing"}',
    '{"start": "x", "end": "y", "mode": "window", "layers": []}',
])
def test_an_invalid_report_keeps_the_previous_state(report: str | None) -> None:
    before = MapState(start="1936-01", end="1936-12")
    assert before.with_report(report) == before


@given(st.text(max_size=200))
def test_reports_never_crash(report: str) -> None:
    assert isinstance(MapState().with_report(report), MapState)


@given(st.dictionaries(st.sampled_from(["start", "end", "mode", "layers", "view"]),
                       st.one_of(st.text(max_size=12), st.integers(), st.lists(st.text(max_size=8)), st.none())))
def test_structured_reports_never_crash(data: dict) -> None:
    assert isinstance(MapState().with_report(json.dumps(data)), MapState)


def test_as_of_ignores_the_unused_start() -> None:
    state = MapState(start="1934-01", end="1933-12", mode="asof")
    assert state.window(date(1918, 9, 5)) == (date(1918, 9, 5), date(1933, 12, 31))


def test_a_window_of_one_month_is_a_window() -> None:
    state = MapState(start="1937-05", end="1937-05")
    assert state.window(date(1893, 1, 1)) == (date(1937, 5, 1), date(1937, 5, 31))


def test_layers_come_back_in_legend_order_as_a_tuple() -> None:
    assert MapState(layers=["other", "killing"]).layers == ("killing", "other")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["1937-5", "37-05", "19370-05", "1937-005"])
def test_a_month_is_four_digits_dash_two(text: str) -> None:
    with pytest.raises(ValueError):
        parse_month(text)


def test_a_report_without_a_view_keeps_the_view() -> None:
    state = MapState(view="moscow")
    report = json.dumps({"start": "1937-01", "end": "1937-12", "mode": "window", "layers": ["killing"]})
    assert state.with_report(report).view == "moscow"
