"""Free-text places of a register ("Карагандинская обл., пос. Долинка") resolved to points, once per distinct text.

A register of millions of rows names a few tens of thousands of places, each written as the record's clerk wrote
it: a settlement with its kind ("г.", "пос.", "д."), often after its republic, region and district, in the names
of the time (Сталино, Молотовская обл.). :class:`PlaceResolver` reads such a text into its parts (:func:`parse`),
then looks the settlement up among the curated places (every name they had) and GeoNames (the project's
gazetteer), inside the Soviet Union's countries. The regions table (``data/regions.csv``: a region as written,
its centre, its country) settles a name several towns share: the one nearest the region's centre. A settlement
the gazetteer lacks is placed at its region's centre, marked so. Every answer says how it was reached.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mapapp.ingest.gazetteer import City, Gazetteer, normalise
from mapapp.model.records import Place
from mapapp.problems import DataError, Problem

#: The countries of the Soviet Union: a register's places are looked for in them only ("Луга" is not Louga, SN).
USSR = frozenset({"RU", "UA", "BY", "KZ", "UZ", "GE", "AM", "AZ", "KG", "TJ", "TM", "MD", "LT", "LV", "EE"})
#: How far from its region's centre a settlement of that region may be (the largest regions, Siberian krais).
REGION_RADIUS_KM = 1500.0

_REGION_KINDS_AS_WRITTEN = {"обл": "обл.", "область": "обл.", "край": "край", "кр": "край", "губ": "губ.", "губерния": "губ.",
                 "асср": "АССР", "ссср": "ССР", "сср": "ССР", "ао": "АО", "округ": "округ"}
_DISTRICT_KINDS_AS_WRITTEN = {"р н", "район", "уезд", "у", "волость", "вол"}
_SETTLEMENT_KINDS_AS_WRITTEN = {"г", "гор", "город", "пос", "п", "поселок", "посёлок", "рп", "пгт", "с", "село", "д", "дер",
                     "деревня", "ст", "станица", "станция", "х", "хутор", "аул", "кишлак", "м", "местечко"}
# compared as normalise() leaves a word (й → и, ё → е)
_REGION_KINDS = {normalise(k): v for k, v in _REGION_KINDS_AS_WRITTEN.items()}
_DISTRICT_KINDS = {normalise(k) for k in _DISTRICT_KINDS_AS_WRITTEN}
_SETTLEMENT_KINDS = {normalise(k) for k in _SETTLEMENT_KINDS_AS_WRITTEN}
#: A note in brackets, often the place's later name: "Молотовская (ныне – Пермская) область", "(ныне – г. Саров)".
_NOTE = re.compile(r"\(([^()]*)\)")
_NOTE_LEAD = re.compile(r"^\s*(?:ныне|сейчас|теперь|позднее|впоследствии)?\s*[–—-]?\s*", re.IGNORECASE)

Precision = Literal["town", "region"]
#: What a clerk wrote for a place nobody knew: "no information", "unknown", "without place", "not given".
UNKNOWN = frozenset(normalise(t) for t in ("нет сведений", "нет данных", "неизвестно", "не известно", "б м",
                                           "н д", "не указано", "место неизвестно"))


@dataclass(frozen=True)
class Parsed:
    """A place text's parts: its settlement's name, and the regions (normalised stems) and districts around it."""

    settlement: str | None
    regions: tuple[str, ...]
    districts: tuple[str, ...]


def _kind_and_name(part: str) -> tuple[str | None, str]:
    """("обл.", "Ленинградская") for "Ленинградская обл."; (None, "Москва") for a bare name."""
    words = part.split()  # "р-н" needs nothing: normalise() reads it as "р н"
    if not words:
        return None, ""
    if len(words) > 2 and normalise(" ".join(words[:2])) in {normalise("рабочий посёлок")}:
        return "settlement", " ".join(words[2:])
    for i in (0, len(words) - 1):
        key = normalise(words[i])  # "обл." is "обл": normalise() drops the point
        if key in _SETTLEMENT_KINDS and len(words) > 1:
            return "settlement", " ".join(words[:i] + words[i + 1:])
        if key in _REGION_KINDS and len(words) > 1:
            return _REGION_KINDS[key], " ".join(words[:i] + words[i + 1:])
    if len(words) > 1 and normalise(words[-1]) in _DISTRICT_KINDS:
        return "district", " ".join(words[:-1])
    return None, part.strip()


def parse(text: str) -> Parsed:
    """Read a register's place text: comma-separated parts, largest first as a rule, each with its kind."""
    settlement: str | None = None
    regions: list[str] = []
    districts: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        kind, name = _kind_and_name(part)
        if kind == "settlement" or (kind is None and name):
            settlement = name  # the last one named is the smallest
        elif kind == "district":
            districts.append(normalise(name))
        elif kind:
            regions.append(normalise(name))
    return Parsed(settlement, tuple(regions), tuple(districts))


@dataclass(frozen=True)
class Region:
    """A region of ``data/regions.csv`` with its centre resolved."""

    name: str
    kind: str
    country: str
    centre: City


@dataclass(frozen=True)
class Resolved:
    """Where a place text was put, and why; ``precision`` None means unresolved (``how`` says why)."""

    text: str
    lat: float | None
    lon: float | None
    precision: Precision | None
    how: str
    place: str | None = None  # a curated place's id
    geonameid: int | None = None


@dataclass(frozen=True)
class CuratedName:
    """A name (any language, any period) of a curated place."""

    place: str
    name: str
    lat: float
    lon: float
    country: str


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def read_regions(path: Path, gazetteer: Gazetteer) -> dict[str, Region]:
    """``data/regions.csv`` by normalised region name; every row whose centre the gazetteer cannot find is a
    problem (all reported at once)."""
    regions: dict[str, Region] = {}
    problems: list[Problem] = []
    with path.open(encoding="utf-8", newline="") as f:
        for row_no, row in enumerate(csv.DictReader(f), start=2):
            found = [c for c in gazetteer.lookup(row["centre"]) if c.country == row["country"]]
            if not found:
                problems.append(Problem(path.name, row_no, "centre", row["centre"],
                                        f"is no town of {row['country']} in the gazetteer",
                                        "give the centre's name as GeoNames knows it (today's or a historic one)"))
                continue
            key = normalise(row["region"])
            if key in regions:
                problems.append(Problem(path.name, row_no, "region", row["region"], "is listed twice",
                                        "keep one row per region"))
                continue
            regions[key] = Region(row["region"], row["kind"], row["country"], found[0])
    if problems:
        raise DataError(problems)
    return regions


class PlaceResolver:
    """Resolves place texts through the curated places, the gazetteer and the regions; :meth:`resolve` is pure."""

    def __init__(self, gazetteer: Gazetteer, regions: Mapping[str, Region], curated: Iterable[CuratedName] = ()):
        self.gazetteer = gazetteer
        self.regions = dict(regions)
        self.curated: dict[str, list[CuratedName]] = {}
        for c in curated:
            self.curated.setdefault(normalise(c.name), []).append(c)

    def resolve(self, text: str) -> Resolved:
        """One place text, resolved (or not) with the reason. A note in brackets is read apart: the text without
        it first, then, if that finds no town, the note ("ныне – город Саров") as a place text of its own."""
        if normalise(text.replace("/", " ")) in UNKNOWN:
            return Resolved(text, None, None, None, "says the place is not known")
        notes = [_NOTE_LEAD.sub("", n).strip() for n in _NOTE.findall(text)]
        main = self._resolve(text, _NOTE.sub(" ", text).strip())
        if main.precision == "town":
            return main
        for note in notes:
            found = self._resolve(text, note)
            if found.precision == "town":
                return Resolved(text, found.lat, found.lon, "town", f"by its note ({note!r}): {found.how}",
                                found.place, found.geonameid)
        return main

    def _resolve(self, text: str, clean: str) -> Resolved:
        parsed = parse(clean)
        region = next((self.regions[r] for r in reversed(parsed.regions) if r in self.regions), None)
        unknown = [r for r in parsed.regions if r not in self.regions]
        if parsed.settlement is None:
            if region is not None:
                return self._at_region(text, region, "names no settlement")
            return Resolved(text, None, None, None, "names no settlement and no known region"
                            + (f" ({', '.join(unknown)})" if unknown else ""))
        name = parsed.settlement
        curated = self.curated.get(normalise(name), [])
        if region is not None:
            curated = [c for c in curated if c.country == region.country
                       and distance_km(c.lat, c.lon, region.centre.lat, region.centre.lon) <= REGION_RADIUS_KM]
        if curated:
            c = curated[0]
            return Resolved(text, c.lat, c.lon, "town", f"the curated place {c.place} ({c.name})", place=c.place)
        towns = [t for t in self.gazetteer.lookup(name) if t.country in USSR]
        if region is not None:
            near = sorted((distance_km(t.lat, t.lon, region.centre.lat, region.centre.lon), t) for t in towns
                          if t.country == region.country)
            near = [(d, t) for d, t in near if d <= REGION_RADIUS_KM]
            if near:
                d, t = near[0]
                why = (f"the nearest of {len(near)} to {region.centre.name} ({region.name} {region.kind}), {d:.0f} km"
                       if len(near) > 1 else f"in {region.name} {region.kind}")
                return Resolved(text, t.lat, t.lon, "town", f"GeoNames {t.geonameid} ({t.name}, {t.country}), {why}",
                                geonameid=t.geonameid)
            return self._at_region(text, region, f"{name!r} is not in the gazetteer near its centre")
        if towns:
            t = towns[0]
            why = f", the most populous of {len(towns)}" if len(towns) > 1 else ""
            return Resolved(text, t.lat, t.lon, "town", f"GeoNames {t.geonameid} ({t.name}, {t.country}){why}",
                            geonameid=t.geonameid)
        return Resolved(text, None, None, None, f"{name!r} is in neither the curated places nor the gazetteer"
                        + (f", and its region ({', '.join(unknown)}) is not in regions.csv" if unknown else ""))

    @staticmethod
    def _at_region(text: str, region: Region, why: str) -> Resolved:
        c = region.centre
        return Resolved(text, c.lat, c.lon, "region", f"{why}: placed at the centre of {region.name} {region.kind} "
                        f"(GeoNames {c.geonameid}, {c.name})", geonameid=c.geonameid)


def curated_names(places: Iterable[Place]) -> list[CuratedName]:
    """Every name of every curated place, in both languages and all periods."""
    return [CuratedName(p.id, n, p.lat, p.lon, p.country) for p in places
            for n in sorted({p.name_ru, p.name_en, *(x.name_ru for x in p.names), *(x.name_en for x in p.names)})]


def project_resolver(root: Path) -> PlaceResolver:
    """The resolver of this project: GeoNames (cities500), ``data/regions.csv``, the built curated places."""
    from mapapp.ingest.gazetteer import default_gazetteer
    from mapapp.model.records import load_places

    gazetteer = default_gazetteer()
    return PlaceResolver(gazetteer, read_regions(root / "data" / "regions.csv", gazetteer),
                         curated_names(load_places(root / "geodata" / "places.geojson").values()))
