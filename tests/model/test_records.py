"""The app's loaders read back exactly what the build wrote."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from conftest import BASE, needs_real_data
from mapapp.ingest.borders import load_borders
from mapapp.ingest.build import build
from mapapp.ingest.gazetteer import Gazetteer
from mapapp.model.dates import PartialDate
from mapapp.model.records import load_events, load_people, load_places
from mapapp.model.timeline import name_at
from mapapp.problems import GeodataError
from mapapp.webmap.mapview import load_dataset


def test_round_trip(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer) -> None:
    result = build(data_dir, tmp_path / "out", test_gazetteer)
    places = load_places(result.places_path)
    events = load_events(result.events_path)
    assert sorted(places) == ["kirov_city", "lubyanka", "smolny"]
    kirov = places["kirov_city"]
    assert (kirov.lon, kirov.lat, kirov.geonames_id) == (49.66007, 58.59665, 548408)
    assert kirov.names[1].start == PartialDate(1780) and kirov.names[1].end == PartialDate(1934, 12, 5)
    assert name_at(kirov, date(1934, 12, 1)) == "Vyatka"
    assert kirov.coord_source_ru == "GeoNames 548408 (Kirov, RU), тестовые города, CC BY 4.0"
    assert (places["smolny"].coord_source_ru, places["smolny"].note_ru) == ("OpenStreetMap, проверено вручную", None)
    assert places["lubyanka"].note_ru == "Внутренняя тюрьма отдельно не локализована."
    assert [e.id for e in events] == ["kirov_murder", "vyatka_renamed", "yezhovshchina"]  # by start
    era = events[2]
    assert (era.start_min, era.end_max, era.approximate) == (date(1937, 1, 1), date(1938, 12, 31), True)
    assert events[1].coordinates == ((49.66007, 58.59665), (30.39583, 59.94611))
    assert (events[0].note, events[0].note_ru) == ("The gunman's name is not in the source.",
                                                   "Имени стрелявшего в источнике нет.")


def test_load_people(data_dir: Path, tmp_path: Path, test_gazetteer: Gazetteer) -> None:
    """people.csv reaches the app through the build's people.json, every field as the table gives it."""
    people = load_people(build(data_dir, tmp_path / "out", test_gazetteer).places_path.parent / "people.json")
    yezhov = people["yezhov"]
    assert yezhov.aliases == ("Ezhov", "Ejov")
    assert (yezhov.born, yezhov.died) == (PartialDate(1895), PartialDate(1940, 2, 4))
    assert set(people) == {r["id"] for r in BASE["people.csv"]}


@pytest.mark.parametrize(("content", "reason"), [
    (None, "is missing"),
    ('{"persons": []}', "has no list of people"),
    ('{"people": [{"id": "x", "name_en": "X"}]}', "person 1 ('x') lacks 'name_ru'"),
    ('{"people": [{"id": "x", "name_en": "X", "name_ru": "Х", "aliases": "X", "born": null, "died": null, '
     '"description_en": "", "note": ""}]}', "person 1 ('x') is malformed: 'aliases' is"),
    ('{"people": [{"id": "x", "name_en": "X", "name_ru": "Х", "aliases": [], "born": "1937-13", "died": null, '
     '"description_en": "", "note": ""}]}', "person 1 ('x') is malformed"),
])
def test_load_people_reports_broken_output(tmp_path: Path, content: str | None, reason: str) -> None:
    if content is not None:
        (tmp_path / "people.json").write_text(content, encoding="utf-8")
    with pytest.raises(GeodataError, match=re.escape(reason)):
        load_people(tmp_path / "people.json")


@needs_real_data
@pytest.mark.realdata
def test_default_paths_load_the_committed_geodata() -> None:
    places, events, people = load_places(), load_events(), load_people()
    assert places and events and people
    assert all(pid in places for e in events for pid in e.place_ids)
    assert all(p in people for e in events for p in e.people)


def test_the_loaders_raise_one_exception_type_for_broken_geodata(tmp_path: Path) -> None:
    """The page and the command line catch GeodataError; it says which file, what is wrong and the fix."""
    (tmp_path / "places.geojson").write_text('{"type": "Topology"}', encoding="utf-8")
    (tmp_path / "events.geojson").write_text('{"type": "FeatureCollection", "features": [[1, 2]]}',
                                             encoding="utf-8")
    (tmp_path / "borders.geojson").write_text('{"type": "FeatureCollection", "features": [{"properties": {}}]}',
                                              encoding="utf-8")
    cases = [(load_places, "places.geojson", "is not a GeoJSON FeatureCollection"),
             (load_events, "events.geojson", "is not what mapapp build writes: feature 1 is malformed: "),
             (load_borders, "borders.geojson", "is not what mapapp build writes: lacks 'snapshot'")]
    for loader, name, reason in cases:
        with pytest.raises(GeodataError) as info:
            loader(tmp_path / name)
        assert info.value.path == tmp_path / name
        assert info.value.reason.startswith(reason)
        assert info.value.fix == f"run `mapapp build --out {tmp_path}` to write it again (the build output is " \
                                 "never edited by hand)"
        assert str(info.value) == f"{tmp_path / name} {info.value.reason}. Fix: {info.value.fix}."
    with pytest.raises(GeodataError, match="places.geojson is not a GeoJSON FeatureCollection"):
        load_dataset(tmp_path)


def test_load_borders_still_allows_a_build_without_borders(tmp_path: Path) -> None:
    assert load_borders(tmp_path / "borders.geojson") is None
