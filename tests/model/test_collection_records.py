"""Collections with records and with sites (mapapp.model.collections): window counts, drawn(), layers, dated().

Feature.count is held to a hand-built feature at the window's edges; drawn() and window_records of the Moscow
execution list to the records file read as JSON lines in the test; the Topography of Terror's layers to the map
layers its collection.toml gives each Shapefile; dated() to the years in the sites' names.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapapp import GEODATA_DIR
from mapapp.model.collections import Collection, Feature, dated, drawn, load_collection

BUILT = GEODATA_DIR / "collections"
#: The map layer collection.toml gives each Shapefile of the Topography of Terror.
TOPOS_LAYERS = {"sharashki": "sharashki", "konclagerya_1920h": "sharashki", "mesta_massovyh_rasstrelov": "killing",
                "mesta_zahoroneniya_rasstrelyannyh": "killing", "mesta_zaklyucheniya": "nkvd"}


def feature(dates: Iterable[str]) -> Feature:
    return Feature(id="x", group=None, lon=37.6, lat=55.75, name_en="", name_ru="", name_en_transliterated=True,
                   other_en=(), other_ru=(), attributes={}, first=None, last=None, values={},
                   dates=tuple(sorted(dates)))


@pytest.fixture(scope="module")
def executions() -> Collection:
    return load_collection(BUILT / "moscow-executions.geojson")


@pytest.fixture(scope="module")
def topos() -> Collection:
    return load_collection(BUILT / "topography-of-terror.geojson")


@pytest.fixture(scope="module")
def raw_records() -> list[dict[str, object]]:
    with open(BUILT / "moscow-executions.records.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


WINDOW = (date(1937, 8, 5), date(1938, 11, 17))


@pytest.mark.parametrize(("day", "counted"), [
    ("1937-08-04", False),  # the day before the window
    ("1937-08-05", True),  # its first day
    ("1937-12-31", True),
    ("1938-11-17", True),  # its last day
    ("1938-11-18", False),  # the day after
])
def test_count_includes_both_ends_of_the_window(day: str, counted: bool) -> None:
    assert feature([day]).count(*WINDOW) == int(counted)
    # with other records around it: one more or not
    others = ["1936-01-01", "1937-09-01", "1938-01-01", "1939-06-01"]
    assert feature([*others, day]).count(*WINDOW) == 2 + int(counted)


def test_count_of_records_on_one_day() -> None:
    f = feature(["1937-10-08"] * 3 + ["1937-10-09"])
    assert f.count(date(1937, 10, 8), date(1937, 10, 8)) == 3
    assert f.count(date(1937, 10, 9), date(1937, 10, 9)) == 1
    assert f.count(date(1937, 10, 10), date(1938, 10, 10)) == 0


_day = st.dates(min_value=date(1920, 1, 1), max_value=date(1955, 12, 31))


@given(st.lists(_day, max_size=30), _day, _day)
def test_count_is_the_number_of_dates_in_the_window(days: list[date], a: date, b: date) -> None:
    start, end = min(a, b), max(a, b)
    f = feature(d.isoformat() for d in days)
    assert f.count(start, end) == sum(start <= d <= end for d in days)


@pytest.mark.parametrize(("start", "end"), [
    (date(1937, 8, 5), date(1938, 11, 17)),
    (date(1938, 5, 17), date(1938, 5, 17)),
    (date(1941, 1, 1), date(1941, 12, 31)),
    (date(1900, 1, 1), date(1920, 12, 31)),
])
def test_drawn_is_every_address_with_a_record_in_the_window(executions: Collection,
                                                            raw_records: list[dict[str, object]],
                                                            start: date, end: date) -> None:
    a, b = start.isoformat(), end.isoformat()
    expected = {r["feature"] for r in raw_records
                if r["feature"] is not None and isinstance(r["date"], str) and a <= r["date"] <= b}
    year, features = drawn(executions, [executions.layer], end, start)
    assert year == end.year
    assert {f.id for f in features} == expected
    assert sum(f.count(start, end) for f in features) == sum(
        1 for r in raw_records if r["feature"] is not None and isinstance(r["date"], str) and a <= r["date"] <= b)
    assert len(executions.window_records(start, end)) == sum(
        1 for r in raw_records if isinstance(r["date"], str) and a <= r["date"] <= b)


def test_drawn_without_a_start_is_the_whole_year_of_the_end(executions: Collection,
                                                            raw_records: list[dict[str, object]]) -> None:
    expected = {r["feature"] for r in raw_records
                if r["feature"] is not None and isinstance(r["date"], str) and r["date"].startswith("1939-")}
    _, features = drawn(executions, ["addresses"], date(1939, 3, 31))
    assert {f.id for f in features} <= expected and len(features) < len(expected)  # Jan–Mar only
    _, features = drawn(executions, ["addresses"], date(1939, 12, 31))
    assert {f.id for f in features} == expected


def test_a_layer_off_draws_nothing(executions: Collection, topos: Collection) -> None:
    assert drawn(executions, [], date(1938, 12, 31), date(1937, 1, 1))[1] == []
    assert drawn(executions, ["nkvd", "killing"], date(1938, 12, 31), date(1937, 1, 1))[1] == []
    assert drawn(topos, ["addresses"], date(1938, 12, 31))[1] == []


def test_records_collection_has_records(executions: Collection, topos: Collection,
                                        raw_records: list[dict[str, object]]) -> None:
    assert executions.has_records and not topos.has_records
    assert len(executions.records()) == len(raw_records) == 11_789
    assert topos.records() == ()
    undated = [r for r in executions.records() if r.date is None]
    assert len(undated) == 1
    assert undated[0] not in executions.window_records(date(1, 1, 1), date(9999, 12, 31))


def test_topography_layers(topos: Collection) -> None:
    assert topos.layer == "nkvd"
    assert topos.layers == frozenset({"nkvd", "killing", "sharashki"})
    for f in topos.features:
        stem = f.id.rpartition("-")[0]
        assert topos.layer_of(f) == TOPOS_LAYERS[stem], f.id


@pytest.mark.parametrize(("layers", "name"), [
    (["killing"], 'Спецобъект "Бутовский полигон" (1934-1938)'),
    (["nkvd"], "Лефортовская тюрьма"),
    (["sharashki"], "Марфинская шарашка"),
])
def test_each_layer_draws_its_sites(topos: Collection, layers: list[str], name: str) -> None:
    _, features = drawn(topos, layers, date(1937, 12, 31))
    assert name in {f.name_ru for f in features}
    others = {"killing", "nkvd", "sharashki"} - set(layers)
    _, features = drawn(topos, others, date(1937, 12, 31))
    assert name not in {f.name_ru for f in features}


@pytest.mark.parametrize(("year", "shown"), [(1933, False), (1934, True), (1938, True), (1939, False)])
def test_butovo_is_shown_in_its_years_only(topos: Collection, year: int, shown: bool) -> None:
    _, features = drawn(topos, topos.layers, date(year, 12, 31))
    assert ('Спецобъект "Бутовский полигон" (1934-1938)' in {f.name_ru for f in features}) is shown


def test_a_site_without_years_is_shown_every_year(topos: Collection) -> None:
    (lefortovo,) = [f for f in topos.features if f.name_ru == "Лефортовская тюрьма"]
    for year in (1918, 1937, 1953):
        assert lefortovo in drawn(topos, ["nkvd"], date(year, 6, 30))[1]


@pytest.mark.parametrize(("name", "is_dated"), [
    ('Спецобъект "Бутовский полигон" (1934-1938)', True),
    ("Ваганьковское кладбище (1926-1935)", True),
    ("Лефортовская тюрьма", False),
    ("Рождественский концлагерь (открыт 1 июня 1920)", False),  # a first year only
])
def test_dated_sites(topos: Collection, name: str, is_dated: bool) -> None:
    (f,) = [f for f in topos.features if f.name_ru == name]
    assert dated(topos, f) is is_dated


def test_records_and_values_are_always_dated(executions: Collection) -> None:
    camps = load_collection(BUILT / "gulag-camps.geojson")
    assert all(dated(executions, f) for f in executions.features)
    assert all(dated(camps, f) for f in camps.features)


def test_window_records_edges(executions: Collection) -> None:
    day = date(1938, 5, 17)
    on_day = executions.window_records(day, day)
    assert on_day and all(r.date == "1938-05-17" for r in on_day)
    assert "Крон Арнольд Фрицевич" in {r.name for r in on_day}
    assert not [r for r in executions.window_records(day + timedelta(1), day + timedelta(30))
                if r.date == "1938-05-17"]
