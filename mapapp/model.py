"""The app's view of the data: places, events and people read back from ``geodata/``.

These loaders read only build output (and ``people.csv``), never validate: run
``mapapp build`` first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from . import DATA_DIR, GEODATA_DIR
from .dates import PartialDate
from .problems import DataError
from .tables import read_table, split_list

DEFAULT_PLACES = GEODATA_DIR / "places.geojson"
DEFAULT_EVENTS = GEODATA_DIR / "events.geojson"
DEFAULT_PEOPLE = DATA_DIR / "people.csv"


@dataclass(frozen=True)
class NamePeriod:
    """A name valid from ``start`` (inclusive) to ``end`` (exclusive); None = open."""

    start: PartialDate | None
    end: PartialDate | None
    name_en: str
    name_ru: str
    note: str | None = None


@dataclass(frozen=True)
class Place:
    """A place at today's name, with the names it had over time.

    The Russian texts come last, with defaults, so code that builds a Place by keyword without them still works.
    """

    id: str
    name_en: str
    name_ru: str
    kind: str
    country: str
    abroad: bool
    lat: float
    lon: float
    precision: str
    uncertainty_m: int
    description_en: str | None
    description_ru: str | None
    coord_source: str
    geonames_id: int | None
    names: tuple[NamePeriod, ...]
    note: str | None
    event_ids: tuple[str, ...]
    coord_source_ru: str = ""
    note_ru: str | None = None


@dataclass(frozen=True)
class Event:
    """An event with parsed date bounds and a ready-made citation (``note_ru`` last, with a default, as in Place)."""

    id: str
    title_en: str
    title_ru: str
    start: PartialDate
    end: PartialDate | None
    approximate: bool
    start_min: date
    end_max: date
    date_label_en: str
    date_label_ru: str
    category: str
    place_ids: tuple[str, ...]
    people: tuple[str, ...]
    people_names_en: tuple[str, ...]
    people_names_ru: tuple[str, ...]
    summary_en: str
    summary_ru: str
    source: str
    source_lines: str | None
    citation_en: str
    citation_ru: str
    note: str | None
    coordinates: tuple[tuple[float, float], ...]  # (lon, lat) per place, main place first
    note_ru: str | None = None


@dataclass(frozen=True)
class Person:
    """A person named in events."""

    id: str
    name_en: str
    name_ru: str
    aliases: tuple[str, ...]
    born: PartialDate | None
    died: PartialDate | None
    description_en: str
    note: str


def _features(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        collection = json.load(fh)
    if collection.get("type") != "FeatureCollection":
        raise ValueError(f"{path} is not a GeoJSON FeatureCollection")
    return list(collection["features"])


def _date(text: str | None) -> PartialDate | None:
    return PartialDate.parse(text) if text else None


def load_places(path: Path = DEFAULT_PLACES) -> dict[str, Place]:
    """Places by id, from ``geodata/places.geojson``."""
    places: dict[str, Place] = {}
    for feature in _features(Path(path)):
        p = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        names = tuple(NamePeriod(_date(n["from"]), _date(n["to"]), n["name_en"], n["name_ru"], n.get("note"))
                      for n in p["names"])
        places[p["id"]] = Place(
            id=p["id"], name_en=p["name_en"], name_ru=p["name_ru"], kind=p["kind"], country=p["country"],
            abroad=p["abroad"], lat=lat, lon=lon, precision=p["precision"], uncertainty_m=p["uncertainty_m"],
            description_en=p["description_en"], description_ru=p["description_ru"],
            coord_source=p["coord_source"], coord_source_ru=p["coord_source_ru"], geonames_id=p["geonames_id"],
            names=names, note=p["note"], note_ru=p["note_ru"], event_ids=tuple(p["event_ids"]))
    return places


def load_events(path: Path = DEFAULT_EVENTS) -> list[Event]:
    """Events from ``geodata/events.geojson``, sorted by start, then id."""
    events: list[Event] = []
    for feature in _features(Path(path)):
        p = feature["properties"]
        geometry = feature["geometry"]
        coords = [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
        start = PartialDate.parse(p["start"])
        events.append(Event(
            id=p["id"], title_en=p["title_en"], title_ru=p["title_ru"], start=start, end=_date(p["end"]),
            approximate=p["approximate"], start_min=date.fromisoformat(p["start_min"]),
            end_max=date.fromisoformat(p["end_max"]), date_label_en=p["date_label_en"],
            date_label_ru=p["date_label_ru"], category=p["category"], place_ids=tuple(p["place_ids"]),
            people=tuple(p["people"]), people_names_en=tuple(p["people_names_en"]),
            people_names_ru=tuple(p["people_names_ru"]), summary_en=p["summary_en"],
            summary_ru=p["summary_ru"], source=p["source"], source_lines=p["source_lines"],
            citation_en=p["citation_en"], citation_ru=p["citation_ru"], note=p["note"], note_ru=p["note_ru"],
            coordinates=tuple((float(x), float(y)) for x, y in coords)))
    return sorted(events, key=lambda e: (e.start_min, e.id))


def load_people(path: Path = DEFAULT_PEOPLE) -> dict[str, Person]:
    """People by id, from ``data/people.csv`` (raises DataError if the file cannot be read)."""
    path = Path(path)
    table, problems = read_table(path.parent, path.name)
    if problems:
        raise DataError(problems)
    return {r["id"]: Person(r["id"], r["name_en"], r["name_ru"], tuple(split_list(r["aliases"])),
                            _date(r["born"]), _date(r["died"]), r["description_en"], r["note"])
            for r in table.rows}
