"""Collections read back from ``geodata/collections/<id>.geojson``: features with a value per year.

The rules the map, the exports and the downloads share (the tests hold the browser to them):

* A feature **operates** in the years from its first to its last (inclusive); it is shown only then. A first or
  last year the source does not give is open: a site whose name gives no years is always shown.
* Its **value** in a year is the source's figure, or None — *no count*: a year inside its span that the source
  lists without a figure, or does not list at all. Unknown is never zero.
* The year the map shows is the year of the window's **end** (:func:`year_of`).
* The **total** of a year sums the features with a figure for it; it says how many operated and how many of them
  had a figure, because the total covers only those.
* A collection with **records** (people shot, each with a date) counts at each feature the records dated within
  the window, first and last day included (:meth:`Feature.count`); the records themselves are read only on request
  (:meth:`Collection.records`).
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from mapapp.i18n import Lang
from mapapp.problems import GeodataError

FOLDER = "collections"
RECORDS_SUFFIX = ".records.jsonl"  # a collection's records beside its features (mapapp.ingest.record_import)


@dataclass(frozen=True)
class Feature:
    """One feature of a collection (a camp's location): its names, attributes and values by year."""

    id: str
    group: str | None
    lon: float
    lat: float
    name_en: str
    name_ru: str
    name_en_transliterated: bool
    other_en: tuple[str, ...]
    other_ru: tuple[str, ...]
    attributes: Mapping[str, Mapping[str, str]]
    first: int | None
    last: int | None
    values: Mapping[int, int | None]
    layer: str | None = None  # its own map layer, else the collection's
    outline: Mapping[str, Any] | None = field(default=None, repr=False)  # a GeoJSON polygon (a building)
    place: str | None = None  # the curated place it is (drawn as that place)
    years_text: str = ""  # the words its years were read from
    types: tuple[Mapping[str, str], ...] = ()  # what it is ({"en", "ru"} each), one per source layer listing it
    dates: tuple[str, ...] = ()  # its records' dates (ISO, sorted)
    precision: str | None = None  # "street": a location made from the street's houses

    def operates(self, year: int) -> bool:
        """Whether the feature exists in ``year`` (an open first or last year does not limit it)."""
        return (self.first is None or self.first <= year) and (self.last is None or year <= self.last)

    def count(self, start: date, end: date) -> int:
        """How many of its records are dated from ``start`` to ``end``, both included."""
        return bisect_right(self.dates, end.isoformat()) - bisect_left(self.dates, start.isoformat())

    def year_range(self) -> range:
        """Every year from the first to the last; ValueError for a feature whose years are open (not given)."""
        if self.first is None or self.last is None:
            raise ValueError(f"feature {self.id} has open years ({self.first}–{self.last})")
        return range(self.first, self.last + 1)

    def value(self, year: int) -> int | None:
        """The figure for ``year``; None when unknown (or when the feature does not operate then)."""
        return self.values.get(year)

    def name(self, lang: Lang) -> str:
        """The name in ``lang``; English may be a transliteration (see :attr:`name_en_transliterated`)."""
        return self.name_en if lang == "en" else self.name_ru

    def other_names(self, lang: Lang) -> tuple[str, ...]:
        """The other names in ``lang``."""
        return self.other_en if lang == "en" else self.other_ru


@dataclass(frozen=True)
class Total:
    """The sum of a year's figures, and what it covers."""

    year: int
    total: int
    with_value: int  # features with a figure for the year
    operating: int  # features operating in the year


@dataclass(frozen=True)
class Collection:
    """A collection as the map uses it: what it is, how to credit it, and its features."""

    id: str
    layer: str
    meta: Mapping[str, Any]  # title, credit, citation, caveat, measure ({"en", "ru"} each), licence, attributes
    features: tuple[Feature, ...] = field(repr=False)
    years: tuple[int, int] | None
    records_path: Path | None = None  # <id>.records.jsonl beside the features, when the collection has records

    def text(self, key: str, lang: Lang) -> str:
        """A text of the declaration (``title``, ``credit``, ``citation``, ``caveat``, ``measure``) in ``lang``."""
        return str(self.meta[key][lang])

    def operating(self, year: int) -> list[Feature]:
        """The features operating in ``year``."""
        return [f for f in self.features if f.operates(year)]

    @cached_property
    def totals(self) -> tuple[Total, ...]:
        """Every year of the collection with its total (see the module docstring)."""
        if self.years is None:
            return ()
        out = []
        for year in range(self.years[0], self.years[1] + 1):
            operating = self.operating(year)
            figures = [v for f in operating if (v := f.value(year)) is not None]
            out.append(Total(year, sum(figures), len(figures), len(operating)))
        return tuple(out)

    def total(self, year: int) -> Total | None:
        """The total of ``year``; None outside the collection's years."""
        if self.years is None or not self.years[0] <= year <= self.years[1]:
            return None
        return self.totals[year - self.years[0]]

    @cached_property
    def max_value(self) -> int:
        """The largest figure of any feature in any year (the top of the size key)."""
        return max((v for f in self.features for v in f.values.values() if v is not None), default=0)

    def layer_of(self, feature: Feature) -> str:
        """The map layer ``feature`` is drawn in."""
        return feature.layer or self.layer

    @property
    def layers(self) -> frozenset[str]:
        """Every map layer this collection draws in."""
        return frozenset({self.layer, *(f.layer for f in self.features if f.layer)})

    @property
    def has_records(self) -> bool:
        """Whether the features count dated records (people shot), not values by year."""
        return "records" in self.meta

    def records(self) -> tuple[Record, ...]:
        """The records, read from the build output beside the collection on first use (and kept)."""
        if self.records_path is None:
            return ()
        cached = _RECORDS.get(self.records_path)
        if cached is None:
            cached = _RECORDS[self.records_path] = _read_records(self.records_path)
        return cached

    def window_records(self, start: date, end: date) -> list[Record]:
        """The records dated within the window, first and last day included."""
        a, b = start.isoformat(), end.isoformat()
        return [r for r in self.records() if r.date is not None and a <= r.date <= b]

    def by_group(self, group: str) -> list[Feature]:
        """The features of one group (one camp's locations)."""
        return [f for f in self.features if f.group == group]


@dataclass(frozen=True)
class Record:
    """A dated record of a collection (a person shot), as the source gives it."""

    id: str
    feature: str | None  # the feature it is counted at; None when it could not be located
    precision: str | None  # "address", "house" or "street": how it was located
    date: str | None  # ISO; None when the source gives none
    place: str | None  # the curated place of the record (the burial ground)
    name: str
    fields: Mapping[str, str]
    text: str = ""


_RECORDS: dict[Path, tuple[Record, ...]] = {}


def _read_records(path: Path) -> tuple[Record, ...]:
    try:
        with Path(path).open(encoding="utf-8") as handle:
            return tuple(Record(id=str(r["id"]), feature=r["feature"], precision=r["precision"], date=r["date"],
                                place=r["place"], name=r["name"], fields=r["fields"], text=r.get("text", ""))
                         for r in map(json.loads, handle) if r)
    except FileNotFoundError:
        raise GeodataError(path, "does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise GeodataError(path, f"is not what mapapp build writes ({exc})") from None


def year_of(window_end: date) -> int:
    """The year a map of a window shows: that of the window's last day."""
    return window_end.year


def _feature(raw: Mapping[str, Any]) -> Feature:
    p = raw["properties"]
    outline = raw["geometry"] if raw["geometry"]["type"] != "Point" else None
    lon, lat = p["point"] if outline is not None else raw["geometry"]["coordinates"][:2]
    return Feature(id=str(raw["id"]), group=p["group"], lon=float(lon), lat=float(lat), name_en=p["name_en"],
                   name_ru=p["name_ru"], name_en_transliterated=bool(p["name_en_transliterated"]),
                   other_en=tuple(p["other_en"]), other_ru=tuple(p["other_ru"]), attributes=p["attributes"],
                   first=None if p["first"] is None else int(p["first"]),
                   last=None if p["last"] is None else int(p["last"]),
                   values={int(y): (None if v is None else int(v)) for y, v in p["values"].items()},
                   layer=p.get("layer"), outline=outline, place=p.get("place"), years_text=p.get("years_text", ""),
                   types=tuple(p.get("types", ())), dates=tuple(p.get("dates", ())), precision=p.get("precision"))


def load_collection(path: Path) -> Collection:
    """One collection's build output; :class:`~mapapp.problems.GeodataError` if it is not what the build writes."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GeodataError(path, "does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeodataError(path, f"cannot be read as JSON ({exc})") from None
    try:
        meta = doc["collection"]
        years = meta.get("years")
        records = Path(path).with_name(f"{meta['id']}{RECORDS_SUFFIX}")
        return Collection(id=str(meta["id"]), layer=str(meta["layer"]), meta=meta,
                          features=tuple(_feature(f) for f in doc["features"]),
                          years=(int(years[0]), int(years[1])) if years else None,
                          records_path=records if "records" in meta else None)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        what = f"lacks {exc.args[0]!r}" if isinstance(exc, KeyError) else f"is malformed: {exc}"
        raise GeodataError(path, f"is not what mapapp build writes: {what}") from None


def load_collections(geodata: Path) -> tuple[Collection, ...]:
    """Every collection in ``geodata/collections/``, by id (none when the folder is absent)."""
    folder = Path(geodata) / FOLDER
    if not folder.is_dir():
        return ()
    return tuple(load_collection(p) for p in sorted(folder.glob("*.geojson")))


def drawn(c: Collection, layers: Iterable[str], window_end: date,
          window_start: date | None = None) -> tuple[int, list[Feature]]:
    """What a map of a window ending on ``window_end`` shows of ``c``: the year (:func:`year_of`) and the features
    operating then, in the chosen ``layers``; of a collection with records, the features with a record dated in the
    window (from ``window_start``, else the whole year). The map, the exports and the downloads ask here."""
    year = year_of(window_end)
    chosen = set(layers)
    features = [f for f in c.operating(year) if c.layer_of(f) in chosen]
    if c.has_records:
        start = window_start or date(year, 1, 1)
        features = [f for f in features if f.count(start, window_end) > 0]
    return year, features


def places_shown(collections: Iterable[Collection], layers: Iterable[str], start: date, end: date) -> set[str]:
    """Curated places a window shows because of the collections, whatever their events: a place that is a site
    operating in the window's year (one place, both records), and a place (burial ground) of a record dated in
    the window while the records' layer is on. The browser's ``sitePlaces`` and ``burialPlaces`` do the same."""
    chosen = set(layers)
    shown: set[str] = set()
    for c in collections:
        if c.has_records:
            if c.layer in chosen:
                shown.update(r.place for r in c.window_records(start, end) if r.place)
        else:
            shown.update(f.place for f in c.operating(year_of(end)) if f.place)
    return shown


def dated(c: Collection, f: Feature) -> bool:
    """Whether ``f`` tells a window apart: a figure or a record, or a site with both years known. A site whose
    years are not given (or only one of them) is on every map of its years, so it alone makes no window's content."""
    return c.meta.get("time") != "in_name" or (f.first is not None and f.last is not None)


def in_layers(collections: Iterable[Collection], layers: Iterable[str]) -> list[Collection]:
    """The collections drawing in any of ``layers``."""
    chosen = set(layers)
    return [c for c in collections if c.layers & chosen]
