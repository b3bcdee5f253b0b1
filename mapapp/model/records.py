"""The app's view of the data: places, events and people read back from ``geodata/``.

These loaders read only build output, never the curated tables: run
``mapapp build`` first. They do check that the output is what the build writes, and raise
:class:`~mapapp.problems.GeodataError` (the file, what is wrong, the fix) when it is not.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from mapapp import GEODATA_DIR
from mapapp.model.dates import PartialDate
from mapapp.problems import GeodataError

DEFAULT_PLACES = GEODATA_DIR / "places.geojson"
DEFAULT_EVENTS = GEODATA_DIR / "events.geojson"
DEFAULT_PEOPLE = GEODATA_DIR / "people.json"


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


def read_geojson(path: Path) -> Any:
    """The parsed JSON of a build output file; :class:`GeodataError` when it is missing, unreadable or not JSON."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise GeodataError(path, "is missing") from exc
    except IsADirectoryError as exc:
        raise GeodataError(path, "is a folder, not a file") from exc
    except OSError as exc:
        raise GeodataError(path, f"cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise GeodataError(path, f"is not UTF-8 (byte {exc.start})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise GeodataError(path, f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc


def _features(path: Path) -> list[Any]:
    """The features of the FeatureCollection at ``path`` (at least one: a build never writes an empty map)."""
    collection = read_geojson(path)
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise GeodataError(path, "is not a GeoJSON FeatureCollection")
    features = collection.get("features")
    if not isinstance(features, list):
        raise GeodataError(path, "has no list of features")
    if not features:
        raise GeodataError(path, "has no features")
    return features


def _fits(value: Any, hint: Any) -> bool:
    """Whether ``value`` (read from JSON) has the type ``hint`` of a model field: str, bool, int, float (an int
    will do), a class, ``X | None``, ``tuple[X, ...]`` or ``tuple[X, Y]``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arg) for arg in typing.get_args(hint))
    if origin is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_fits(v, args[0]) for v in value)
        return len(value) == len(args) and all(_fits(v, a) for v, a in zip(value, args, strict=True))
    if hint is type(None):
        return value is None
    if hint in (int, float):
        number = isinstance(value, int) or (hint is float and isinstance(value, float))
        return number and not isinstance(value, bool) and math.isfinite(value)
    return isinstance(value, hint)


@functools.cache
def _field_types(cls: type) -> tuple[tuple[str, Any], ...]:
    """The (name, type) of every field of the dataclass ``cls``, resolved once."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


_Record = TypeVar("_Record")


def _checked(record: _Record) -> _Record:
    """``record`` (a Place, Event or NamePeriod) if every field has its declared type; else TypeError."""
    for name, hint in _field_types(type(record)):  # type: ignore[arg-type]  # a class is hashable: python/mypy#11470
        value = getattr(record, name)
        if not _fits(value, hint):
            raise TypeError(f"'{name}' is {json.dumps(value, ensure_ascii=False, default=str)[:60]}, "
                            f"not of type {_type_name(hint)}")
    return record


def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


def _bad_feature(path: Path, index: int, feature: Any, exc: Exception, noun: str = "feature") -> GeodataError:
    """What is wrong with feature (or person…) ``index`` (0-based) of ``path``, from the error reading it raised."""
    fid = feature.get("id") if isinstance(feature, dict) else None
    where = f"{noun} {index + 1}" + (f" ('{fid}')" if isinstance(fid, str) else "")
    what = f"lacks {exc.args[0]!r}" if isinstance(exc, KeyError) else f"is malformed: {exc}"
    return GeodataError(path, f"is not what mapapp build writes: {where} {what}")


#: What reading a feature of the wrong shape raises: a missing key, a wrong type, a bad date or number.
SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError)


def _items(record: Mapping[str, Any], key: str) -> tuple[Any, ...]:
    """``record[key]`` as a tuple, if it is a JSON list (``tuple()`` of a string would split it into letters)."""
    value = record[key]
    if not isinstance(value, list):
        raise TypeError(f"'{key}' is {json.dumps(value, ensure_ascii=False, default=str)[:60]}, not a list")
    return tuple(value)


def _date(text: str | None) -> PartialDate | None:
    return PartialDate.parse(text) if text else None


def _point(coordinates: Any) -> tuple[float, float]:
    """A ``[lon, lat]`` pair of finite numbers (TypeError otherwise), as floats."""
    if not (isinstance(coordinates, list) and len(coordinates) == 2
            and all(_fits(c, float) for c in coordinates)):
        raise TypeError(f"coordinates {json.dumps(coordinates)[:60]} are not [lon, lat]")
    return float(coordinates[0]), float(coordinates[1])


def load_places(path: Path = DEFAULT_PLACES) -> dict[str, Place]:
    """Places by id, from ``geodata/places.geojson``; :class:`GeodataError` if it is not what the build writes."""
    path = Path(path)
    places: dict[str, Place] = {}
    for i, feature in enumerate(_features(path)):
        try:
            p = feature["properties"]
            lon, lat = _point(feature["geometry"]["coordinates"])
            names = tuple(_checked(NamePeriod(_date(n["from"]), _date(n["to"]), n["name_en"], n["name_ru"],
                                              n.get("note")))
                          for n in p["names"])
            places[p["id"]] = _checked(Place(
                id=p["id"], name_en=p["name_en"], name_ru=p["name_ru"], kind=p["kind"], country=p["country"],
                abroad=p["abroad"], lat=lat, lon=lon, precision=p["precision"], uncertainty_m=p["uncertainty_m"],
                description_en=p["description_en"], description_ru=p["description_ru"],
                coord_source=p["coord_source"], coord_source_ru=p["coord_source_ru"], geonames_id=p["geonames_id"],
                names=names, note=p["note"], note_ru=p["note_ru"], event_ids=_items(p, "event_ids")))
        except SHAPE_ERRORS as exc:
            raise _bad_feature(path, i, feature, exc) from exc
    return places


def load_events(path: Path = DEFAULT_EVENTS) -> list[Event]:
    """Events from ``geodata/events.geojson``, sorted by start, then id; :class:`GeodataError` if it is not what
    the build writes."""
    path = Path(path)
    events: list[Event] = []
    for i, feature in enumerate(_features(path)):
        try:
            p = feature["properties"]
            geometry = feature["geometry"]
            coords = [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
            start = PartialDate.parse(p["start"])
            events.append(_checked(Event(
                id=p["id"], title_en=p["title_en"], title_ru=p["title_ru"], start=start, end=_date(p["end"]),
                approximate=p["approximate"], start_min=date.fromisoformat(p["start_min"]),
                end_max=date.fromisoformat(p["end_max"]), date_label_en=p["date_label_en"],
                date_label_ru=p["date_label_ru"], category=p["category"], place_ids=_items(p, "place_ids"),
                people=_items(p, "people"), people_names_en=_items(p, "people_names_en"),
                people_names_ru=_items(p, "people_names_ru"), summary_en=p["summary_en"],
                summary_ru=p["summary_ru"], source=p["source"], source_lines=p["source_lines"],
                citation_en=p["citation_en"], citation_ru=p["citation_ru"], note=p["note"], note_ru=p["note_ru"],
                coordinates=tuple(_point(c) for c in coords))))
        except SHAPE_ERRORS as exc:
            raise _bad_feature(path, i, feature, exc) from exc
    return sorted(events, key=lambda e: (e.start_min, e.id))


def check_references(places: Mapping[str, Place], events: Iterable[Event], events_path: Path) -> None:
    """:class:`GeodataError` when an event has no place, or names one ``places`` lacks (the two files come from
    different builds, or one was edited): the map would fail on it later, far from the cause."""
    for event in events:
        if not event.place_ids:
            raise GeodataError(events_path, f"is not what mapapp build writes: event '{event.id}' has no place")
        missing = [pid for pid in event.place_ids if pid not in places]
        if missing:
            raise GeodataError(events_path, f"does not match places.geojson: event '{event.id}' is at "
                                            f"'{missing[0]}', which places.geojson lacks")


def load_people(path: Path = DEFAULT_PEOPLE) -> dict[str, Person]:
    """People by id, from ``geodata/people.json``; :class:`GeodataError` if it is not what the build writes."""
    path = Path(path)
    data = read_geojson(path)
    if not isinstance(data, dict) or not isinstance(data.get("people"), list):
        raise GeodataError(path, "is not what mapapp build writes: it has no list of people")
    people: dict[str, Person] = {}
    for i, p in enumerate(data["people"]):
        try:
            people[p["id"]] = _checked(Person(p["id"], p["name_en"], p["name_ru"], _items(p, "aliases"),
                                              _date(p["born"]), _date(p["died"]), p["description_en"], p["note"]))
        except SHAPE_ERRORS as exc:
            raise _bad_feature(path, i, p, exc, "person") from exc
    return people
