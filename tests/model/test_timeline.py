"""Time questions: events in a window, and the name a place had on a given day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from conftest import needs_real_data
from mapapp import DATA_DIR
from mapapp.ingest.tables import read_table
from mapapp.model.dates import PartialDate
from mapapp.model.records import Event, NamePeriod, Place
from mapapp.model.timeline import events_at, events_in_window, name_at

PLACE = Place(id="p", name_en="Kirov", name_ru="Киров", kind="city", country="RU", abroad=False, lat=58.6,
              lon=49.66, precision="locality", uncertainty_m=5000, description_en=None, description_ru=None,
              coord_source="test", geonames_id=None, names=(), note=None, event_ids=())


def _p(start: str, end: str, en: str, ru: str = "") -> NamePeriod:
    return NamePeriod(PartialDate.parse(start) if start else None, PartialDate.parse(end) if end else None,
                      en, ru or en.upper())


def _event(id: str, start_min: date, end_max: date) -> Event:
    return Event(id=id, title_en=id, title_ru=id, start=PartialDate(start_min.year), end=None, approximate=False,
                 start_min=start_min, end_max=end_max, date_label_en="", date_label_ru="", category="other",
                 place_ids=("p",), people=(), people_names_en=(), people_names_ru=(), summary_en="",
                 summary_ru="", source="general", source_lines=None, citation_en="", citation_ru="", note=None,
                 coordinates=((49.66, 58.6),))


RENAMED = replace(PLACE, names=(_p("1934-12-05", "", "Kirov", "Киров"), _p("1780", "1934-12-05", "Vyatka", "Вятка")))


@pytest.mark.parametrize("when, en, ru", [
    (date(1700, 1, 1), "Vyatka", "Вятка"),  # before the first period: the first name
    (date(1780, 1, 1), "Vyatka", "Вятка"),
    (date(1934, 12, 4), "Vyatka", "Вятка"),
    (date(1934, 12, 5), "Kirov", "Киров"),
    (date(2024, 1, 1), "Kirov", "Киров"),
])
def test_name_at_synthetic(when: date, en: str, ru: str) -> None:
    assert name_at(RENAMED, when) == en
    assert name_at(RENAMED, when, "ru") == ru


def test_name_at_without_periods_is_the_place_name() -> None:
    assert name_at(PLACE, date(1937, 1, 1)) == "Kirov"
    assert name_at(PLACE, date(1937, 1, 1), "ru") == "Киров"


def test_name_at_year_precision_counts_from_1_january() -> None:
    place = replace(PLACE, names=(_p("", "1939", "Kirovo"), _p("1939", "", "Kirovograd")))
    assert name_at(place, date(1938, 12, 31)) == "Kirovo"
    assert name_at(place, date(1939, 1, 1)) == "Kirovograd"


def test_name_at_after_a_closed_last_period_keeps_the_last_name() -> None:
    place = replace(PLACE, names=(_p("", "1922-12-30", "RSFSR"), _p("1922-12-30", "1991-12-26", "USSR")))
    assert name_at(place, date(1995, 1, 1)) == "USSR"


def test_name_at_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="unknown language 'de'"):
        name_at(PLACE, date(1937, 1, 1), "de")  # type: ignore[arg-type]


EVENTS = [
    _event("c_1937", date(1937, 1, 1), date(1937, 12, 31)),
    _event("a_kirov", date(1934, 12, 1), date(1934, 12, 1)),
    _event("b_terror", date(1936, 8, 1), date(1938, 11, 30)),
    _event("d_1941", date(1941, 6, 22), date(1941, 6, 22)),
]


@pytest.mark.parametrize("start, end, expected", [
    (date(1937, 6, 1), date(1937, 6, 30), ["b_terror", "c_1937"]),
    (date(1934, 12, 1), date(1934, 12, 1), ["a_kirov"]),
    (date(1934, 12, 2), date(1936, 7, 31), []),
    (date(1930, 1, 1), date(1950, 1, 1), ["a_kirov", "b_terror", "c_1937", "d_1941"]),
    (date(1938, 11, 30), date(1941, 6, 22), ["b_terror", "d_1941"]),  # both ends inclusive
])
def test_events_in_window(start: date, end: date, expected: list[str]) -> None:
    assert [e.id for e in events_in_window(EVENTS, start, end)] == expected


def test_events_at_and_bad_window() -> None:
    assert [e.id for e in events_at(EVENTS, date(1937, 3, 5))] == ["b_terror", "c_1937"]
    with pytest.raises(ValueError, match="ends"):
        events_in_window(EVENTS, date(1938, 1, 1), date(1937, 1, 1))


# --- the real names.csv --------------------------------------------------------------------------------------

def _real_places() -> dict[str, Place]:
    """Places with only their name periods, straight from data/names.csv (no build needed)."""
    table, problems = read_table(DATA_DIR, "names.csv")
    assert problems == []
    places: dict[str, Place] = {}
    for row in table.rows:
        place = places.get(row["place_id"], replace(PLACE, id=row["place_id"], names=()))
        places[row["place_id"]] = replace(place, names=place.names + (
            _p(row["from"], row["to"], row["name_en"], row["name_ru"]),))
    return places


def _boundaries() -> list[tuple[str, date, str, str]]:
    """(place, date of renaming, name the day before, name on the day) for every renaming in names.csv."""
    if not (DATA_DIR / "names.csv").is_file():
        return []
    out = []
    for place_id, place in sorted(_real_places().items()):
        periods = sorted(place.names, key=lambda p: (p.start is not None, p.start.earliest() if p.start else None))
        for before, after in pairwise(periods):
            assert after.start is not None
            out.append((place_id, after.start.earliest(), before.name_en, after.name_en))
    return out


@needs_real_data
@pytest.mark.realdata
@pytest.mark.parametrize("place_id, day, before, after", _boundaries(),
                         ids=[f"{b[0]}-{b[1]}" for b in _boundaries()])
def test_every_renaming_boundary(place_id: str, day: date, before: str, after: str) -> None:
    place = _real_places()[place_id]
    assert name_at(place, day - timedelta(days=1)) == before
    assert name_at(place, day) == after


@needs_real_data
@pytest.mark.realdata
@pytest.mark.parametrize("place_id, when, en, ru", [
    ("kirov", date(1934, 11, 30), "Vyatka", "Вятка"),
    ("kirov", date(1935, 1, 1), "Kirov", "Киров"),
    ("vanadzor", date(1934, 12, 31), "Karakilisa", "Каракилиса"),
    ("vanadzor", date(1936, 1, 1), "Kirovakan", "Кировакан"),
    ("vanadzor", date(1992, 12, 31), "Kirovakan", "Кировакан"),
    ("vanadzor", date(1994, 1, 1), "Vanadzor", "Ванадзор"),
    ("kropyvnytskyi", date(1933, 6, 1), "Zinovievsk", "Зиновьевск"),
    ("kropyvnytskyi", date(1935, 6, 1), "Kirovo", "Кирово"),
    ("kropyvnytskyi", date(1938, 12, 31), "Kirovo", "Кирово"),
    ("kropyvnytskyi", date(1940, 1, 1), "Kirovograd", "Кировоград"),
    ("kropyvnytskyi", date(2015, 12, 31), "Kirovograd", "Кировоград"),
    ("kropyvnytskyi", date(2017, 1, 1), "Kropyvnytskyi", "Кропивницкий"),
    ("ganja", date(1934, 12, 31), "Ganja", "Гянджа"),
    ("ganja", date(1936, 1, 1), "Kirovabad", "Кировабад"),
    ("ganja", date(1988, 12, 31), "Kirovabad", "Кировабад"),
    ("ganja", date(1990, 1, 1), "Ganja", "Гянджа"),
    ("leningrad", date(1923, 12, 31), "Petrograd", "Петроград"),
    ("leningrad", date(1925, 1, 1), "Leningrad", "Ленинград"),
    ("leningrad", date(1937, 8, 5), "Leningrad", "Ленинград"),
])
def test_known_renamings(place_id: str, when: date, en: str, ru: str) -> None:
    place = _real_places()[place_id]
    assert name_at(place, when) == en
    assert name_at(place, when, "ru") == ru


@needs_real_data
@pytest.mark.realdata
def test_name_at_through_the_built_geodata(tmp_path: Path) -> None:
    from mapapp import GEODATA_DIR
    from mapapp.model.records import load_places

    if not (GEODATA_DIR / "places.geojson").is_file():
        pytest.skip("geodata/ has not been built yet")
    places = load_places()
    assert name_at(places["kirov"], date(1934, 12, 1)) == "Vyatka"
    assert name_at(places["kirov"], date(1934, 12, 5)) == "Kirov"
