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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import iuliia
import pandas
import shapely
import shapely.geometry
from tqdm import tqdm

from mapapp.ingest.collection_schema import (
    Collection,
    FileSpec,
    GeoJSONColumn,
    LonLatColumns,
    PlaceColumn,
    ValuesByYear,
)
from mapapp.ingest.gazetteer import Gazetteer, default_gazetteer
from mapapp.ingest.reader import Source, read_source
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
    return iuliia.WIKIPEDIA.translate(text)


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
    reading = _Reading(folder, name)
    reading.config(problems)
    if model is not None and model.id != folder.name:
        reading.key("id", model.id, f"is not the folder's name ({folder.name})",
                    f'rename the folder or write id = "{folder.name}"')
    if model is not None and not (folder / model.licence).is_file():
        reading.key("licence", model.licence, f"is not a file in {folder}",
                    "keep the source's licence or SOURCE file beside collection.toml and name it here")
    return (model if not reading.fatal else None), reading.fatal


def _read(reading: _Reading, spec: FileSpec | ValuesByYear, key: str, crs: str | None = None) -> Source | None:
    source, problems = read_source(reading.folder / spec.file, name=spec.file, encoding=spec.encoding,
                                   delimiter=spec.delimiter, layer=getattr(spec, "layer", None), crs=crs)
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


def _join(reading: _Reading, decl: Collection, frame: pandas.DataFrame) -> pandas.DataFrame | None:
    """The features with every join's columns added as ``name.column``; rows whose key finds nothing are bad."""
    for k, join in enumerate(decl.join):
        source = _read(reading, join, f"join[{k}]")
        if source is None:
            return None
        table = source.frame
        if not _columns(reading, table, {f"join[{k}].key": join.key}, join.file) or \
                not _columns(reading, frame, {f"join[{k}].on": join.on}, f"{decl.features.file} or an earlier join"):
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
        used = set(frame[join.on])
        unused = [v for v in table[join.key] if v not in used]
        if unused:
            reading.notes.append(f"{join.file}: {len(unused)} row(s) that no feature refers to, not on the map "
                                 f"({join.key} {', '.join(unused[:20])}{'…' if len(unused) > 20 else ''}).")
        renamed = table.rename(columns={c: f"{join.name}.{c}" for c in table.columns})
        frame = frame.merge(renamed, how="left", left_on=join.on, right_on=f"{join.name}.{join.key}",
                            validate="many_to_one", indicator=f"_{join.name}_found")
        missing = (frame[f"_{join.name}_found"] == "left_only") & (frame[join.on].str.strip() != "")
        for index in frame.index[missing]:
            reading.row(decl.features.file, int(str(frame.at[index, "_row"])), join.on, str(frame.at[index, join.on]),
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


def _point(reading: _Reading, decl: Collection, frame: pandas.DataFrame, index: Any,
           row: Mapping[str, str], gazetteer: Gazetteer | None) -> tuple[float, float, bool] | None:
    geometry, file = decl.features.geometry, decl.features.file
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
                    reading.row(file, int(row["_row"]), column, row[column], "is not a number",
                                "give the point as longitude and latitude in degrees (WGS 84)")
                    return None
            return (*check_lonlat(numbers[0], numbers[1]), False)
        point = frame.geometry.loc[index]
        if point is None or point.is_empty:
            raise ValueError("is empty")
        rep = point if point.geom_type == "Point" else point.representative_point()
        return (*check_lonlat(rep.x, rep.y), False)
    except ValueError as exc:
        column = getattr(geometry, "column", None) or getattr(geometry, "lat", None) or "geometry"
        reading.row(file, int(row["_row"]), column, str(row.get(column, ""))[:80], str(exc),
                    "correct the name or its country (any historic or alternate name of the town will do)"
                    if isinstance(geometry, PlaceColumn) else
                    "give the point as longitude and latitude in degrees (WGS 84)")
        return None


def _feature(decl: Collection, row: Mapping[str, str], point: tuple[float, float, bool],
             values: Mapping[int, int | None]) -> dict[str, Any]:
    names = decl.names
    name_ru = clean(row[names.ru])
    english = clean(row[names.en]) if names.en else ""
    transliterated = not english or english in names.placeholders
    properties: dict[str, Any] = {
        "group": row[decl.features.group] if decl.features.group else None,
        "name_ru": name_ru,
        "name_en": transliterate(name_ru) if transliterated else english,
        "name_en_transliterated": transliterated,
        "other_ru": split_names(row[names.other_ru], names.separator) if names.other_ru else [],
        "other_en": split_names(row[names.other_en], names.separator) if names.other_en else [],
        "attributes": {a.id: {"en": clean(row[a.en]), "ru": clean(row[a.ru])}
                       for a in decl.attribute if clean(row[a.en]) or clean(row[a.ru])},
    }
    if isinstance(decl.time, ValuesByYear):
        years = sorted(values)
        properties.update(first=years[0], last=years[-1], values={str(y): values[y] for y in years})
    else:
        properties.update(first=int(row[decl.time.first]), last=int(row[decl.time.last]), values={})
    return {"type": "Feature", "id": row[decl.features.id],
            "geometry": {"type": "Point", "coordinates": [point[0], point[1]]}, "properties": properties}


def import_collection(folder: Path, layer_ids: Iterable[str],
                      gazetteer: Gazetteer | None = None) -> tuple[Imported | None, list[Problem]]:
    """Import the collection in ``folder``; ``(None, problems)`` if it cannot be built. ``gazetteer`` resolves
    place names (geometry ``kind = "place"``); the real GeoNames one is loaded only when such a collection needs it."""
    decl, problems = read_declaration(folder)
    if decl is None:
        return None, problems
    reading = _Reading(folder, f"{folder.name}/{DECLARATION}")
    if decl.layer not in set(layer_ids):
        reading.key("layer", decl.layer, "is not a layer of the map", f"use one of: {', '.join(layer_ids)}")
    spec = decl.features
    source = _read(reading, spec, "features", crs=spec.crs)
    if source is None:
        return None, reading.fatal
    table = source.frame.copy()
    table["_row"] = range(len(table))
    joined = _join(reading, decl, table)
    if joined is None:
        return None, reading.fatal
    frame = joined
    refs: dict[str, str | None] = {"features.id": spec.id, "features.group": spec.group, "names.ru": decl.names.ru,
                                   "names.en": decl.names.en, "names.other_ru": decl.names.other_ru,
                                   "names.other_en": decl.names.other_en}
    refs.update({f"features.geometry.{k}": v for k, v in decl.features.geometry.model_dump().items()
                 if k in ("column", "lon", "lat", "country_column")})
    if isinstance(decl.features.geometry, PlaceColumn) and gazetteer is None:
        gazetteer = default_gazetteer()
    for k, a in enumerate(decl.attribute):
        refs.update({f"attribute[{k}].en": a.en, f"attribute[{k}].ru": a.ru})
    if not isinstance(decl.time, ValuesByYear):
        refs.update({"time.first": decl.time.first, "time.last": decl.time.last})
    if not _columns(reading, frame, refs, f"{spec.file} or its joins"):
        return None, reading.fatal
    counts = Counter(frame[spec.id])
    ids = {fid for fid, n in counts.items() if n == 1 and fid.strip()}
    values = _values(reading, decl.time, ids) if isinstance(decl.time, ValuesByYear) else {}
    if reading.fatal:
        return None, reading.fatal
    features: list[dict[str, Any]] = []
    features_file = f"{folder.name}/{spec.file}"
    bad_rows = {p.row for p in reading.bad if p.file == features_file}
    as_text = 0
    rows = frame.to_dict("records")
    for index, row in tqdm(zip(frame.index, rows, strict=True), total=len(rows), desc=f"{decl.id}: features",
                           unit="row", disable=None, leave=False):
        fid = row[spec.id]
        if fid not in ids:
            reading.row(spec.file, int(row["_row"]), spec.id, fid, "is empty or not unique" if fid.strip()
                        else "is empty", "give every row its own id")
            continue
        if int(row["_row"]) + 2 in bad_rows:
            continue
        if not clean(row[decl.names.ru]):
            reading.row(spec.file, int(row["_row"]), decl.names.ru, "", "is empty", "give the feature its name")
            continue
        point = _point(reading, decl, frame, index, row, gazetteer)
        if point is None:
            continue
        as_text += point[2]
        if isinstance(decl.time, ValuesByYear) and not values.get(fid):
            reading.notes.append(f"{spec.file} row {int(row['_row']) + 2}: feature {fid} has no row in "
                                 f"{decl.time.file}, so no years: not on the map.")
            continue
        features.append(_feature(decl, row, point, values.get(fid, {})))
    if as_text:
        reading.notes.append(f"{spec.file}: {as_text} row(s) give their coordinates as text; read as numbers.")
    placeholders = sum(f["properties"]["name_en_transliterated"] for f in features)
    if placeholders:
        reading.notes.append(f"{placeholders} feature(s) have no English name or a placeholder "
                             f"({', '.join(repr(p) for p in decl.names.placeholders) or 'empty'}); shown with a "
                             "transliteration of the Russian name, marked as such.")
    if reading.bad and decl.bad_rows == "fail":
        return None, sorted(reading.bad, key=sort_key)
    left_out = len({p.row for p in reading.bad if p.file == features_file})
    features.sort(key=lambda f: _sort_id(f["id"]))
    meta = {"id": decl.id, "layer": decl.layer, "title": decl.title.model_dump(),
            **({"item": decl.item.model_dump()} if decl.item else {}), "credit": decl.credit.model_dump(),
            "citation": decl.citation.model_dump(), "caveat": decl.caveat.model_dump(),
            "measure": decl.measure.model_dump(), "licence": f"data/collections/{decl.id}/{decl.licence}",
            "attributes": [{"id": a.id, "label": a.label.model_dump()} for a in decl.attribute],
            "years": list(decl.time.years) if isinstance(decl.time, ValuesByYear) else None}
    # One feature per line: small diffs when the source changes.
    text = ('{"type":"FeatureCollection","collection":' + _compact(meta) + ',"features":[\n'
            + ",\n".join(_compact(f) for f in features) + "\n]}")
    report = _report(decl, len(frame), len(features), left_out, reading)
    files = {f"{OUTPUT_DIR}/{decl.id}.geojson": text + "\n", f"{OUTPUT_DIR}/{decl.id}.report.txt": report}
    return Imported(decl, files, len(features), left_out), []


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _sort_id(fid: str) -> tuple[int, int | str]:
    return (0, int(fid)) if fid.isdigit() else (1, fid)


def _report(decl: Collection, n_rows: int, n_features: int, left_out: int, reading: _Reading) -> str:
    lines = [f"Collection {decl.id} ({decl.title.en}): {n_features} features on the map from "
             f"{n_rows} rows of {decl.features.file}.", f"Credit: {decl.credit.en}.", ""]
    if reading.bad:
        lines.append(f"Bad rows, left out ({len(reading.bad)}; {left_out} of them rows of {decl.features.file}):")
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


def import_all(data_dir: Path, layer_ids: Iterable[str],
               gazetteer: Gazetteer | None = None) -> tuple[list[Imported], list[Problem]]:
    """Import every collection of ``data_dir``; all problems of all of them together."""
    layer_ids = tuple(layer_ids)
    done: list[Imported] = []
    problems: list[Problem] = []
    for folder in collection_folders(data_dir):
        imported, found = import_collection(folder, layer_ids, gazetteer)
        problems.extend(found)
        if imported is not None:
            done.append(imported)
    return done, problems
