"""Import a collection (``data/collections/<id>/``) as its ``collection.toml`` declares, into ``geodata/``.

The source files stay as they came; every reading decision is in the declaration. :func:`import_collection`
reads the files (:mod:`mapapp.ingest.reader`), joins them, parses geometry, names, time and values, and renders
``geodata/collections/<id>.geojson`` (one feature per row of the features file, deterministic) and a build
report ``<id>.report.txt``. Problems of the declaration (a missing file or column) always stop the build; bad
rows of the source stop it too unless the declaration says ``bad_rows = "report"``, and then they are left out
and listed in the report. Either way every problem is collected first and reported together.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas
import shapely
import shapely.geometry
from tqdm import tqdm

from mapapp.ingest import record_import
from mapapp.ingest.collection_schema import (
    Collection,
    Features,
    FileSpec,
    GeoJSONColumn,
    Header,
    LonLatColumns,
    NativeGeometry,
    PlaceColumn,
    PlaceMatches,
    RecordDates,
    ValuesByYear,
    YearColumns,
    YearsInName,
)
from mapapp.ingest.gazetteer import Gazetteer, default_gazetteer
from mapapp.ingest.reader import Source, read_source
from mapapp.ingest.site_matching import CuratedPlace, Decision, Site, match_places, merge_repeats
from mapapp.ingest.years_in_name import years_in_name
from mapapp.model.collections import RECORDS_SUFFIX
from mapapp.model.names import transliterate_name
from mapapp.problems import ConfigProblem, Problem, sort_key
from mapapp.schema import validate_toml

DECLARATION = "collection.toml"
OUTPUT_DIR = "collections"
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Text of a cell for display: whitespace (line breaks included) collapsed, ends trimmed."""
    return _SPACE.sub(" ", text).strip()


def transliterate(text: str) -> str:
    """Russian text in Latin letters (Wikipedia's romanisation, as the source's English titles use)."""
    return transliterate_name(text)


def split_names(cell: str, separator: str) -> list[str]:
    """Other names: ``"Вишлаг, Вишерлаг"`` → ``["Вишлаг", "Вишерлаг"]`` (empty parts and repeats dropped)."""
    names: list[str] = []
    for part in cell.split(separator):
        name = clean(part)
        if name and name not in names:
            names.append(name)
    return names


def parse_point(text: str) -> tuple[float, float, bool]:
    """A GeoJSON geometry's point ``(lon, lat, given_as_text)``; ValueError saying what is wrong.

    Coordinates written as strings (``["36.6", "55.0"]``) are read as numbers; the flag says so, for the report.
    A geometry other than a point gives its representative point.
    """
    try:
        geometry = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not GeoJSON ({exc.msg})") from None
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise ValueError("is not a GeoJSON geometry (no \"type\")")
    as_text = False
    if geometry["type"] == "Point":
        coords = geometry.get("coordinates")
        if not isinstance(coords, list) or len(coords) < 2:
            raise ValueError("is a Point without two coordinates")
        values: list[float] = []
        for c in coords[:2]:
            if isinstance(c, str):
                as_text = True
            try:
                values.append(float(c))
            except (TypeError, ValueError):
                raise ValueError(f"has a coordinate that is not a number ({c!r})") from None
        lon, lat = values
    else:
        try:
            point = shapely.geometry.shape(geometry).representative_point()
        except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException) as exc:
            raise ValueError(f"is not a valid GeoJSON geometry ({exc})") from None
        lon, lat = point.x, point.y
    return (*check_lonlat(lon, lat), as_text)


def check_lonlat(lon: float, lat: float) -> tuple[float, float]:
    """``(lon, lat)`` if both are finite and in range; ValueError otherwise."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError("has a coordinate that is not a finite number")
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        raise ValueError(f"is outside the world (lon {lon}, lat {lat}; is it projected, or lat and lon swapped?)")
    return round(lon, 6), round(lat, 6)


def parse_count(text: str) -> int | None:
    """A yearly value: ``""`` → None (unknown, not zero); a whole number ≥ 0; ValueError otherwise."""
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        raise ValueError("is not a whole number of 0 or more")
    return int(text)


def parse_year(text: str, years: Sequence[int]) -> int:
    """A year within the declared ``years``; ValueError otherwise."""
    text = text.strip()
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError("is not a year (four digits)")
    year = int(text)
    if not years[0] <= year <= years[1]:
        raise ValueError(f"is outside the declared years {years[0]}–{years[1]}")
    return year


@dataclass
class _Reading:
    """Problems and notes collected while importing one collection."""

    folder: Path
    declaration: str
    fatal: list[Problem] = field(default_factory=list)  # problems of the declaration or files: always fatal
    bad: list[Problem] = field(default_factory=list)  # bad rows of the source
    notes: list[str] = field(default_factory=list)  # what the report says about rows kept as they are

    def config(self, problems: Iterable[ConfigProblem]) -> None:
        for p in problems:
            self.fatal.append(Problem(self.declaration, None, p.key, p.value, p.message, p.fix))

    def key(self, key: str, value: str, message: str, fix: str) -> None:
        self.fatal.append(Problem(self.declaration, None, key, value, message, fix))

    def row(self, file: str, index: int, column: str, value: str, message: str, fix: str) -> None:
        # index is the 0-based record; the header is row 1, as in the curated tables
        self.bad.append(Problem(f"{self.folder.name}/{file}", index + 2, column, value, message, fix))


@dataclass(frozen=True)
class Imported:
    """One collection, imported: its declaration and the files it renders into ``geodata/``."""

    declaration: Collection
    files: Mapping[str, str]  # name inside geodata/ → text
    n_features: int
    n_left_out: int


def read_declaration(folder: Path) -> tuple[Collection | None, list[Problem]]:
    """Parse and validate ``folder/collection.toml``."""
    path = folder / DECLARATION
    name = f"{folder.name}/{DECLARATION}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [Problem(name, None, None, None, "does not exist",
                              "every folder in data/collections/ needs a collection.toml declaring how to read it")]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, None, None, None, f"is not valid UTF-8 (byte {exc.start})", "save it as UTF-8")]
    except tomllib.TOMLDecodeError as exc:
        return None, [Problem(name, None, None, None, f"is not valid TOML ({exc})",
                              "correct that line: key = value, text in double quotes, sections as [names]")]
    model, problems = validate_toml(Collection, data, name)
    if isinstance(data.get("features"), dict):  # one [features] table: its keys as the file writes them
        problems = [replace(p, key=re.sub(r"^features\[1\]", "features", p.key)) if p.key else p for p in problems]
    reading = _Reading(folder, name)
    reading.config(problems)
    if model is not None:
        reading.fatal.extend(header_problems(model, folder))
    return (model if not reading.fatal else None), reading.fatal


def header_problems(model: Header, folder: Path) -> list[Problem]:
    """What a valid declaration's header (collection or register) can still get wrong against its folder: an id
    that is not the folder's name, a licence file that is not there."""
    name = f"{folder.name}/{DECLARATION}"
    problems = []
    if model.id != folder.name:
        problems.append(Problem(name, None, "id", model.id, f"is not the folder's name ({folder.name})",
                                f'rename the folder or write id = "{folder.name}"'))
    if not (folder / model.licence).is_file():
        problems.append(Problem(name, None, "licence", model.licence, f"is not a file in {folder}",
                                "keep the source's licence or SOURCE file beside collection.toml and name it here"))
    return problems


def _read(reading: _Reading, spec: FileSpec | ValuesByYear, key: str, crs: str | None = None) -> Source | None:
    source, problems = read_source(reading.folder / spec.file, name=spec.file, encoding=spec.encoding,
                                   delimiter=spec.delimiter, layer=getattr(spec, "layer", None), crs=crs,
                                   crs_override=getattr(spec, "crs_override", None))
    for p in problems:
        reading.fatal.append(Problem(reading.declaration, None, f"{key}.file", spec.file, f"names a file that {p.message}",
                                     p.fix))
    return source


def _columns(reading: _Reading, table: pandas.DataFrame, refs: Mapping[str, str | None], what: str) -> bool:
    """Check that every referenced column exists; report each one that does not."""
    ok = True
    for key, ref in refs.items():
        if ref is not None and ref not in table.columns:
            known = ", ".join(c for c in table.columns if c != "geometry" and not c.startswith("_"))
            reading.key(key, ref, f"is not a column of {what}", f"use one of: {known}")
            ok = False
    return ok


def _files(decl: Collection) -> str:
    """The features files, as messages name them."""
    specs = decl.feature_files
    return specs[0].file if len(specs) == 1 else "the features files"


def _join(reading: _Reading, decl: Collection, frame: pandas.DataFrame) -> pandas.DataFrame | None:
    """The features with every join's columns added as ``name.column``; rows whose key finds nothing are bad."""
    for k, join in enumerate(decl.join):
        source = _read(reading, join, f"join[{k}]")
        if source is None:
            return None
        table = source.frame
        if not _columns(reading, table, {f"join[{k}].key": join.key}, join.file) or \
                not _columns(reading, frame, {f"join[{k}].on": join.on}, f"{_files(decl)} or an earlier join"):
            return None
        repeated = table[table.duplicated(join.key, keep="first")]
        exact = table[table.duplicated(keep="first")]
        for index in repeated.index:
            value = str(table.at[index, join.key])
            if join.duplicates == "identical" and index in exact.index:
                reading.notes.append(f"{join.file} row {index + 2}: repeats the row of {join.key} {value} "
                                     "exactly; the repeat is ignored.")
            else:
                reading.key(f"join[{k}].key", join.key, f"is not unique in {join.file}: {value} is on rows "
                            f"{', '.join(str(i + 2) for i in table.index[table[join.key] == value])}",
                            "a join needs one row per key; correct the source or join on another column")
        table = table.drop_duplicates(join.key, keep="first")
        same = clean if join.match == "text" else str
        used = {same(v) for v in frame[join.on]}
        unused = [v for v in table[join.key] if same(v) not in used]
        if unused:
            reading.notes.append(f"{join.file}: {len(unused)} row(s) that no feature refers to, not on the map "
                                 f"({join.key} {', '.join(unused[:20])}{'…' if len(unused) > 20 else ''}).")
        renamed = table.rename(columns={c: f"{join.name}.{c}" for c in table.columns})
        left_on, right_on = join.on, f"{join.name}.{join.key}"
        if join.match == "text":
            frame["_join_on"] = frame[join.on].map(clean)
            renamed["_join_key"] = renamed[right_on].map(clean)
            left_on, right_on = "_join_on", "_join_key"
        frame = frame.merge(renamed, how="left", left_on=left_on, right_on=right_on,
                            validate="many_to_one", indicator=f"_{join.name}_found")
        frame = frame.drop(columns=[c for c in ("_join_on", "_join_key") if c in frame.columns])
        missing = (frame[f"_{join.name}_found"] == "left_only") & (frame[join.on].str.strip() != "") \
            & join.required
        for index in frame.index[missing]:
            reading.row(str(frame.at[index, "_file"]), int(str(frame.at[index, "_row"])), join.on, str(frame.at[index, join.on]),
                        f"matches no row of {join.file} (by {join.key})",
                        f"correct the reference, or add the row to {join.file}")
        frame = frame.drop(columns=[f"_{join.name}_found"]).fillna("")
    return frame


def _values(reading: _Reading, time: ValuesByYear, ids: set[str]) -> dict[str, dict[int, int | None]]:
    """Each feature's value per year (None: a year listed without a value, unknown)."""
    source = _read(reading, time, "time")
    if source is None:
        return {}
    table = source.frame
    if not _columns(reading, table, {"time.feature": time.feature, "time.year": time.year,
                                     "time.value": time.value}, time.file):
        return {}
    values: dict[str, dict[int, int | None]] = {}
    for index, fid, year_text, value_text in zip(table.index, table[time.feature], table[time.year],
                                                 table[time.value], strict=True):
        if fid not in ids:
            reading.row(time.file, index, time.feature, fid, "is not the id of a feature",
                        "correct the id or remove the row (features are in the declared features file)")
            continue
        try:
            year = parse_year(year_text, time.years)
        except ValueError as exc:
            reading.row(time.file, index, time.year, year_text, str(exc), "write the year as four digits, "
                        f"within {time.years[0]}–{time.years[1]} (or widen time.years)")
            continue
        try:
            value = parse_count(value_text)
        except ValueError as exc:
            reading.row(time.file, index, time.value, value_text, str(exc),
                        "write a whole number, or leave the cell empty if the value is unknown")
            continue
        per_year = values.setdefault(fid, {})
        if year in per_year:
            reading.row(time.file, index, time.year, year_text, f"repeats the year of feature {fid}",
                        "keep one row per feature and year")
            continue
        per_year[year] = value
    unknown = sum(1 for v in table[time.value] if not v.strip())
    if unknown:
        reading.notes.append(f"{time.file}: {unknown} row(s) list a year without a value; shown as "
                             "\"no count\" (unknown), never as zero.")
    return values


def _place(reading: _Reading, geometry: PlaceColumn, row: Mapping[str, str], gazetteer: Gazetteer) -> tuple[float, float]:
    """The town a row names, through the gazetteer; ValueError saying why not."""
    name = clean(row[geometry.column])
    country = geometry.country or clean(row[geometry.country_column or ""]).upper()
    if not name:
        raise ValueError("names no place")
    match = gazetteer.resolve(name, country)
    if match.city is None or (match.ambiguous and geometry.ambiguous == "fail"):
        raise ValueError(str(match.problem()))
    if match.ambiguous:
        reading.notes.append(f"{name!r} ({country}) names {len(match.candidates)} towns; the most populous taken: "
                             f"{match.city.describe()}.")
    return check_lonlat(match.city.lon, match.city.lat)


def _point(reading: _Reading, spec: Features, row: Mapping[str, Any],
           gazetteer: Gazetteer | None) -> tuple[float, float, bool] | None:
    geometry, file = spec.geometry, str(row["_file"])
    try:
        if isinstance(geometry, PlaceColumn):
            assert gazetteer is not None  # import_collection loads one for this kind
            return (*_place(reading, geometry, row, gazetteer), False)
        if isinstance(geometry, GeoJSONColumn):
            return parse_point(row[geometry.column])
        if isinstance(geometry, LonLatColumns):
            numbers: list[float] = []
            for column in (geometry.lon, geometry.lat):
                try:
                    numbers.append(float(row[column]))
                except ValueError:
                    reading.row(file, int(row["_row"]), column, row[column],
                                "is not a number" if str(row[column]).strip() else "is empty (no location)",
                                "give the point as longitude and latitude in degrees (WGS 84)")
                    return None
            return (*check_lonlat(numbers[0], numbers[1]), False)
        shape = row["_geom"]
        if shape is None or shape.is_empty:
            raise ValueError("is empty")
        rep = shape if shape.geom_type == "Point" else shape.representative_point()
        return (*check_lonlat(rep.x, rep.y), False)
    except ValueError as exc:
        column = getattr(geometry, "column", None) or getattr(geometry, "lat", None) or "geometry"
        reading.row(file, int(row["_row"]), column, str(row.get(column, ""))[:80], str(exc),
                    "correct the name or its country (any historic or alternate name of the town will do)"
                    if isinstance(geometry, PlaceColumn) else
                    "give the point as longitude and latitude in degrees (WGS 84)")
        return None


def _outline(shape: Any) -> dict[str, Any] | None:
    """A polygon as GeoJSON, coordinates rounded to 6 decimals (10 cm); None for points and lines."""
    if shape is None or shape.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    rounded = shapely.set_precision(shape, 1e-6)
    return dict(shapely.geometry.mapping(rounded)) if not rounded.is_empty else None


def _json_geometry(value: Any) -> Any:
    """Tuples (shapely's mapping) as lists, as json.loads gives them back."""
    if isinstance(value, (list, tuple)):
        return [_json_geometry(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_geometry(v) for k, v in value.items()}
    return value


def _feature(decl: Collection, spec: Features, row: Mapping[str, Any], point: tuple[float, float, bool],
             values: Mapping[int, int | None], reading: _Reading) -> dict[str, Any] | None:
    names = decl.names
    name_ru = clean(row[names.ru])
    english = clean(row[names.en]) if names.en else ""
    transliterated = not english or english in names.placeholders
    properties: dict[str, Any] = {
        "group": row[spec.group] if spec.group else None,
        "name_ru": name_ru,
        "name_en": transliterate(name_ru) if transliterated else english,
        "name_en_transliterated": transliterated,
        "other_ru": split_names(row[names.other_ru], names.separator) if names.other_ru else [],
        "other_en": split_names(row[names.other_en], names.separator) if names.other_en else [],
        "attributes": {a.id: {"en": clean(row[a.en]), "ru": clean(row[a.ru])}
                       for a in decl.attribute if clean(row[a.en]) or clean(row[a.ru])},
    }
    if spec.map_layer:
        properties["layer"] = spec.map_layer
    if spec.type:
        properties["types"] = [spec.type.model_dump()]
    time = decl.time
    if isinstance(time, ValuesByYear):
        years = sorted(values)
        properties.update(first=years[0], last=years[-1], values={str(y): values[y] for y in years})
    elif isinstance(time, YearsInName):
        try:
            span = years_in_name(clean(row[time.column]))
        except ValueError as exc:
            reading.row(str(row["_file"]), int(row["_row"]), time.column, clean(row[time.column])[:80], str(exc),
                        "write the years of operation as (first-last), or leave them out")
            return None
        properties.update(first=span.first, last=span.last, values={}, years_text=span.text)
    elif isinstance(time, RecordDates):
        properties.update(first=None, last=None, values={})
    else:
        properties.update(first=int(row[time.first]), last=int(row[time.last]), values={})
    shape = row.get("_geom")
    outline = _outline(shape) if isinstance(spec.geometry, NativeGeometry) and spec.geometry.keep == "outline" \
        else None
    geometry: dict[str, Any] = {"type": "Point", "coordinates": [point[0], point[1]]}
    if outline is not None:
        properties["point"] = [point[0], point[1]]
        geometry = _json_geometry(outline)
    return {"type": "Feature", "id": str(row["_id"]), "geometry": geometry, "properties": properties}


def _read_features(reading: _Reading, decl: Collection) -> pandas.DataFrame | None:
    """Every features file's rows, one frame: ``_file``, ``_row`` (0-based, in its file), ``_id``, ``_spec``
    (the index of its [[features]] entry) and ``_geom`` (a spatial file's shape) beside the source's columns."""
    specs = decl.feature_files
    frames = []
    for k, spec in enumerate(specs):
        key = "features" if len(specs) == 1 else f"features[{k + 1}]"
        source = _read(reading, spec, key, crs=spec.crs)
        if source is None:
            continue
        table = pandas.DataFrame(source.frame.drop(columns=source.frame.geometry.name)) if source.spatial \
            else source.frame.copy()
        table["_geom"] = list(source.frame.geometry) if source.spatial else None
        if isinstance(spec.geometry, NativeGeometry) and not source.spatial:
            reading.key(f"{key}.geometry.kind", "native", f"{spec.file} has no geometry of its own",
                        'use kind = "lonlat", "geojson" or "place" for a table')
            continue
        table["_file"] = spec.file
        table["_row"] = range(len(table))
        table["_spec"] = k
        if spec.id is None:
            stem = Path(spec.file).stem
            table["_id"] = [str(i + 1) if len(specs) == 1 else f"{stem}-{i + 1}" for i in range(len(table))]
        elif _columns(reading, table, {f"{key}.id": spec.id}, spec.file):
            table["_id"] = table[spec.id]
        else:
            continue
        frames.append(table)
    if reading.fatal:
        return None
    return pandas.concat(frames, ignore_index=True).fillna("") if len(frames) > 1 else frames[0]


def _merge_repeats(decl: Collection, features: list[dict[str, Any]], reading: _Reading) -> list[dict[str, Any]]:
    """One feature for a site the source lists twice (see :mod:`mapapp.ingest.site_matching`): the first keeps
    its layer and takes the other's type."""
    if decl.merge is None:
        return features
    sites = [Site(f["id"], f["properties"]["name_ru"], *_latlon(f)) for f in features]
    into = merge_repeats(sites, decl.merge.within_m)
    by_id = {f["id"]: f for f in features}
    for gone, kept in into.items():
        types = by_id[kept]["properties"].setdefault("types", [])
        for t in by_id[gone]["properties"].get("types", []):
            if t not in types:
                types.append(t)
        reading.notes.append(f"{gone} repeats {kept} ({by_id[kept]['properties']['name_ru']!r}, the same name "
                             f"within {decl.merge.within_m:g} m): one feature, with both types.")
    return [f for f in features if f["id"] not in into]


def _latlon(feature: Mapping[str, Any]) -> tuple[float, float]:
    lon, lat = feature["properties"].get("point") or feature["geometry"]["coordinates"]
    return float(lat), float(lon)


def _read_decisions(reading: _Reading, spec: PlaceMatches) -> list[Decision]:
    source = _read(reading, FileSpec(file=spec.file), "places")
    if source is None:
        return []
    missing = [c for c in ("feature", "place", "decision") if c not in source.frame.columns]
    if missing:
        reading.key("places.file", spec.file, f"has no column {', '.join(missing)}",
                    "give the reviewed table the columns feature, place, decision, note")
        return []
    decisions: list[Decision] = []
    for index, row in zip(range(len(source.frame)), source.frame.to_dict("records"), strict=True):
        decision = str(row["decision"]).strip()
        if decision not in ("same", "different"):
            reading.row(spec.file, index, "decision", decision, "is not same or different",
                        "write same (one site: drawn as the curated place) or different (two sites)")
            continue
        decisions.append(Decision(clean(str(row["feature"])), str(row["place"]).strip(), decision == "same",
                                  clean(str(row.get("note", "")))))
    return decisions


def _match_places(decl: Collection, features: list[dict[str, Any]], places: Sequence[CuratedPlace],
                  reading: _Reading) -> list[str]:
    """Mark each feature that is a curated place with ``place``; the report's lines on it."""
    spec = decl.places
    if spec is None:
        return []
    decisions = _read_decisions(reading, spec)
    known = {p.id for p in places}
    for d in decisions:
        if d.place not in known:
            reading.row(spec.file, 0, "place", d.place, "is not a curated place",
                        "use an id of data/places.csv")
    sites = [Site(f["id"], f["properties"]["name_ru"], *_latlon(f)) for f in features]
    result = match_places(sites, places, decisions, spec.within_m, spec.near_m)
    for f in features:
        if f["id"] in result.place_of:
            f["properties"]["place"] = result.place_of[f["id"]]
    lines = [f"Curated places (within {spec.within_m:g} m with a distinctive word of the name in common, or as "
             f"{spec.file} decides): {len(result.matched)} feature(s) are a curated place, drawn as that place:"]
    lines += [f"- {p.describe()}" for p in result.matched]
    lines += ["", f"Near misses (a curated place within {spec.near_m:g} m, not the same site; review them in "
              f"{spec.file}): {len(result.near_misses)}"]
    lines += [f"- {p.describe()}{' — reviewed: different' if p.reviewed else ''}" for p in result.near_misses]
    lines += ["", f"No curated place within {spec.near_m:g} m: {len(result.unmatched)} feature(s)."]
    for d in result.unused_decisions:
        reading.notes.append(f"{spec.file}: the decision {d.feature!r} ~ {d.place} names no feature of the "
                             "collection; it has no effect.")
    return lines


def import_collection(folder: Path, layer_ids: Iterable[str], gazetteer: Gazetteer | None = None,
                      places: Sequence[CuratedPlace] = ()) -> tuple[Imported | None, list[Problem]]:
    """Import the collection in ``folder``; ``(None, problems)`` if it cannot be built. ``gazetteer`` resolves
    place names (geometry ``kind = "place"``); the real GeoNames one is loaded only when such a collection needs it.
    ``places`` are the curated places the features may be (``[places]``) and the records name (``[records]``)."""
    decl, problems = read_declaration(folder)
    if decl is None:
        return None, problems
    reading = _Reading(folder, f"{folder.name}/{DECLARATION}")
    layer_ids = tuple(layer_ids)
    for key, layer in [("layer", decl.layer)] + [(f"features[{k + 1}].map_layer", s.map_layer)
                                                 for k, s in enumerate(decl.feature_files) if s.map_layer]:
        if layer not in layer_ids:
            reading.key(key, layer, "is not a layer of the map", f"use one of: {', '.join(layer_ids)}")
    specs = decl.feature_files
    table = _read_features(reading, decl)
    if table is None:
        return None, reading.fatal
    joined = _join(reading, decl, table)
    if joined is None:
        return None, reading.fatal
    frame = joined
    for k, spec in enumerate(specs):
        key = "features" if len(specs) == 1 else f"features[{k + 1}]"
        refs: dict[str, str | None] = {f"{key}.group": spec.group}
        refs.update({f"{key}.geometry.{g}": v for g, v in spec.geometry.model_dump().items()
                     if g in ("column", "lon", "lat", "country_column")})
        if not _columns(reading, frame, refs, f"{spec.file} or its joins"):
            return None, reading.fatal
        if isinstance(spec.geometry, PlaceColumn) and gazetteer is None:
            gazetteer = default_gazetteer()
    refs = {"names.ru": decl.names.ru, "names.en": decl.names.en, "names.other_ru": decl.names.other_ru,
            "names.other_en": decl.names.other_en}
    for k, a in enumerate(decl.attribute):
        refs.update({f"attribute[{k}].en": a.en, f"attribute[{k}].ru": a.ru})
    if isinstance(decl.time, YearColumns):
        refs.update({"time.first": decl.time.first, "time.last": decl.time.last})
    if isinstance(decl.time, YearsInName):
        refs.update({"time.column": decl.time.column})
    if not _columns(reading, frame, refs, f"{_files(decl)} or their joins" if len(specs) > 1
                    else f"{specs[0].file} or its joins"):
        return None, reading.fatal
    counts = Counter(frame["_id"])
    ids = {fid for fid, n in counts.items() if n == 1 and str(fid).strip()}
    values = _values(reading, decl.time, ids) if isinstance(decl.time, ValuesByYear) else {}
    if reading.fatal:
        return None, reading.fatal
    features: list[dict[str, Any]] = []
    features_files = {f"{folder.name}/{s.file}" for s in specs}
    bad_rows = {(p.file, p.row) for p in reading.bad if p.file in features_files}
    as_text = 0
    rows: list[dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    for row in tqdm(rows, total=len(rows), desc=f"{decl.id}: features", unit="row", disable=None, leave=False):
        spec, fid, file = specs[int(row["_spec"])], str(row["_id"]), str(row["_file"])
        if fid not in ids:
            reading.row(file, int(row["_row"]), spec.id or "id", fid, "is empty or not unique" if fid.strip()
                        else "is empty", "give every row its own id")
            continue
        if (f"{folder.name}/{file}", int(row["_row"]) + 2) in bad_rows:
            continue
        if not clean(row[decl.names.ru]):
            reading.row(file, int(row["_row"]), decl.names.ru, "", "is empty", "give the feature its name")
            continue
        point = _point(reading, spec, row, gazetteer)
        if point is None:
            continue
        as_text += point[2]
        if isinstance(decl.time, ValuesByYear) and not values.get(fid):
            reading.notes.append(f"{file} row {int(row['_row']) + 2}: feature {fid} has no row in "
                                 f"{decl.time.file}, so no years: not on the map.")
            continue
        feature = _feature(decl, spec, row, point, values.get(fid, {}), reading)
        if feature is not None:
            features.append(feature)
    if as_text:
        reading.notes.append(f"{as_text} row(s) give their coordinates as text; read as numbers.")
    placeholders = sum(f["properties"]["name_en_transliterated"] for f in features)
    if placeholders:
        reading.notes.append(f"{placeholders} feature(s) have no English name or a placeholder "
                             f"({', '.join(repr(p) for p in decl.names.placeholders) or 'empty'}); shown with a "
                             "transliteration of the Russian name, marked as such.")
    if isinstance(decl.time, YearsInName):
        undated = sum(f["properties"]["first"] is None and f["properties"]["last"] is None for f in features)
        reading.notes.append(f"{undated} feature(s) give no years of operation in {decl.time.column}: always "
                             "shown, and their popups say the years are not given.")
    features = _merge_repeats(decl, features, reading)
    matching = _match_places(decl, features, places, reading)
    records_files: dict[str, str] = {}
    record_lines: list[str] = []
    if decl.records is not None:
        located = record_import.import_records(reading, decl, features, rows, places,
                                               lambda spec, key: _read(reading, spec, key))
        if located is None:
            return None, reading.fatal
        features, records_text, record_lines = located
        records_files[f"{OUTPUT_DIR}/{decl.id}{RECORDS_SUFFIX}"] = records_text
    if reading.fatal:
        return None, reading.fatal
    if reading.bad and decl.bad_rows == "fail":
        return None, sorted(reading.bad, key=sort_key)
    left_out = len({(p.file, p.row) for p in reading.bad if p.file in features_files})
    features.sort(key=lambda f: _sort_id(f["id"]))
    meta = {"id": decl.id, "layer": decl.layer, "title": decl.title.model_dump(),
            **({"item": decl.item.model_dump()} if decl.item else {}), "credit": decl.credit.model_dump(),
            "citation": decl.citation.model_dump(), "caveat": decl.caveat.model_dump(),
            "measure": decl.measure.model_dump(), "licence": f"data/collections/{decl.id}/{decl.licence}",
            "attributes": [{"id": a.id, "label": a.label.model_dump()} for a in decl.attribute],
            "years": list(decl.time.years) if isinstance(decl.time, ValuesByYear) else None,
            "time": decl.time.kind}
    if decl.records is not None:
        meta["records"] = record_import.records_meta(decl.records)
    # One feature per line: small diffs when the source changes.
    text = ('{"type":"FeatureCollection","collection":' + _compact(meta) + ',"features":[\n'
            + ",\n".join(_compact(f) for f in features) + "\n]}")
    report = _report(decl, len(frame), len(features), left_out, reading, matching + record_lines)
    files = {f"{OUTPUT_DIR}/{decl.id}.geojson": text + "\n", f"{OUTPUT_DIR}/{decl.id}.report.txt": report,
             **records_files}
    return Imported(decl, files, len(features), left_out), []


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _sort_id(fid: str) -> tuple[int, int | str]:
    return (0, int(fid)) if fid.isdigit() else (1, fid)


def _report(decl: Collection, n_rows: int, n_features: int, left_out: int, reading: _Reading,
            sections: Sequence[str] = ()) -> str:
    files = ", ".join(s.file for s in decl.feature_files)
    lines = [f"Collection {decl.id} ({decl.title.en}): {n_features} features on the map from "
             f"{n_rows} rows of {files}.", f"Credit: {decl.credit.en}.", ""]
    if sections:
        lines.extend([*sections, ""])
    if reading.bad:
        lines.append(f"Bad rows, left out ({len(reading.bad)}; {left_out} of them rows of {files}):")
        lines.extend(f"- {p}" for p in sorted(reading.bad, key=lambda p: (p.file, p.row or 0, p.field or "")))
        lines.append("")
    if reading.notes:
        lines.append("Notes (rows kept, or not mapped, as the source has them):")
        lines.extend(f"- {n}" for n in reading.notes)
    return "\n".join(lines).rstrip() + "\n"


def collection_folders(data_dir: Path) -> list[Path]:
    """The collection folders under ``data_dir/collections``, by name."""
    root = Path(data_dir) / OUTPUT_DIR
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def is_register(folder: Path) -> bool:
    """Whether ``folder``'s collection.toml declares a register (``[register]``, :mod:`mapapp.ingest.register`);
    a file that cannot be read is not, so that the collections' import reports it."""
    try:
        return isinstance(tomllib.loads((folder / DECLARATION).read_text(encoding="utf-8")).get("register"), dict)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def import_all(data_dir: Path, layer_ids: Iterable[str], gazetteer: Gazetteer | None = None,
               places: Sequence[CuratedPlace] = ()) -> tuple[list[Imported], list[Problem]]:
    """Import every collection of ``data_dir`` but its registers; all problems of all of them together."""
    layer_ids = tuple(layer_ids)
    done: list[Imported] = []
    problems: list[Problem] = []
    for folder in (f for f in collection_folders(data_dir) if not is_register(f)):
        imported, found = import_collection(folder, layer_ids, gazetteer, places)
        problems.extend(found)
        if imported is not None:
            done.append(imported)
    return done, problems
